"""wibrs-check: pre-submission checks for Wisconsin WIBRS / NIBRS crime data."""

__version__ = "0.1.0"

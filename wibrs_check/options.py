"""What the commands' options name, shared by ``check`` (cli.py) and the commands in
:mod:`wibrs_check.commands`: the findings formats and their writers, an output path that must be
writable, and the agency master file. It lives below both so that no command imports the CLI."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .report import eds, github, junit, machine, sarif, text

FORMATS = {
    "text": text.render,
    "json": machine.render_json,
    "csv": machine.render_csv,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
}


# The file name each findings format gets in an output folder (check -o DIR, batch -o DIR).
OUTPUT_NAMES = {"text": "findings.txt", "json": "findings.json", "csv": "findings.csv", "eds": "findings.eds",
                "sarif": "findings.sarif", "junit": "findings.junit.xml", "github": "findings.github.txt",
                "html": "report.html", "xlsx": "findings.xlsx"}


def _render_html(report) -> str:
    from .report import html

    return html.render_check(report)


def _render_eds(report) -> str:
    return eds.render(report.findings, report.processed_on)


def _render_xlsx(report) -> bytes:
    from .report import xlsx

    return xlsx.render(report)


FORMATS["html"] = _render_html
FORMATS["eds"] = _render_eds
FORMATS["xlsx"] = _render_xlsx


def check_writable(path: Path, folder: bool = False) -> None:
    """Refuse, before any file is checked, an output that cannot be written (usage error, exit 2).

    ``folder``: ``path`` is a folder that will be created if missing (batch --output-dir)."""
    path = Path(path)
    if folder:
        probe = path
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        if probe.exists() and not probe.is_dir():
            raise click.UsageError(f"cannot write the report into {path}: {probe} is a file, not a folder")
        if not os.access(probe, os.W_OK | os.X_OK):
            raise click.UsageError(f"cannot write the report into {path}: {probe} is not writable")
        return
    if path.is_dir():
        raise click.UsageError(f"cannot write the report to {path}: it is a folder")
    if path.exists():
        if not os.access(path, os.W_OK):
            raise click.UsageError(f"cannot write the report to {path}: the file is not writable")
        return
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise click.UsageError(f"cannot write the report to {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise click.UsageError(f"cannot write the report to {path}: the folder {parent} is not writable")


def load_agency_file(path: str | None):
    """The agency master file named by ``--agencies`` (None without one); a bad file is a usage error."""
    if not path:
        return None
    try:
        from .agencies import AgencyFileError, load_agencies
    except ImportError as exc:  # pragma: no cover - the agency module ships with the package
        raise click.UsageError(f"agency files are not supported in this build: {exc}")
    try:
        return load_agencies(path)
    except AgencyFileError as exc:
        raise click.UsageError(str(exc))

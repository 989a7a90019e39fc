"""Format one fixed-width NIBRS record from a dict of column values (layout columns)."""

from __future__ import annotations

from .. import spec

HEADER_DEFAULTS = {"action": "I", "sub_month": "07", "sub_year": "2026", "city": "", "ori": "WI0130100"}


def format_record(level: int, values: dict[str, str], length: int | None = None) -> str:
    """Lay ``values`` out at their positions; unknown columns raise, missing ones are blank.

    ``length`` picks the declared segment length (for example 129 for an older victim
    segment); fields past it are left out of the record.
    """
    return spec.lay_out_record(level, {**HEADER_DEFAULTS, **values}, length)

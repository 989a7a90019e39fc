"""Format one fixed-width NIBRS record from a dict of column values (layout columns)."""

from __future__ import annotations

from .. import spec

HEADER_DEFAULTS = {"action": "I", "sub_month": "07", "sub_year": "2026", "city": "", "ori": "WI0130100"}


def format_record(level: int, values: dict[str, str], length: int | None = None) -> str:
    """Lay ``values`` out at their positions; unknown columns raise, missing ones are blank.

    ``length`` picks the declared segment length (for example 129 for an older victim
    segment); fields past it are left out of the record.
    """
    length = length or spec.current_length(level)
    fields = {f.column: f for f in spec.layout(level)}
    unknown = set(values) - set(fields)
    if unknown:
        raise KeyError(f"level {level} has no columns {sorted(unknown)}")
    merged = {**HEADER_DEFAULTS, **values, "seg_length": f"{length:04d}", "seg_level": str(level)}
    if "seg_length" in values:
        merged["seg_length"] = values["seg_length"]
    chars = [" "] * max(length, max(f.end for f in fields.values()))
    for column, value in merged.items():
        f = fields[column]
        text = str(value)[: f.width].ljust(f.width)
        chars[f.start - 1 : f.end] = text
    return "".join(chars[:length])

"""The FBI Error Data Set (EDS): 146-character records (spec sections 5.1 and 6.9).

The EDS carries FBI error numbers only, three digits wide. Warnings (four digits) and our
own codes go to a companion data set in the same layout (see docs/warnings.md): the
error-number field holds the last three digits of an FBI warning (blank for our own codes)
and the message starts with the full code.
"""

from __future__ import annotations

import pandas as pd

from ..spec import EDS_TRAILER_ORI


# The EDS is fixed-width ASCII: one character per byte. A value sent by an agency (an SBR
# cell, an XML element name in a message) may hold any character, so every value is made
# printable ASCII before it is cut to its width; '?' stands for each character that is not,
# as the flat-file reader shows them.
_NOT_PRINTABLE_ASCII = r"[^\x20-\x7e]"


def ascii_only(values: pd.Series) -> pd.Series:
    """Text of ``values`` with every character outside printable ASCII replaced by '?'."""
    return values.fillna("").astype(str).str.replace(_NOT_PRINTABLE_ASCII, "?", regex=True)


def _fit(value: str, width: int, right: bool = False) -> str:
    value = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    value = "".join(c if " " <= c <= "~" else "?" for c in value)[:width]
    return value.rjust(width) if right else value.ljust(width)


def _col(values: pd.Series, width: int) -> pd.Series:
    return ascii_only(values).str.slice(0, width).str.ljust(width)


def eds_lines(findings: pd.DataFrame, warning_set: bool = False) -> pd.Series:
    """One 146-character EDS record per finding, built column by column."""
    f = findings
    on_record = f["record"].notna()
    code = f["code"].astype(str)
    numeric = code.str.fullmatch(r"\d+")
    number = code.str.slice(-3).where(numeric, "") if warning_set else code
    message = f["message"].astype(str)
    if warning_set:
        message = code.where(~numeric, "W" + code) + " " + message
    record = f["record"].fillna(0).astype("int64").astype(str).str.zfill(7)
    blank_if_incident = lambda s: s.where(on_record, "")  # noqa: E731
    return (
        _col(f["sub_year"], 4) + _col(f["sub_month"], 2) + record + _col(f["action"], 1) + _col(f["ori"], 9)
        + _col(f["incident"], 12) + _col(blank_if_incident(f["level"]), 1) + _col(f["offense_code"], 3)
        + _col(f["person_seq"], 3) + _col(f["loss_type"], 1) + _col(f["data_element"], 3) + _col(number, 3)
        + _col(f["value"], 12) + _col(message.str.upper(), 79) + " " * 6
    )


def trailer(processed_on: str) -> str:
    """The closing record: ORI 999999999 and the date the check ran (MM/DD/YYYY)."""
    message = f"WIBRS-CHECK PROCESSED SUBMISSION ON {processed_on}"
    return " " * 14 + EDS_TRAILER_ORI + " " * 38 + _fit(message, 79) + " " * 6


def is_fbi_error(code: pd.Series) -> pd.Series:
    return code.str.fullmatch(r"\d{3}")


def render(findings: pd.DataFrame, processed_on: str, warning_set: bool = False, newline: str = "\r\n") -> str:
    """EDS text. ``warning_set`` selects the companion set of warnings and our own codes."""
    picked = findings[~is_fbi_error(findings["code"])] if warning_set else findings[is_fbi_error(findings["code"])]
    lines = eds_lines(picked, warning_set).tolist() if len(picked) else []
    lines.append(trailer(processed_on))
    return newline.join(lines) + newline

"""The FBI Error Data Set (EDS): 146-character records (spec sections 5.1 and 6.9).

The EDS carries FBI error numbers only, three digits wide. Warnings (four digits) and our
own codes go to a companion data set in the same layout (see docs/warnings.md): the
error-number field holds the last three digits of an FBI warning (blank for our own codes)
and the message starts with the full code.

Positions 1-61 follow the form of the EDS the FBI itself returns (docs/eds.md): person
sequence numbers three digits wide, data element numbers as two digits plus an optional
letter, and errors about how segments relate written against the incident (record number
0000000, no segment level, offense, person or loss type). Which codes take that form, and
which element and value they carry, is the table ``schemas/eds_forms.csv``. Only this writer
applies it: the findings (text, JSON, CSV) keep the record, victim and offense we know.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from .. import spec
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


@cache
def eds_forms() -> pd.DataFrame:
    """Per FBI error number: how the FBI writes it (``schemas/eds_forms.csv``)."""
    return spec.read_table("eds_forms.csv").set_index("code")


def fbi_element(element: pd.Series) -> pd.Series:
    """Data element number as the FBI writes it: two digits, zero-filled, then the letter if
    any (3 -> ``03``, 2A -> ``02A``, 25C -> ``25C``). Names that are not FBI data elements
    (our own ``length``, ``zero_month`` ...) have no number and are left blank."""
    parts = element.fillna("").astype(str).str.strip().str.extract(r"^(\d{1,2})([A-Z]?)$")
    return (parts[0].str.zfill(2) + parts[1]).fillna("")


def fbi_form(findings: pd.DataFrame) -> pd.DataFrame:
    """The fields of positions 1-61 as the FBI fills them, one row per finding.

    A finding the rule placed on no record, or whose code the FBI writes against the
    incident (``record`` = incident in ``eds_forms.csv``), gets record 0 and blank level,
    offense, person and loss type. The table may name the element (a level as ``L 6``) and
    say whether the value is the one found, blank, or the missing level (075)."""
    f = findings
    code = f["code"].astype(str)
    forms = eds_forms().reindex(code.to_numpy())
    form_record = pd.Series(forms["record"].fillna("").to_numpy(), index=f.index)
    form_element = pd.Series(forms["data_element"].fillna("").to_numpy(), index=f.index)
    form_value = pd.Series(forms["value"].fillna("").to_numpy(), index=f.index)
    on_record = f["record"].notna() & (form_record != "incident")
    value = f["value"].fillna("").astype(str)
    element = fbi_element(f["data_element"])
    element = element.mask(form_element != "", fbi_element(form_element).mask(form_element.str.startswith("L "), form_element))
    names_level = form_value == "level"
    element = element.mask(names_level, "L " + value.str.slice(0, 1))
    value = value.mask(names_level | (form_value == "blank"), "")
    seq = f["person_seq"].fillna("").astype(str).str.strip()
    seq = seq.mask(seq.str.fullmatch(r"\d{1,3}"), seq.str.zfill(3))
    keep = lambda s: s.fillna("").astype(str).where(on_record, "")  # noqa: E731
    return pd.DataFrame({
        "record": f["record"].fillna(0).astype("int64").astype(str).str.zfill(7).where(on_record, "0000000"),
        "level": keep(f["level"]), "offense_code": keep(f["offense_code"]), "person_seq": keep(seq),
        "loss_type": keep(f["loss_type"]), "data_element": element, "value": value,
    }, index=f.index)


def eds_lines(findings: pd.DataFrame, warning_set: bool = False) -> pd.Series:
    """One 146-character EDS record per finding, built column by column."""
    f = findings
    form = fbi_form(f)
    code = f["code"].astype(str)
    numeric = code.str.fullmatch(r"\d+")
    number = code.str.slice(-3).where(numeric, "") if warning_set else code
    message = f["message"].astype(str)
    if warning_set:
        message = code.where(~numeric, "W" + code) + " " + message
    return (
        _col(f["sub_year"], 4) + _col(f["sub_month"], 2) + form["record"] + _col(f["action"], 1) + _col(f["ori"], 9)
        + _col(f["incident"], 12) + _col(form["level"], 1) + _col(form["offense_code"], 3)
        + _col(form["person_seq"], 3) + _col(form["loss_type"], 1) + _col(form["data_element"], 3) + _col(number, 3)
        + _col(form["value"], 12) + _col(message.str.upper(), 79) + " " * 6
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

"""Plain words for people: the field of a finding by name, and what to do about it.

Writers use these so that a clerk reads "relationship of victim to offender" instead of
"DE 35" and gets the catalog's advice for each code, or a more precise one where the value
itself tells what went wrong (a code the FBI no longer takes, such as 90I runaway).
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from .. import spec

# Codes that were valid in earlier NIBRS versions and are no longer accepted:
# (data element, value) -> what to do. The catalog's advice for the edit that fires
# ("enter a valid value") does not tell a clerk that the whole report should go.
REMOVED_CODES = {
    ("45", "90I"): "90I (runaway) is no longer a Group B offense: the FBI does not take runaway "
                   "reports any more. Do not send this arrest (remove it from the file); if the "
                   "person was arrested for another offense, report that offense's code instead.",
}

# The segment a level stands for, as a clerk would name it ("S": one line of a summary return).
SEGMENT_WORDS = {
    "0": "zero report", "1": "administrative segment", "2": "offense segment", "3": "property segment",
    "4": "victim segment", "5": "offender segment", "6": "arrestee segment", "7": "Group B arrest",
    "S": "summary return",
}

# The XML element a segment of each level is read from (docs/xml.md), for XML line references.
XML_ELEMENTS = {
    "0": "nibrs:Report", "1": "nibrs:Report", "2": "j:Offense", "3": "nc:Item or nc:Substance",
    "4": "j:Victim", "5": "j:Subject", "6": "j:Arrestee", "7": "j:Arrestee",
}

_OCCURRENCE = re.compile(r"\s*#\d+$")


@cache
def _layout_words() -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """(level, column) -> field name, and data element -> field name (first layout that has it)."""
    by_column: dict[tuple[str, str], str] = {}
    by_element: dict[str, str] = {}
    for level in spec.LEVELS:
        for f in spec.layout(level):
            name = _OCCURRENCE.sub("", f.description).strip()
            name = name[0].lower() + name[1:] if name[:2] not in ("UC", "OR") and not name[:2].isupper() else name
            by_column[(str(level), f.column)] = name
            by_element.setdefault(str(f.data_element), name)
    return by_column, by_element


def field_words(level: str, column: str, data_element: str) -> str:
    """The field of a finding in words ("relationship of victim to offender"); "" if unknown."""
    by_column, by_element = _layout_words()
    level, column, data_element = str(level or ""), str(column or ""), str(data_element or "")
    if column and (level, column) in by_column:
        return by_column[(level, column)]
    if data_element and data_element in by_element:
        return by_element[data_element]
    if level == "S" and column:
        return f"column '{column}'"
    return ""


def fixes(findings: pd.DataFrame) -> pd.Series:
    """What to do about each finding, in plain words: the catalog's advice for its code, or a
    more precise one where the value is a code that is no longer accepted."""
    if not len(findings):
        return pd.Series([], index=findings.index, dtype="str")
    catalog = spec.edit_catalog()["description"].astype(str)
    out = findings["code"].map(catalog).fillna("")
    keys = pd.Series(list(zip(findings["data_element"].fillna("").astype(str),
                              findings["value"].fillna("").astype(str).str.strip())), index=findings.index)
    removed = keys.map(REMOVED_CODES)
    return removed.where(removed.notna(), out).astype(str)


def fix_for(code: str, data_element: str = "", value: str = "") -> str:
    """What to do about one finding (see :func:`fixes`)."""
    removed = REMOVED_CODES.get((str(data_element or ""), str(value or "").strip()))
    if removed:
        return removed
    catalog = spec.edit_catalog()
    return str(catalog.loc[code, "description"]) if code in catalog.index else ""

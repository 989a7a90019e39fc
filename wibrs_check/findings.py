"""The findings contract: one DataFrame row per problem found, validated by pandera.

Writers rely on exactly these columns, in this order. They are a stable surface for other
programs (JSON and CSV output): add columns at the end, never rename or drop one.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

SEVERITIES = ("error", "warning", "flag")

COLUMNS = (
    "file", "record", "line", "action", "sub_year", "sub_month", "ori", "incident", "level",
    "offense_code", "person_seq", "loss_type", "data_element", "column", "code", "severity",
    "value", "message", "unit",
)

COLUMN_DOCS = {
    "file": "path of the input file",
    "record": "ordinal of the non-blank record in the file (the FBI EDS record number); empty when the finding is about a whole incident or the file",
    "line": "physical line number in the file (counts blank lines)",
    "action": "segment action type of the record (I, A, D)",
    "sub_year": "year of submission (positions 9-12)",
    "sub_month": "month of submission (positions 7-8)",
    "ori": "ORI of the agency (positions 17-25)",
    "incident": "incident number, or arrest transaction number for Group B arrests",
    "level": "segment level of the record as sent (0-7, or the unknown value of a record that could not be placed)",
    "offense_code": "UCR offense code of an offense segment in error",
    "person_seq": "victim, offender or arrestee sequence number of the segment in error",
    "loss_type": "type of property loss of a property segment in error",
    "data_element": "FBI data element number in error (for example 24, 8A, 25C)",
    "column": "wibrs-check column name of the field in error (see schemas/layouts.csv)",
    "code": "edit code: FBI error or warning number, or one of our own (IO, HT, GAP, SBR)",
    "severity": "error (the incident will be rejected), warning (data quality) or flag (our own trafficking and gap signals)",
    "value": "the value in error, exactly as sent (right-trimmed)",
    "message": "what is wrong, in plain words",
    "unit": "internal id of the submission unit (incident, arrest or zero report) the record belongs to",
    "fix": "what to do about it, in plain words (the code's advice, or a more precise one for the value sent)",
}

# What the JSON and CSV writers output: the findings columns, then columns the writers add
# from them (only ever at the end). COLUMN_DOCS documents every one of them.
OUTPUT_COLUMNS = COLUMNS + ("fix",)


@cache
def schema():
    """The contract as a pandera schema (built on first use: pandera is slow to import)."""
    import pandera.pandas as pa

    def text(**kwargs) -> pa.Column:
        return pa.Column(str, **kwargs)

    special = {
        "record": pa.Column("Int64", nullable=True, checks=pa.Check.ge(1)),
        "line": pa.Column("Int64", nullable=True, checks=pa.Check.ge(1)),
        "level": text(checks=pa.Check.str_length(max_value=1)),
        "code": text(checks=pa.Check.str_length(min_value=3)),
        "severity": text(checks=pa.Check.isin(SEVERITIES)),
        "message": text(checks=pa.Check.str_length(min_value=1)),
        "unit": pa.Column("Int64", nullable=True),
    }
    return pa.DataFrameSchema({name: special.get(name, text()) for name in COLUMNS}, strict=True, ordered=True)


def __getattr__(name: str):
    if name == "SCHEMA":  # the former module constant, built on demand
        return schema()
    raise AttributeError(name)


_INTEGER_COLUMNS = ("record", "line", "unit")


def check(frame: pd.DataFrame) -> pd.DataFrame:
    """The checks of :func:`validate`, vectorised without pandera (the engine calls this once
    per check run, where pandera's own overhead was a fifth of a small file's check)."""
    if tuple(frame.columns) != COLUMNS:
        raise ValueError(f"findings columns {list(frame.columns)} are not {list(COLUMNS)}")
    for name in COLUMNS:
        values = frame[name]
        if name in _INTEGER_COLUMNS:
            if values.dtype != "Int64":
                raise ValueError(f"findings column {name} is {values.dtype}, not Int64")
        elif not (pd.api.types.is_string_dtype(values.dtype) and values.dtype != object) or values.isna().any():
            raise ValueError(f"findings column {name} must be text without missing values")
    for name in ("record", "line"):
        if (frame[name].dropna() < 1).any():
            raise ValueError(f"findings column {name} holds a value below 1")
    lengths = {name: frame[name].str.len() for name in ("level", "code", "message")}
    if (lengths["level"] > 1).any() or (lengths["code"] < 3).any() or (lengths["message"] < 1).any():
        raise ValueError("findings hold a level longer than 1, a code shorter than 3 or an empty message")
    if not frame["severity"].isin(SEVERITIES).all():
        raise ValueError(f"findings severity must be one of {SEVERITIES}")
    return frame


def empty() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series([], dtype="str") for name in COLUMNS})
    for name in ("record", "line", "unit"):
        frame[name] = frame[name].astype("Int64")
    return frame


def validate(frame: pd.DataFrame) -> pd.DataFrame:
    return schema().validate(frame)

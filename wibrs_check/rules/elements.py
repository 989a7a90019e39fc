"""Single-field edits generated from ``schemas/elements/level<N>.csv`` as pandera checks.

Each row of those tables says of one field: whether it must always be present
(``mandatory = always``), which code list or format it must follow (``codes``: a data
element key of ``codes.csv``, or ``numeric``, ``date``, ``hour``), and which FBI numbers report
a missing (``missing_edit``) or invalid (``invalid_edit``) value. One pandera schema per
level validates the level frame; each failure case becomes a finding under the mapped number.
Delete records (action D) carry only their header and are not held to these field edits.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from .. import spec
from .registry import rule

FORMATS = {
    "numeric": lambda s: s.str.fullmatch(r"\d*"),
    "date": lambda s: (s == "") | _valid_dates(s),
    "hour": lambda s: (s == "") | s.isin([f"{h:02d}" for h in range(24)]),
}


def _valid_dates(values: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(values, format="%Y%m%d", errors="coerce")
    return parsed.notna() & values.str.fullmatch(r"\d{8}") & (parsed.dt.year >= 1900)


@cache
def element_table(level: int) -> pd.DataFrame:
    try:
        return spec.read_table(f"elements/level{level}.csv")
    except FileNotFoundError:
        return pd.DataFrame(columns=["column", "mandatory", "codes", "missing_edit", "invalid_edit"])


def _checks_for(row) -> list:
    import pandera.pandas as pa  # imported on first check, not when the rules are listed

    checks = []
    if row.mandatory == "always" and row.missing_edit:
        checks.append(pa.Check(lambda s: s != "", name=row.missing_edit, error=row.missing_edit))
    if row.codes and row.invalid_edit:
        if row.codes in FORMATS:
            test = FORMATS[row.codes]
            checks.append(pa.Check(lambda s, t=test: (s == "") | t(s), name=row.invalid_edit, error=row.invalid_edit))
        else:
            allowed = sorted(spec.valid_codes(row.codes) | {""})
            if len(allowed) <= 1:
                raise ValueError(f"level {row.level}: no codes for {row.codes!r} ({row.column})")
            checks.append(pa.Check.isin(allowed, name=row.invalid_edit, error=row.invalid_edit))
    return checks


@cache
def level_schema(level: int):
    import pandera.pandas as pa

    table = element_table(level).assign(level=level)
    columns = {r.column: pa.Column(str, checks=_checks_for(r), nullable=False) for r in table.itertuples(index=False)}
    return pa.DataFrameSchema(columns, strict=False)


@cache
def field_tests(level: int) -> tuple:
    """(column, code, test) for every check of ``level_schema(level)``, in the schema's order:
    ``test(values)`` is True where a value passes. The same checks as the pandera schema,
    applied directly (pandera's per-check overhead dominated small files)."""
    tests = []
    for row in element_table(level).itertuples(index=False):
        if row.mandatory == "always" and row.missing_edit:
            tests.append((row.column, row.missing_edit, lambda s: s != ""))
        if row.codes and row.invalid_edit:
            if row.codes in FORMATS:
                tests.append((row.column, row.invalid_edit, lambda s, t=FORMATS[row.codes]: (s == "") | t(s)))
            else:
                allowed = sorted(spec.valid_codes(row.codes) | {""})
                if len(allowed) <= 1:
                    raise ValueError(f"level {level}: no codes for {row.codes!r} ({row.column})")
                tests.append((row.column, row.invalid_edit, lambda s, a=allowed: s.isin(a)))
    return tuple(tests)


def failure_cases(sub, level: int) -> pd.DataFrame:
    """All single-field failures of one level: rid, column, code (computed once per submission)."""

    def build(_sub) -> pd.DataFrame:
        frame = sub.frames[level]
        frame = frame[frame["action"] != "D"]
        empty = pd.DataFrame({"rid": pd.Series([], dtype="int64"), "column": [], "code": []})
        if not len(frame) or not len(element_table(level)):
            return empty
        rids, columns, codes = [], [], []
        index = frame.index.to_numpy()
        for column, code, test in field_tests(level):
            if column not in frame.columns:
                continue
            failed = ~test(frame[column]).fillna(False).to_numpy(dtype=bool)
            if failed.any():
                picked = index[failed]
                rids.append(picked)
                columns.append(np.full(len(picked), column, dtype=object))
                codes.append(np.full(len(picked), code, dtype=object))
        if not rids:
            return empty
        out = pd.DataFrame({"rid": np.concatenate(rids).astype(np.int64), "column": np.concatenate(columns),
                            "code": np.concatenate(codes)})
        return out.drop_duplicates()

    return sub.derived(f"element_failures_{level}", build)


def failure_cases_pandera(sub, level: int) -> pd.DataFrame:
    """``failure_cases`` through the pandera schema (the reference the direct checks are tested against)."""

    def build(_sub) -> pd.DataFrame:
        from pandera.errors import SchemaErrors

        frame = sub.frames[level]
        frame = frame[frame["action"] != "D"]
        empty = pd.DataFrame({"rid": pd.Series([], dtype="int64"), "column": [], "code": []})
        if not len(frame) or not len(element_table(level)):
            return empty
        try:
            level_schema(level).validate(frame, lazy=True)
        except SchemaErrors as exc:
            cases = exc.failure_cases
            cases = cases[cases["index"].notna() & cases["check"].notna()]
            out = pd.DataFrame({
                "rid": cases["index"].astype("int64").to_numpy(),
                "column": cases["column"].astype(str).to_numpy(),
                "code": cases["check"].astype(str).to_numpy(),
            })
            return out.drop_duplicates()
        return empty

    return build(sub)


def _register_level(level: int) -> None:
    table = element_table(level)
    codes = sorted(set(table["missing_edit"]) | set(table["invalid_edit"]) - {""})
    for code in codes:
        if not code:
            continue

        def check(sub, ctx, code=code, level=level):
            cases = failure_cases(sub, level)
            picked = cases[cases["code"] == code]
            return picked.set_index("rid")[["column"]]

        check.__name__ = f"single_field_{code}_level{level}"
        columns = table.loc[(table["missing_edit"] == code) | (table["invalid_edit"] == code), "column"]
        kind = "must be present" if (table["missing_edit"] == code).any() else "must hold a valid code"
        check.__doc__ = (
            f"Field-by-field check of the {spec.LEVEL_NAMES[level]} segment: each of these fields {kind} "
            f"({', '.join(spec.field(level, c).description for c in columns)}). "
            "Valid codes are listed in the NIBRS specification and in wibrs-check's schemas/codes.csv; "
            "correct the field in your records system and resend the incident."
        )
        rule(code, level=level)(check)


for _level in spec.LEVELS:
    _register_level(_level)

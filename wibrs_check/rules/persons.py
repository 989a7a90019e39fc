"""Shared helpers for the person-segment edits (victim 4xx, offender 5xx, arrestee 6xx).

Everything here is vectorised and built once per submission through ``sub.derived``:

* :func:`segments` - a level frame without delete records, with the incident ``unit`` of
  each record (records of one Group A incident share a unit).
* :func:`typed_ages` - ages of victims, offenders or arrestees as typed columns: the faults
  the FBI reports (not left-justified, bad range, range starting 00, not a valid value) and
  the age in years used for comparisons (exact age; average of a range, truncated, as the
  FBI stores it; NN/NB/BB = 0; 00 = unknown).
* :func:`victim_offenses` - one row per (victim, connected offense) from data element 24.
* :func:`victim_offenders` - one row per (victim, related offender) from data elements 34/35,
  joined to the offender segment with that sequence number in the same incident.
* table-driven registrars for the edits that repeat on every person level: ages,
  sequence numbers, multi-value fields and incident / arrest transaction numbers.

Tables (``schemas/person_*.csv``) are described in ``schemas/README-persons.md``.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from .. import spec
from .registry import rule

NO_RIDS = pd.Index([], dtype="int64", name="rid")


# ---------------------------------------------------------------------------------------
# Tables


@cache
def table(name: str) -> pd.DataFrame:
    return spec.read_table(name)


def codes_of(text: str) -> frozenset[str]:
    """A space-separated list of codes in a table cell."""
    return frozenset(text.split())


def exploded(frame: pd.DataFrame, key: str, list_column: str, name: str) -> pd.DataFrame:
    """Long form of a table column holding space-separated codes: one row per (key, code)."""
    out = frame[[key, list_column]].assign(**{name: frame[list_column].str.split()}).explode(name)
    out = out[out[name].notna() & (out[name] != "")]
    return out[[key, name]].astype(object).drop_duplicates().reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# Frames


def segments(sub, level: int) -> pd.DataFrame:
    """The level frame without delete records, plus the ``unit`` (incident) of each record."""

    def build(s) -> pd.DataFrame:
        frame = s.frames[level]
        frame = frame[frame["action"] != "D"]
        units = s.records["unit"].reindex(frame.index).to_numpy() if len(frame) else np.array([], dtype=np.int64)
        return frame.assign(unit=units)

    return sub.derived(f"persons.segments.{level}", build)


def occurrences(level: int, element: str) -> list[str]:
    """Layout columns of every occurrence of a data element, in order (``de24_1`` ... ``de24_10``)."""
    return [f.column for f in spec.layout(level) if f.data_element == element and not f.column.startswith(("de13auto", "de46auto"))]


def long_form(frame: pd.DataFrame, columns: list[str], name: str = "value") -> pd.DataFrame:
    """One row per non-blank occurrence: rid, unit, k (1-based), column, value."""
    parts = []
    for k, column in enumerate(columns, start=1):
        values = frame[column]
        keep = values != ""
        if keep.any():
            parts.append(pd.DataFrame({
                "rid": frame.index[keep.to_numpy()].to_numpy(dtype=np.int64),
                "unit": frame.loc[keep, "unit"].to_numpy(dtype=np.int64),
                "k": k,
                "column": column,
                name: values[keep].to_numpy(dtype=object),
            }))
    if not parts:
        return pd.DataFrame({"rid": pd.Series([], dtype="int64"), "unit": pd.Series([], dtype="int64"),
                             "k": pd.Series([], dtype="int64"), "column": pd.Series([], dtype=object),
                             name: pd.Series([], dtype=object)})
    return pd.concat(parts, ignore_index=True)


def first_nonblank_column(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """For each record, the first of ``columns`` that holds a value ('' when none does)."""
    out = pd.Series("", index=frame.index, dtype=object)
    for column in reversed(columns):
        out = out.where(frame[column] == "", column)
    return out


def label(level: int, column: str) -> str:
    """How a clerk reads a field: 'type injury (data element 33)'."""
    f = spec.field(level, column)
    text = f.description.split(" #")[0]
    return f"{text[0].lower()}{text[1:]} (data element {f.data_element})"


def hits(rids, column="", detail=None, on_record=True, value=None) -> pd.DataFrame:
    """Findings frame for the engine: indexed by rid with column/detail/on_record/value."""
    rids = np.asarray(rids, dtype=np.int64)
    out = pd.DataFrame({"column": column if np.ndim(column) else [column] * len(rids)}, index=pd.Index(rids, name="rid"))
    out["column"] = out["column"].astype(object)
    if detail is not None:
        out["detail"] = np.asarray(detail, dtype=object) if np.ndim(detail) else detail
    if value is not None:
        out["value"] = np.asarray(value, dtype=object) if np.ndim(value) else value
    out["on_record"] = on_record
    return out


def empty_hits() -> pd.DataFrame:
    return hits([])


# ---------------------------------------------------------------------------------------
# Ages


def typed_age(values: pd.Series, letter_codes: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Parse ages as sent (right-trimmed text of a 4-character field).

    Columns: ``blank``; ``left`` (not left-justified); ``range_format`` (more than two
    characters but not four digits); ``range_order`` (range whose first age is not lower
    than the second); ``range_zero`` (range starting 00); ``invalid`` (one or two characters
    that are neither two digits nor an allowed letter code); ``unknown`` (00); ``years``
    (float: exact age, truncated average of a valid range, 0 for NN/NB/BB, NaN otherwise).
    """
    v = values.fillna("").astype(str)
    blank = v == ""
    left = ~blank & v.str.startswith(" ")
    length = v.str.len()
    two = v.str.fullmatch(r"\d{2}").astype(bool)
    four = v.str.fullmatch(r"\d{4}").astype(bool)
    letters = v.isin(sorted(letter_codes))
    range_attempt = ~blank & ~left & (length > 2)
    range_format = range_attempt & ~four
    low = pd.to_numeric(v.str.slice(0, 2).where(four), errors="coerce")
    high = pd.to_numeric(v.str.slice(2, 4).where(four), errors="coerce")
    range_order = four & (low >= high)
    range_zero = four & (low == 0)
    invalid = ~blank & ~left & ~range_attempt & ~two & ~letters
    exact = pd.to_numeric(v.where(two), errors="coerce")
    years = exact.where(exact != 0)
    years = years.where(~letters, 0.0)
    good_range = four & ~range_order & ~range_zero
    years = years.where(~good_range, np.floor((low + high) / 2))
    return pd.DataFrame({
        "raw": v, "blank": blank, "left": left, "range_format": range_format, "range_order": range_order.fillna(False),
        "range_zero": range_zero.fillna(False), "invalid": invalid, "unknown": v == "00",
        "years": years.astype(float),
    }, index=values.index)


def age_column(level: int) -> str:
    rows = table("person_age_edits.csv")
    return rows.loc[rows["level"] == str(level), "column"].iloc[0]


def typed_ages(sub, level: int) -> pd.DataFrame:
    """Typed ages of one person level (see :func:`typed_age`), indexed by rid."""
    rows = table("person_age_edits.csv")
    row = rows[rows["level"] == str(level)].iloc[0]

    def build(s) -> pd.DataFrame:
        frame = segments(s, level)
        return typed_age(frame[row["column"]], codes_of(row["letter_codes"]))

    return sub.derived(f"persons.ages.{level}", build)


def known_descriptors(sub, level: int = 5) -> pd.Series:
    """True for each segment whose age, sex and race are all known (not blank, not unknown)."""
    frame = segments(sub, level)
    unknown = table("person_unknown_codes.csv")
    unknown = unknown[unknown["level"] == str(level)]
    known = pd.Series(True, index=frame.index)
    for r in unknown.itertuples(index=False):
        known &= (frame[r.column] != "") & (frame[r.column] != r.unknown)
    return known


def all_unknown_descriptors(sub, level: int = 5) -> pd.Series:
    """True for each segment whose age, sex and race are all the 'unknown' codes."""
    frame = segments(sub, level)
    unknown = table("person_unknown_codes.csv")
    unknown = unknown[unknown["level"] == str(level)]
    out = pd.Series(True, index=frame.index)
    for r in unknown.itertuples(index=False):
        out &= frame[r.column] == r.unknown
    return out


# ---------------------------------------------------------------------------------------
# Links between segments of one incident


def unit_values(sub, level: int, column: str) -> pd.DataFrame:
    """(unit, value) for every non-blank value of a column on a level (e.g. offense codes)."""
    frame = segments(sub, level)
    keep = frame[column] != ""
    return pd.DataFrame({"unit": frame.loc[keep, "unit"].to_numpy(dtype=np.int64),
                         column: frame.loc[keep, column].to_numpy(dtype=object)})


def unit_count(sub, level: int) -> pd.Series:
    """Number of (non-delete) segments of a level per unit."""
    frame = segments(sub, level)
    return frame.groupby("unit").size()


def per_unit(frame: pd.DataFrame, counts: pd.Series) -> np.ndarray:
    """Look up a per-unit series for each record of ``frame`` (0 where the unit has none)."""
    return counts.reindex(frame["unit"].to_numpy()).fillna(0).to_numpy()


def victim_offenses(sub) -> pd.DataFrame:
    """One row per victim and connected offense (data element 24): rid, unit, k, column, offense."""

    def build(s) -> pd.DataFrame:
        frame = segments(s, 4)
        return long_form(frame, occurrences(4, "24"), "offense")

    return sub.derived("persons.victim_offenses", build)


def victim_offense_rules() -> pd.DataFrame:
    return table("victim_offense_rules.csv")


def victim_offense_facts(sub) -> pd.DataFrame:
    """:func:`victim_offenses` joined to ``victim_offense_rules.csv`` (one row per link), plus
    ``circumstance_offense`` = Y when the offense permits circumstances (data element 31)."""

    def build(s) -> pd.DataFrame:
        links = victim_offenses(s)
        facts = links.merge(victim_offense_rules(), left_on="offense", right_on="code", how="left")
        facts["circumstance_offense"] = np.where(facts["circumstances"].fillna("") != "", "Y", "N")
        return facts

    return sub.derived("persons.victim_offense_facts", build)


def victims_with(sub, flag: str) -> pd.Index:
    """Victims connected to at least one offense whose ``flag`` column in the offense table is Y."""
    facts = victim_offense_facts(sub)
    return pd.Index(np.unique(facts.loc[facts[flag] == "Y", "rid"].to_numpy(dtype=np.int64)))


def victim_offenders(sub) -> pd.DataFrame:
    """One row per victim and related offender number (data elements 34 and 35).

    Columns: rid (victim), unit, k, column (de34_k), offender (the number as sent),
    relationship (de35_k), rel_column (de35_k), offender_rid (the offender segment of the
    same incident with that sequence number, -1 when there is none).
    """

    def build(s) -> pd.DataFrame:
        frame = segments(s, 4)
        numbers = long_form(frame, occurrences(4, "34"), "offender")
        relationships = occurrences(4, "35")
        if len(numbers):
            k = numbers["k"].to_numpy() - 1
            rel = np.empty(len(numbers), dtype=object)
            rel_cols = np.array(relationships, dtype=object)[k]
            for i, column in enumerate(relationships):
                pick = k == i
                if pick.any():
                    rel[pick] = frame[column].reindex(numbers.loc[pick, "rid"].to_numpy()).to_numpy(dtype=object)
            numbers["relationship"] = rel
            numbers["rel_column"] = rel_cols
        else:
            numbers["relationship"] = pd.Series([], dtype=object)
            numbers["rel_column"] = pd.Series([], dtype=object)
        offenders = segments(s, 5)
        index = pd.DataFrame({"unit": offenders["unit"].to_numpy(dtype=np.int64),
                              "offender": offenders["de36"].to_numpy(dtype=object),
                              "offender_rid": offenders.index.to_numpy(dtype=np.int64)})
        index = index[index["offender"] != ""].drop_duplicates(["unit", "offender"])
        out = numbers.merge(index, on=["unit", "offender"], how="left")
        out["offender_rid"] = out["offender_rid"].fillna(-1).astype(np.int64)
        return out

    return sub.derived("persons.victim_offenders", build)


def incident_admin(sub) -> pd.DataFrame:
    """The administrative segment of each unit (first one), indexed by unit."""

    def build(s) -> pd.DataFrame:
        admin = segments(s, 1)
        return admin.drop_duplicates("unit").set_index("unit")

    return sub.derived("persons.incident_admin", build)


def admin_value(sub, frame: pd.DataFrame, column: str) -> pd.Series:
    """A field of the incident's administrative segment for each record of ``frame``."""
    admin = incident_admin(sub)
    values = admin[column].reindex(frame["unit"].to_numpy())
    has = values.notna().to_numpy()
    return pd.Series(np.where(has, values.fillna("").to_numpy(dtype=object), None), index=frame.index, dtype=object)


def dates(values: pd.Series) -> pd.Series:
    """YYYYMMDD text as datetimes (NaT when not a valid date)."""
    text = values.fillna("").astype(str)
    parsed = pd.to_datetime(text.where(text.str.fullmatch(r"\d{8}").astype(bool)), format="%Y%m%d", errors="coerce")
    return parsed


def later_duplicates(frame: pd.DataFrame, keys: list[str]) -> pd.Index:
    """Records whose key values repeat an earlier record's (the first one is not flagged)."""
    dup = frame.duplicated(keys, keep="first")
    return frame.index[dup.to_numpy()]


# ---------------------------------------------------------------------------------------
# Table-driven edits that repeat on every person level


def register_age_edits(level: int) -> None:
    """Age format edits of one level from ``person_age_edits.csv``."""
    rows = table("person_age_edits.csv")
    row = rows[rows["level"] == str(level)].iloc[0]
    column = row["column"]
    name = label(level, column)
    kinds = {
        "left": (row["left_edit"],
                 f"The {name} holds data but does not start in the first position of the field. A single age goes in "
                 "the first two positions (for example '25' followed by two blanks). Left-justify the age."),
        "range_format": (row["range_format_edit"],
                         f"The {name} has more than two characters, which is read as an attempted age range, but it is "
                         "not four digits. An age range is written as four digits, for example 2530 for 25 to 30. "
                         "Send a single two-digit age or a four-digit range."),
        "range_order": (row["range_order_edit"],
                        f"The {name} is an age range whose first age is not lower than the second (for example 3025). "
                        "Put the younger age first."),
        "range_zero": (row["range_zero_edit"],
                       f"The {name} is an age range starting with 00 (unknown), which is not a range. Send 00 alone "
                       "for an unknown age, or a real range."),
        "invalid": (row["invalid_edit"],
                    f"The {name} is not a valid age: use two digits 01-98, 99 for over 98, or 00 for unknown"
                    + (f", or {', '.join(sorted(codes_of(row['letter_codes'])))} for a baby" if row["letter_codes"] else "")
                    + ". Correct the age."),
    }
    for kind, (code, doc) in kinds.items():
        if not code:
            continue

        def check(sub, ctx, kind=kind):
            ages = typed_ages(sub, level)
            return ages[kind]

        check.__name__ = f"age_{kind}_{code}"
        check.__doc__ = doc
        rule(code, level=level, column=column)(check)


def register_sequence_edits(level: int) -> None:
    """Sequence-number edits (zero-filled width, lowest value, duplicates) from ``person_sequence_edits.csv``."""
    rows = table("person_sequence_edits.csv")
    for row in rows[rows["level"] == str(level)].itertuples(index=False):
        columns = occurrences(level, row.element)
        width, lowest = int(row.width), int(row.lowest)
        name = label(level, columns[0])

        def fmt(sub, ctx, columns=columns, width=width):
            frame = segments(sub, level)
            parts = []
            for column in columns:
                v = frame[column]
                short = v.str.fullmatch(rf"\d{{1,{width - 1}}}").astype(bool)
                parts.append(hits(frame.index[short.to_numpy()], column))
            return pd.concat(parts) if parts else empty_hits()

        fmt.__name__ = f"sequence_width_{row.format_edit}_{row.element}"
        fmt.__doc__ = (f"The {name} must be {width} digits with leading zeros (for example "
                       f"{'1'.zfill(width)}, not 1). Zero-fill the number.")
        rule(row.format_edit, level=level)(fmt)

        if row.range_edit:
            def low(sub, ctx, column=columns[0], lowest=lowest, width=width):
                frame = segments(sub, level)
                v = frame[column]
                number = pd.to_numeric(v.where(v.str.fullmatch(rf"\d{{{width}}}").astype(bool)), errors="coerce")
                return (number < lowest).fillna(False)

            low.__name__ = f"sequence_lowest_{row.range_edit}_{row.element}"
            low.__doc__ = (f"The {name} starts at {str(lowest).zfill(width)}; all zeros is not a valid number. "
                           "Number the segments from 1 upward.")
            rule(row.range_edit, level=level, column=columns[0])(low)

        if row.duplicate_edit:
            def dup(sub, ctx, column=columns[0]):
                frame = segments(sub, level)
                frame = frame[frame[column] != ""]
                return hits(later_duplicates(frame, ["unit", column]), column)

            dup.__name__ = f"sequence_duplicate_{row.duplicate_edit}_{row.element}"
            dup.__doc__ = (f"Two segments of the same incident carry the same {name}; each must be unique within "
                           "the incident. Renumber the duplicate (the second one is flagged).")
            rule(row.duplicate_edit, level=level, column=columns[0])(dup)


def register_multivalue_edits(level: int) -> None:
    """Duplicate and mutually exclusive codes in multi-value fields (``person_multivalue_edits.csv``)."""
    rows = table("person_multivalue_edits.csv")
    for row in rows[rows["level"] == str(level)].itertuples(index=False):
        columns = occurrences(level, row.element)
        name = label(level, columns[0])

        def dup(sub, ctx, columns=columns):
            frame = segments(sub, level)
            values = long_form(frame, columns)
            flagged = values[values.duplicated(["rid", "value"], keep="first")]
            return hits(flagged["rid"], flagged["column"].to_numpy(), detail="value " + flagged["value"].astype(str))

        dup.__name__ = f"duplicate_{row.duplicate_edit}_{row.element}"
        dup.__doc__ = (f"The same code appears twice in {name} on one segment. Each code may be entered once; "
                       "remove the repeated entry.")
        rule(row.duplicate_edit, level=level)(dup)

        if row.exclusive_codes:
            exclusive = sorted(codes_of(row.exclusive_codes))

            def excl(sub, ctx, columns=columns, exclusive=exclusive):
                frame = segments(sub, level)
                values = long_form(frame, columns).drop_duplicates(["rid", "value"])
                per = values.groupby("rid").agg(n=("value", "size"))
                with_excl = values[values["value"].isin(exclusive)]
                flagged = with_excl[with_excl["rid"].map(per["n"]).to_numpy() > 1]
                return hits(flagged["rid"], flagged["column"].to_numpy(), detail="value " + flagged["value"].astype(str))

            excl.__name__ = f"exclusive_{row.exclusive_edit}_{row.element}"
            excl.__doc__ = (f"In {name}, code {' / '.join(exclusive)} means 'none' and cannot be entered together with "
                            "another code. Keep either that code alone or the other codes.")
            rule(row.exclusive_edit, level=level)(excl)


def register_identifier_edits(level: int) -> None:
    """Incident number / arrest transaction number character edits (``person_identifier_edits.csv``)."""
    rows = table("person_identifier_edits.csv")
    rows = rows[rows["level"] == str(level)]
    kinds = {
        "embedded_blank_edit": (
            lambda v: v.str.strip().str.contains(" ", regex=False).astype(bool),
            "The {names} has blanks between its first and last characters. Write it without inner blanks, "
            "left-justified and padded with blanks on the right."),
        "leading_blank_edit": (
            lambda v: v.str.startswith(" ").astype(bool),
            "The {names} starts with a blank. It must be left-justified, with blanks only on the right."),
        "characters_edit": (
            lambda v: v.str.contains(r"[^A-Z0-9\- ]", regex=True).astype(bool),
            "The {names} may only hold capital letters A-Z, digits 0-9 and hyphens (for example 11-123-SC). "
            "Remove other characters such as lowercase letters, '+', '*' or '/'."),
    }
    for kind, (test, doc) in kinds.items():
        for code, group in rows.groupby(kind):
            columns = list(group["column"])
            names = " or ".join(label(level, c) for c in columns)

            def check(sub, ctx, columns=columns, test=test):
                frame = segments(sub, level)
                parts = [hits(frame.index[test(frame[c]).to_numpy()], c) for c in columns]
                return pd.concat(parts)

            check.__name__ = f"identifier_{kind}_{code}"
            check.__doc__ = doc.format(names=names)
            rule(code, level=level)(check)

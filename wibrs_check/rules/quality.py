"""Data-quality warnings 1201-1741 (spec section 5.2.10): shared helpers and the
table-driven families.

A warning never rejects an incident: the data may be right, it is only unusual enough that
the FBI asks the agency to look again. The warnings themselves are registered in
``quality_offense.py``, ``quality_property.py``, ``quality_victim.py`` and
``quality_person.py``; each is a short function with its own clerk-facing docstring that
calls one of the helpers below. Every code list and threshold comes from the tables
``schemas/quality_*.csv`` (see ``schemas/README-quality.md``).

Conventions shared by every warning:

* deletes (action D) carry no data and are never looked at;
* a warning is reported once per segment, on the first field (occurrence) that shows it;
* an age range (four digits, e.g. 1619) counts as its average, rounded down, as the FBI
  does for 1640/1740; NN, NB and BB count as 0; 00 = Unknown is never a number.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from .. import spec
from ..model import Submission
from .base import unit_of

INFANT_AGES = ("NN", "NB", "BB")


# ---------------------------------------------------------------------------------------
# Tables


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@cache
def checks_table() -> pd.DataFrame:
    return spec.read_table("quality_checks.csv")


@cache
def param(code: str, name: str) -> tuple[str, ...]:
    """The code list (or single value) named ``name`` of warning ``code`` in quality_checks.csv."""
    table = checks_table()
    row = table[(table["code"] == code) & (table["name"] == name)]
    if len(row) != 1:
        raise KeyError(f"quality_checks.csv has no single row {code}/{name}")
    return _split(row["values"].iloc[0])


def param_list(code: str, name: str) -> list[str]:
    return list(param(code, name))


def param_int(code: str, name: str) -> int:
    return int(param(code, name)[0])


@cache
def table_row(name: str, code: str) -> dict[str, str]:
    table = spec.read_table(name)
    row = table[table["code"] == code]
    if len(row) != 1:
        raise KeyError(f"{name} has no single row for {code}")
    return row.iloc[0].to_dict()


@cache
def value_thresholds() -> tuple[dict[str, int], int]:
    """Per property description dollar thresholds for 1342, and the default for the rest."""
    table = spec.read_table("quality_value_thresholds.csv")
    limits = dict(zip(table["description"], table["threshold"].astype(int)))
    default = limits.pop("*")
    return limits, default


# ---------------------------------------------------------------------------------------
# Frames


def live(sub: Submission, level: int) -> pd.DataFrame:
    """The segments of ``level`` that carry data (not deletes), with their incident ``unit``."""
    frame = sub.frames[level]
    frame = frame[(frame["action"] != "D").to_numpy()]
    return frame.assign(unit=unit_of(sub, frame).to_numpy())


@cache
def occurrences(level: int, field: str) -> tuple[str, ...]:
    """Layout columns of ``field`` on ``level``: ``de13`` -> de13_1, de13_2, de13_3."""
    pattern = re.compile(rf"{re.escape(field)}(_\d+)?")
    return tuple(f.column for f in spec.layout(level) if pattern.fullmatch(f.column))


def first_hit(masks: dict[str, pd.Series], index: pd.Index, detail: pd.Series | None = None) -> pd.DataFrame:
    """Rows where any mask is True, with the first such column as ``column``."""
    if not masks or not len(index):
        return empty_hits()
    table = np.column_stack([m.reindex(index, fill_value=False).to_numpy(dtype=bool) for m in masks.values()])
    any_hit = table.any(axis=1)
    names = np.array(list(masks))[table.argmax(axis=1)]
    out = pd.DataFrame({"column": names[any_hit]}, index=pd.Index(index[any_hit], name="rid"))
    if detail is not None:
        out["detail"] = detail.reindex(out.index).fillna("").to_numpy()
    return out


def hits(index, column: str, detail: pd.Series | None = None) -> pd.DataFrame:
    """Findings on the records ``index``, all on ``column``."""
    index = pd.Index(np.asarray(index, dtype=np.int64), name="rid")
    out = pd.DataFrame({"column": column}, index=index)
    if detail is not None:
        out["detail"] = detail.reindex(index).fillna("").to_numpy()
    return out


def empty_hits() -> pd.DataFrame:
    return pd.DataFrame({"column": pd.Series([], dtype="str")}, index=pd.Index([], dtype=np.int64, name="rid"))


def entered(values: pd.Series) -> pd.Series:
    return values != ""


# ---------------------------------------------------------------------------------------
# Ages


def age_years(values: pd.Series) -> pd.Series:
    """Age in years as a float; NaN for blank, 00 = Unknown and anything unreadable.

    Two digits are the age (99 = over 98), four digits a range counted as its average rounded
    down, NN/NB/BB (under a year) count as 0.
    """
    text = values.astype("str")
    two = text.str.fullmatch(r"\d\d").fillna(False).to_numpy(dtype=bool)
    four = text.str.fullmatch(r"\d{4}").fillna(False).to_numpy(dtype=bool)
    single = pd.to_numeric(text.where(two, None), errors="coerce")
    low, high = age_range(values)
    average = np.floor((low + high) / 2)
    out = single.where(two, average.where(four & (low > 0)))
    out = out.where(~(two & (single == 0)))
    out[text.isin(INFANT_AGES).to_numpy()] = 0.0
    return out.astype(float)


def age_range(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Low and high age of four-digit age ranges (NaN elsewhere)."""
    text = values.astype("str")
    four = text.str.fullmatch(r"\d{4}").fillna(False).to_numpy(dtype=bool)
    low = pd.to_numeric(text.str[:2].where(four, None), errors="coerce").astype(float)
    high = pd.to_numeric(text.str[2:4].where(four, None), errors="coerce").astype(float)
    return low, high


def between(ages: pd.Series, low: float, high: float) -> pd.Series:
    return ((ages >= low) & (ages <= high)).fillna(False).astype(bool)


# ---------------------------------------------------------------------------------------
# Incident links


def offenses(sub: Submission) -> pd.DataFrame:
    """Offense segments (not deletes) with unit: one row per offense segment."""
    return sub.derived("quality:offenses", lambda s: live(s, 2))


def units_with(sub: Submission, codes) -> np.ndarray:
    """Units (incidents) holding an offense segment with one of ``codes``."""
    frame = offenses(sub)
    return frame.loc[frame["de6"].isin(list(codes)).to_numpy(), "unit"].unique()


def units_with_all(sub: Submission, codes) -> np.ndarray:
    """Units holding an offense segment of every one of ``codes``."""
    frame = offenses(sub)
    present = frame[frame["de6"].isin(list(codes)).to_numpy()]
    count = present.drop_duplicates(["unit", "de6"]).groupby("unit").size()
    return count.index[(count == len(set(codes))).to_numpy()].to_numpy()


def victim_offenses(sub: Submission) -> pd.DataFrame:
    """Long form of data element 24: one row per (victim rid, unit, offense code)."""

    def build(s):
        victims = live(s, 4)
        parts = [
            pd.DataFrame({"rid": victims.index, "unit": victims["unit"].to_numpy(), "offense": victims[f"de24_{k}"].to_numpy()})
            for k in range(1, 11)
        ]
        long = pd.concat(parts, ignore_index=True)
        return long[(long["offense"] != "").to_numpy()].reset_index(drop=True)

    return sub.derived("quality:victim_offenses", build)


def victims_of(sub: Submission, codes) -> pd.Index:
    """Victim segments connected (data element 24) to one of ``codes``."""
    links = victim_offenses(sub)
    return pd.Index(links.loc[links["offense"].isin(list(codes)).to_numpy(), "rid"].unique(), name="rid")


def relationships(sub: Submission) -> pd.DataFrame:
    """Long form of data elements 34/35: victim rid, unit, k, column, offender number, relationship."""

    def build(s):
        victims = live(s, 4)
        parts = [
            pd.DataFrame({
                "rid": victims.index, "unit": victims["unit"].to_numpy(), "k": k, "column": f"de35_{k}",
                "offender": victims[f"de34_{k}"].to_numpy(), "relationship": victims[f"de35_{k}"].to_numpy(),
            })
            for k in range(1, 11)
        ]
        long = pd.concat(parts, ignore_index=True)
        return long[(long["relationship"] != "").to_numpy()].reset_index(drop=True)

    return sub.derived("quality:relationships", build)


def offenders(sub: Submission) -> pd.DataFrame:
    def build(s):
        frame = live(s, 5)
        return frame.assign(age=age_years(frame["de37"]).to_numpy())

    return sub.derived("quality:offenders", build)


def biased(frame: pd.DataFrame, no_bias) -> pd.Series:
    """Offense segments with a bias code (data element 8A) other than ``no_bias``."""
    out = pd.Series(False, index=frame.index)
    for column in occurrences(2, "de8a"):
        out |= entered(frame[column]) & ~frame[column].isin(list(no_bias))
    return out


# ---------------------------------------------------------------------------------------
# Table-driven families


def value_warning(sub: Submission, code: str) -> pd.DataFrame:
    """A field holds a questionable value (quality_values.csv)."""
    row = table_row("quality_values.csv", code)
    level = int(row["level"])
    frame = live(sub, level)
    if row["offenses"]:
        frame = frame[frame["de6"].isin(list(_split(row["offenses"]))).to_numpy()]
    values = list(_split(row["values"]))
    masks = {}
    for column in occurrences(level, row["field"]):
        data = frame[column]
        match row["match"]:
            case "in":
                masks[column] = data.isin(values)
            case "not_in":
                masks[column] = entered(data) & ~data.isin(values)
            case "entered":
                masks[column] = entered(data)
            case "above":
                number = pd.to_numeric(data.where(data.str.fullmatch(r"\d+").fillna(False), None), errors="coerce")
                masks[column] = (number > int(values[0])).fillna(False).astype(bool)
            case other:
                raise ValueError(f"quality_values.csv: unknown match {other!r} for {code}")
    return first_hit(masks, frame.index)


def age_warning(sub: Submission, code: str) -> pd.DataFrame:
    """A person's age is implausible, maybe only for some offenses (quality_ages.csv)."""
    row = table_row("quality_ages.csv", code)
    level, column = int(row["level"]), row["field"]
    frame = live(sub, level)
    ages = age_years(frame[column])
    young = between(ages, float(row["age_from"]), float(row["age_to"]))
    codes = list(_split(row["offenses"]))
    if codes:
        match row["offenses_from"]:
            case "victim":
                young &= frame.index.isin(victims_of(sub, codes))
            case "incident":
                young &= frame["unit"].isin(units_with(sub, codes))
            case "arrest":
                young &= frame["de45"].isin(codes)
            case other:
                raise ValueError(f"quality_ages.csv: unknown offenses_from {other!r} for {code}")
    return hits(frame.index[young.to_numpy()], column)


def property_warning(sub: Submission, code: str) -> pd.DataFrame:
    """Property of a given description (and value) in an incident of given offenses
    (quality_property.csv)."""
    row = table_row("quality_property.csv", code)
    frame = live(sub, 3)
    keep = pd.Series(True, index=frame.index)
    if row["offenses"]:
        keep &= frame["unit"].isin(units_with(sub, _split(row["offenses"])))
    if row["loss"]:
        keep &= frame["de14"].isin(list(_split(row["loss"])))
    frame = frame[keep.to_numpy()]
    wanted = list(_split(row["descriptions"]))
    masks = {}
    for k in range(1, 11):
        mask = frame[f"de15_{k}"].isin(wanted)
        if row["min_value"]:
            mask &= (dollars(frame[f"de16_{k}"]) >= int(row["min_value"])).fillna(False).astype(bool)
        masks[f"de15_{k}"] = mask
    return first_hit(masks, frame.index)


def dollars(values: pd.Series) -> pd.Series:
    """Value of property (data element 16) as a number; NaN when blank or not numeric."""
    return pd.to_numeric(values.where(values.str.fullmatch(r"\d+").fillna(False), None), errors="coerce")


def juvenile_range_without_disposition(sub: Submission, code: str, level: int) -> pd.DataFrame:
    """Arrestee age range reaching into adulthood whose average is a juvenile, with no
    disposition (data element 52)."""
    frame = live(sub, level)
    adult = param_int(code, "adult_age")
    low, high = age_range(frame["de47"])
    juvenile_average = (low + high) / 2 < adult
    flagged = ((low < adult) & (high >= adult) & juvenile_average).fillna(False).astype(bool) & (frame["de52"] == "")
    detail = "age range " + frame["de47"].str[:2] + "-" + frame["de47"].str[2:4]
    return hits(frame.index[flagged.to_numpy()], "de52", detail)

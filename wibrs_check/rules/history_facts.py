"""What a submission says, unit by unit, in the shape the history store keeps.

Three frames, each one row per submission unit (computed once per submission and cached):

* :func:`group_a`: every Group A incident report or delete (its administrative segment);
* :func:`group_b`: every Group B arrest report or delete;
* :func:`zero`: every zero report.

The history rules compare these with what is on file; ``--commit`` records the accepted ones.
Everything is vectorised over the level frames.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from .. import spec
from ..model import Submission
from .base import dates
from .trafficking import TRAFFICKING

# Levels whose segment length tells the layout generation (edits 178, 284, 484, 584).
LENGTH_LEVELS = {1: "len_admin", 2: "len_offense", 4: "len_victim", 5: "len_offender"}

GROUP_A_COLUMNS = (
    "unit", "rid", "ori", "incident", "action", "replace", "incident_date", "sub_month", "offense_codes",
    "activity_months", "arrestees", "has_64", *LENGTH_LEVELS.values(),
)
GROUP_B_COLUMNS = ("unit", "rid", "ori", "atn", "seq", "arrest_date", "action", "replace", "offense", "sub_month")
ZERO_COLUMNS = ("unit", "rid", "ori", "year", "month", "zero_month", "action", "sub_month")


def month_text(when: pd.Series) -> pd.Series:
    """datetime64 to ``YYYY-MM`` text ("" for NaT)."""
    return when.dt.strftime("%Y-%m").fillna("").astype("str")


@cache
def generation_2019_lengths() -> dict[int, int]:
    """The extended segment length of each level that also has a short 2019.1 variant."""
    lengths = spec.segment_lengths()
    legacy = set(lengths.loc[lengths["generation"] == "short", "level"].astype(int))
    current = lengths[(lengths["generation"] == "extended") & lengths["level"].astype(int).isin(legacy)]
    return {int(r.level): int(r.length) for r in current.itertuples(index=False)}


@cache
def legacy_lengths() -> dict[int, int]:
    lengths = spec.segment_lengths()
    legacy = lengths[lengths["generation"] == "short"]
    return {int(r.level): int(r.length) for r in legacy.itertuples(index=False)}


def _frame(sub: Submission, level: int) -> pd.DataFrame:
    frame = sub.frames.get(level)
    if frame is None or sub.format not in ("flat", "xml"):
        from ..model import empty_level_frame

        return empty_level_frame(level)
    return frame


def _units(sub: Submission, frame: pd.DataFrame) -> np.ndarray:
    return sub.records["unit"].reindex(frame.index).to_numpy()


def replaced_units(sub: Submission) -> set[int]:
    """Units of XML reports sent with action R (replace): the report replaces the one on file,
    so it is never a duplicate of it."""
    reports = sub.extra.get("xml_reports")
    if reports is None or not len(reports):
        return set()
    firsts = reports.loc[reports["action_sent"].astype(str).str.upper().eq("R") & (reports["records"] > 0), "first_rid"]
    return set(sub.records["unit"].reindex(firsts.astype(np.int64).to_numpy()).dropna().astype(np.int64))


def _sub_month(frame: pd.DataFrame) -> pd.Series:
    return (frame["sub_year"] + "-" + frame["sub_month"]).astype("str")


def _joined(long: pd.DataFrame, key: str, value: str) -> pd.Series:
    """Sorted distinct ``value`` per ``key``, space-separated."""
    long = long[long[value] != ""].drop_duplicates([key, value]).sort_values([key, value]) if len(long) else long
    if not len(long):
        return pd.Series(dtype=object)
    return long.groupby(key)[value].agg(" ".join)


def group_a(sub: Submission) -> pd.DataFrame:
    return sub.derived("history:group_a", _group_a)


def _group_a(sub: Submission) -> pd.DataFrame:
    admin = _frame(sub, 1)
    if not len(admin):
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in GROUP_A_COLUMNS})
    out = pd.DataFrame({
        "unit": _units(sub, admin), "rid": admin.index.to_numpy(), "ori": admin["ori"].to_numpy(),
        "incident": admin["incident"].to_numpy(), "action": admin["action"].to_numpy(),
        "incident_date": dates(admin["de3_date"]).to_numpy(), "sub_month": _sub_month(admin).to_numpy(),
    })
    out = out.drop_duplicates("unit", keep="first")
    out["replace"] = out["unit"].isin(replaced_units(sub))
    offenses = _frame(sub, 2)
    codes = pd.DataFrame({"unit": _units(sub, offenses), "code": offenses["de6"].to_numpy()})
    out["offense_codes"] = out["unit"].map(_joined(codes, "unit", "code")).astype(object).fillna("").astype("str")
    out["has_64"] = out["unit"].isin(codes.loc[codes["code"].isin(TRAFFICKING), "unit"])
    out["activity_months"] = out["unit"].map(_joined(_activity(sub), "unit", "month")).astype(object).fillna("").astype("str")
    arrestees = _frame(sub, 6)
    out["arrestees"] = out["unit"].map(pd.Series(_units(sub, arrestees)).value_counts()).fillna(0).astype(np.int64)
    records = sub.records
    for level, column in LENGTH_LEVELS.items():
        of_level = records[records["level"] == str(level)]
        first = of_level.groupby("unit")["length_declared"].first()
        out[column] = out["unit"].map(first).astype("Int64")
    return out[list(GROUP_A_COLUMNS)].reset_index(drop=True)


def _activity(sub: Submission) -> pd.DataFrame:
    """(unit, month) of every dated Group A activity that contradicts a zero report: the
    incident date, recovery dates and arrest dates (``groupb_zero_report_conflicts.csv``, 028)."""
    from .zero_report import conflict_sources

    pieces = []
    for source in conflict_sources().itertuples(index=False):
        if str(source.edit) != "028":
            continue
        frame = _frame(sub, int(source.level))
        if source.column not in frame.columns or not len(frame):
            continue
        when = dates(frame[source.column])
        pieces.append(pd.DataFrame({"unit": _units(sub, frame), "month": month_text(when).to_numpy()}))
    if not pieces:
        return pd.DataFrame({"unit": pd.Series([], dtype=np.int64), "month": pd.Series([], dtype="str")})
    return pd.concat(pieces, ignore_index=True)


def group_b(sub: Submission) -> pd.DataFrame:
    return sub.derived("history:group_b", _group_b)


def _group_b(sub: Submission) -> pd.DataFrame:
    frame = _frame(sub, 7)
    if not len(frame):
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in GROUP_B_COLUMNS})
    out = pd.DataFrame({
        "unit": _units(sub, frame), "rid": frame.index.to_numpy(), "ori": frame["ori"].to_numpy(),
        "atn": frame["incident"].to_numpy(), "seq": frame["de40"].to_numpy(),
        "arrest_date": dates(frame["de42"]).to_numpy(), "action": frame["action"].to_numpy(),
        "offense": frame["de45"].to_numpy(), "sub_month": _sub_month(frame).to_numpy(),
    })
    out["replace"] = out["unit"].isin(replaced_units(sub))
    return out[list(GROUP_B_COLUMNS)].reset_index(drop=True)


def zero(sub: Submission) -> pd.DataFrame:
    return sub.derived("history:zero", _zero)


def _zero(sub: Submission) -> pd.DataFrame:
    frame = _frame(sub, 0)
    if not len(frame):
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in ZERO_COLUMNS})
    year = pd.to_numeric(frame["zero_year"].where(frame["zero_year"].str.fullmatch(r"\d{4}").fillna(False)), errors="coerce")
    month = pd.to_numeric(frame["zero_month"].where(frame["zero_month"].str.fullmatch(r"\d{2}").fillna(False)), errors="coerce")
    valid = year.notna() & month.between(1, 12)
    out = pd.DataFrame({
        "unit": _units(sub, frame), "rid": frame.index.to_numpy(), "ori": frame["ori"].to_numpy(),
        "year": year.where(valid).astype("Int64").to_numpy(), "month": month.where(valid).astype("Int64").to_numpy(),
        "action": frame["action"].to_numpy(), "sub_month": _sub_month(frame).to_numpy(),
    })
    out["zero_month"] = np.where(valid.to_numpy(), frame["zero_year"] + "-" + frame["zero_month"], "")
    return out[list(ZERO_COLUMNS)].reset_index(drop=True)


def arrest_key(atn: pd.Series, seq: pd.Series) -> pd.Series:
    """The key of one Group B arrestee in ``received_units``: arrest number/sequence number."""
    return atn.astype(str) + "/" + seq.astype(str)


def trafficking_victims(sub: Submission) -> pd.DataFrame:
    """Per unit: how many victims are connected to a 64A and to a 64B offense (DE 24)."""
    victims = _frame(sub, 4)
    columns = [c for c in victims.columns if c.startswith("de24_")]
    if not len(victims) or not columns:
        return pd.DataFrame({code: pd.Series(dtype=np.int64) for code in TRAFFICKING})
    connected = victims[columns]
    per = pd.DataFrame({code: connected.eq(code).any(axis=1).to_numpy() for code in TRAFFICKING})
    per["unit"] = _units(sub, victims)
    return per.groupby("unit")[list(TRAFFICKING)].sum().astype(np.int64)


def sbr_returns(sub: Submission) -> pd.DataFrame:
    """Per summary (SBR) return (one agency-month): unit, ori, key and sub_month (YYYY-MM),
    ``offenses`` (the forms sent: "A HT ASR") and the 64A / 64B actual counts of its Human
    Trafficking return in ``victims_64a`` / ``victims_64b``."""
    rows = sub.extra.get("sbr") if sub.format == "sbr" else None
    columns = ["unit", "ori", "key", "sub_month", "offenses", "victims_64a", "victims_64b"]
    if rows is None or not len(rows):
        return pd.DataFrame(columns=columns)
    records = sub.records[sub.records["unit_kind"] == "S"]
    month = records.groupby("unit").agg(ori=("ori", "first"), year=("sub_year", "first"), month=("sub_month", "first"))
    month["key"] = month["year"].astype(str) + "-" + month["month"].astype(str).str.zfill(2)
    forms = rows.drop_duplicates(["unit", "form"]).sort_values(["unit", "form"]).groupby("unit")["form"].agg(" ".join)
    actual = pd.to_numeric(rows["actual"], errors="coerce").fillna(0)
    ht = rows.assign(actual=actual)[rows["form"] == "HT"]
    counts = {code: ht[ht["line"] == code].groupby("unit")["actual"].sum() for code in TRAFFICKING}
    out = pd.DataFrame({
        "unit": month.index.to_numpy(), "ori": month["ori"].to_numpy(), "key": month["key"].to_numpy(),
        "sub_month": month["key"].to_numpy(), "offenses": month.index.map(forms).fillna("").astype(str).to_numpy(),
        "victims_64a": month.index.map(counts["64A"]).fillna(0).astype(np.int64).to_numpy(),
        "victims_64b": month.index.map(counts["64B"]).fillna(0).astype(np.int64).to_numpy(),
    })
    return out[columns]

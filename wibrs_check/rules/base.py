"""Small vectorised helpers shared by rule modules (typed dates, incident lookups)."""

from __future__ import annotations

import pandas as pd

from .. import spec
from ..model import Submission


def dates(values: pd.Series) -> pd.Series:
    """YYYYMMDD text to datetime64; blank, missing or impossible dates become NaT."""
    values = values.astype("str")
    shaped = values.where(values.str.fullmatch(r"\d{8}").fillna(False), None)
    return pd.to_datetime(shaped, format="%Y%m%d", errors="coerce")


def submission_month_start(frame: pd.DataFrame) -> pd.Series:
    """First day of the month of submission (positions 7-12) of each record; NaT when invalid."""
    return dates(frame["sub_year"] + frame["sub_month"] + "01")


def unit_of(sub: Submission, frame: pd.DataFrame) -> pd.Series:
    return sub.records["unit"].reindex(frame.index)


def admin_by_unit(sub: Submission) -> pd.DataFrame:
    """The administrative segment of each Group A unit, indexed by unit (first one if several)."""

    def build(_):
        admin = sub.frames[1]
        keyed = admin.assign(unit=unit_of(sub, admin).to_numpy(), rid=admin.index)
        return keyed.drop_duplicates("unit").set_index("unit")

    return sub.derived("admin_by_unit", build)


def on_unit_admin(sub: Submission, frame: pd.DataFrame, column: str) -> pd.Series:
    """For each row of ``frame``, ``column`` of the administrative segment of its incident."""
    admin = admin_by_unit(sub)
    return pd.Series(admin[column].reindex(unit_of(sub, frame)).to_numpy(), index=frame.index)


def carries(sub: Submission, frame: pd.DataFrame, level: int, column: str) -> pd.Series:
    """True for the segments of ``frame`` whose declared length includes ``column``.

    The 2019.1 layouts come in a short and an extended variant for levels 1, 2, 4 and 5
    (87/88, 63/71, 129/141, 45/46). A segment sent in the short variant has no room for the
    fields the extended one adds, so no edit may ask for them. A length that cannot be read
    counts as carrying the field (the length edits report it)."""
    declared = pd.to_numeric(sub.records["length_declared"].reindex(frame.index), errors="coerce")
    end = spec.field(level, column).end
    return pd.Series((declared.fillna(end) >= end).to_numpy(), index=frame.index)

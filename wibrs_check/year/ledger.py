"""What the store received for a year, and each report's standing as of a date.

A report is identified by agency, kind and key (incident number; arrest number/sequence;
month of a zero report or summary return), so a corrected resubmission of a rejected
incident is the same report. As of a date (the end of that day, UTC) a report is:

* ``accepted`` when a copy of it that was accepted is on file then (committed by then and
  not yet taken off by a delete);
* ``rejected`` when it is not, and the latest copy received by then was rejected;
* ``withdrawn`` when the latest copy was accepted and deleted since: it counts nowhere.

A duplicate sent after the report was accepted (056) does not make it rejected: the report
is on file. The attributes of a report (its month, offenses, victims, errors) are those of
the copy that decides its standing.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import select

from ..history import models as m

LEDGER_COLUMNS = ("id", "ori", "kind", "key", "unit_date", "month", "sub_month", "accepted", "errors", "warnings",
                  "flags", "offenses", "victims_64a", "victims_64b", "received_at", "removed_at", "file")
STANDING_COLUMNS = ("ori", "kind", "key", "month", "status", "errors", "warnings", "flags", "offenses", "victims_64a",
                    "victims_64b", "accepted_at", "first_received_at", "last_received_at", "was_rejected",
                    "first_rejected_at")


def end_of_day(day: dt.date) -> pd.Timestamp:
    """The first instant after ``day`` (UTC): reports committed before it count as of ``day``."""
    return pd.Timestamp(day + dt.timedelta(days=1), tz="UTC")


def year_months(year: int, before: int = 0) -> list[str]:
    """The months of ``year`` as YYYY-MM, with ``before`` months of the year before first."""
    first = pd.Period(f"{year}-01", freq="M") - before
    return [str(first + k) for k in range(12 + before)]


def read(history, months: list[str]) -> pd.DataFrame:
    """The rows of ``received_units`` whose own month or month of submission is in ``months``."""
    table = m.ReceivedUnit.__table__
    query = select(*[table.c[c] for c in LEDGER_COLUMNS]).where(
        table.c.month.in_(months) | table.c.sub_month.in_(months))
    with history.engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(query).all(), columns=list(LEDGER_COLUMNS))
    for column in ("received_at", "removed_at"):
        rows[column] = pd.to_datetime(rows[column], utc=True)
    rows["accepted"] = rows["accepted"].astype(bool)
    for column in ("warnings", "victims_64a", "victims_64b"):
        rows[column] = rows[column].fillna(0).astype(np.int64)
    for column in ("errors", "flags", "offenses"):
        rows[column] = rows[column].fillna("").astype(str)
    return rows


def standing(rows: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One row per report received by the end of ``as_of``: its status and deciding copy."""
    cut = end_of_day(as_of)
    rows = rows.assign(received_at=pd.to_datetime(rows["received_at"], utc=True),
                       removed_at=pd.to_datetime(rows["removed_at"], utc=True))
    rows = rows[rows["received_at"] < cut]
    if not len(rows):
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in STANDING_COLUMNS})
    rows = rows.sort_values(["received_at", "id"])
    live = rows["accepted"] & (rows["removed_at"].isna() | (rows["removed_at"] >= cut))
    key = ["ori", "kind", "key"]
    grouped = rows.groupby(key, sort=False)
    latest = rows.drop_duplicates(key, keep="last").set_index(key)
    on_file = rows[live].drop_duplicates(key, keep="last").set_index(key)
    # the deciding copy: the latest one on file, else the latest one received
    decided = pd.concat([on_file, latest[~latest.index.isin(on_file.index)]])
    status = np.where(np.arange(len(decided)) < len(on_file), "accepted",
                      np.where(decided["accepted"].to_numpy(dtype=bool), "withdrawn", "rejected"))
    decided["status"] = status
    decided["accepted_at"] = on_file["received_at"].reindex(decided.index)
    decided["first_received_at"] = grouped["received_at"].min().reindex(decided.index)
    decided["last_received_at"] = grouped["received_at"].max().reindex(decided.index)
    rejected = rows[~rows["accepted"]]
    first_rejected = rejected.groupby(key)["received_at"].min()
    decided["first_rejected_at"] = first_rejected.reindex(decided.index)
    decided["was_rejected"] = decided["first_rejected_at"].notna()
    return decided.reset_index()[list(STANDING_COLUMNS)]


def has_code(codes: pd.Series, code: str) -> pd.Series:
    """Whether a space-separated code list holds ``code``."""
    return (" " + codes.astype(str) + " ").str.contains(f" {code} ", regex=False)


def trafficking_mask(offenses: pd.Series) -> pd.Series:
    return has_code(offenses, "64A") | has_code(offenses, "64B")

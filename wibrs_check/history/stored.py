"""Months from the store for the gap report and the per-agency summary (``--history``).

Each committed file leaves, per agency, its summary row (the columns of
``engine.SUMMARY_COLUMNS``) and its gap-report evidence row (``gaps.EVIDENCE_COLUMNS``) in
``run_agencies.evidence``. :func:`stored_months` reads them back, so ``wibrs-check gaps`` and
``wibrs-check batch`` can cover a year with only the new month's files:

* a file committed more than once counts once, with its latest commit;
* an agency-month that the files of the current run cover is taken from those files, never
  from the store (the store only fills in what the run does not have), so nothing is
  counted twice.

:func:`extend_run` is the one call the batch makes.
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import select

from . import models as m

YEAR = 12  # months a run looks back when no --month names them


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})


def stored_months(history, months: list[str] | None = None, oris: list[str] | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary rows, evidence rows) of every committed file for these months (all when None)
    and agencies (all when None), the latest commit of each file only.

    Summary rows have ``engine.SUMMARY_COLUMNS`` plus ``month`` and ``source`` ("history");
    evidence rows have ``gaps.EVIDENCE_COLUMNS``.
    """
    from ..engine import SUMMARY_COLUMNS
    from ..gaps import EVIDENCE_COLUMNS, empty_evidence

    table = m.RunAgency.__table__
    query = select(table.c.id, table.c.ori, table.c.month, table.c.file, table.c.evidence).where(
        table.c.evidence.is_not(None))
    if months is not None:
        query = query.where(table.c.month.in_(sorted(set(months))))
    if oris is not None:
        query = query.where(table.c.ori.in_(sorted(set(oris))))
    with history.engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(query).all(), columns=["id", "ori", "month", "file", "evidence"])
    summary_columns = [*SUMMARY_COLUMNS, "month", "source"]
    if not len(rows):
        return _empty(summary_columns), empty_evidence()
    rows = rows.sort_values("id").drop_duplicates(["file", "ori", "month"], keep="last")
    parsed = [json.loads(text) for text in rows["evidence"]]
    summary = pd.DataFrame([p.get("summary") or {} for p in parsed])
    for column in SUMMARY_COLUMNS:
        if column not in summary:
            summary[column] = 0 if column not in ("file", "format", "ori", "top_errors", "layout") else ""
    summary = _on_file_counts(history, summary, rows, months, oris)
    # Stored files are named apart from the run's own files (a file name may come back every month).
    label = ("history " + rows["month"].astype(str) + ": " + rows["file"].astype(str)).to_numpy()
    summary = summary[list(SUMMARY_COLUMNS)].assign(file=label, month=rows["month"].to_numpy(), source="history")
    gap_rows = [{**p["gaps"], "file": name, "month": month} for p, name, month in zip(parsed, label, rows["month"])
                if p.get("gaps")]
    evidence = pd.DataFrame(gap_rows) if gap_rows else empty_evidence()
    template = empty_evidence()
    for column in EVIDENCE_COLUMNS:
        if column not in evidence:
            evidence[column] = 0 if template[column].dtype == "int64" else ""
        evidence[column] = evidence[column].fillna(0 if template[column].dtype == "int64" else "").astype(
            template[column].dtype)
    return summary.reset_index(drop=True), evidence[list(EVIDENCE_COLUMNS)].reset_index(drop=True)


def _on_file_counts(history, summary: pd.DataFrame, rows: pd.DataFrame, months, oris) -> pd.DataFrame:
    """Accepted, rejected and received reports of each stored file as the store holds them
    now, not as its latest commit counted them: a file committed twice would otherwise say
    "0 accepted, all rejected" (its second copy's duplicates) while its reports are on file."""
    figures = history.file_figures(oris=None if oris is None else sorted(set(oris)),
                                   months=None if months is None else sorted(set(months)))
    if not len(figures):
        return summary
    keyed = pd.DataFrame({"file": rows["file"].to_numpy(), "ori": rows["ori"].to_numpy(),
                          "month": rows["month"].to_numpy()})
    now = keyed.merge(figures, on=["file", "ori", "month"], how="left")
    known = now["units"].notna().to_numpy()
    for column in ("accepted", "rejected", "units"):
        values = summary[column].to_numpy(copy=True)
        values[known] = now.loc[known, column].astype("int64").to_numpy()
        summary[column] = values
    return summary


def run_window(current_months: list[str], months: list[str] | None) -> list[str] | None:
    """The months to read from the store: those named, else the year ending with the latest
    month of the run (None when the run has no month at all)."""
    if months:
        return sorted(set(months))
    if not current_months:
        return None
    last = pd.Period(max(current_months), freq="M")
    return [str(last - k) for k in range(YEAR - 1, -1, -1)]


def extend_run(history, summary: pd.DataFrame, evidence: pd.DataFrame, months: list[str] | None
               ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Add the stored agency-months the run's own files do not cover.

    ``summary`` is the run's ``Report.summary`` (one row per file and ORI), ``evidence`` its
    gap evidence (one row per file and ORI, with ``month``); ``months`` the months asked for
    (``--month``) or None. Returns the extended summary and evidence and the run's months:
    those asked for, else the months of the run's files and every month of the year before
    the latest one that the store holds data for.
    """
    from ..gaps import UNKNOWN_MONTH, combine, run_months

    own = run_months(evidence, None)
    window = run_window(own, months)
    if window is None:
        return summary, evidence, run_months(evidence, months)
    stored_summary, stored_evidence = stored_months(history, window)
    covered = set(zip(evidence["ori"], evidence["month"])) if len(evidence) else set()
    keep = [(o, mo) not in covered for o, mo in zip(stored_evidence["ori"], stored_evidence["month"])]
    stored_evidence = stored_evidence[keep]
    keep_s = [(o, mo) not in covered for o, mo in zip(stored_summary["ori"], stored_summary["month"])]
    stored_summary = stored_summary[keep_s].drop(columns=["month", "source"])
    extended = combine([evidence, stored_evidence])
    if len(stored_summary):
        summary = pd.concat([summary, stored_summary.astype({c: summary[c].dtype for c in summary.columns
                                                             if c in stored_summary and len(summary)})],
                            ignore_index=True)
    if months:
        run = sorted(set(months))
    else:
        run = sorted((set(own) | set(stored_evidence["month"])) - {UNKNOWN_MONTH})
    return summary, extended, run

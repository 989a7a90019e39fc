"""Recording a checked file in the history store (``wibrs-check check --history X --commit``).

One transaction per file: the file's deletes are applied first (a Group A delete removes the
incident, a Group B delete the arrest(s), a zero report delete the zero report; an XML
report sent with action R replaces the one on file), then its accepted incident reports,
Group B arrests and zero reports are added, the agency's segment-length generation is
noted, and the run's per-agency and per-code counts are written. Any failure rolls the
whole file back: the store is as it was before the file.

Units the checks rejected (any error in the unit) are never recorded, as the FBI would not
hold them; only their counts go to ``run_agencies`` and ``run_findings``.

Concurrent commits: every agency of the file has a row in ``agencies`` that is locked
(``SELECT ... FOR UPDATE`` on PostgreSQL, the database write lock on SQLite) for the whole
transaction, so two runs for one agency take turns; under that lock an incident whose
number is already on file (added by the other run after this one was checked) is skipped
and counted as ``already_on_file``, and the inserts carry ``ON CONFLICT DO NOTHING`` on the
tables' unique keys as well. Nothing is lost or counted twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import case, delete, select
from sqlalchemy.engine import Connection

from .. import __version__
from ..engine import Result, agency_summary, unit_table
from ..rules import history_facts as facts
from . import store
from . import models as m

ID_CHUNK = 2000


@dataclass
class RunInfo:
    """One ``check --commit`` invocation: several files share one run id."""

    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    # When the files are recorded as committed (None: the moment each is committed). A
    # generated year sets it, so that its --as-of figures are known in advance.
    committed_at: dt.datetime | None = None

    def now(self) -> dt.datetime:
        return self.committed_at or dt.datetime.now(dt.timezone.utc)


@dataclass
class CommitSummary:
    file: str
    incidents_added: int = 0
    incidents_deleted: int = 0
    arrests_added: int = 0
    arrests_deleted: int = 0
    zero_reports_added: int = 0
    zero_reports_deleted: int = 0
    already_on_file: int = 0  # accepted by the check, but recorded meanwhile by another run
    deletes_matching_nothing: int = 0

    def describe(self) -> str:
        parts = [f"{self.incidents_added} incidents, {self.arrests_added} Group B arrests, "
                 f"{self.zero_reports_added} zero reports added"]
        removed = self.incidents_deleted + self.arrests_deleted + self.zero_reports_deleted
        if removed:
            parts.append(f"{self.incidents_deleted} incidents, {self.arrests_deleted} arrests, "
                         f"{self.zero_reports_deleted} zero reports deleted")
        if self.already_on_file:
            parts.append(f"{self.already_on_file} already on file (recorded by another run meanwhile)")
        return "; ".join(parts)


def _dialect_insert(conn: Connection):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Plain Python values for the driver (no numpy scalars, NaT/NA → None)."""
    out = frame[columns].astype(object).where(frame[columns].notna(), None)
    return out.to_dict("records")


def _py_date(values: pd.Series) -> pd.Series:
    return pd.Series([None if pd.isna(v) else v.date() for v in pd.to_datetime(values)], index=values.index, dtype=object)


def commit_result(history, result: Result, run: RunInfo) -> CommitSummary:
    """Record the accepted units of one checked file and apply its deletes, atomically."""
    sub, found = result.submission, result.findings
    summary = CommitSummary(str(sub.source))
    units = unit_table(sub, found)
    accepted = set(units.loc[~units["rejected"].astype(bool), "unit"].astype(np.int64)) if len(units) else set()
    ga = facts.group_a(sub)
    gb = facts.group_b(sub)
    zr = facts.zero(sub)
    ga_ok, gb_ok, zr_ok = (f[f["unit"].isin(accepted)] for f in (ga, gb, zr))
    now = run.now()
    oris = sorted((set(ga_ok["ori"]) | set(gb_ok["ori"]) | set(zr_ok["ori"])) - {""})
    month = _file_month(sub)
    with history.engine.connect().execution_options(write=True) as conn:
        with conn.begin():
            _lock_agencies(conn, oris, month)
            _apply_incident_deletes(conn, ga_ok, run, sub, now, summary)
            _add_incidents(conn, ga_ok, run, sub, now, summary)
            _apply_arrest_deletes(conn, gb_ok, run, sub, now, summary)
            _add_arrests(conn, gb_ok, run, sub, now, summary)
            _apply_zero_deletes(conn, zr_ok, run, sub, now, summary)
            _add_zero_reports(conn, zr_ok, run, sub, now, summary)
            _drop_contradicted_zero_reports(conn, ga_ok, gb_ok, run, sub, now, summary)
            _note_layouts(conn, sub, accepted, run)
            _record_run(conn, result, units, ga, run, now, summary)
            _record_received(conn, result, units, ga, gb, zr, run, now)
    return summary


def _file_month(sub) -> str:
    r = sub.records
    if not len(r):
        return ""
    return f"{r['sub_year'].iloc[0]}-{r['sub_month'].iloc[0]}"


def _lock_agencies(conn: Connection, oris: list[str], month: str) -> None:
    """Make sure every agency has its row, then lock those rows (sorted: no deadlocks)."""
    if not oris:
        return
    table = m.Agency.__table__
    insert = _dialect_insert(conn)
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["ori"],
        set_={
            "first_month": case((stmt.excluded.first_month < table.c.first_month, stmt.excluded.first_month),
                                else_=table.c.first_month),
            "last_month": case((stmt.excluded.last_month > table.c.last_month, stmt.excluded.last_month),
                               else_=table.c.last_month),
        },
    )
    conn.execute(stmt, [{"ori": o, "first_month": month, "last_month": month} for o in oris])
    conn.execute(select(table.c.ori).where(table.c.ori.in_(oris)).order_by(table.c.ori).with_for_update()).all()


def _delete_ids(conn: Connection, table, ids) -> None:
    ids = [int(i) for i in ids]
    for start in range(0, len(ids), ID_CHUNK):
        conn.execute(delete(table).where(table.c.id.in_(ids[start:start + ID_CHUNK])))


def _log_deletes(conn: Connection, rows: pd.DataFrame, kind: str, run: RunInfo, sub, now) -> None:
    if not len(rows):
        return
    frame = pd.DataFrame({
        "run_id": run.id, "file": str(sub.source), "kind": kind, "ori": rows["ori"].to_numpy(),
        "key": rows["key"].to_numpy(), "key_date": _py_date(rows["key_date"]).to_numpy(),
        "removed": rows["removed"].astype(int).to_numpy(), "applied_at": now,
    })
    conn.execute(m.AppliedDelete.__table__.insert(), _records(frame, list(frame.columns)))


def _matches(on_file: pd.DataFrame, requests: pd.DataFrame, keys: list[str], date_column: str,
             request_date: str, extra: list[str] = ()) -> pd.DataFrame:
    """Pairs of (request, row on file) where the keys match and, when the request gives a
    date, the dates match too. ``request`` is the request's row number in ``requests``."""
    req = requests.reset_index(drop=True).assign(request=lambda f: np.arange(len(f)))
    pairs = req[keys + ["request", request_date, *extra]].merge(on_file, on=keys, how="inner")
    dated = pairs[request_date].notna()
    same = pairs[request_date] == pairs[date_column]
    return pairs[~dated | same]


def _apply_incident_deletes(conn, ga_ok, run, sub, now, summary) -> None:
    requests = ga_ok[(ga_ok["action"] == "D") | ga_ok["replace"].astype(bool)].copy()
    if not len(requests):
        return
    # An R (XML replace) removes whatever is on file under the number, whatever its date.
    requests["when"] = requests["incident_date"].where(requests["action"] == "D")
    on_file = store.incidents_on_file(conn, requests[["ori", "incident"]])
    pairs = _matches(on_file, requests, ["ori", "incident"], "incident_date", "when")
    _delete_ids(conn, m.Incident.__table__, pairs["id"].unique())
    mark_removed(conn, "A", pairs.drop_duplicates("id").rename(columns={"incident": "key", "incident_date": "unit_date"}), now)
    removed = pairs.groupby("request").size().reindex(range(len(requests)), fill_value=0).to_numpy()
    requests = requests.reset_index(drop=True)
    log = pd.DataFrame({"ori": requests["ori"], "key": requests["incident"], "key_date": requests["when"],
                        "removed": removed})
    is_delete = (requests["action"] == "D").to_numpy()
    _log_deletes(conn, log[is_delete], "A", run, sub, now)
    _log_deletes(conn, log[~is_delete], "R", run, sub, now)
    summary.incidents_deleted += int(pairs["id"].nunique())
    summary.deletes_matching_nothing += int(((removed == 0) & is_delete).sum())


def _add_incidents(conn, ga_ok, run, sub, now, summary) -> None:
    adds = ga_ok[(ga_ok["action"] == "I") & ga_ok["incident_date"].notna() & (ga_ok["incident"] != "")]
    adds = adds.drop_duplicates(["ori", "incident"], keep="first")
    if not len(adds):
        return
    on_file = store.incidents_on_file(conn, adds[["ori", "incident"]])
    known = adds.merge(on_file[["ori", "incident"]].drop_duplicates(), on=["ori", "incident"], how="left", indicator=True)
    fresh = adds[(known["_merge"] == "left_only").to_numpy()]
    summary.already_on_file += len(adds) - len(fresh)
    if not len(fresh):
        return
    rows = fresh.assign(
        incident_date=_py_date(fresh["incident_date"]), file=str(sub.source), run_id=run.id, recorded_at=now,
        arrestees=fresh["arrestees"].astype(int),
    )
    columns = ["ori", "incident", "incident_date", "sub_month", "offense_codes", "activity_months", "arrestees",
               *facts.LENGTH_LEVELS.values(), "file", "run_id", "recorded_at"]
    insert = _dialect_insert(conn)
    stmt = insert(m.Incident.__table__).on_conflict_do_nothing(index_elements=["ori", "incident", "incident_date"])
    conn.execute(stmt, _records(rows, columns))
    summary.incidents_added += len(fresh)


def _apply_arrest_deletes(conn, gb_ok, run, sub, now, summary) -> None:
    requests = gb_ok[(gb_ok["action"] == "D") | gb_ok["replace"].astype(bool)].copy()
    if not len(requests):
        return
    is_delete = (requests["action"] == "D").to_numpy()
    requests["when"] = requests["arrest_date"].where(is_delete)
    on_file = store.arrests_on_file(conn, requests[["ori", "atn"]])
    pairs = _matches(on_file, requests.rename(columns={"seq": "req_seq"}), ["ori", "atn"], "arrest_date", "when",
                     extra=["req_seq"])
    # A delete that names the arrestee sequence number removes that arrestee only.
    pairs = pairs[(pairs["req_seq"] == "") | (pairs["req_seq"] == pairs["seq"])]
    _delete_ids(conn, m.GroupBArrest.__table__, pairs["id"].unique())
    gone = pairs.drop_duplicates("id")
    mark_removed(conn, "B", pd.DataFrame({"ori": gone["ori"], "key": facts.arrest_key(gone["atn"], gone["seq"]),
                                          "unit_date": gone["arrest_date"]}), now)
    removed = pairs.groupby("request").size().reindex(range(len(requests)), fill_value=0).to_numpy()
    requests = requests.reset_index(drop=True)
    log = pd.DataFrame({"ori": requests["ori"], "key": requests["atn"], "key_date": requests["when"], "removed": removed})
    _log_deletes(conn, log[is_delete], "B", run, sub, now)
    summary.arrests_deleted += int(pairs["id"].nunique())
    summary.deletes_matching_nothing += int(((removed == 0) & is_delete).sum())


def _add_arrests(conn, gb_ok, run, sub, now, summary) -> None:
    adds = gb_ok[(gb_ok["action"] == "A") & gb_ok["arrest_date"].notna() & (gb_ok["atn"] != "")]
    adds = adds.drop_duplicates(["ori", "atn", "seq"], keep="first")
    if not len(adds):
        return
    on_file = store.arrests_on_file(conn, adds[["ori", "atn"]])
    known = adds.merge(on_file[["ori", "atn", "seq"]].drop_duplicates(), on=["ori", "atn", "seq"], how="left",
                       indicator=True)
    fresh = adds[(known["_merge"] == "left_only").to_numpy()]
    summary.already_on_file += len(adds) - len(fresh)
    if not len(fresh):
        return
    rows = fresh.assign(arrest_date=_py_date(fresh["arrest_date"]), file=str(sub.source), run_id=run.id, recorded_at=now)
    insert = _dialect_insert(conn)
    stmt = insert(m.GroupBArrest.__table__).on_conflict_do_nothing(index_elements=["ori", "atn", "seq"])
    conn.execute(stmt, _records(rows, ["ori", "atn", "seq", "arrest_date", "sub_month", "offense", "file", "run_id",
                                       "recorded_at"]))
    summary.arrests_added += len(fresh)


def _apply_zero_deletes(conn, zr_ok, run, sub, now, summary) -> None:
    requests = zr_ok[(zr_ok["action"] == "D") & zr_ok["year"].notna()]
    if not len(requests):
        return
    table = m.ZeroReport.__table__
    on_file = store.rows_by_keys(conn, table, ("ori", "year", "month"), requests[["ori", "year", "month"]].astype(object),
                                 ("id", "ori", "year", "month"))
    if len(on_file):
        on_file = on_file.astype({"year": "int64", "month": "int64"})
    keyed = requests.astype({"year": "int64", "month": "int64"}).reset_index(drop=True)
    pairs = keyed.assign(request=np.arange(len(keyed))).merge(on_file, on=["ori", "year", "month"], how="inner")
    _delete_ids(conn, table, pairs["id"].unique())
    mark_removed(conn, "Z", pairs.drop_duplicates("id").rename(columns={"zero_month": "key"}), now)
    removed = pairs.groupby("request").size().reindex(range(len(keyed)), fill_value=0).to_numpy()
    log = pd.DataFrame({"ori": keyed["ori"], "key": keyed["zero_month"], "key_date": pd.NaT, "removed": removed})
    _log_deletes(conn, log, "Z", run, sub, now)
    summary.zero_reports_deleted += int(pairs["id"].nunique())


def _add_zero_reports(conn, zr_ok, run, sub, now, summary) -> None:
    adds = zr_ok[(zr_ok["action"] == "A") & zr_ok["year"].notna()].drop_duplicates(["ori", "year", "month"])
    if not len(adds):
        return
    rows = adds.assign(year=adds["year"].astype(int), month=adds["month"].astype(int), file=str(sub.source),
                       run_id=run.id, recorded_at=now)
    table = m.ZeroReport.__table__
    existing = store.rows_by_keys(conn, table, ("ori", "year", "month"), rows[["ori", "year", "month"]].astype(object),
                                  ("ori", "year", "month"))
    insert = _dialect_insert(conn)
    stmt = insert(table).on_conflict_do_nothing(index_elements=["ori", "year", "month"])
    conn.execute(stmt, _records(rows, ["ori", "year", "month", "sub_month", "file", "run_id", "recorded_at"]))
    summary.zero_reports_added += len(rows) - len(existing)


def _drop_contradicted_zero_reports(conn, ga_ok, gb_ok, run, sub, now, summary) -> None:
    """Spec 4.7: an accepted incident or Group B arrest for a month removes the agency's zero
    report for that month (the month is one of the incident's activity months, as for 028,
    or the arrest date's month)."""
    incidents = ga_ok[ga_ok["action"] == "I"]
    long_a = incidents.assign(month=incidents["activity_months"].astype(str).str.split()).explode("month")
    arrests = gb_ok[(gb_ok["action"] == "A") & gb_ok["arrest_date"].notna()]
    months = pd.concat([
        pd.DataFrame({"ori": long_a["ori"].to_numpy(), "month": long_a["month"].to_numpy()}),
        pd.DataFrame({"ori": arrests["ori"].to_numpy(), "month": facts.month_text(pd.to_datetime(arrests["arrest_date"])).to_numpy()}),
    ], ignore_index=True).dropna()
    months = months[(months["ori"] != "") & months["month"].astype(str).str.fullmatch(r"\d{4}-\d{2}")].drop_duplicates()
    if not len(months):
        return
    table = m.ZeroReport.__table__
    on_file = store.rows_by_keys(conn, table, ("ori",), months[["ori"]], ("id", "ori", "year", "month"))
    if not len(on_file):
        return
    on_file["key"] = on_file["year"].astype(int).astype(str) + "-" + on_file["month"].astype(int).map("{:02d}".format)
    gone = on_file.merge(months.rename(columns={"month": "key"}), on=["ori", "key"], how="inner")
    if not len(gone):
        return
    _delete_ids(conn, table, gone["id"].unique())
    mark_removed(conn, "Z", gone.drop_duplicates("id"), now)
    _log_deletes(conn, gone.assign(key_date=pd.NaT, removed=1), "Z", run, sub, now)
    summary.zero_reports_deleted += int(gone["id"].nunique())


def _note_layouts(conn, sub, accepted: set, run: RunInfo) -> None:
    """The first month each agency sent a level's 2019 segment length (accepted incidents)."""
    lengths = facts.generation_2019_lengths()
    r = sub.records
    if not len(r) or not lengths:
        return
    level = pd.to_numeric(r["level"], errors="coerce")
    current = level.map(lengths)
    mask = (r["unit"].isin(accepted) & (r["action"] == "I") & (r["length_declared"] == current)).fillna(False).astype(bool)
    sent = r[mask.to_numpy()].assign(level=level[mask].astype(int), month=(r["sub_year"] + "-" + r["sub_month"])[mask])
    if not len(sent):
        return
    firsts = sent.groupby(["ori", "level"])["month"].min().reset_index()
    firsts["length"] = firsts["level"].map(lengths)
    firsts["first_run"] = run.id
    table = m.AgencyLayout.__table__
    insert = _dialect_insert(conn)
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["ori", "level"],
        set_={"first_month": case((stmt.excluded.first_month < table.c.first_month, stmt.excluded.first_month),
                                  else_=table.c.first_month)},
    )
    conn.execute(stmt, _records(firsts.rename(columns={"month": "first_month"}),
                                ["ori", "level", "length", "first_month", "first_run"]))


def _evidence_json(result: Result, summary_rows: pd.DataFrame) -> list[str]:
    """Per row of ``summary_rows`` (one per ORI): its summary row and the file's gap evidence
    for the ORI, as JSON (see :mod:`wibrs_check.history.stored`)."""
    import json

    from .. import gaps

    ev = gaps.evidence(result)
    by_ori = {r["ori"]: r for r in ev.astype(object).where(ev.notna(), None).to_dict("records")}
    plain = summary_rows.astype(object).where(summary_rows.notna(), None).to_dict("records")
    return [json.dumps({"summary": row, "gaps": by_ori.get(row["ori"])}, default=_plain) for row in plain]


def _plain(value):
    return value.item() if hasattr(value, "item") else str(value)


def _record_run(conn, result: Result, units: pd.DataFrame, ga: pd.DataFrame, run: RunInfo, now, summary) -> None:
    """The run row (created by its first file, then added to), the file, and per-agency and
    per-code counts."""
    sub, found = result.submission, result.findings
    source = str(sub.source)
    kinds = units["unit_kind"].isin(["A", "B", "Z", "S"]) if len(units) else pd.Series(dtype=bool)
    received = int(kinds.sum()) if len(units) else 0
    rejected = int((kinds & units["rejected"].astype(bool)).sum()) if len(units) else 0
    insert = _dialect_insert(conn)
    table = m.Run.__table__
    values = {
        "id": run.id, "started_at": run.started_at, "finished_at": now, "tool_version": __version__, "files": 1,
        "records": len(sub.records), "units": received, "accepted": received - rejected, "rejected": rejected,
        "incidents_added": summary.incidents_added, "incidents_deleted": summary.incidents_deleted,
        "arrests_added": summary.arrests_added, "arrests_deleted": summary.arrests_deleted,
        "zero_reports_added": summary.zero_reports_added, "zero_reports_deleted": summary.zero_reports_deleted,
        "already_on_file": summary.already_on_file,
    }
    stmt = insert(table)
    added = {k: table.c[k] + stmt.excluded[k] for k in values if k not in ("id", "started_at", "finished_at", "tool_version")}
    conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_={**added, "finished_at": stmt.excluded.finished_at}),
                 values)
    conn.execute(m.RunFile.__table__.insert(), {
        "run_id": run.id, "file": source, "format": sub.format, "records": len(sub.records), "units": received,
        "accepted": received - rejected, "rejected": rejected, "committed_at": now})
    summary_rows = agency_summary(sub, found)
    if len(summary_rows):
        month = sub.records.groupby("ori")[["sub_year", "sub_month"]].first()
        month = (month["sub_year"] + "-" + month["sub_month"]).rename("month")
        rows = summary_rows.merge(month, left_on="ori", right_index=True, how="left")
        rejected_units = set(units.loc[units["rejected"].astype(bool), "unit"]) if len(units) else set()
        ht = ga[ga["has_64"].astype(bool) & (ga["action"] == "I")]
        rows["incidents_64"] = rows["ori"].map(ht.groupby("ori").size()).fillna(0).astype(int)
        rows["rejected_64"] = rows["ori"].map(ht[ht["unit"].isin(rejected_units)].groupby("ori").size()).fillna(0).astype(int)
        rows = rows.assign(run_id=run.id, file=source, committed_at=now, month=rows["month"].fillna(""))
        rows["evidence"] = _evidence_json(result, summary_rows)
        conn.execute(m.RunAgency.__table__.insert(), _records(rows, [
            "run_id", "file", "ori", "month", "units", "incidents", "incidents_64", "group_b", "zero_reports", "deletes",
            "accepted", "rejected", "rejected_64", "errors", "warnings", "flags", "layout", "committed_at", "evidence"]))
    if len(found):
        keyed = found.assign(month=found["sub_year"] + "-" + found["sub_month"])
        counts = keyed.groupby(["ori", "month", "code", "severity"]).size().rename("count").reset_index()
        counts = counts.assign(run_id=run.id, file=source)
        conn.execute(m.RunFinding.__table__.insert(), _records(counts, [
            "run_id", "file", "ori", "month", "code", "severity", "count"]))


# -- every report received (received_units), for the year report ----------------------------

def mark_removed(conn: Connection, kind: str, rows: pd.DataFrame, now) -> None:
    """Note ``now`` as the time the accepted reports (``ori``, ``key`` and, for incidents and
    arrests, ``unit_date``) left the file; what was on file at an earlier date stays readable."""
    if not len(rows):
        return
    from sqlalchemy import bindparam, update

    table = m.ReceivedUnit.__table__
    where = [table.c.ori == bindparam("b_ori"), table.c.kind == kind, table.c.key == bindparam("b_key"),
             table.c.accepted.is_(True), table.c.removed_at.is_(None)]
    params = pd.DataFrame({"b_ori": rows["ori"].to_numpy(), "b_key": rows["key"].astype(str).to_numpy()})
    if kind in ("A", "B"):
        where.append(table.c.unit_date == bindparam("b_date"))
        params["b_date"] = _py_date(rows["unit_date"]).to_numpy()
    stmt = update(table).where(*where).values(removed_at=now)
    conn.execute(stmt, _records(params.drop_duplicates(), list(params.columns)))


def received_rows(result: Result, units: pd.DataFrame, ga: pd.DataFrame, gb: pd.DataFrame,
                  zr: pd.DataFrame) -> pd.DataFrame:
    """One row per report of the file (incident, arrestee, zero report, SBR return) in the
    shape of ``received_units``, without run, file and times."""
    sub, found = result.submission, result.findings
    if not len(units):
        return pd.DataFrame(columns=RECEIVED_COLUMNS)
    rejected = units.set_index("unit")["rejected"].astype(bool)
    pieces = []
    reports = ga[(ga["action"] == "I") & (ga["incident"] != "")]
    if len(reports):
        victims = facts.trafficking_victims(sub)
        pieces.append(pd.DataFrame({
            "unit": reports["unit"].to_numpy(), "ori": reports["ori"].to_numpy(), "kind": "A",
            "key": reports["incident"].to_numpy(), "unit_date": reports["incident_date"].to_numpy(),
            "sub_month": reports["sub_month"].to_numpy(), "offenses": reports["offense_codes"].to_numpy(),
            "victims_64a": reports["unit"].map(victims["64A"]).fillna(0).astype(np.int64).to_numpy(),
            "victims_64b": reports["unit"].map(victims["64B"]).fillna(0).astype(np.int64).to_numpy(),
        }))
    arrests = gb[(gb["action"] == "A") & (gb["atn"] != "")]
    if len(arrests):
        pieces.append(pd.DataFrame({
            "unit": arrests["unit"].to_numpy(), "ori": arrests["ori"].to_numpy(), "kind": "B",
            "key": facts.arrest_key(arrests["atn"], arrests["seq"]).to_numpy(),
            "unit_date": arrests["arrest_date"].to_numpy(), "sub_month": arrests["sub_month"].to_numpy(),
            "offenses": arrests["offense"].to_numpy(), "victims_64a": 0, "victims_64b": 0,
        }))
    zeros = zr[(zr["action"] == "A") & (zr["zero_month"] != "")]
    if len(zeros):
        pieces.append(pd.DataFrame({
            "unit": zeros["unit"].to_numpy(), "ori": zeros["ori"].to_numpy(), "kind": "Z",
            "key": zeros["zero_month"].to_numpy(), "unit_date": pd.NaT, "sub_month": zeros["sub_month"].to_numpy(),
            "offenses": "", "victims_64a": 0, "victims_64b": 0,
        }))
    returns = facts.sbr_returns(sub)
    if len(returns):
        pieces.append(returns.assign(kind="S", unit_date=pd.NaT))
    if not pieces:
        return pd.DataFrame(columns=RECEIVED_COLUMNS)
    out = pd.concat(pieces, ignore_index=True)
    out["unit_date"] = pd.to_datetime(out["unit_date"], errors="coerce")
    own = facts.month_text(out["unit_date"])
    out["month"] = own.where(own != "", out["key"].where(out["kind"].isin(["Z", "S"]), out["sub_month"]))
    out["accepted"] = ~out["unit"].map(rejected).fillna(False).astype(bool)
    keyed = found[found["unit"].notna()].assign(unit=lambda f: f["unit"].astype(np.int64))
    for severity, column in (("error", "errors"), ("flag", "flags")):
        codes = keyed[keyed["severity"] == severity].drop_duplicates(["unit", "code"]).sort_values(["unit", "code"])
        out[column] = out["unit"].map(codes.groupby("unit")["code"].agg(" ".join)).astype(object).fillna("").astype(str)
    out["warnings"] = out["unit"].map(keyed[keyed["severity"] == "warning"].groupby("unit").size()).fillna(0).astype(
        np.int64)
    return out[list(RECEIVED_COLUMNS)]


RECEIVED_COLUMNS = ("unit", "ori", "kind", "key", "unit_date", "month", "sub_month", "accepted", "errors", "warnings",
                    "flags", "offenses", "victims_64a", "victims_64b")


def _record_received(conn, result: Result, units, ga, gb, zr, run: RunInfo, now) -> None:
    rows = received_rows(result, units, ga, gb, zr)
    if not len(rows):
        return
    rows = rows.assign(unit_date=_py_date(rows["unit_date"]), run_id=run.id, file=str(result.submission.source),
                       received_at=now, accepted=rows["accepted"].astype(bool))
    columns = [c for c in RECEIVED_COLUMNS if c != "unit"] + ["run_id", "file", "received_at"]
    conn.execute(m.ReceivedUnit.__table__.insert(), _records(rows, columns))

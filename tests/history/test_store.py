"""The store itself, on SQLite and PostgreSQL: migrations, commit, deletes, rollback, months."""

from __future__ import annotations

import random

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select

from wibrs_check import history
from wibrs_check.generator import incidents as gen
from wibrs_check.history import commit as commit_mod
from wibrs_check.history import models as m
from wibrs_check.history.store import upgrade

from .conftest import commit_records, put_incident


def incident_lines(numbers, month=7, ori="WI0130100", offense="13A", seed=7) -> list[str]:
    rng = random.Random(seed)
    return gen.to_lines([gen.group_a_incident(offense, rng, ori, 2026, month, n) for n in numbers])


def _revision(url: str) -> str | None:
    engine = create_engine(history.resolve_url(url))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


# -- migrations -------------------------------------------------------------------------

def test_open_migrates_an_empty_database_to_head_and_schema_equals_models(store_url):
    with history.open_store(store_url) as store:
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), m.Base.metadata)
    assert diff == []
    assert _revision(store_url) == "0003"


def test_upgrade_from_0001_keeps_rows_and_adds_the_evidence_column(store_url):
    engine = create_engine(history.resolve_url(store_url))
    upgrade(engine, "0001")
    assert "evidence" not in {c["name"] for c in inspect(engine).get_columns("run_agencies")}
    engine.dispose()
    with history.open_store(store_url) as store:
        commit_records(store, *incident_lines([1]))
        assert store.counts()["incidents"] == 1
        assert {c["name"] for c in inspect(store.engine).get_columns("run_agencies")} >= {"evidence"}


def test_a_missing_sqlite_store_is_refused_when_not_creating(tmp_path):
    with pytest.raises(history.HistoryError, match="no history store"):
        history.open_store(tmp_path / "typo.sqlite3", create=False)


def test_an_unusable_url_is_a_history_error():
    with pytest.raises(history.HistoryError, match="cannot"):
        history.open_store("nosuchdb://x/y")


def test_resolve_url_forms(tmp_path):
    assert history.resolve_url("postgresql://u:p@h/db").startswith("postgresql+psycopg://")
    assert history.resolve_url(tmp_path / "h.db") == f"sqlite:///{tmp_path / 'h.db'}"
    assert history.resolve_url("default").endswith("wibrs-check/history.sqlite3")


# -- commit -----------------------------------------------------------------------------

def test_commit_records_accepted_incidents_arrests_and_layouts(store):
    rng = random.Random(3)
    lines = incident_lines([1, 2, 3]) + gen.to_lines([gen.group_b_arrest(rng, "WI0130100", 2026, 7, 1)])
    summary, result = commit_records(store, *lines)
    assert result.findings.empty
    assert (summary.incidents_added, summary.arrests_added) == (3, 1)
    on_file = store.incidents_of(["WI0130100"])
    assert sorted(on_file["incident"]) == ["26-000001", "26-000002", "26-000003"]
    assert set(store.layouts(["WI0130100"])["level"]) == {1, 2, 4, 5}
    months = store.months()
    assert months[["ori", "month", "incidents", "group_b", "accepted"]].values.tolist() == [
        ["WI0130100", "2026-07", 3, 1, 4]]


def test_rejected_units_are_not_recorded(store):
    put_incident(store, "26-000001", "2026-06-02")
    summary, result = commit_records(store, *incident_lines([1, 2]))
    assert result.findings["code"].tolist() == ["056"]  # the incident numbered 1 is rejected
    assert summary.incidents_added == 1
    assert sorted(store.incidents_of(["WI0130100"])["incident"]) == ["26-000001", "26-000002"]
    assert store.incidents_of(["WI0130100"])["incident_date"].dt.strftime("%Y-%m-%d").min() == "2026-06-02"


def test_delete_then_resend_replaces_the_incident(store):
    commit_records(store, *incident_lines([1]))
    first = incident_lines([1])[0]
    delete = first[:5] + "D" + first[6:]
    summary, result = commit_records(store, delete, *incident_lines([1], seed=8))
    assert result.findings[result.findings["code"] == "056"].empty
    assert (summary.incidents_deleted, summary.incidents_added) == (1, 1)
    assert store.counts()["incidents"] == 1
    assert store.counts()["deletes"] == 1


def test_an_incident_removes_the_zero_report_of_its_month(store):
    commit_records(store, gen.to_lines([gen.zero_report("WI0130100", 2026, 7)])[0])
    assert store.counts()["zero_reports"] == 1
    summary, _ = commit_records(store, *incident_lines([1]))
    assert summary.zero_reports_deleted == 1
    assert store.counts()["zero_reports"] == 0


def test_a_failure_halfway_leaves_the_store_as_it_was(store, monkeypatch):
    commit_records(store, *incident_lines([1, 2]))
    before = store.counts()
    before_months = store.months()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(commit_mod, "_record_run", broken)  # after deletes and inserts were sent
    first = incident_lines([1])[0]
    with pytest.raises(RuntimeError, match="disk full"):
        commit_records(store, first[:5] + "D" + first[6:], *incident_lines([3, 4]))
    assert store.counts() == before
    assert sorted(store.incidents_of(["WI0130100"])["incident"]) == ["26-000001", "26-000002"]
    assert store.months().equals(before_months)


def test_committing_the_same_incidents_twice_adds_them_once(store):
    run = history.RunInfo()
    commit_records(store, *incident_lines([1, 2]), run=run)
    summary, result = commit_records(store, *incident_lines([1, 2]), run=run)
    assert summary.incidents_added == 0
    assert sorted(result.findings.loc[result.findings["code"] == "056", "incident"]) == ["26-000001", "26-000002"]
    assert store.counts()["incidents"] == 2
    runs = store.runs()
    assert runs[["files", "incidents_added"]].values.tolist() == [[2, 2]]


def test_stored_months_give_summary_and_gap_evidence_of_committed_files(store):
    from wibrs_check.history.stored import extend_run, stored_months

    commit_records(store, *incident_lines([1, 2], month=6), source="june.txt")
    commit_records(store, *incident_lines([5], month=7, seed=9), source="july.txt")
    summary, evidence = stored_months(store, ["2026-06"])
    assert evidence[["ori", "month", "incidents"]].values.tolist() == [["WI0130100", "2026-06", 2]]
    assert summary["incidents"].tolist() == [2]
    # A run whose files hold July reads June (and not July again) from the store.
    ev_july = stored_months(store, ["2026-07"])[1].assign(file="july.txt")
    _, extended, months = extend_run(store, summary.iloc[0:0].drop(columns=["month", "source"]), ev_july, None)
    assert months == ["2026-06", "2026-07"]
    assert sorted(extended["month"]) == ["2026-06", "2026-07"]
    assert extended.loc[extended["month"] == "2026-07", "file"].tolist() == ["july.txt"]


def test_a_history_pickles_to_its_url(store):
    import pickle

    copy = pickle.loads(pickle.dumps(store))
    assert copy.url == store.url
    assert copy.counts() == store.counts()
    copy.close()


def test_run_rows_are_counted_per_file(store):
    commit_records(store, *incident_lines([1]), source="a.txt")
    with store.engine.connect() as conn:
        files = conn.execute(select(m.RunFile.__table__.c.file)).scalars().all()
    assert files == ["a.txt"]

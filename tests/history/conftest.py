"""Fixtures of the history-store tests: a fresh store on SQLite and on PostgreSQL.

PostgreSQL comes from ``WIBRS_TEST_POSTGRES_URL`` (``bash .ci/postgres`` starts a server and
prints one); without it those tests are skipped with the reason. Every PostgreSQL test gets a
schema of its own (dropped afterwards), named in the URL's ``search_path``, so tests never
see each other's rows.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from wibrs_check import engine as engine_mod
from wibrs_check import history
from wibrs_check.context import Context
from wibrs_check.history import models as m
from wibrs_check.testing import fired, submission

PG_ENV = "WIBRS_TEST_POSTGRES_URL"
TODAY = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 8, 1, tzinfo=dt.timezone.utc)


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def _schema_url(base: str, schema: str) -> str:
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options={quote('-csearch_path=' + schema)}"


def _new_schema_url():
    base = pg_url()
    if not base:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against (bash .ci/postgres prints one)")
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(history.resolve_url(base))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _schema_url(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_schema_url():
    """A PostgreSQL URL whose search_path is a new, empty schema (dropped afterwards)."""
    yield from _new_schema_url()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """The location of a new, empty store: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        return str(tmp_path / "history.sqlite3")
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def _module_store(request, tmp_path_factory):
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("history") / "history.sqlite3")
        with history.open_store(url) as opened:
            yield opened
        return
    for url in _new_schema_url():
        with history.open_store(url) as opened:
            yield opened


@pytest.fixture
def store(_module_store):
    """An open store with empty tables (one store per module and database, emptied per test)."""
    with _module_store.engine.begin() as conn:
        for table in reversed(m.Base.metadata.sorted_tables):
            conn.execute(table.delete())
    return _module_store


# -- putting rows on file directly (the edits' tests) --------------------------------------

def _insert(store, model, **values) -> None:
    with store.engine.begin() as conn:
        conn.execute(model.__table__.insert(), values)


def put_incident(store, incident: str, date: str, *, ori: str = "WI0130100", sub_month: str = "2026-06",
                 offenses: str = "13A", arrestees: int = 0, activity: str | None = None) -> None:
    when = dt.date.fromisoformat(date)
    _insert(store, m.Incident, ori=ori, incident=incident, incident_date=when, sub_month=sub_month,
            offense_codes=offenses, activity_months=activity if activity is not None else when.strftime("%Y-%m"),
            arrestees=arrestees, len_admin=88, len_offense=71, len_victim=141, len_offender=46, file="earlier.txt",
            run_id="earlier-run", recorded_at=NOW)


def put_arrest(store, atn: str, date: str, *, seq: str = "01", ori: str = "WI0130100", sub_month: str = "2026-06") -> None:
    _insert(store, m.GroupBArrest, ori=ori, atn=atn, seq=seq, arrest_date=dt.date.fromisoformat(date),
            sub_month=sub_month, offense="90G", file="earlier.txt", run_id="earlier-run", recorded_at=NOW)


def put_layout(store, level: int, length: int, first_month: str, *, ori: str = "WI0130100") -> None:
    _insert(store, m.AgencyLayout, ori=ori, level=level, length=length, first_month=first_month,
            first_run="earlier-run")


def fired_with(store, code: str, *records) -> list:
    """(record, data element) of every finding of ``code`` on these records, with the store."""
    return fired(submission(*records), code, ctx=Context(history=store, today=TODAY))


def history_codes() -> tuple[str, ...]:
    """Every code with a check that reads the store (and, for speed, only those)."""
    from wibrs_check.rules.registry import all_rules

    return tuple(sorted(c for c, r in all_rules().items() if "history" in (r.needs | r.partial_needs)))


def commit_records(store, *records, source: str = "file.txt", run=None, select=None):
    """Check these records with the store (the history edits only, unless ``select`` says
    otherwise; ``()`` runs every edit) and commit them: (CommitSummary, Result)."""
    sub = submission(*records, source=source)
    codes = history_codes() if select is None else select
    result = engine_mod.run(sub, Context(history=store, today=TODAY), codes)
    return history.commit_result(store, result, run or history.RunInfo()), result


def table_counts(store) -> dict[str, int]:
    return store.counts()

"""Issue 22: month figures come from what is on file; long paths; no SQL in messages."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from wibrs_check import history
from wibrs_check.generator import incidents as gen
from wibrs_check.history import commit as commit_mod
from wibrs_check.history import models as m
from wibrs_check.history.session import Committer
from wibrs_check.history.stored import stored_months

from .conftest import commit_records


def _month_lines() -> list[str]:
    """Five incidents (the fifth rejected: location XX), two Group B arrests."""
    rng = random.Random(5)
    good = [gen.group_a_incident("13A", rng, "WI0130100", 2026, 7, n) for n in range(1, 5)]
    bad = gen.group_a_incident("64A", rng, "WI0130100", 2026, 7, 5, arrest=False)
    bad.of_level(2)[0].values["de9"] = "XX"
    arrests = [gen.group_b_arrest(rng, "WI0130100", 2026, 7, n) for n in (1, 2)]
    return gen.to_lines([*good, bad, *arrests])


def test_the_same_file_committed_twice_keeps_the_months_figures_of_what_is_on_file(store):
    lines = _month_lines()
    first, result = commit_records(store, *lines, source="july.txt", select=())
    assert first.incidents_added == 4 and first.arrests_added == 2
    second, again = commit_records(store, *lines, source="july.txt", select=())
    assert second.incidents_added == 0
    assert set(again.findings.loc[again.findings["severity"] == "error", "code"]) >= {"056", "759"}
    row = store.months().iloc[0]
    # on file: 4 incidents + 2 arrests; rejected: the incident with the bad location only
    assert (row["incidents"], row["group_b"]) == (4, 2)
    assert (row["accepted"], row["rejected"], row["received"]) == (6, 1, 7)
    summary, _ = stored_months(store, ["2026-07"])
    assert summary[["accepted", "rejected", "units"]].values.tolist() == [[6, 1, 7]]


def test_a_rejected_incident_fixed_by_another_file_is_no_longer_rejected(store):
    lines = _month_lines()
    commit_records(store, *lines, source="july.txt", select=())
    rng = random.Random(5)  # the same draws as _month_lines, so the fixed incident matches the rejected one
    for n in range(1, 5):
        gen.group_a_incident("13A", rng, "WI0130100", 2026, 7, n)
    fixed = gen.group_a_incident("64A", rng, "WI0130100", 2026, 7, 5, arrest=False)
    commit_records(store, *gen.to_lines([fixed]), source="july-fix.txt", select=())
    figures = store.file_figures().sort_values("file")
    assert figures[["file", "accepted", "rejected"]].values.tolist() == [["july-fix.txt", 1, 0], ["july.txt", 6, 0]]
    assert store.months()[["accepted", "rejected"]].values.tolist() == [[7, 0]]


def test_a_file_path_over_500_characters_is_recorded(store, tmp_path):
    long_name = "/".join(["a" * 120] * 6) + "/WI0130100_2026-07.txt"
    assert len(long_name) > 500
    summary, _ = commit_records(store, *_month_lines(), source=long_name, select=())
    assert (summary.incidents_added, summary.arrests_added) == (4, 2)
    with store.engine.connect() as conn:
        assert conn.execute(select(m.RunFile.__table__.c.file)).scalars().all() == [long_name]
        assert set(conn.execute(select(m.ReceivedUnit.__table__.c.file)).scalars()) == {long_name}


def test_a_database_failure_message_shows_no_sql_and_no_values(store, monkeypatch):
    from sqlalchemy.exc import DataError

    def failing(*args, **kwargs):
        raise DataError("INSERT INTO run_files (file) VALUES (%(file)s)", {"file": "secret-parameter"},
                        Exception("value too long for type character varying(500)"))

    monkeypatch.setattr(commit_mod, "_record_run", failing)
    from wibrs_check import engine as engine_mod
    from wibrs_check.context import Context
    from wibrs_check.testing import submission

    committer = Committer(store)
    committer(engine_mod.run(submission(*_month_lines()[:6], source="x.txt"), Context(history=store), ("056",)))
    [message] = committer.problems
    assert "value too long for type character varying(500)" in message
    assert "INSERT" not in message and "secret-parameter" not in message and "%(" not in message


def test_an_unreachable_server_message_shows_no_sql():
    with pytest.raises(history.HistoryError) as caught:
        history.open_store("postgresql://nobody:pw@127.0.0.1:1/none?connect_timeout=2")
    assert "pw" not in str(caught.value) and "SELECT" not in str(caught.value)

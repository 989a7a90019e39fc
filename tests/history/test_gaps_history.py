"""``batch`` and ``gaps`` with --history: months committed earlier join the run's own."""

from __future__ import annotations

import json

from click.testing import CliRunner

from wibrs_check import history
from wibrs_check.cli import main

from .test_store import incident_lines
from .conftest import commit_records


def _stored_june(path) -> None:
    with history.open_store(path) as store:
        commit_records(store, *incident_lines([1, 2, 3], month=6), source="june.txt")


def test_batch_summary_and_gap_report_read_stored_months(tmp_path):
    store = tmp_path / "h.sqlite3"
    _stored_june(store)
    july = tmp_path / "july"
    july.mkdir()
    (july / "WI0130100_2026-07.txt").write_text("\n".join(incident_lines([10, 11], month=7, seed=5)) + "\n")
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["batch", str(july), "--history", str(store), "-j", "1", "--no-progress",
                                       "-o", str(out), "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    rows = {(r["ori"], r["month"]): r for r in summary["agencies"]}
    assert rows[("WI0130100", "2026-06")]["incidents"] == 3  # from the store
    assert rows[("WI0130100", "2026-07")]["incidents"] == 2  # from the file
    assert summary["totals"]["months"] == ["2026-06", "2026-07"]
    gaps = CliRunner().invoke(main, ["gaps", str(july), "--history", str(store), "-j", "1", "--no-progress",
                                     "--format", "json", "--today", "2026-11-23"])
    assert json.loads(gaps.stdout)["months"] == ["2026-06", "2026-07"]


def test_a_month_the_files_cover_is_not_read_from_the_store(tmp_path):
    store = tmp_path / "h.sqlite3"
    _stored_june(store)
    june = tmp_path / "june"
    june.mkdir()
    (june / "WI0130100_2026-06.txt").write_text("\n".join(incident_lines([20], month=6, seed=6)) + "\n")
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["batch", str(june), "--history", str(store), "-j", "1", "--no-progress",
                                       "-o", str(out), "--today", "2026-11-23"])
    summary = json.loads((out / "summary.json").read_text())
    assert [(r["month"], r["incidents"]) for r in summary["agencies"]] == [("2026-06", 1)], result.output


def test_batch_refuses_a_missing_store(tmp_path):
    result = CliRunner().invoke(main, ["batch", str(tmp_path), "--history", str(tmp_path / "nope.sqlite3")])
    assert result.exit_code == 2
    assert "no history store" in result.output

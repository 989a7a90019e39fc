"""The issue's done-means, end to end through ``wibrs-check check --history ... --commit``."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner

from wibrs_check import history
from wibrs_check.cli import main
from wibrs_check.generator import incidents as gen
from wibrs_check.generator.inject import build_month, write_month

ORI = "WI0130100"


def _check(*args) -> tuple[int, pd.DataFrame, str]:
    result = CliRunner().invoke(main, ["check", *map(str, args), "--format", "csv", "--today", "2026-11-23"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    lines = result.stdout
    frame = pd.read_csv(__import__("io").StringIO(lines), dtype=str, keep_default_na=False)
    return result.exit_code, frame, result.stderr


def test_same_month_twice_then_delete_and_resend_then_zero_report(store_url, tmp_path):
    month = build_month(seed=11, oris=(ORI,), incidents_per_agency=6, codes=())
    path = write_month(month, tmp_path / "month")[0]
    records = path.read_text().splitlines()
    group_a = sorted({r[16:37].strip()[9:] for r in records if r[4] == "1"})
    assert len(group_a) == 6

    code, first, err = _check(path, "--history", store_url, "--commit")
    assert code == 0, first
    assert "6 incidents, 2 Group B arrests, 0 zero reports added" in err

    # The same month again: every Group A incident is a duplicate (056), every arrest too (759).
    code, second, err = _check(path, "--history", store_url, "--commit")
    assert code == 1
    dup = second[second["code"] == "056"]
    assert sorted(dup["incident"].str.strip()) == group_a
    assert (second["code"] == "759").sum() == 2
    assert "0 incidents, 0 Group B arrests, 0 zero reports added" in err

    # Delete each incident (action D with its date) and send it again: accepted.
    admins = [r for r in records if r[4] == "1"]
    deletes = [r[:5] + "D" + r[6:] for r in admins]
    resend = tmp_path / "resend.txt"
    resend.write_text("\n".join(deletes + [r for r in records if r[4] != "7"]) + "\n")
    code, third, err = _check(resend, "--history", store_url, "--commit")
    assert third[third["severity"] == "error"].empty, third[["record", "code", "message"]]
    assert code == 0
    assert "6 incidents, 0 Group B arrests, 0 zero reports added; 6 incidents, 0 arrests, 0 zero reports deleted" in err

    # A zero report for the month that holds data: 028.
    zero = tmp_path / "zero.txt"
    zero.write_text(gen.to_lines([gen.zero_report(ORI, 2026, 7)])[0] + "\n")
    code, fourth, _ = _check(zero, "--history", store_url)
    assert code == 1
    assert fourth["code"].tolist() == ["028", "029"]  # July holds incidents and Group B arrests

    with history.open_store(store_url) as store:
        assert store.counts()["incidents"] == 6
        assert store.counts()["zero_reports"] == 0
        assert store.runs()["files"].sum() == 3


def test_commit_without_a_store_is_a_usage_error(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(gen.to_lines([gen.zero_report(ORI, 2026, 7)])[0] + "\n")
    result = CliRunner().invoke(main, ["check", str(path), "--commit"], env={"WIBRS_CHECK_HISTORY": ""})
    assert result.exit_code == 2
    assert "--commit needs a history store" in result.output


def test_history_edits_are_not_checked_without_a_store(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(gen.to_lines([gen.zero_report(ORI, 2026, 7)])[0] + "\n")
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"], env={"WIBRS_CHECK_HISTORY": ""})
    assert "earlier submissions" in result.stdout
    assert '"030"' in result.stdout


def _one_incident_file(tmp_path):
    from .test_store import incident_lines

    path = tmp_path / "one.txt"
    path.write_text("\n".join(incident_lines([1])) + "\n")
    return path


def test_a_commit_that_fails_halfway_is_reported_and_leaves_the_store_unchanged(tmp_path, monkeypatch):
    from wibrs_check.history import commit as commit_mod

    store = tmp_path / "h.sqlite3"
    history.open_store(store).close()

    def broken(*args, **kwargs):
        raise OSError("connection lost")

    monkeypatch.setattr(commit_mod, "_record_run", broken)
    code, _, err = _check(_one_incident_file(tmp_path), "--history", store, "--commit")
    assert code == 2
    assert "not recorded, the history store is unchanged for this file (OSError: connection lost)" in err
    with history.open_store(store) as opened:
        assert set(opened.counts().values()) == {0}


def test_history_info_and_months_show_what_is_on_file(tmp_path):
    store = tmp_path / "h.sqlite3"
    code, _, _ = _check(_one_incident_file(tmp_path), "--history", store, "--commit")
    assert code == 0
    info = CliRunner().invoke(main, ["history", "info", "--history", str(store)])
    assert "incidents" in info.output and "1 incidents added" in info.output
    months = CliRunner().invoke(main, ["history", "months", "--history", str(store), "--format", "csv"])
    frame = pd.read_csv(__import__("io").StringIO(months.output), dtype=str)
    assert frame[["ori", "month", "incidents"]].values.tolist() == [[ORI, "2026-07", "1"]]


def test_checking_against_a_missing_store_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["check", str(_one_incident_file(tmp_path)), "--history",
                                       str(tmp_path / "typo.sqlite3")])
    assert result.exit_code == 2
    assert "no history store" in result.output
    assert "Traceback" not in result.output


def test_rules_lists_every_section_5_2_number_as_implemented_or_naming_its_need():
    from wibrs_check import spec

    result = CliRunner().invoke(main, ["rules", "--format", "csv"])
    listed = pd.read_csv(__import__("io").StringIO(result.output), dtype=str, keep_default_na=False).set_index("code")
    catalog = spec.edit_catalog()
    numbers = catalog.index[catalog["section"].astype(str).str.startswith("5.2")]
    assert len(numbers) > 250
    for code in numbers:
        status = listed.loc[code, "status"]
        assert status.startswith("implemented") or "needs" in status, (code, status)
    for code in ("056", "028", "030", "088", "178", "198", "759", "799"):
        assert "earlier submissions" in listed.loc[code, "status"], code


def test_each_file_is_committed_before_the_next_is_checked(tmp_path):
    store = tmp_path / "h.sqlite3"
    first = _one_incident_file(tmp_path)
    second = tmp_path / "again.txt"
    second.write_text(first.read_text())
    code, found, err = _check(first, second, "--history", store, "--commit")
    assert code == 1
    assert found[["file", "code"]].values.tolist() == [[str(second), "056"]]
    assert f"history: {first}: 1 incidents" in err and f"history: {second}: 0 incidents" in err

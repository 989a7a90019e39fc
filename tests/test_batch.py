"""wibrs-check batch: inputs, parallel workers, unreadable files, per-agency summary, outputs."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from wibrs_check import batch
from wibrs_check.cli import main
from wibrs_check.context import Context
from wibrs_check.model import Submission
from wibrs_check.runner import FilePart, Options

from state_month_run import RULES, TODAY, small_month, small_month_result

SAMPLES = Path(__file__).resolve().parents[1] / "sample_submissions"


def names(paths):
    return [Path(p).name for p in paths]


def test_collect_inputs_folder_glob_list_and_missing(tmp_path):
    month = tmp_path / "month"
    (month / "sub").mkdir(parents=True)
    (month / "a.txt").write_text("00430...")
    (month / "sub" / "b.txt").write_text("0043")  # damaged records are checked; notes are not
    (month / "expected_findings.csv").write_text("file,record\n")
    (month / "notes.md").write_text("# notes\n")
    (month / ".hidden.txt").write_text("x")
    got = batch.collect_inputs([month])
    assert names(got.paths) == ["a.txt", "b.txt"]
    assert sorted(names(x["path"] for x in got.skipped)) == [".hidden.txt", "expected_findings.csv", "notes.md"]

    got = batch.collect_inputs([str(month / "**" / "*.txt")])
    assert names(got.paths) == ["a.txt", "b.txt"]
    assert batch.collect_inputs([str(tmp_path / "nothing*.txt")]).missing

    listing = tmp_path / "files.lst"
    listing.write_text("# this month\nmonth/a.txt\n\nmonth/sub/b.txt\n")
    # a list file only with @ (issue 22): named plainly it is a file like any other (free text: skipped)
    assert names(batch.collect_inputs([listing]).paths) == []
    assert names(batch.collect_inputs(["@" + str(listing)]).paths) == ["a.txt", "b.txt"]
    # a file named twice is checked once; a file named on its own is judged by content too
    got = batch.collect_inputs([month / "a.txt", month, month / "notes.md"])
    assert names(got.paths) == ["a.txt", "b.txt"] and "notes.md" in names(x["path"] for x in got.skipped)
    # a folder to exclude (the output folder inside the input folder)
    assert names(batch.collect_inputs([month], exclude=month / "sub").paths) == ["a.txt"]


def test_small_month_accounting_and_summary():
    built, result = small_month(), small_month_result()
    assert result.stats["files"] == len(built.paths)
    assert result.stats["workers"] == 2
    assert not result.report.rule_failures
    # the damaged deliveries: last month's FBI Error Data Set cannot be read, and is reported ...
    eds = built.damaged.loc[built.damaged["path"].str.endswith("_fbi_eds.txt"), "path"].tolist()
    assert [Path(f["path"]).name for f in result.report.fatal] == eds
    assert "Error Data Set" in result.report.fatal[0]["message"]
    # ... while every other file is read, and every record read is counted on an agency row
    assert {Path(f["path"]).name for f in result.report.files} == {p.name for p in built.paths} - set(eds)
    s = result.summary
    t = batch.totals(result)
    assert t["records_read"] == t["records_placed"] + t["records_unplaced"] == s["records"].sum() > 0
    assert (s["incidents_accepted"] + s["incidents_rejected"] == s["incidents"]).all()
    # the XML file cut off in transfer: its agency's row shows the file-level error
    cut = built.damaged.loc[built.damaged["path"].str.endswith(".xml"), "ori"].iloc[0]
    row = s[s["ori"] == cut].iloc[0]
    assert row["file_errors"] == 1 and row["errors"] >= 1 and "XML01x1" in row["top_errors"]
    assert list(s.columns) == list(batch.AGENCY_COLUMNS)
    agencies = pd.read_csv(built.agency_file, dtype=str)
    assert set(s["ori"]) == set(agencies["ori"])  # every agency: sent or nothing sent
    nothing = set(s.loc[s["status"] == "nothing sent", "ori"])
    assert nothing == set(built.expected_gaps.loc[built.expected_gaps["code"] == "GAP06", "ori"])
    sent = s[s["status"] == "sent"]
    assert (sent["received"] == sent["accepted"] + sent["rejected"]).all()
    assert set(sent["format"]) == {"flat", "xml", "sbr"}
    assert sent["name"].str.startswith("Agency").all()
    legacy = built.expected_gaps.loc[built.expected_gaps["code"] == "GAP04", "ori"].iloc[0]
    assert s.loc[s["ori"] == legacy, "layout"].iloc[0] == "short"
    rejected = s[s["rejected"] > 0]
    assert (rejected["top_errors"].str.contains("204x1")).all()
    assert set(s.loc[s["file_errors"] > 0, "ori"]) == {cut}
    assert (rejected["error_rate"] == rejected["rejected"] / rejected["received"]).all()
    assert t["agencies_nothing_sent"] == len(nothing) and t["files"] == len(built.paths)
    assert t["unreadable_files"] == 1 and t["files_read"] == len(built.paths) - 1


def test_worker_returns_compact_results_never_the_model():
    built = small_month()
    batch._init_worker(Context(today=TODAY), Options(select=RULES))
    part, stats = batch._check_one(str(built.paths[3]))
    assert isinstance(part, FilePart) and part.fatal is None
    assert isinstance(part.extra, pd.DataFrame) and list(part.extra.columns) == list(batch.gaps_mod.EVIDENCE_COLUMNS)
    assert not any(isinstance(v, Submission) for v in vars(part).values())
    assert stats["rss_peak_mib"] > 0 and stats["pid"] == os.getpid()
    assert len(pickle.dumps(part)) < 200_000


def test_one_and_two_workers_give_the_same_report(tmp_path):
    built = small_month()
    paths = built.paths[:4]
    ctx = Context(today=TODAY)
    one = batch.run_batch(paths, ctx, Options(select=RULES), jobs=1, progress=False)
    two = batch.run_batch(paths, ctx, Options(select=RULES), jobs=2, progress=False)
    pd.testing.assert_frame_equal(one.report.findings, two.report.findings)
    pd.testing.assert_frame_equal(one.summary, two.summary)
    pd.testing.assert_frame_equal(one.evidence, two.evidence)


def test_unreadable_file_is_reported_and_the_run_goes_on(tmp_path):
    good = tmp_path / "good.txt"
    shutil.copy(SAMPLES / "wibrs" / "WI0130100_2026-07.txt", good)
    broken = tmp_path / "broken.txt"
    broken.symlink_to(tmp_path / "gone.txt")  # a dangling link: cannot be opened
    result = batch.run_batch([good, broken, tmp_path / "missing.txt"], Context(today=TODAY), Options(select=("IO",)),
                             jobs=2, progress=False)
    assert sorted(Path(f["path"]).name for f in result.report.fatal) == ["broken.txt", "missing.txt"]
    assert [Path(f["path"]).name for f in result.report.files] == ["good.txt"]
    assert result.summary["ori"].tolist() == ["WI0130100"]


_REAL_CHECK = batch._check_one
_REAL_GROUP = batch._check_group


def _fragile_check(path):
    """A worker that dies on one file, as if the kernel killed it (picklable: module level)."""
    if path.endswith("killer.txt"):
        os._exit(3)
    return _REAL_CHECK(path)


def _fragile_group(paths):
    """The same for a group of files: the worker dies when the group holds the killer."""
    if any(path.endswith("killer.txt") for path in paths):
        os._exit(3)
    return _REAL_GROUP(paths)


def test_a_dying_worker_loses_only_its_file(tmp_path, monkeypatch):
    for name in ("a.txt", "b.txt", "killer.txt", "c.txt"):
        shutil.copy(SAMPLES / "wibrs" / "WI0130200_2026-07.txt", tmp_path / name)
    monkeypatch.setattr(batch, "_check_one", _fragile_check)
    monkeypatch.setattr(batch, "_check_group", _fragile_group)
    result = batch.run_batch([tmp_path], Context(today=TODAY), Options(select=("IO",)), jobs=2, progress=False)
    assert [Path(f["path"]).name for f in result.report.fatal] == ["killer.txt"]
    assert "died" in result.report.fatal[0]["message"]
    assert sorted(Path(f["path"]).name for f in result.report.files) == ["a.txt", "b.txt", "c.txt"]


def test_plain_progress_lines():
    stream = io.StringIO()
    bar = batch.Progress(3, mode=True, stream=stream)
    assert bar.enabled and not bar.rich
    for n in range(3):
        bar.advance(FilePart(f"f{n}", file={"records_read": 100}))
    bar.advance(FilePart("bad", fatal={"path": "bad", "message": "cannot read"}))
    bar.close()
    text = stream.getvalue()
    assert "checked 3/3 files, 300 records" in text and "records/s" in text and "left" in text
    assert "unreadable bad: cannot read" in text
    quiet = io.StringIO()
    batch.Progress(3, mode=None, stream=quiet).advance(FilePart("x", file={"records_read": 1}))
    assert quiet.getvalue() == ""  # not a terminal and not asked for: silent


def test_batch_command_writes_every_output(tmp_path):
    built = small_month()
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [
        "batch", str(built.directory), "--agencies", str(built.agency_file), "-o", str(out), "--format", "csv,json,eds",
        "--select", ",".join(RULES), "--today", "2026-08-15", "-j", "2", "--no-progress", "--rows", "5"])
    assert result.exit_code == 2, result.output  # a file could not be read (the run went on)
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(["summary.csv", "summary.json", "gaps.csv", "gaps.json", "report.html", "findings.csv",
                              "findings.json", "findings.eds", "findings.warnings.eds"])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["totals"]["files"] == len(built.paths)
    assert summary["run"]["jobs"] == 2 and summary["run"]["files_per_second"] > 0
    assert {a["ori"] for a in summary["nothing_sent"]} == set(
        built.expected_gaps.loc[built.expected_gaps["code"] == "GAP06", "ori"])
    assert set(summary["columns"]) == set(batch.AGENCY_COLUMNS)
    assert pd.read_csv(out / "summary.csv").columns.tolist() == list(batch.AGENCY_COLUMNS)
    assert "GAP02" in (out / "gaps.csv").read_text()
    assert "By agency" in result.stdout and "Sent nothing" in result.stdout and "more agencies in summary.csv" in result.stdout
    assert "files/s" in result.stdout
    eds = built.damaged.loc[built.damaged["path"].str.endswith("_fbi_eds.txt"), "path"].iloc[0]
    assert [Path(f["path"]).name for f in summary["unreadable_files"]] == [eds]
    assert "unreadable" in result.stdout and eds in result.stdout.replace("\n", "")
    assert summary["totals"]["records_read"] == sum(a["records"] for a in summary["agencies"])


def test_batch_command_rejects_unknown_format_and_empty_input(tmp_path):
    bad = CliRunner().invoke(main, ["batch", str(tmp_path), "--format", "pdf"])
    assert bad.exit_code == 2 and "unknown format" in bad.output
    empty = CliRunner().invoke(main, ["batch", str(tmp_path), "-o", str(tmp_path / "out")])
    assert empty.exit_code == 2 and "no submission files" in empty.output


def test_a_file_without_any_agency_is_listed(tmp_path):
    good = tmp_path / "good.txt"
    shutil.copy(SAMPLES / "wibrs" / "WI0130100_2026-07.txt", good)
    (tmp_path / "empty.txt").write_bytes(b"")
    result = batch.run_batch([good, tmp_path / "empty.txt"], Context(today=TODAY), Options(select=("IO",)),
                             jobs=1, progress=False)
    quiet = batch.files_without_agency(result.report)
    assert [Path(q["path"]).name for q in quiet] == ["empty.txt"]
    assert quiet[0]["records_read"] == 0 and quiet[0]["findings"].startswith("IO06")
    assert batch.totals(result)["files_without_agency"] == 1


def test_terminal_table_keeps_what_fits_most_wanted_first():
    from wibrs_check.commands.batch import TABLE_COLUMNS, _fitting_columns

    s = small_month_result().summary
    wide, left_out = _fitting_columns(s, 400, TABLE_COLUMNS)
    assert [c[0] for c in wide] == [c[0] for c in TABLE_COLUMNS] and not left_out
    narrow, left_out = _fitting_columns(s, 80, TABLE_COLUMNS)
    kept = [c[0] for c in narrow]
    assert kept[0] == "ori" and {"incidents", "incidents_rejected", "error_rate", "top_errors"} <= set(kept)
    assert "agency" in left_out and len(kept) + len(left_out) == len(TABLE_COLUMNS)
    width = sum(max(len(h) for h in c[1].split("\n")) for c in narrow)
    assert width < 80

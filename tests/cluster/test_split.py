"""One huge flat file checked in chunks split at unit boundaries: the findings, summary, unit
list and accounting equal those of the unsplit check, record numbers and lines included."""

from __future__ import annotations

import datetime as dt
import shutil
from functools import cache
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from wibrs_check import executors, split
from wibrs_check.cli import main
from wibrs_check.context import Context
from wibrs_check.readers.flatfile import read_flat
from wibrs_check.runner import FilePart, Options, check_file_part

from .huge_file import build_huge_file

TODAY = dt.date(2026, 8, 15)
CHUNK = 80_000  # bytes: the generated file (about 490 kB) makes six chunks
CROSS_CHUNK = ("056", "058", "088", "751", "028", "029", "050")


@cache
def huge_file() -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="wibrs-huge-"))
    return build_huge_file(folder / "state-master.txt")


@cache
def unsplit() -> FilePart:
    return check_file_part(huge_file(), Context(today=TODAY), Options())


def assert_same_part(whole: FilePart, chunked: FilePart) -> None:
    pd.testing.assert_frame_equal(whole.findings, chunked.findings)
    pd.testing.assert_frame_equal(whole.summary, chunked.summary)
    pd.testing.assert_frame_equal(whole.units, chunked.units)
    assert whole.file == chunked.file
    assert whole.not_checked == chunked.not_checked and whole.rule_failures == chunked.rule_failures
    assert whole.raw_records == chunked.raw_records


def test_split_points_fall_on_unit_starts_and_never_inside_an_interrupted_incident():
    path = huge_file()
    records = split.scan(path)
    sub = read_flat(path)
    assert len(records) == len(sub.records)
    assert (records.line == sub.records["line"].to_numpy()).all()
    assert (records.column(split.KEY).astype(str) == (sub.records["ori"].str.ljust(9)
                                                     + sub.records["incident"].str.ljust(12)).to_numpy()).all()
    points = split.split_points(records, CHUNK)
    assert len(points) >= 5
    levels = sub.records["level"].to_numpy()
    units = sub.records["unit"].to_numpy()
    for point in points[1:]:
        assert levels[point] in ("0", "1", "7") and units[point] != units[point - 1]
        following = next(lv for lv in levels[point:] if lv not in ("0", "7"))
        assert following not in ("2", "3", "4", "5", "6")


def test_a_split_check_equals_the_unsplit_check_row_for_row():
    whole = unsplit()
    chunks = split.plan(huge_file(), CHUNK)
    assert len(chunks) >= 5 and sum(len(c.before) + len(c.after) for c in chunks) >= len(chunks)
    chunked = split.check_split(huge_file(), Context(today=TODAY), Options(), CHUNK, jobs=2)
    assert_same_part(whole, chunked)
    # the planted cross-chunk edits are among them, on the records at the file's end
    found = chunked.findings
    last = int(found["record"].max())
    tail = set(found.loc[found["record"] >= last - 8, "code"])
    assert {"056", "751", "088", "028"} <= tail
    # ... and a chunk checked without its context would miss them
    alone = split.check_chunk(chunks[-1].__class__(**{**vars(chunks[-1]), "before": [], "after": []}),
                              Context(today=TODAY), Options()).part.findings
    assert not {"056", "751", "088"} <= set(alone["code"])


def test_a_split_check_on_a_local_cluster_equals_the_unsplit_check():
    with executors.open_cluster("local", 2) as cluster:
        chunked = split.check_split(huge_file(), Context(today=TODAY), Options(select=CROSS_CHUNK + ("0", "2")),
                                    CHUNK, cluster=cluster)
    whole = check_file_part(huge_file(), Context(today=TODAY), Options(select=CROSS_CHUNK + ("0", "2")))
    assert_same_part(whole, chunked)


def test_small_files_and_other_formats_are_not_split(tmp_path):
    sample = Path(__file__).resolve().parents[2] / "sample_submissions" / "wibrs" / "WI0130100_2026-07.txt"
    assert split.check_split(sample, Context(today=TODAY), Options(), chunk_bytes=10**9) is None
    xml = tmp_path / "a.xml"
    xml.write_text("<?xml version='1.0'?><Submission/>" + " " * 5000)
    assert split.check_split(xml, Context(today=TODAY), Options(), chunk_bytes=1000) is None
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(sample.read_bytes().replace(b"\n", b"\r\n"))
    whole = check_file_part(crlf, Context(today=TODAY), Options(select=CROSS_CHUNK))
    assert_same_part(whole, split.check_split(crlf, Context(today=TODAY), Options(select=CROSS_CHUNK), 6000))


def test_check_command_chunk_mb_gives_the_same_report(tmp_path):
    path = tmp_path / "big.txt"
    shutil.copy(huge_file(), path)
    args = ["check", str(path), "--format", "csv", "--today", TODAY.isoformat(), "--select", ",".join(CROSS_CHUNK)]
    whole = CliRunner().invoke(main, args + ["-o", str(tmp_path / "whole.csv")])
    chunked = CliRunner().invoke(main, args + ["--chunk-mb", "0.1", "-j", "2", "-o", str(tmp_path / "chunked.csv")])
    assert whole.exit_code == chunked.exit_code == 1
    assert "is checked in 5 chunks" in chunked.output or "is checked in 6 chunks" in chunked.output
    assert (tmp_path / "whole.csv").read_bytes() == (tmp_path / "chunked.csv").read_bytes()


def test_default_chunk_size_fits_the_machine():
    assert split.default_chunk_mb(1) >= split.default_chunk_mb(4) >= 8


def test_a_split_check_with_a_history_store_equals_the_unsplit_check(tmp_path):
    """The history edits (056/088/759 against earlier months, 028/029) discount the file's own
    earlier copies and deletes, which may lie in another chunk."""
    from wibrs_check.history import open_store
    from wibrs_check.history.session import Committer

    store = open_store(str(tmp_path / "history.sqlite"), create=True)
    earlier = sorted((huge_file().parent / (huge_file().stem + "-parts")).glob("*.txt"))[0]
    committer = Committer(store)
    check_file_part(earlier, Context(history=store, today=TODAY), Options(), collect=committer)
    assert not committer.failed and committer.summaries[0].incidents_added > 0
    ctx = Context(history=store, today=TODAY)
    whole = check_file_part(huge_file(), ctx, Options())
    assert {"056", "759"} <= set(whole.findings["code"])
    assert_same_part(whole, split.check_split(huge_file(), ctx, Options(), CHUNK, jobs=1))
    store.close()

"""Many files, one model: checking files joined into one Submission gives exactly what checking
each file alone gives (findings, summary rows, units, accounting, raw records, gap evidence)."""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from wibrs_check import gaps, model
from wibrs_check.agencies import load_agencies
from wibrs_check.context import Context
from wibrs_check.generator.state_month import build_state_month
from wibrs_check.readers.detect import read_any
from wibrs_check.runner import Options, check_file_part, check_parts_grouped, merge_parts

from conftest import SAMPLES
from state_month_run import TODAY

REPO_SAMPLES = Path(__file__).resolve().parents[1] / "sample_submissions"


@cache
def injected_month():
    """A small generated month with the generator's error injections (so file-scoped edits fire)."""
    directory = Path(tempfile.mkdtemp(prefix="wibrs-grouped-month-"))
    return build_state_month(directory, agencies=20, incidents=2, inject=True)


def both_ways(paths: list[Path], ctx: Context, options: Options = Options(), **budget):
    alone = [check_file_part(p, ctx, options, collect=gaps.evidence) for p in paths]
    grouped = list(check_parts_grouped(paths, ctx, options, collect=gaps.evidence, **budget))
    return alone, grouped


def assert_same(alone, grouped, ctx: Context):
    assert [p.path for p in alone] == [p.path for p in grouped]
    for one, other in zip(alone, grouped):
        assert one.fatal == other.fatal
        if one.fatal:
            continue
        pd.testing.assert_frame_equal(one.findings.reset_index(drop=True), other.findings.reset_index(drop=True))
        pd.testing.assert_frame_equal(one.summary.reset_index(drop=True), other.summary.reset_index(drop=True))
        pd.testing.assert_frame_equal(one.units.reset_index(drop=True), other.units.reset_index(drop=True))
        assert one.file == other.file
        assert one.raw_records == other.raw_records
        assert one.not_checked == other.not_checked
        assert one.rule_failures == other.rule_failures
        pd.testing.assert_frame_equal(one.extra.reset_index(drop=True), other.extra.reset_index(drop=True),
                                      check_dtype=False)
    first, second = merge_parts(alone, ctx), merge_parts(grouped, ctx)
    pd.testing.assert_frame_equal(first.findings, second.findings)
    pd.testing.assert_frame_equal(first.summary, second.summary)
    run = gaps.run_months(gaps.combine([p.extra for p in alone if p.fatal is None]))
    signals = [gaps.signals(gaps.combine([p.extra for p in parts if p.fatal is None]), ctx.agencies, run)
               for parts in (alone, grouped)]
    pd.testing.assert_frame_equal(*signals)


def test_generated_month_grouped_equals_one_file_at_a_time():
    built = injected_month()
    ctx = Context(agencies=load_agencies(built.agency_file), today=TODAY)
    paths = sorted(built.paths)  # flat, XML, SBR, one XML file cut off, one FBI error data set
    # a small budget too, so that the month is cut into several joined models
    alone, grouped = both_ways(paths, ctx)
    assert sum(len(p.findings) for p in alone if p.findings is not None) > 50  # the injections fired
    assert_same(alone, grouped, ctx)
    _, small_groups = both_ways(paths[:12], ctx, budget_records=40)
    assert_same(alone[:12], small_groups, ctx)


def test_shared_samples_grouped_equal_one_file_at_a_time():
    if not SAMPLES.exists():
        pytest.skip(f"{SAMPLES} is not available")
    paths = sorted(p for p in SAMPLES.rglob("*") if p.is_file())
    ctx = Context(today=TODAY)
    alone, grouped = both_ways(paths, ctx)
    assert_same(alone, grouped, ctx)


def test_copies_of_one_file_do_not_see_each_other(tmp_path):
    """The file-scoped edits (056 and 751 repeats, 058 month, 088, 050 interruptions, 028/029)
    compare a record with its own file only: two copies joined raise nothing the file alone
    does not, and a file made of the two copies raises the repeats."""
    source = REPO_SAMPLES / "wibrs" / "WI0130100_2026-07.txt"
    paths = [tmp_path / "a.txt", tmp_path / "b.txt"]
    for path in paths:
        shutil.copy(source, path)
    ctx = Context(today=TODAY)
    alone, grouped = both_ways(paths, ctx)
    assert_same(alone, grouped, ctx)
    joined = model.join([read_any(p) for p in paths])
    assert joined.files["first_rid"].tolist() == [0, len(joined.records) // 2]
    assert joined.file_of([0, len(joined.records) - 1]).tolist() == [0, 1]
    doubled = tmp_path / "doubled.txt"
    doubled.write_bytes(source.read_bytes() * 2)
    both = check_file_part(doubled, ctx, Options())
    assert {"056"} <= set(both.findings["code"]) - set(alone[0].findings["code"])


def test_what_cannot_be_joined_is_checked_alone(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    sbr = REPO_SAMPLES / "sbr" / "WI_SBR_2026-07.csv"
    flat = REPO_SAMPLES / "wibrs" / "WI0130200_2026-07.txt"
    assert not model.joinable(read_any(empty)) and not model.joinable(read_any(sbr))
    assert model.joinable(read_any(flat))
    paths = [empty, flat, sbr, tmp_path / "missing.txt", REPO_SAMPLES / "wibrs" / "WI0130100_2026-07.txt"]
    ctx = Context(today=TODAY)
    alone, grouped = both_ways(paths, ctx)
    assert_same(alone, grouped, ctx)
    with pytest.raises(ValueError):
        model.join([read_any(flat), read_any(sbr)])

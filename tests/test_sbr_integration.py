"""SBR returns go through the same engine: accounted for, counted as units, only SBR rules."""

import datetime as dt
from pathlib import Path

from wibrs_check import engine
from wibrs_check.context import Context
from wibrs_check.readers.sbr import read_sbr

SAMPLES = Path(__file__).resolve().parents[1] / "sample_submissions" / "sbr"
CTX = Context(today=dt.date(2026, 8, 15))


def test_every_sbr_row_is_accounted_for():
    sub = read_sbr(SAMPLES / "WI_SBR_2026-07_planted.csv")
    sub.check_accounting()
    counts = sub.accounting()
    assert counts["records_read"] == counts["records_placed"] + counts["records_unplaced"] > 0


def test_sbr_returns_are_counted_as_units_per_agency():
    sub = read_sbr(SAMPLES / "WI_SBR_2026-07.csv")
    result = engine.run(sub, CTX)
    summary = engine.agency_summary(sub, result.findings)
    assert (summary["sbr_returns"] > 0).all()
    assert (summary["units"] == summary["sbr_returns"]).all()
    assert summary["rejected"].sum() == 0


def test_nibrs_rules_do_not_run_on_sbr_returns():
    sub = read_sbr(SAMPLES / "WI_SBR_2026-07_planted.csv")
    codes = set(engine.run(sub, CTX).findings["code"])
    assert codes and all(c.startswith(("SBR", "HT", "GAP", "IO")) for c in codes), codes

"""The bundled samples keep matching their expected findings as rules evolve."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from wibrs_check.context import Context
from wibrs_check.runner import Options, build_report

SAMPLES = Path(__file__).resolve().parents[1] / "sample_submissions"


@pytest.mark.parametrize("folder", ["wibrs"])
def test_every_planted_error_is_found(folder):
    expected = pd.read_csv(SAMPLES / folder / "expected_findings.csv", dtype=str, keep_default_na=False)
    paths = sorted((SAMPLES / folder).glob("*.txt"))
    report = build_report(paths, Context(today=dt.date(2026, 8, 15)), Options())
    found = report.findings.assign(name=report.findings["file"].map(lambda f: Path(f).name))
    missing = []
    for row in expected.itertuples(index=False):
        hits = found[(found["name"] == row.file) & (found["code"] == row.code) & (found["incident"] == row.incident)]
        hits = hits[hits["record"].isna()] if not row.record else hits[hits["record"] == int(row.record)]
        if hits.empty:
            missing.append(tuple(row))
    assert missing == []
    assert report.files and all(f["records_read"] == f["records_placed"] for f in report.files)

"""``--format xlsx`` for check and batch: a findings sheet with the CSV's rows and a summary sheet."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from click.testing import CliRunner
from openpyxl import load_workbook

from wibrs_check.cli import main
from wibrs_check.findings import OUTPUT_COLUMNS

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_submissions" / "wibrs" / "WI0130100_2026-07.txt"


def sheets(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_check_xlsx_holds_the_same_findings_as_csv(tmp_path):
    runner = CliRunner()
    out = tmp_path / "findings.xlsx"
    result = runner.invoke(main, ["check", str(SAMPLE), "--format", "xlsx", "-o", str(out), "--today", "2026-08-15"])
    assert result.exit_code == 1, result.output
    csv_run = runner.invoke(main, ["check", str(SAMPLE), "--format", "csv", "--today", "2026-08-15"])
    expected = pd.read_csv(io.StringIO(csv_run.stdout), dtype=str, keep_default_na=False)
    book = sheets(out.read_bytes())
    assert list(book) == ["findings", "summary"]
    header, *rows = book["findings"]
    assert header == OUTPUT_COLUMNS  # the CSV columns, fix included
    assert len(rows) == len(expected) > 0
    codes = [str(r[header.index("code")]) for r in rows]
    assert codes == expected["code"].tolist()
    summary_header = book["summary"][0]
    assert "ori" in summary_header and "rejected" in summary_header
    assert book["summary"][1][summary_header.index("ori")] == "WI0130100"


def test_check_xlsx_to_standard_output_is_the_workbook():
    result = CliRunner().invoke(main, ["check", str(SAMPLE), "--format", "xlsx", "--today", "2026-08-15"])
    assert result.stdout_bytes.startswith(b"PK")  # a zip container, as every .xlsx
    assert "findings" in sheets(result.stdout_bytes)


def test_batch_writes_findings_xlsx_with_the_agency_summary(tmp_path):
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["batch", str(SAMPLE.parent / "*.txt"), "-j", "1", "--format", "csv,xlsx",
                                       "-o", str(out), "--today", "2026-08-15", "--no-progress"])
    assert result.exit_code in (0, 1), result.output
    book = sheets((out / "findings.xlsx").read_bytes())
    findings_csv = pd.read_csv(out / "findings.csv", dtype=str, keep_default_na=False)
    assert len(book["findings"]) - 1 == len(findings_csv)
    summary_header = book["summary"][0]
    assert "incidents_rejected" in summary_header  # the batch's per-agency table, not the per-file one
    assert {row[summary_header.index("ori")] for row in book["summary"][1:]} == {"WI0130100", "WI0130200"}

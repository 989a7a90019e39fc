"""Spreadsheet safety and the Excel writer shared by every CSV/XLSX output."""

import pandas as pd
import pytest

from wibrs_check.report.spreadsheet import neutral_text, neutralise_formulas, write_xlsx


def test_formula_like_text_is_quoted_and_other_cells_are_kept():
    frame = pd.DataFrame({
        "ori": ["=HYPERLINK(\"http://x\")", "WI0130000", "+1", "@SUM(A1)", "-2", ""],
        "count": [1, -2, 3, 4, 5, 6],
    })
    safe = neutralise_formulas(frame)
    assert safe["ori"].tolist()[:5] == ["'=HYPERLINK(\"http://x\")", "WI0130000", "'+1", "'@SUM(A1)", "'-2"]
    assert safe["ori"].tolist()[5] == ""
    assert safe["count"].tolist() == [1, -2, 3, 4, 5, 6]  # numbers are not text a formula hides in
    assert frame["ori"][0].startswith("=")  # the input frame is not changed


def test_neutral_text_leaves_plain_text_alone():
    assert neutral_text("Madison PD") == "Madison PD"
    assert neutral_text("=1+1") == "'=1+1"
    assert neutral_text(7) == 7


def test_workbook_has_one_sheet_per_table_with_safe_cells(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "out.xlsx"
    write_xlsx(path, {
        "findings": pd.DataFrame({"code": ["404"], "value": ["=cmd|' /C calc'!A0"]}),
        "summary": pd.DataFrame({"ori": ["WI0130000"], "accepted": [3]}),
    })
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["findings", "summary"]
    assert [c.value for c in book["findings"][1]] == ["code", "value"]
    assert book["findings"]["B2"].value == "'=cmd|' /C calc'!A0"
    assert book["findings"]["B2"].data_type == "s"
    assert book["summary"]["B2"].value == 3

"""Checks on the edit catalog wibrs_check/schemas/edits.csv.

The catalog lists every error and data-quality warning number in section 5.2
of the FBI NIBRS Technical Specification 2019.1: 251 errors (5.2.1-5.2.9,
numbers that appear in two subsections are listed once) and 52 data-quality
warnings (5.2.10), 303 codes in all.
"""

import csv
import io
import re
from pathlib import Path

import pytest

COLUMNS = [
    "code",
    "severity",
    "level",
    "section",
    "data_element",
    "title",
    "description",
    "needs",
]

# Expected code ranges per section (structure errors also include the 9xx
# ORI reference errors; the zero-report numbers 090-096 are listed in both
# 5.2.1 and 5.2.9 and are catalogued once, under 5.2.1).
SECTION_RANGES = {
    "5.2.1": [(50, 96), (930, 934), (952, 952)],
    "5.2.2": [(101, 199)],
    "5.2.3": [(201, 299)],
    "5.2.4": [(301, 399)],
    "5.2.5": [(401, 499)],
    "5.2.6": [(501, 599)],
    "5.2.7": [(601, 699)],
    "5.2.8": [(701, 799)],
    "5.2.9": [(1, 31)],
    "5.2.10": [(1201, 1741)],
}

HEADER_TOKENS = {
    "length",
    "level",
    "action",
    "month",
    "year",
    "city",
    "zero_month",
    "zero_year",
}


def _read_text():
    try:
        from importlib.resources import files

        return (files("wibrs_check") / "schemas" / "edits.csv").read_text(
            encoding="utf-8"
        )
    except Exception:  # package not installed or not importable yet
        path = Path(__file__).parents[1] / "wibrs_check/schemas/edits.csv"
        return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rows():
    reader = csv.DictReader(io.StringIO(_read_text()))
    assert reader.fieldnames == COLUMNS
    return list(reader)


@pytest.fixture(scope="module")
def by_code(rows):
    return {r["code"]: r for r in rows}


def test_counts(rows):
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)), "duplicate codes"
    assert len(set(codes)) == 303
    assert sum(r["severity"] == "error" for r in rows) == 251
    assert sum(r["severity"] == "warning" for r in rows) == 52


def test_sorted_numerically(rows):
    nums = [int(r["code"]) for r in rows]
    assert nums == sorted(nums)


def test_code_format_and_severity(rows):
    for r in rows:
        code = r["code"]
        if r["severity"] == "error":
            assert re.fullmatch(r"\d{3}", code), code
        else:
            assert r["severity"] == "warning", code
            assert re.fullmatch(r"1[2-7]\d{2}", code), code


def test_codes_in_section_ranges(rows):
    for r in rows:
        n = int(r["code"])
        ranges = SECTION_RANGES[r["section"]]
        assert any(lo <= n <= hi for lo, hi in ranges), (r["code"], r["section"])
        assert (r["section"] == "5.2.10") == (r["severity"] == "warning")


def test_levels(rows):
    for r in rows:
        assert re.fullmatch(r"[0-7](;[0-7])*", r["level"]), r["code"]
        parts = r["level"].split(";")
        assert len(parts) == len(set(parts)), r["code"]


def test_needs(rows):
    for r in rows:
        assert r["needs"] in {"", "agency", "history", "fbi"}, r["code"]


def test_data_element(rows):
    for r in rows:
        de = r["data_element"]
        assert de == "" or de in HEADER_TOKENS or re.fullmatch(
            r"\d{1,2}[A-C]?", de
        ), (r["code"], de)


def test_text_fields(rows):
    for r in rows:
        title, desc = r["title"], r["description"]
        assert 0 < len(title) <= 79, r["code"]
        assert title.isascii() and desc.isascii(), r["code"]
        assert not title[0].islower(), r["code"]  # sentence case
        assert desc, r["code"]


# ---- spot checks of facts verified against the spec -------------------


def test_generic_edits_have_no_data_element(by_code):
    # "Mandatory field" / "invalid data value" numbers apply to many elements.
    # Note: 404 is the generic victim-segment "INVALID DATA VALUE" in spec
    # 5.2.5 (it covers data elements 23-35), so it carries no element.
    for code in ["001", "101", "104", "201", "204", "301", "304", "401",
                 "404", "501", "504", "601", "604", "701", "704"]:
        assert by_code[code]["data_element"] == "", code


def test_victim_spot_checks(by_code):
    assert by_code["407"]["data_element"] == "33"  # type injury mutually exclusive
    assert by_code["407"]["level"] == "4"
    assert by_code["452"]["data_element"] == "26"
    assert "17" in by_code["452"]["title"] and "98" in by_code["452"]["title"]
    assert by_code["450"]["data_element"] == "26"
    assert "13" in by_code["450"]["title"]  # spec says 13 (the old sheet says 14)
    assert by_code["483"]["data_element"] == ""  # 25A, 25B and 25C


def test_warning_spot_checks(by_code):
    assert by_code["1201"]["severity"] == "warning"
    assert by_code["1201"]["level"] == "2"
    assert by_code["1201"]["data_element"] == "10"
    assert by_code["1342"]["level"] == "3"
    assert by_code["1741"]["level"] == "7"
    assert by_code["1640"]["data_element"] == "52"


def test_cargo_theft_not_swapped(by_code):
    # Spec 5.2.2: 119 = cargo theft entered for offenses that do not allow it,
    # 122 = cargo theft value required for the listed offenses.
    # (NIBRSEditRules.xlsx has these two the other way round.)
    assert by_code["119"]["data_element"] == "2A"
    assert by_code["122"]["data_element"] == "2A"
    assert "blank" in by_code["119"]["description"]
    assert "Y = Yes or N = No" in by_code["122"]["description"]


def test_zero_report_and_header(by_code):
    assert by_code["090"]["data_element"] == "zero_month"
    assert by_code["091"]["data_element"] == "zero_year"
    assert by_code["092"]["data_element"] == "2"
    for code in ["001", "028", "029", "030", "031", "090", "091", "092",
                 "093", "094", "096"]:
        assert by_code[code]["level"] == "0", code
    assert by_code["051"]["data_element"] == "level"
    assert by_code["051"]["level"] == "0;1;2;3;4;5;6;7"
    for code in ["178", "284", "484", "584"]:
        assert by_code[code]["data_element"] == "length", code
        assert by_code[code]["needs"] == "history", code


def test_needs_spot_checks(by_code):
    for code in ["059", "093", "096", "118", "173", "618", "718", "720",
                 "930", "931", "932", "933", "934", "952"]:
        assert by_code[code]["needs"] == "agency", code
    for code in ["056", "028", "029", "030", "031", "088", "198", "199",
                 "759", "798", "799"]:
        assert by_code[code]["needs"] == "history", code
    for code in ["050", "065", "404", "1201", "197", "797"]:
        assert by_code[code]["needs"] == "", code


def test_element_spot_checks(by_code):
    assert by_code["269"]["data_element"] == "13"
    assert by_code["270"]["data_element"] == "8A"
    assert by_code["952"]["data_element"] == "1"
    assert by_code["070"]["data_element"] == "34"
    assert by_code["667"]["data_element"] == "48"
    assert by_code["760"]["data_element"] == "45"
    assert by_code["715"]["data_element"] == "41"
    assert by_code["088"]["level"] == "6;7"

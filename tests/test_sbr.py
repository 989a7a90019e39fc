"""Summary (SBR) returns: the CSV reader, the SBR checks, HT10/GAP01 and the generated samples.

These tests assume ``spec.own_codes()`` reads every ``schemas/own_codes*.csv`` (the SBR codes
are catalogued in ``own_codes_sbr.csv``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wibrs_check import engine, spec
from wibrs_check.context import Context
from wibrs_check.generator import sbr as gen
from wibrs_check.readers import sbr as reader
from wibrs_check.readers.sbr import read_sbr, read_sbr_bytes
from wibrs_check.rules import sbr as sbr_rules  # noqa: F401  (registers the checks)
from wibrs_check.rules.registry import all_rules
from wibrs_check.testing import check, submission

from conftest import shared_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_submissions" / "sbr"
CLEAN = SAMPLES / "WI_SBR_2026-07.csv"
PLANTED = SAMPLES / "WI_SBR_2026-07_planted.csv"

TODAY = dt.date(2026, 11, 23)
AGENCIES = pd.DataFrame({"ori": list(gen.AGENCIES)})
CTX = Context(today=TODAY)
CTX_AGENCY = Context(today=TODAY, agencies=AGENCIES)
OUR_CODES = tuple(f"SBR{n:02d}" for n in range(1, 19)) + ("HT10", "GAP01")

HEADER = "ori,year,month,form,line,reported,unfounded,actual,cleared,cleared_under_18,sex,age_group,count"
ORI = "WI0420300"


def offense(line="6", reported="5", unfounded="1", actual="4", cleared="2", under18="1", form="A",
            ori=ORI, year="2026", month="07", sex="", age="", count="") -> str:
    return ",".join([ori, year, month, form, line, reported, unfounded, actual, cleared, under18, sex, age, count])


def arrest(line="16c", sex="M", age="30-34", count="1", form="ASR", ori=ORI, year="2026", month="07",
           reported="") -> str:
    return ",".join([ori, year, month, form, line, reported, "", "", "", "", sex, age, count])


HT_RETURN = [offense("64A", "0", "0", "0", "0", "0", form="HT"), offense("64B", "0", "0", "0", "0", "0", form="HT"),
             offense("GT", "0", "0", "0", "0", "0", form="HT")]


def sbr(*rows: str, header: str = HEADER, source: str = "t.csv"):
    text = "\n".join([header, *rows]) + "\n" if header is not None else "\n".join(rows)
    return read_sbr_bytes(text.encode("utf-8"), source=source)


def hits(sub, code: str, ctx: Context = CTX) -> list[tuple[int | None, str, str]]:
    """(record, column, value) of every finding of ``code``."""
    found = check(sub, code, ctx=ctx)
    return [(None if pd.isna(r) else int(r), c, v) for r, c, v in zip(found["record"], found["column"], found["value"])]


def assert_accounted(sub) -> None:
    placed = sub.extra["sbr"].index
    unplaced = sub.unplaced.index
    assert placed.intersection(unplaced).empty
    assert sorted(placed.union(unplaced)) == list(sub.records.index)


# ---------------------------------------------------------------------------------------
# Reader


def test_reader_builds_one_record_per_row_with_units_per_return():
    sub = sbr(offense("6"), "", offense("4e", "2", "0", "2", "1", "0"), offense("6", ori="WI0270100"),
              arrest("16a", "F", "16", "2"))
    r = sub.records
    assert sub.format == "sbr"
    assert list(r["record"]) == [1, 2, 3, 4]
    assert list(r["line"]) == [2, 4, 5, 6]  # the blank line 3 is skipped, not numbered away
    assert sub.blank_lines == 1
    assert set(r["level"]) == {"S"} and set(r["unit_kind"]) == {"S"}
    assert list(r["incident"]) == ["A 6", "A 4e", "A 6", "ASR 16a F 16"]
    units = r["unit"].tolist()
    assert units[0] == units[1] == units[3] != units[2]  # one unit per agency-month return
    assert r["raw"].iloc[0] == offense("6")
    assert list(r["ori"]) == [ORI, ORI, "WI0270100", ORI]
    assert all(len(sub.frames[level]) == 0 for level in spec.LEVELS)
    assert sub.unplaced.empty
    assert_accounted(sub)


def test_reader_types_counts_and_normalises_codes():
    sub = sbr(offense("4E", form="a", month="7"), arrest("16A", "f", "u10", "3", form="asr"))
    typed = sub.extra["sbr"]
    assert typed["month"].tolist() == [7, 7] and str(typed["month"].dtype) == "Int64"
    assert typed[["form", "line", "kind"]].values.tolist() == [["A", "4e", "offense"], ["ASR", "16a", "arrest"]]
    assert typed.loc[1, "sex"] == "F" and typed.loc[1, "age_group"] == "U10" and typed.loc[1, "count"] == 3
    assert typed.loc[0, "reported"] == 5 and str(typed["reported"].dtype) == "Int64"
    assert sub.extra["sbr_text"].loc[0, "form"] == "a"  # as sent, for the findings


def test_reader_keeps_text_in_a_count_and_blank_is_zero():
    sub = sbr(offense(reported="five", unfounded=""))
    typed, text = sub.extra["sbr"], sub.extra["sbr_text"]
    assert pd.isna(typed.loc[0, "reported"]) and text.loc[0, "reported"] == "five"
    assert typed.loc[0, "unfounded"] == 0


def test_reader_accepts_quotes_crlf_bom_utf16_and_header_spellings():
    text = "\ufeffORI, Year ,Sub-Month,form,LINE,reported,unfounded,actual,cleared,cleared_under18\r\n" \
           f'"{ORI}",2026,7,"A","6",5,1,4,2,1\r\n'
    for data in (text.encode("utf-8"), text.encode("utf-16")):
        sub = read_sbr_bytes(data, source="q.csv")
        typed = sub.extra["sbr"]
        assert len(typed) == 1 and typed.loc[0, "ori"] == ORI and typed.loc[0, "cleared_under_18"] == 1
        assert sub.records.loc[0, "line"] == 2
    assert hits(sub, "SBR15") == [] and hits(sub, "SBR18") == []


def test_reader_puts_rows_of_the_wrong_width_and_broken_quotes_in_unplaced():
    sub = sbr(offense(), offense() + ",extra", ORI + ",2026,07,A", f'{ORI},"2026,07,A,6,1,0,1,0,0,,,')
    assert list(sub.unplaced.index) == [1, 2, 3]
    assert "14 fields where the header has 13" in sub.unplaced.loc[1, "reason"]
    assert "CSV" in sub.unplaced.loc[3, "reason"]
    assert list(sub.records["level"]) == ["S", "", "", ""]
    assert list(sub.records["unit_kind"]) == ["S", "U", "U", "U"]
    assert sub.records["unit"].is_unique is False or len(set(sub.records["unit"])) == 4
    assert_accounted(sub)


def test_reader_skips_comma_only_lines():
    sub = sbr(offense(), ",,,,,,,,,,,,", "   ")
    assert len(sub.records) == 1 and sub.blank_lines == 2


@pytest.mark.parametrize("data", [b"", b"\n\n  \n", (HEADER + "\n").encode()])
def test_empty_file_gives_a_finding_not_a_traceback(data):
    sub = read_sbr_bytes(data, source="empty.csv")
    assert len(sub.records) == 0 and len(sub.extra["sbr"]) == 0
    result = engine.run(sub, CTX, select=OUR_CODES + ("IO",), strict_rules=True)
    assert result.findings["code"].tolist() == ["IO06"]


def test_read_sbr_reads_a_path_and_refuses_a_missing_file(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "\n" + offense() + "\n")
    sub = read_sbr(path)
    assert sub.source == str(path) and len(sub.records) == 1
    from wibrs_check.readers.flatfile import UnreadableInput
    with pytest.raises(UnreadableInput):
        read_sbr(tmp_path / "missing.csv")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_are_read_without_error_and_every_row_is_accounted_for(data):
    assert_accounted(read_sbr_bytes(data, source="fuzz.csv"))


_cell = st.sampled_from(["", "0", "1", "12", "-3", "x", "2026", "07", "13", "A", "HT", "ASR", "6", "GT", "16a",
                         "M", "F", "16", "65+", ORI, "WI04", '"', '"a,b"', " 4 "])
_rows = st.lists(st.lists(_cell, min_size=0, max_size=15), max_size=12)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_rows)
def test_any_csv_shaped_rows_are_read_and_accounted_for(rows):
    sub = sbr(*[",".join(r) for r in rows])
    assert_accounted(sub)
    assert len(sub.records) == sum(1 for r in rows if "".join(r).replace(",", "").strip())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300), _rows.map(lambda rows: ("\n".join([HEADER] + [",".join(r) for r in rows])).encode())))
def test_checks_never_raise_on_any_input(data):
    engine.run(read_sbr_bytes(data, source="fuzz.csv"), CTX_AGENCY, select=OUR_CODES + ("IO",), strict_rules=True)


# ---------------------------------------------------------------------------------------
# Each code: fires on the smallest return that shows it, silent on the corrected one


def test_sbr01_fires_on_text_in_a_count():
    assert hits(sbr(offense(cleared="2O")), "SBR01") == [(1, "cleared", "2O")]
    assert hits(sbr(arrest(count="1.5")), "SBR01") == [(1, "count", "1.5")]
    assert hits(sbr(offense(cleared="2"), arrest(count="1")), "SBR01") == []


def test_sbr01_treats_a_blank_count_as_zero():
    assert hits(sbr(offense(reported="4", unfounded="", actual="4", cleared="", under18="")), "SBR01") == []


def test_sbr02_fires_on_a_negative_count():
    assert hits(sbr(arrest(count="-1")), "SBR02") == [(1, "count", "-1")]
    assert hits(sbr(offense(unfounded="-1", actual="6")), "SBR02") == [(1, "unfounded", "-1")]
    assert hits(sbr(arrest(count="1")), "SBR02") == []


def test_sbr03_fires_when_actual_is_not_reported_minus_unfounded():
    assert hits(sbr(offense(reported="5", unfounded="1", actual="5")), "SBR03") == [(1, "actual", "5")]
    assert hits(sbr(offense(reported="5", unfounded="1", actual="4")), "SBR03") == []


def test_sbr03_is_silent_when_a_count_is_not_a_number():
    assert hits(sbr(offense(reported="x", actual="9")), "SBR03") == []


def test_sbr04_fires_when_cleared_exceeds_actual():
    assert hits(sbr(offense(actual="4", cleared="5", under18="0")), "SBR04") == [(1, "cleared", "5")]
    assert hits(sbr(offense(actual="4", cleared="4", under18="0")), "SBR04") == []


def test_sbr05_fires_when_cleared_under_18_exceeds_cleared():
    assert hits(sbr(offense(cleared="1", under18="2")), "SBR05") == [(1, "cleared_under_18", "2")]
    assert hits(sbr(offense(cleared="2", under18="2")), "SBR05") == []


def test_sbr06_fires_when_a_total_is_not_the_sum_of_its_lines():
    rows = [offense("7a", "2", "0", "2", "1", "0"), offense("7b", "1", "0", "1", "0", "0"),
            offense("7", "3", "0", "3", "2", "0")]
    found = check(sbr(*rows), "SBR06", ctx=CTX)
    assert found[["record", "column", "value"]].values.tolist() == [[3, "cleared", "2"]]
    assert "7a, 7b, 7c add up to 1" in found["message"].iloc[0]
    rows[2] = offense("7", "3", "0", "3", "1", "0")
    assert hits(sbr(*rows), "SBR06") == []


def test_sbr06_counts_lines_not_sent_as_zero_and_checks_the_grand_totals():
    assert hits(sbr(offense("GT", "1", "0", "1", "0", "0", form="HT")), "SBR06") == [
        (1, "reported", "1"), (1, "actual", "1")]
    assert hits(sbr(offense("6", "5", "1", "4", "2", "1"), offense("GT", "5", "1", "4", "2", "1")), "SBR06") == []


def test_sbr06_keeps_returns_apart_and_skips_sums_with_a_bad_part():
    rows = [offense("6", "5", "1", "4", "2", "1"), offense("GT", "5", "1", "4", "2", "1"),
            offense("GT", "5", "1", "4", "2", "1", ori="WI0270100")]
    assert [h[0] for h in hits(sbr(*rows), "SBR06")] == [3] * 5
    rows = [offense("6", "5", "1", "4", "x", "1"), offense("GT", "5", "1", "4", "2", "1")]
    assert hits(sbr(*rows), "SBR06") == []


def test_sbr07_fires_on_a_month_or_year_that_is_not_valid():
    assert hits(sbr(arrest(month="13")), "SBR07") == [(1, "month", "13")]
    assert hits(sbr(arrest(month="")), "SBR07") == [(1, "month", "")]
    assert hits(sbr(arrest(year="26")), "SBR07") == [(1, "year", "26")]
    assert hits(sbr(arrest(year="2012")), "SBR07") == [(1, "year", "2012")]
    assert hits(sbr(arrest(month="7"), arrest(month="12", sex="F")), "SBR07") == []


def test_sbr08_fires_on_a_month_after_today():
    assert hits(sbr(arrest(year="2062")), "SBR08") == [(1, "month", "07")]
    assert hits(sbr(arrest(year="2026", month="12")), "SBR08") == [(1, "month", "12")]
    assert hits(sbr(arrest(year="2026", month="11")), "SBR08") == []


def test_sbr09_fires_on_a_line_sent_twice_for_the_agency_and_month():
    found = check(sbr(arrest(), arrest(sex="F"), arrest()), "SBR09", ctx=CTX)
    assert found[["record", "column", "value"]].values.tolist() == [[3, "line", "16c"]]
    assert "record 1" in found["message"].iloc[0]
    assert hits(sbr(offense("6"), offense("6", month="08"), offense("6", ori="WI0270100")), "SBR09") == []


def test_sbr10_fires_on_an_ori_of_the_wrong_shape():
    assert hits(sbr(arrest(ori="WI042030")), "SBR10") == [(1, "ori", "WI042030")]
    assert hits(sbr(arrest(ori="wi0420300")), "SBR10") == [(1, "ori", "wi0420300")]
    assert hits(sbr(arrest(ori="")), "SBR10") == [(1, "ori", "")]
    assert hits(sbr(arrest(ori=ORI)), "SBR10") == []


def test_sbr11_fires_on_an_ori_missing_from_the_agency_file():
    assert hits(sbr(arrest(ori="WI0630499")), "SBR11", CTX_AGENCY) == [(1, "ori", "WI0630499")]
    assert hits(sbr(arrest(ori=ORI), arrest(ori="WI04")), "SBR11", CTX_AGENCY) == []


def test_sbr11_is_not_checked_without_an_agency_file():
    result = engine.run(sbr(arrest(ori="WI0630499")), CTX, select=("SBR11",), strict_rules=True)
    assert result.findings.empty and "SBR11" in result.not_checked


def test_sbr12_fires_on_an_unknown_form():
    assert hits(sbr(arrest(form="ARS")), "SBR12") == [(1, "form", "ARS")]
    assert hits(sbr(arrest(form="")), "SBR12") == [(1, "form", "")]
    assert hits(sbr(arrest(form="ASR"), offense(form="HT", line="64A")), "SBR12") == []


def test_sbr13_fires_on_a_line_that_is_not_on_the_form():
    assert hits(sbr(offense("8")), "SBR13") == [(1, "line", "8")]
    assert hits(sbr(offense("64A")), "SBR13") == [(1, "line", "64A")]  # a trafficking line on Return A
    assert hits(sbr(arrest(line="16d")), "SBR13") == [(1, "line", "16d")]
    assert hits(sbr(offense("4e"), offense("64A", form="HT"), arrest(line="16a")), "SBR13") == []


def test_sbr13_is_silent_for_an_unknown_form():
    assert hits(sbr(arrest(form="ARS", line="99")), "SBR13") == []


def test_sbr14_fires_on_a_sex_or_age_group_the_arrest_form_does_not_use():
    assert hits(sbr(arrest(sex="U")), "SBR14") == [(1, "sex", "U")]
    assert hits(sbr(arrest(age="18-20")), "SBR14") == [(1, "age_group", "18-20")]
    assert hits(sbr(arrest(age="")), "SBR14") == [(1, "age_group", "")]
    assert hits(sbr(arrest(sex="F", age="65+"), arrest(sex="m", age="u10")), "SBR14") == []


def test_sbr15_fires_on_each_row_needing_a_column_the_header_lacks():
    header = "ori,year,month,form,line,reported,unfounded,actual,cleared"
    sub = sbr(",".join([ORI, "2026", "07", "A", "6", "5", "1", "4", "2"]), header=header)
    assert hits(sub, "SBR15") == [(1, "cleared_under_18", "")]
    # An arrest-only file needs no offense columns.
    sub = sbr(",".join([ORI, "2026", "07", "ASR", "16c", "M", "21", "1"]), header="ori,year,month,form,line,sex,age_group,count")
    assert hits(sub, "SBR15") == []


def test_sbr15_does_not_cascade_into_other_checks():
    sub = sbr("2026,07,A,6,5,1,4,2,1", header="year,month,form,line,reported,unfounded,actual,cleared,cleared_under_18")
    result = engine.run(sub, CTX_AGENCY, select=OUR_CODES, strict_rules=True)
    assert result.findings["code"].tolist() == ["GAP01", "SBR15"]


def test_sbr16_fires_on_a_row_that_cannot_be_read():
    found = check(sbr(offense(), arrest()[: arrest().rfind(",")]), "SBR16", ctx=CTX)
    assert found[["record", "line"]].values.tolist() == [[2, 3]]
    assert "12 fields where the header has 13" in found["message"].iloc[0]
    assert hits(sbr(offense(), arrest()), "SBR16") == []


def test_sbr17_warns_on_a_value_in_a_column_the_form_does_not_use():
    assert hits(sbr(offense(sex="F")), "SBR17") == [(1, "sex", "F")]
    assert hits(sbr(arrest(reported="3")), "SBR17") == [(1, "reported", "3")]
    assert hits(sbr(offense(), arrest()), "SBR17") == []


def test_sbr18_warns_once_per_unknown_or_repeated_header_column():
    sub = sbr(offense() + ",x,1", header=HEADER + ",notes,count")
    found = check(sub, "SBR18", ctx=CTX)
    assert found[["record", "column", "value"]].fillna(0).values.tolist() == [[0, "notes", "notes"], [0, "count", "count"]]
    assert hits(sbr(offense() + ",", header=HEADER + ","), "SBR18") == []  # a trailing comma is harmless


def test_ht10_flags_juvenile_prostitution_arrests_without_a_trafficking_offense():
    rows = [arrest("16a", "F", "16", "1"), *HT_RETURN]
    assert hits(sbr(*rows), "HT10") == [(1, "count", "1")]
    assert hits(sbr(arrest("16a", "F", "16", "1")), "HT10") == [(1, "count", "1")]  # no HT return at all


def test_ht10_is_silent_with_a_64a_offense_or_for_adults_buyers_and_promoters():
    with_64a = [offense("64A", "1", "0", "1", "0", "0", form="HT")]
    assert hits(sbr(arrest("16a", "F", "16", "1"), *with_64a), "HT10") == []
    assert hits(sbr(arrest("16a", "F", "18", "1"), arrest("16c", "M", "17", "1"), arrest("16b", "M", "15", "1")), "HT10") == []
    assert hits(sbr(arrest("16a", "F", "16", "0")), "HT10") == []


def test_ht10_needs_the_trafficking_offense_in_the_same_agency_month():
    rows = [arrest("16a", "F", "15", "2"), offense("64A", "1", "0", "1", "0", "0", form="HT", month="06")]
    assert hits(sbr(*rows), "HT10") == [(1, "count", "2")]
    unfounded = [arrest("16a", "F", "15", "2"), offense("64A", "1", "1", "0", "0", "0", form="HT")]
    assert hits(sbr(*unfounded), "HT10") == [(1, "count", "2")]


def test_gap01_flags_a_return_a_without_a_trafficking_return():
    rows = [offense("4e", "2", "0", "2", "1", "0"), offense("6")]
    assert hits(sbr(*rows), "GAP01") == [(1, "form", "A")]
    assert hits(sbr(*rows, *HT_RETURN), "GAP01") == []
    other_agency = [offense("6"), *[r.replace(ORI, "WI0270100") for r in HT_RETURN]]
    assert hits(sbr(*other_agency), "GAP01") == [(1, "form", "A")]


def test_our_checks_return_nothing_for_a_flat_file():
    sub = submission((0, {"incident": "000000000000", "zero_month": "07", "zero_year": "2026"}))
    result = engine.run(sub, CTX_AGENCY, select=OUR_CODES, strict_rules=True)
    assert result.findings.empty


def test_a_finding_carries_the_row_label_month_and_unit():
    found = check(sbr(offense("6", reported="5", actual="9")), "SBR03", ctx=CTX).iloc[0]
    assert (found["incident"], found["ori"], found["sub_year"], found["sub_month"], found["level"]) == (
        "A 6", ORI, "2026", "07", "S")
    assert found["line"] == 2 and found["unit"] == 0 and found["severity"] == "error"
    assert "reported 5 - unfounded 1 = 4" in found["message"]


# ---------------------------------------------------------------------------------------
# Catalogue


def test_every_sbr_code_is_registered_and_catalogued():
    rules = all_rules()
    catalog = spec.edit_catalog()
    for code in OUR_CODES:
        assert code in rules and rules[code].checks, code
        row = catalog.loc[code]
        assert 0 < len(row["title"]) <= 79 and row["title"].isascii() and row["description"].isascii()
        expected = "flag" if code in ("HT10", "GAP01") else "warning" if code in ("SBR17", "SBR18") else "error"
        assert row["severity"] == expected, code
        assert row["needs"] == ("agency" if code == "SBR11" else ""), code
        assert rules[code].documentation().strip()


def test_catalogue_file_has_the_shared_columns():
    own = spec.read_table("own_codes_sbr.csv")
    assert own.columns.tolist() == spec.read_table("own_codes.csv").columns.tolist()
    assert sorted(own["code"]) == sorted(OUR_CODES)


def test_layout_tables_are_consistent():
    forms = reader.forms()
    lines = set(forms["form"] + " " + forms["line"])
    assert len(lines) == len(forms)
    parts = reader.total_parts()
    assert set(parts["form"] + " " + parts["part"]) <= lines
    assert set(forms["kind"]) == {"offense", "arrest"}
    assert set(reader.layout()["applies_to"]) == {"all", "offense", "arrest"}
    header = gen.header()
    assert "ori" in header and {"form", "line"} <= set(header)  # what readers/detect.py looks for


# ---------------------------------------------------------------------------------------
# Generated samples


def _our(found: pd.DataFrame) -> pd.DataFrame:
    return found[found["code"].isin(OUR_CODES)]


def test_clean_sample_raises_nothing_at_all():
    sub = read_sbr(CLEAN)
    result = engine.run(sub, CTX_AGENCY, strict_rules=True)
    assert result.findings.empty, result.findings[["record", "code", "column", "value", "message"]].to_string()
    assert_accounted(sub)
    assert sub.unplaced.empty and len(set(sub.records["unit"])) == len(gen.AGENCIES)


def test_clean_generated_months_raise_nothing_for_other_seeds():
    for seed in (1, 2, 3, 4, 5):
        sub = read_sbr_bytes(gen.clean_month(seed=seed).text().encode(), source="gen.csv")
        result = engine.run(sub, CTX_AGENCY, select=OUR_CODES, strict_rules=True)
        assert result.findings.empty, (seed, result.findings[["record", "code", "column", "value"]].to_string())


def test_every_planted_error_is_found_with_its_code_row_and_column():
    expected = pd.read_csv(SAMPLES / "expected_findings.csv", dtype=str, keep_default_na=False)
    # SBR15 (a column missing from the header) concerns every row, so it is tested above instead.
    assert set(expected["code"]) == set(OUR_CODES) - {"SBR15"}
    found = _our(engine.run(read_sbr(PLANTED), CTX_AGENCY, strict_rules=True).findings)
    got = sorted(zip(found["code"], found["record"].astype("string").fillna(""), found["column"]))
    want = sorted(zip(expected["code"], expected["row"], expected["column"]))
    assert got == want
    lines = dict(zip(found["record"].dropna().astype(int).astype(str), found["line"].dropna().astype(int).astype(str)))
    for row in expected[expected["row"] != ""].itertuples():
        assert lines[row.row] == row.line


def test_planted_sample_without_agency_file_leaves_out_only_sbr11():
    expected = pd.read_csv(SAMPLES / "expected_findings.csv", dtype=str, keep_default_na=False)
    result = engine.run(read_sbr(PLANTED), CTX, select=OUR_CODES, strict_rules=True)
    assert set(result.findings["code"]) == set(expected.loc[expected["needs"] == "", "code"])
    assert "SBR11" in result.not_checked


def test_planted_sample_accounts_for_every_row():
    sub = read_sbr(PLANTED)
    assert_accounted(sub)
    assert len(sub.records) == len(PLANTED.read_text().splitlines()) - 1
    assert len(sub.unplaced) == 1


def test_samples_are_what_the_generator_writes(tmp_path):
    written = gen.write_samples(tmp_path)
    for path in written:
        assert path.read_bytes() == (SAMPLES / path.name).read_bytes(), path.name


def test_sample_agencies_report_summary_returns_in_the_state_list():
    agencies = pd.read_csv(shared_file("data", "wi_agencies.csv"), dtype=str, keep_default_na=False)
    summary = set(agencies.loc[agencies["is_nibrs"].str.upper() == "FALSE", "ori"])
    assert set(gen.AGENCIES) <= summary


def test_generated_counts_obey_the_forms_arithmetic():
    month = gen.clean_month(seed=11)
    sub = read_sbr_bytes(month.text().encode(), source="g.csv")
    typed = sub.extra["sbr"]
    offenses = typed[typed["kind"] == "offense"]
    assert (offenses["actual"] == offenses["reported"] - offenses["unfounded"]).all()
    assert (offenses["cleared"] <= offenses["actual"]).all()
    assert (offenses["cleared_under_18"] <= offenses["cleared"]).all()
    assert (typed[typed["kind"] == "arrest"]["count"] > 0).all()
    assert np.isin(typed["ori"].unique(), list(gen.AGENCIES)).all()

"""The agency master file loader (wibrs_check/agencies.py)."""

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from wibrs_check.agencies import AgencyFileError, agency_columns_present, load_agencies, unchecked_edits
from wibrs_check.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def write(tmp_path, text: str, name: str = "agencies.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_documented_columns_load_with_types_and_case_insensitive_headers():
    df = load_agencies(FIXTURES / "agencies_small.csv")
    assert agency_columns_present(df) == {"ori", "name", "county", "nibrs_start_date", "status", "inactive_date",
                                          "covered_by", "covered_by_date", "federal"}
    assert "notes" not in df.columns and "Notes" not in df.columns  # extra columns are ignored
    row = df.set_index("ori").loc["WI0140200"]
    assert row["inactive_date"] == pd.Timestamp(2026, 7, 10) and row["status"] == "inactive"
    assert df.set_index("ori").loc["MNFBI0000", "federal"] == True  # noqa: E712
    assert unchecked_edits(df) == {}


def test_shared_wisconsin_list_loads_as_it_is():
    path = SHARED / "data" / "wi_agencies.csv"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    df = load_agencies(path)
    assert len(df) == len(pd.read_csv(path))
    assert {"ori", "name", "county", "nibrs_start_date", "federal"} <= agency_columns_present(df)
    assert df.set_index("ori").loc["WI0130200", "nibrs_start_date"] == pd.Timestamp(2021, 1, 1)
    # No status, inactive date or covered-by column: those edits are reported as not checked.
    assert {"118", "618", "718", "930", "933", "934", "096"} == set(unchecked_edits(df))


def test_crime_data_explorer_headers_are_aliases(tmp_path):
    path = write(tmp_path, "ori,agency_name,counties,agency_type_name,nibrs_start_date\n"
                           "WI0130100,Madison,DANE,City,1/1/2010\nWIFBI0100,FBI Milwaukee,,Federal,\n")
    df = load_agencies(path)
    assert list(df["name"]) == ["Madison", "FBI Milwaukee"]
    assert list(df["federal"]) == [False, True]
    assert df["nibrs_start_date"].iloc[0] == pd.Timestamp(2010, 1, 1) and pd.isna(df["nibrs_start_date"].iloc[1])


def test_only_ori_column_is_required(tmp_path):
    df = load_agencies(write(tmp_path, "ORI\nWI0130100\n"))
    assert agency_columns_present(df) == {"ori"}
    assert "173" in unchecked_edits(df) and "932" not in unchecked_edits(df)


@pytest.mark.parametrize("text, line, column, words", [
    ("ori,nibrs_start_date\nWI0130100,2010-01-01\nWI0130200,2021-13-01\n", 3, "nibrs_start_date", "not a date"),
    ("ori,status\nWI0130100,retired\n", 2, "status", "not a status"),
    ("ori,federal\nWI0130100,maybe\n", 2, "federal", "yes/no"),
    ("ori,name\nWI0130100,A\n,B\n", 3, "ori", "blank"),
    ("ori,name\nWI01301,A\n", 2, "ori", "nine-character"),
    ("agency,name\nWI0130100,A\n", 1, None, "no ORI column"),
])
def test_bad_file_names_file_line_and_column(tmp_path, text, line, column, words):
    path = write(tmp_path, text)
    with pytest.raises(AgencyFileError) as caught:
        load_agencies(path)
    message = caught.value.message
    assert str(path) in message and f"line {line}" in message and words in message
    if column:
        assert f"column '{column}'" in message


def test_missing_and_empty_files_raise_agency_file_error(tmp_path):
    with pytest.raises(AgencyFileError, match="not found"):
        load_agencies(tmp_path / "nope.csv")
    with pytest.raises(AgencyFileError, match="empty"):
        load_agencies(write(tmp_path, ""))


def test_cli_reports_bad_agency_file_without_traceback(tmp_path):
    data = write(tmp_path, "00430A072026    WI0130100000000000000062026\n", "zero.txt")
    bad = write(tmp_path, "ori,nibrs_start_date\nWI0130100,someday\n")
    result = CliRunner().invoke(main, ["check", str(data), "--agencies", str(bad)])
    assert result.exit_code != 0
    assert "line 2" in result.output and "nibrs_start_date" in result.output
    assert "Traceback" not in result.output


def test_edits_whose_agency_column_is_missing_are_reported_not_checked(tmp_path):
    import datetime as dt

    from wibrs_check import engine
    from wibrs_check.context import Context
    from wibrs_check.testing import submission

    path = tmp_path / "agencies.csv"
    path.write_text("ori,name\nWI0130100,Test Police Department\n")
    ctx = Context(agencies=load_agencies(path), today=dt.date(2026, 8, 15))
    sub = submission((1, {"incident": "26-1", "de3_date": "20260701", "de4": "N"}))
    result = engine.run(sub, ctx)
    assert "173" in result.not_checked and "nibrs_start_date" in result.not_checked["173"]
    assert "173" not in set(result.findings["code"])


def test_master_file_agencies_that_sent_nothing_for_the_month(tmp_path):
    import datetime as dt

    from wibrs_check.context import Context
    from wibrs_check.generator.inject import build_month, write_month
    from wibrs_check.runner import Options, build_report

    month = build_month(oris=("WI0130100",), incidents_per_agency=2, codes=())
    path = write_month(month, tmp_path / "month")[0]
    agencies = FIXTURES / "agencies_small.csv"
    ctx = Context(agencies=load_agencies(agencies), today=dt.date(2026, 8, 15))
    silent = build_report([path], ctx, Options()).nothing_sent
    # Madison sent the file. Not expected to report: the inactive (before the month),
    # historical and deleted agencies, and the one covered by another ORI.
    assert sorted(silent["ori"]) == ["MNFBI0000", "WI0130200", "WI0560000"]
    assert set(silent["month"]) == {"2026-07"}


def test_check_of_one_agency_lists_only_that_agencys_missing_months(tmp_path):
    """A clerk checking Madison's file is not shown the other agencies of the state's list;
    Madison's own missing month (July, between its June and August records) is shown."""
    import json

    from wibrs_check.generator.records import format_record

    zero = [format_record(0, {"incident": "0" * 12, "zero_month": m, "zero_year": "2026", "sub_month": m})
            for m in ("06", "08")]
    path = tmp_path / "WI0130100.txt"
    path.write_text("\n".join(zero) + "\n")
    agencies = FIXTURES / "agencies_small.csv"
    runner = CliRunner()

    out = runner.invoke(main, ["check", str(path), "--agencies", str(agencies), "--format", "json", "--select", "IO"])
    silent = json.loads(out.stdout)["nothing_sent"]
    assert [(r["ori"], r["month"]) for r in silent] == [("WI0130100", "2026-07")]

    text = runner.invoke(main, ["check", str(path), "--agencies", str(agencies), "--select", "IO"]).stdout
    assert "sent nothing for 2026-07: 1 agency" in text and "WI0130200" not in text

    plain = runner.invoke(main, ["check", str(path), "--format", "json", "--select", "IO"]).stdout
    assert json.loads(plain)["nothing_sent"] == []


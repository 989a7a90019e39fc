"""Issue 20: a generated Wisconsin year committed to SQLite and PostgreSQL gives exactly the
figures planted in it (scorecards, certification, trafficking counts, follow-up lists)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from wibrs_check import history
from wibrs_check.cli import main
from wibrs_check.generator.year import build_year
from wibrs_check.year import build, change_phrase
from wibrs_check.year.tables import COLUMNS

AS_OF, BEFORE = dt.date(2027, 3, 12), dt.date(2027, 1, 31)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def year_store(request, tmp_path_factory):
    """(store URL, expected figures) of a generated 2026 committed to a new store."""
    from .conftest import _new_schema_url

    folder = tmp_path_factory.mktemp("year")
    urls = [str(folder / "history.sqlite3")] if request.param == "sqlite" else _new_schema_url()
    for url in urls:
        with history.open_store(url) as store:
            build_year(folder / "files", store)
        yield url, json.loads((folder / "files" / "expected.json").read_text())


@pytest.fixture(scope="module")
def built(year_store):
    url, expected = year_store
    with history.open_store(url, create=False) as store:
        return build(store, 2026, AS_OF, BEFORE), expected


def test_every_table_has_its_documented_columns(built):
    report, _ = built
    assert set(report.tables) == set(COLUMNS)
    for name, table in report.tables.items():
        assert list(table.columns) == list(COLUMNS[name]), name


def test_scorecard_figures_per_agency_and_month(built):
    report, expected = built
    got = report.tables["scorecard"][["ori", "month", "received", "accepted", "rejected", "error_rate", "sent",
                                      "certified"]]
    want = pd.DataFrame(expected["scorecard"])[list(got.columns)]
    pd.testing.assert_frame_equal(got.sort_values(["ori", "month"]).reset_index(drop=True),
                                  want.sort_values(["ori", "month"]).reset_index(drop=True), check_dtype=False)


def test_a_corrected_resubmission_counts_in_the_incidents_own_month(built):
    report, expected = built
    ori = expected["roles"]["fixed_in_year"]
    score = report.tables["scorecard"].set_index(["ori", "month"])
    march, may = score.loc[(ori, "2026-03")], score.loc[(ori, "2026-05")]
    assert (march["rejected"], march["fixed"]) == (0, 1)  # fixed with May's file, counted in March
    assert may["fixed"] == 0


def test_certification_met_not_met_and_since(built):
    report, expected = built
    cert = report.tables["certification"].set_index("ori")
    for ori, want in expected["certification"].items():
        row = cert.loc[ori]
        assert (row["certification"], row["since"], row["months_certified"], row["months_not_sent"]) == (
            want["certification"], want["since"], want["months_certified"], want["months_not_sent"]), ori
    roles = expected["roles"]
    assert cert.loc[roles["crossing"], "since"] == "2026-09"
    assert cert.loc[roles["failing"], "certification"] == "not met"
    assert cert.loc[roles["gap"], "since"] == "2026-11"
    crossing = report.tables["scorecard"].set_index(["ori", "month"])
    assert crossing.loc[(roles["crossing"], "2026-06"), "error_rate"] == round(1 / 21, 6)  # rates are kept to six decimals
    assert crossing.loc[(roles["crossing"], "2026-07"), "error_rate"] == round(1 / 30, 6)
    assert not crossing.loc[(roles["crossing"], "2026-06"), "passes"]
    assert crossing.loc[(roles["crossing"], "2026-07"), "passes"]


def test_state_totals_per_month(built):
    report, expected = built
    state = report.tables["state_months"].set_index("month")
    for month, want in expected["state_months"].items():
        assert state.loc[month, ["received", "accepted", "rejected"]].tolist() == [
            want["received"], want["accepted"], want["rejected"]], month


def test_trafficking_figures_at_both_dates_and_the_change_in_words(built):
    report, expected = built
    figures = report.tables["trafficking"].set_index(["as_of", "offense", "status"])
    for as_of, wanted in expected["trafficking"].items():
        for key, want in wanted.items():
            offense, status = key.split()
            row = figures.loc[(as_of, offense, status)]
            assert row[["victims", "incidents", "agencies"]].tolist() == [
                want["victims"], want["incidents"], want["agencies"]], (as_of, key)
    change = report.tables["trafficking_change"].set_index(["offense", "measure"])
    before, after = expected["trafficking"][BEFORE.isoformat()], expected["trafficking"][AS_OF.isoformat()]
    assert change.loc[("64A", "victims"), "change"] == change_phrase(before["64A accepted"]["victims"],
                                                                     after["64A accepted"]["victims"])
    assert change.loc[("64A", "victims"), "change"] == "increased 80%"  # 5 victims to 9
    assert report.sentences[0] == ("Between 01/31/2027 and 03/12/2027 the number of 2026 victims of sex trafficking "
                                   "processed successfully increased 80% (5 to 9).")


def test_follow_up_lists(built):
    report, expected = built
    want = expected["followup"]
    t = report.tables
    assert t["followup_juvenile_prostitution"]["ori"].tolist() == want["juvenile_prostitution"]
    assert t["followup_rejected_trafficking"][["ori", "incident", "month", "errors"]].values.tolist() == \
        want["rejected_trafficking"]
    assert sorted(t["followup_no_trafficking"]["ori"]) == want["no_trafficking"]
    assert t["followup_sbr_no_ht"]["ori"].tolist() == want["sbr_no_ht"]
    assert t["followup_legacy_layout"]["ori"].tolist() == want["legacy_layout"]


def test_the_command_writes_every_format(year_store, tmp_path):
    url, _ = year_store
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["report", "2026", "--history", url, "--as-of", "2027-03-12",
                                       "--compare-as-of", "2027-01-31", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "increased 80% (5 to 9)" in result.stdout
    names = {p.name for p in out.iterdir()}
    assert {"year-report.html", "year-report.json", "year-report.xlsx", "scorecard.csv", "certification.csv"} <= names
    page = (out / "year-report.html").read_text()
    assert page.count("<svg") == 4 and "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    data = json.loads((out / "year-report.json").read_text())
    assert data["tables"]["trafficking_change"][0]["change"] == "increased 80%"
    from openpyxl import load_workbook

    book = load_workbook(out / "year-report.xlsx")
    assert "scorecard" in book.sheetnames and "columns" in book.sheetnames


def test_agency_file_names_agencies_and_adds_those_that_sent_nothing(year_store, tmp_path):
    from wibrs_check.agencies import load_agencies

    url, expected = year_store
    master = tmp_path / "agencies.csv"
    failing = expected["roles"]["failing"]
    master.write_text(f"ori,name\n{failing},Failing Police Department\nWI0999900,Silent Sheriff's Office\n")
    with history.open_store(url, create=False) as store:
        report = build(store, 2026, AS_OF, BEFORE, load_agencies(master))
    cert = report.tables["certification"].set_index("ori")
    assert cert.loc[failing, "agency"] == "Failing Police Department"
    assert cert.loc["WI0999900", "months_not_sent"].split() == [f"2026-{k:02d}" for k in range(1, 13)]
    silent = report.tables["followup_no_trafficking"].set_index("ori").loc["WI0999900"]
    assert (silent["agency"], silent["incidents"]) == ("Silent Sheriff's Office", 0)


def test_a_store_that_does_not_exist_and_a_bad_format_are_usage_errors(tmp_path):
    result = CliRunner().invoke(main, ["report", "2026", "--history", str(tmp_path / "none.sqlite3")])
    assert result.exit_code == 2 and "no history store" in result.output
    result = CliRunner().invoke(main, ["report", "2026", "--history", str(tmp_path / "none.sqlite3"), "--format", "pdf"])
    assert result.exit_code == 2 and "pdf" in result.output


@pytest.mark.parametrize(("before", "after", "words"), [
    (63, 98, "increased 56%"), (58, 91, "increased 57%"), (17, 25, "increased 47%"), (10, 10, "did not change"),
    (20, 15, "decreased 25%"), (0, 3, "rose from 0 to 3")])
def test_change_phrase_in_the_doj_reports_form(before, after, words):
    assert change_phrase(before, after) == words

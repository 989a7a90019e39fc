"""Edits that compare the file with the agency master file (059, 093, 096, 118, 173, 618,
718, 720, 930-934, 952), including the FBI-processed Minnesota sample for 173."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from wibrs_check import engine
from wibrs_check.agencies import load_agencies
from wibrs_check.context import Context
from wibrs_check.readers.flatfile import read_flat_bytes
from wibrs_check.rules.registry import all_rules
from wibrs_check.testing import fired, submission

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHARED = Path(__file__).resolve().parents[3] / "shared"
AGENCIES = load_agencies(FIXTURES / "agencies_small.csv")
CTX = Context(agencies=AGENCIES, today=dt.date(2026, 8, 15))
NO_AGENCIES = Context(today=dt.date(2026, 8, 15))

INC = {"incident": "26-000001"}
ADMIN = {**INC, "de3_date": "20260701", "de3_hour": "10", "de4": "N"}
OFFENSE = (2, {**INC, "de6": "13B", "de7": "C", "de8_1": "N", "de9": "20", "de13_1": "40", "de8a_1": "88"})
VICTIM = {**INC, "de23": "001", "de24_1": "13B", "de25": "I", "de26": "30", "de27": "F", "de28": "W",
          "de29": "N", "de30": "R", "de33_1": "M", "de34_1": "01", "de35_1": "AQ"}
OFFENDER = (5, {**INC, "de36": "01", "de37": "31", "de38": "M", "de39": "W", "de39a": "N"})
ARRESTEE = {**INC, "de40": "01", "de41": "A26-000001", "de42": "20260705", "de43": "T", "de44": "N", "de45": "13B",
            "de46_1": "01", "de47": "31", "de48": "M", "de49": "W", "de50": "N", "de51": "R"}
ARREST = {"action": "A", "incident": "B26-000001", "de40": "01", "de42": "20260705", "de43": "O", "de45": "90D",
          "de46_1": "01", "de47": "30", "de48": "M", "de49": "W", "de50": "N", "de51": "R"}
ZERO = {"action": "A", "incident": "000000000000", "zero_month": "06", "zero_year": "2026"}


def incident(ori="WI0130100", admin=None, victim=None, arrestee=None):
    segments = [(1, {**ADMIN, **(admin or {})}), OFFENSE, (4, {**VICTIM, **(victim or {})}), OFFENDER]
    if arrestee is not None:
        segments.append((6, {**ARRESTEE, **arrestee}))
    return [(lv, {**v, "ori": ori}) for lv, v in segments]


def arrest(ori="WI0130100", **changes):
    return (7, {**ARREST, "ori": ori, **changes})


def zero(ori="WI0130100", **changes):
    return (0, {**ZERO, "ori": ori, **changes})


# --- ORI reference edits --------------------------------------------------------------

def test_932_fires_on_ori_missing_from_agency_file():
    sub = submission(*incident(ori="WI0999900"), arrest(ori="WI0999900"))
    assert fired(sub, "932", CTX) == [(1, "1"), (5, "1")]


def test_932_does_not_fire_on_listed_ori():
    assert fired(submission(*incident(), arrest()), "932", CTX) == []


@pytest.mark.parametrize("code, ori", [
    ("930", "WI0280100"),  # historical
    ("934", "WI0400000"),  # deleted
    ("933", "WI0400100"),  # covered by WI0400000
    ("931", "WI0560000"),  # listed for two agencies
])
def test_status_edits_fire_on_the_unit_of_that_ori(code, ori):
    sub = submission(*incident(), zero(ori=ori))
    assert fired(sub, code, CTX) == [(5, "1")]
    assert fired(submission(*incident(), zero()), code, CTX) == []


def test_059_fires_on_ori_of_another_state():
    sub = submission(*incident(), arrest(ori="MN0500200"))
    assert fired(sub, "059", CTX) == [(5, "1")]


def test_059_does_not_fire_on_federal_agency_or_same_state():
    assert fired(submission(*incident(), arrest(ori="MNFBI0000")), "059", CTX) == []
    assert fired(submission(*incident(), arrest(ori="WI0130200")), "059", CTX) == []


def test_952_fires_on_malformed_ori_without_agency_file():
    assert fired(submission(*incident(ori="WI01301*0")), "952", NO_AGENCIES) == [(1, "1")]
    assert fired(submission(*incident()), "952", NO_AGENCIES) == []


def test_952_fires_on_malformed_officer_ori():
    victim = {"de25": "L", "de25a": "01", "de25b": "F", "de25c": "WI01301"}
    assert fired(submission(*incident(victim=victim)), "952", NO_AGENCIES) == [(3, "25C")]


def test_952_fires_on_officer_ori_of_own_state_missing_from_agency_file():
    unknown = {"de25": "L", "de25a": "01", "de25b": "F", "de25c": "WI0999900"}
    listed = {**unknown, "de25c": "WI0130200"}
    other_state = {**unknown, "de25c": "IA0999900"}
    assert fired(submission(*incident(victim=unknown)), "952", CTX) == [(3, "25C")]
    assert fired(submission(*incident(victim=listed)), "952", CTX) == []
    assert fired(submission(*incident(victim=other_state)), "952", CTX) == []


def test_952_runs_without_agency_file_and_agency_edits_do_not():
    result = engine.run(submission(*incident()), NO_AGENCIES, select=("952", "173", "932"))
    assert "952" not in result.not_checked
    assert {"173", "932"} <= set(result.not_checked)


# --- dates ----------------------------------------------------------------------------

def test_173_fires_on_incident_before_nibrs_start():
    sub = submission(*incident(ori="WI0130200", admin={"de3_date": "20201231"}))
    assert fired(sub, "173", CTX) == [(1, "3")]


def test_173_does_not_fire_on_start_day_or_on_pre_ibr_incident_cleared_after_start():
    assert fired(submission(*incident(ori="WI0130200", admin={"de3_date": "20210101"})), "173", CTX) == []
    cleared = {"de3_date": "20201231", "de4": "A", "de5": "20210105"}
    assert fired(submission(*incident(ori="WI0130200", admin=cleared)), "173", CTX) == []


def test_720_fires_on_group_b_add_before_base_date():
    assert fired(submission(arrest(ori="WI0130200", de42="20201230")), "720", CTX) == [(1, "42")]
    assert fired(submission(arrest(ori="WI0130200", de42="20210101")), "720", CTX) == []
    assert fired(submission(arrest(ori="WI0130200", action="D", de42="20201230")), "720", CTX) == []


def test_093_fires_on_zero_report_before_conversion_month():
    assert fired(submission(zero(ori="WI0130200", zero_month="12", zero_year="2020")), "093", CTX) == [(1, "zero_month")]
    assert fired(submission(zero(ori="WI0130200", zero_month="01", zero_year="2021")), "093", CTX) == []


def test_118_fires_on_incident_on_or_after_inactive_date():
    assert fired(submission(*incident(ori="WI0140200", admin={"de3_date": "20260710"})), "118", CTX) == [(1, "3")]
    assert fired(submission(*incident(ori="WI0140200", admin={"de3_date": "20260709"})), "118", CTX) == []


def test_618_fires_on_arrestee_on_or_after_inactive_date():
    late = incident(ori="WI0140200", admin={"de3_date": "20260705"}, arrestee={"de42": "20260711"})
    early = incident(ori="WI0140200", admin={"de3_date": "20260705"}, arrestee={"de42": "20260709"})
    assert fired(submission(*late), "618", CTX) == [(5, "42")]
    assert fired(submission(*early), "618", CTX) == []


def test_718_fires_on_group_b_arrest_on_or_after_inactive_date():
    assert fired(submission(arrest(ori="WI0140200", de42="20260710")), "718", CTX) == [(1, "42")]
    assert fired(submission(arrest(ori="WI0140200", de42="20260709")), "718", CTX) == []


def test_096_fires_on_zero_report_on_or_after_covered_by_month():
    assert fired(submission(zero(ori="WI0400100", zero_month="06")), "096", CTX) == [(1, "zero_month")]
    assert fired(submission(zero(ori="WI0400100", zero_month="05")), "096", CTX) == []
    assert fired(submission(zero(ori="WI0130100")), "096", CTX) == []


def test_edits_whose_agency_column_is_missing_return_nothing():
    slim = Context(agencies=AGENCIES[["ori", "name"]], today=dt.date(2026, 8, 15))
    sub = submission(*incident(ori="WI0140200", admin={"de3_date": "20000101"}), zero(ori="WI0400100"))
    for code in ("059", "093", "096", "118", "173", "930", "933", "934"):
        assert fired(sub, code, slim) == [], code


@pytest.mark.parametrize("code", ["059", "093", "096", "118", "173", "618", "718", "720",
                                  "930", "931", "932", "933", "934"])
def test_agency_edits_are_registered_as_needing_the_agency_file(code):
    rule = all_rules()[code]
    assert rule.needs == frozenset({"agency"}) and rule.checks


# --- the shared Wisconsin agency list -------------------------------------------------

def _wisconsin_list() -> Path:
    path = SHARED / "data" / "wi_agencies.csv"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


def test_wisconsin_list_flags_incident_before_start_and_unknown_ori():
    ctx = Context(agencies=load_agencies(_wisconsin_list()), today=dt.date(2026, 8, 15))
    # Middleton PD (WI0130200) started NIBRS on 1/1/2021 in the shared list.
    before = incident(ori="WI0130200", admin={"de3_date": "20201215"})
    after = [(lv, {**v, "incident": "26-000002"}) for lv, v in incident(ori="WI0130200")]
    unknown = [(lv, {**v, "incident": "26-000003"}) for lv, v in incident(ori="WI0999900")]
    sub = submission(*before, *after, *unknown)
    assert fired(sub, "173", ctx) == [(1, "3")]
    assert fired(sub, "932", ctx) == [(9, "1")]


# --- FBI-processed Minnesota sample ---------------------------------------------------

def _eds_173(eds: Path) -> pd.DataFrame:
    lines = eds.read_text(encoding="latin-1").splitlines()
    rows = [(int(line[6:13]), line[14:23]) for line in lines if line[46:49] == "173"]
    return pd.DataFrame(rows, columns=["record", "ori"])


def test_173_matches_fbi_error_data_set_for_minnesota_sample():
    folder = SHARED / "samples" / "fbi-processed"
    data, eds = folder / "MN_2016-02_submission.txt", folder / "MN_2016-02_fbi_eds.txt"
    if not (data.exists() and eds.exists()):
        pytest.skip("the FBI-processed Minnesota sample is not available")
    expected = _eds_173(eds)
    assert len(expected) == 3
    sub = read_flat_bytes(data.read_bytes(), source=str(data))
    fixture = load_agencies(FIXTURES / "agencies_mn_2016.csv")
    # The fixture's start date must be consistent with the EDS: after every incident that got 173,
    # on or before every incident of that agency that did not.
    admin = sub.frames[1]
    admin = admin[admin["action"] == "I"].assign(record=lambda f: f.index + 1)
    for ori, start in zip(fixture["ori"], fixture["nibrs_start_date"]):
        own = admin[admin["ori"] == ori]
        flagged = own["record"].isin(expected["record"])
        when = pd.to_datetime(own["de3_date"], format="%Y%m%d")
        assert (when[flagged] < start).all() and (when[~flagged] >= start).all(), ori
    ctx = Context(agencies=fixture, today=dt.date(2016, 3, 23))
    found = fired(sub, "173", ctx)
    assert sorted(found) == sorted((r, "3") for r in expected["record"])

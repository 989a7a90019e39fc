"""Zero report edits (spec 5.2.9; 090-094 also in 5.2.1)."""

import datetime as dt

import pytest

from wibrs_check.context import Context
from wibrs_check.rules.registry import all_rules
from wibrs_check.testing import fired, submission

CTX = Context(today=dt.date(2026, 8, 15))
ZERO = {"action": "A", "incident": "000000000000", "zero_month": "06", "zero_year": "2026"}

INC = {"incident": "26-000001"}
ADMIN = (1, {**INC, "de3_date": "20260605", "de3_hour": "10", "de4": "N"})
OFFENSE = (2, {**INC, "de6": "13B", "de7": "C", "de8_1": "N", "de9": "20", "de13_1": "40", "de8a_1": "88"})
VICTIM = (4, {**INC, "de23": "001", "de24_1": "13B", "de25": "I", "de26": "30", "de27": "F", "de28": "W",
              "de29": "N", "de30": "R", "de33_1": "M", "de34_1": "01", "de35_1": "AQ"})
OFFENDER = (5, {**INC, "de36": "01", "de37": "31", "de38": "M", "de39": "W", "de39a": "N"})
INCIDENT = (ADMIN, OFFENSE, VICTIM, OFFENDER)
ARREST = (7, {"action": "A", "incident": "B26-000001", "de40": "01", "de42": "20260610", "de43": "O", "de45": "90D",
              "de46_1": "01", "de47": "30", "de48": "M", "de49": "W", "de50": "N", "de51": "R"})


def zero(**changes):
    return (0, {**ZERO, **changes})


CASES = [
    ("001_zero_year_blank", "001", {"zero_year": ""}, "zero_year"),
    ("001_zero_month_blank", "001", {"zero_month": ""}, "zero_month"),
    ("001_incident_number_blank", "001", {"incident": ""}, "2"),
    ("001_ori_blank", "001", {"ori": ""}, "1"),
    ("001_submission_month_invalid", "001", {"sub_month": "00"}, "month"),
    ("001_delete_without_zero_month", "001", {"action": "D", "zero_month": ""}, "zero_month"),
    ("090_zero_month_13", "090", {"zero_month": "13"}, "zero_month"),
    ("090_zero_month_00", "090", {"zero_month": "00"}, "zero_month"),
    ("091_zero_year_with_letter", "091", {"zero_year": "20X6"}, "zero_year"),
    ("091_zero_year_before_1991", "091", {"zero_year": "1990"}, "zero_year"),
    ("092_incident_number_not_zeros", "092", {"incident": "000000000001"}, "2"),
    ("092_incident_number_case_number", "092", {"incident": "26-000001"}, "2"),
    ("094_zero_month_after_submission_month", "094", {"zero_month": "08"}, "zero_month"),
    ("094_zero_year_after_submission_year", "094", {"zero_year": "2027", "zero_month": "01"}, "zero_month"),
]


@pytest.mark.parametrize("code, bad, element", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_fires_on_the_bad_zero_report(code, bad, element):
    assert fired(submission(zero(**bad)), code, CTX) == [(1, element)]


@pytest.mark.parametrize("code", sorted({c[1] for c in CASES}))
def test_does_not_fire_on_the_clean_zero_report(code):
    assert fired(submission(zero()), code, CTX) == []


def test_094_does_not_fire_for_the_submission_month_itself():
    assert fired(submission(zero(zero_month="07")), "094", CTX) == []


def test_028_fires_when_file_holds_incident_of_the_zero_month():
    sub = submission(*INCIDENT, zero())
    assert fired(sub, "028", CTX) == [(5, "zero_month")]


def test_028_fires_when_file_holds_property_recovered_in_the_zero_month():
    admin = (1, {**ADMIN[1], "de3_date": "20260520"})
    prop = (3, {**INC, "de14": "5", "de15_1": "20", "de16_1": "000000100", "de17_1": "20260603"})
    sub = submission(admin, OFFENSE, prop, VICTIM, OFFENDER, zero())
    assert fired(sub, "028", CTX) == [(6, "zero_month")]


def test_028_does_not_fire_for_other_month_other_agency_or_delete():
    assert fired(submission(*INCIDENT, zero(zero_month="05")), "028", CTX) == []
    assert fired(submission(*INCIDENT, zero(ori="WI0130200")), "028", CTX) == []
    assert fired(submission(*INCIDENT, zero(action="D")), "028", CTX) == []


def test_029_fires_when_file_holds_group_b_arrest_of_the_zero_month():
    assert fired(submission(ARREST, zero()), "029", CTX) == [(2, "zero_month")]


def test_029_does_not_fire_for_arrest_in_another_month_or_a_deleted_arrest():
    other_month = (7, {**ARREST[1], "de42": "20260701"})
    deleted = (7, {**ARREST[1], "action": "D"})
    assert fired(submission(other_month, zero()), "029", CTX) == []
    assert fired(submission(deleted, zero()), "029", CTX) == []


@pytest.mark.parametrize("code", ["030", "031"])
def test_zero_report_deletes_need_history(code):
    rule = all_rules()[code]  # the checks are in rules/history.py (tests/history)
    assert rule.needs == frozenset({"history"}) and rule.checks


@pytest.mark.parametrize("code", ["028", "029"])
def test_028_029_run_without_history_on_the_file_itself(code):
    assert all_rules()[code].needs == frozenset()

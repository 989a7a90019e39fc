import datetime as dt

from wibrs_check.context import Context
from wibrs_check.testing import fired, submission

INC = {"incident": "26-000001"}
ADMIN = (1, {**INC, "de3_date": "20260701", "de3_hour": "10", "de4": "N"})
OFFENSE = (2, {**INC, "de6": "13B", "de7": "C", "de8_1": "N", "de9": "20", "de13_1": "40", "de8a_1": "88"})
VICTIM = (4, {**INC, "de23": "001", "de24_1": "13B", "de25": "I", "de26": "30", "de27": "F", "de28": "W", "de29": "N",
              "de30": "R", "de33_1": "M", "de34_1": "01", "de35_1": "AQ"})
OFFENDER = (5, {**INC, "de36": "01", "de37": "31", "de38": "M", "de39": "W", "de39a": "N"})
CLEAN = (ADMIN, OFFENSE, VICTIM, OFFENDER)


def test_050_fires_on_level_stepping_back():
    assert fired(submission(ADMIN, OFFENSE, OFFENDER, VICTIM), "050") == [(4, "level")]
    assert fired(submission(*CLEAN), "050") == []


def test_051_fires_on_unknown_level():
    bad = "0043912026    WI0130100000000000000" + " " * 8
    assert fired(submission(*CLEAN, bad), "051") == [(5, "level")]
    assert fired(submission(*CLEAN), "051") == []


def test_055_fires_when_incident_lacks_administrative_segment():
    assert fired(submission(OFFENSE, VICTIM, OFFENDER), "055") == [(1, "")]
    assert fired(submission(*CLEAN), "055") == []


def test_056_fires_on_second_report_of_same_incident():
    assert fired(submission(*CLEAN, *CLEAN), "056") == [(5, "2")]
    assert fired(submission(*CLEAN), "056") == []


def test_056_delete_then_resend_is_not_a_duplicate_of_the_delete():
    delete = (1, {**INC, "action": "D", "de3_date": "20260701"})
    assert fired(submission(delete, *CLEAN), "056") == []


def test_058_fires_on_other_submission_month():
    other = (5, {**OFFENDER[1], "sub_month": "08"})
    assert fired(submission(ADMIN, OFFENSE, VICTIM, other), "058") == [(4, "month")]
    assert fired(submission(*CLEAN), "058") == []


def test_060_fires_on_future_submission_month():
    ctx = Context(today=dt.date(2026, 6, 30))
    assert [r for r, _ in fired(submission(*CLEAN), "060", ctx)] == [1, 2, 3, 4]
    assert fired(submission(*CLEAN), "060", Context(today=dt.date(2026, 7, 1))) == []


def test_065_fires_on_offense_no_victim_names():
    other = (2, {**OFFENSE[1], "de6": "290"})
    assert fired(submission(ADMIN, OFFENSE, other, VICTIM, OFFENDER), "065") == [(3, "6")]
    assert fired(submission(*CLEAN), "065") == []


def test_075_fires_on_missing_offender_segment_at_incident_level():
    assert fired(submission(ADMIN, OFFENSE, VICTIM), "075") == [(None, "")]
    assert fired(submission(*CLEAN), "075") == []


def test_088_fires_when_group_b_reuses_group_a_arrest_number():
    arrestee = (6, {**INC, "de40": "01", "de41": "A1", "de42": "20260702", "de43": "T", "de44": "N", "de45": "13B",
                    "de46_1": "01", "de47": "31", "de48": "M", "de49": "W", "de50": "N", "de51": "R"})
    group_b = (7, {"action": "A", "incident": "26-000001", "de40": "01", "de42": "20260703", "de43": "O", "de45": "90D",
                   "de46_1": "01", "de47": "40", "de48": "M", "de49": "W", "de50": "N", "de51": "R"})
    assert fired(submission(*CLEAN, arrestee, group_b), "088") == [(6, "41")]
    other_b = (7, {**group_b[1], "incident": "B26-000009"})
    assert fired(submission(*CLEAN, arrestee, other_b), "088") == []


def test_invalid_action_type_is_reported_per_level():
    bad = (2, {**OFFENSE[1], "action": "X"})
    assert fired(submission(ADMIN, bad, VICTIM, OFFENDER), "204") == [(2, "action")]
    assert fired(submission(*CLEAN), "204") == []


def test_056_delete_earlier_in_the_file_allows_each_resend():
    """Vermont's files delete and resend an incident in one file (D, I, D, I): no 056."""
    delete = (1, {**INC, "action": "D", "de3_date": "20260701"})
    assert fired(submission(delete, *CLEAN, delete, *CLEAN), "056") == []
    assert fired(submission(*CLEAN, delete, *CLEAN, *CLEAN), "056") == [(10, "2")]

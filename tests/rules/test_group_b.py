"""Group B arrest report edits (spec 5.2.8) and Group B / zero segments inside an incident (050)."""

import datetime as dt

import pytest

from wibrs_check.context import Context
from wibrs_check.rules.registry import all_rules
from wibrs_check.testing import fired, submission

CTX = Context(today=dt.date(2026, 8, 15))
ARREST = {
    "action": "A", "incident": "B26-000001", "de40": "01", "de42": "20260705", "de43": "O", "de45": "90D",
    "de46_1": "01", "de47": "30", "de48": "M", "de49": "W", "de50": "N", "de51": "R",
}


def arrest(**changes):
    return (7, {**ARREST, **changes})


def codes_on(sub, code):
    return fired(sub, code, CTX)


# (behaviour id, code, bad fields, expected data element). Each case is one Group B segment.
SINGLE_SEGMENT_CASES = [
    ("701_type_of_arrest_blank", "701", {"de43": ""}, "43"),
    ("701_age_blank", "701", {"de47": ""}, "47"),
    ("702_sequence_number_single_digit", "702", {"de40": "1"}, "40"),
    ("702_sequence_number_zero", "702", {"de40": "00"}, "40"),
    ("704_unknown_race", "704", {"de49": "X"}, "49"),
    ("704_unknown_type_of_arrest", "704", {"de43": "Q"}, "43"),
    ("704_submission_month_13", "704", {"sub_month": "13"}, "month"),
    ("705_impossible_arrest_date", "705", {"de42": "20260231"}, "42"),
    ("705_arrest_after_submission_month", "705", {"de42": "20260802"}, "42"),
    ("705_arrest_before_1991", "705", {"de42": "19901231"}, "42"),
    ("706_same_weapon_twice", "706", {"de46_1": "12", "de46_2": "12"}, "46"),
    ("707_unarmed_with_handgun", "707", {"de46_1": "01", "de46_2": "12"}, "46"),
    ("708_age_not_left_justified", "708", {"de47": " 25"}, "47"),
    ("709_age_range_with_letter", "709", {"de47": "25A"}, "47"),
    ("710_age_range_descending", "710", {"de47": "3025"}, "47"),
    ("710_age_range_equal_bounds", "710", {"de47": "2525"}, "47"),
    ("715_transaction_number_inner_blank", "715", {"incident": "B26 000001"}, "41"),
    ("716_transaction_number_leading_blank", "716", {"incident": " B26000001"}, "41"),
    ("717_transaction_number_lower_case", "717", {"incident": "b26-000001"}, "41"),
    ("717_transaction_number_symbol", "717", {"incident": "B26*000001"}, "41"),
    ("722_age_range_starting_00", "722", {"de47": "0025"}, "47"),
    ("752_juvenile_without_disposition", "752", {"de47": "15"}, "52"),
    ("753_adult_with_disposition", "753", {"de47": "30", "de52": "H"}, "52"),
    ("753_range_average_18_with_disposition", "753", {"de47": "1719", "de52": "R"}, "52"),
    ("754_automatic_indicator_not_a", "754", {"de46_1": "11", "de46auto_1": "X"}, "46"),
    ("755_automatic_knife", "755", {"de46_1": "16", "de46auto_1": "A"}, "46"),
    ("757_age_letters", "757", {"de47": "NN"}, "47"),
    ("757_age_single_digit", "757", {"de47": "5"}, "47"),
    ("758_sex_unknown", "758", {"de48": "U"}, "48"),
    ("760_group_a_offense_on_level_7", "760", {"de45": "13A"}, "45"),
    ("760_justifiable_homicide_on_level_7", "760", {"de45": "09C"}, "45"),
    ("797_delete_without_arrest_date", "797", {"action": "D", "de42": ""}, "42"),
    ("701_delete_without_transaction_number", "701", {"action": "D", "incident": ""}, "41"),
]


@pytest.mark.parametrize("code, bad, element", [c[1:] for c in SINGLE_SEGMENT_CASES],
                         ids=[c[0] for c in SINGLE_SEGMENT_CASES])
def test_fires_on_the_bad_group_b_segment(code, bad, element):
    assert codes_on(submission(arrest(**bad)), code) == [(1, element)]


@pytest.mark.parametrize("code", sorted({c[1] for c in SINGLE_SEGMENT_CASES}))
def test_does_not_fire_on_the_clean_group_b_segment(code):
    assert codes_on(submission(arrest()), code) == []


@pytest.mark.parametrize("fields", [
    {"de46_1": "11", "de46auto_1": "A"},         # 755 / 754: automatic firearm
    {"de46_1": "12", "de46_2": "11"},             # 706 / 707: two different weapons
    {"de46_1": "12", "de46_2": "13", "de46auto_2": "A"},  # 706: two firearms, one automatic
    {"de47": "2530"},                             # 709 / 710 / 722: valid range
    {"de47": "17", "de52": "H"},                  # 752: juvenile with disposition
    {"de47": "00"},                               # 752 / 753: unknown age needs no disposition
    {"de47": "1419"},                             # 752: a juvenile range without disposition is warning 1740 only
    {"de47": "99"},                               # 757: over 98
    {"de45": "90Z", "de48": "F"},                 # 760 / 758
    {"incident": "11-123-SC"},                    # 715-717 example from the spec
], ids=["automatic_firearm", "two_weapons", "automatic_second_weapon", "age_range", "juvenile_disposed",
        "unknown_age", "juvenile_range", "age_99", "group_b_offense_female", "spec_example_number"])
def test_corrected_values_raise_no_group_b_error(fields):
    sub = submission(arrest(**fields))
    for code in ("704", "705", "706", "707", "709", "710", "715", "716", "717", "722", "752", "753",
                 "754", "755", "757", "758", "760"):
        assert codes_on(sub, code) == [], code


def test_701_fires_on_missing_sex_of_add():
    assert codes_on(submission(arrest(de48="")), "701") == [(1, "48")]


def test_705_does_not_fire_on_last_day_of_submission_month():
    assert codes_on(submission(arrest(de42="20260731")), "705") == []


def test_705_fires_on_arrest_date_after_today():
    ctx = Context(today=dt.date(2026, 7, 10))
    assert fired(submission(arrest(de42="20260720")), "705", ctx) == [(1, "42")]


def test_705_fires_on_impossible_date_of_a_delete():
    assert codes_on(submission(arrest(action="D", de42="20261340")), "705") == [(1, "42")]


def test_751_fires_on_second_arrestee_with_same_sequence_number():
    sub = submission(arrest(), arrest(de47="25"))
    assert codes_on(sub, "751") == [(2, "40")]


def test_751_does_not_fire_on_distinct_sequence_numbers_or_other_reports():
    assert codes_on(submission(arrest(), arrest(de40="02")), "751") == []
    assert codes_on(submission(arrest(), arrest(incident="B26-000002")), "751") == []


def test_751_does_not_fire_on_deletes():
    assert codes_on(submission(arrest(action="D"), arrest(action="D")), "751") == []


def test_797_does_not_fire_on_delete_with_arrest_date():
    assert codes_on(submission(arrest(action="D")), "797") == []


def test_delete_is_not_held_to_data_fields():
    delete = arrest(action="D", de43="", de45="", de46_1="", de47="", de48="", de49="")
    for code in ("701", "704", "757", "758", "760"):
        assert codes_on(submission(delete), code) == [], code


@pytest.mark.parametrize("code", ["759", "798", "799"])
def test_codes_needing_earlier_submissions_are_registered_as_history(code):
    rule = all_rules()[code]  # the checks are in rules/history.py (tests/history)
    assert rule.needs == frozenset({"history"}) and rule.checks


# --- 050: Group B and zero report segments inside a Group A incident (spec 4.5) --------

INC = {"incident": "26-000001"}
ADMIN = (1, {**INC, "de3_date": "20260701", "de3_hour": "10", "de4": "N"})
OFFENSE = (2, {**INC, "de6": "13B", "de7": "C", "de8_1": "N", "de9": "20", "de13_1": "40", "de8a_1": "88"})
VICTIM = (4, {**INC, "de23": "001", "de24_1": "13B", "de25": "I", "de26": "30", "de27": "F", "de28": "W",
              "de29": "N", "de30": "R", "de33_1": "M", "de34_1": "01", "de35_1": "AQ"})
OFFENDER = (5, {**INC, "de36": "01", "de37": "31", "de38": "M", "de39": "W", "de39a": "N"})
ZERO = (0, {"action": "A", "incident": "000000000000", "zero_month": "06", "zero_year": "2026"})


def test_050_fires_on_group_b_between_segments_of_an_incident():
    sub = submission(ADMIN, OFFENSE, arrest(), VICTIM, OFFENDER)
    assert codes_on(sub, "050") == [(4, "level")]


def test_050_fires_on_zero_report_between_segments_of_an_incident():
    sub = submission(ADMIN, OFFENSE, VICTIM, ZERO, OFFENDER)
    assert codes_on(sub, "050") == [(5, "level")]


def test_050_does_not_fire_on_group_b_and_zero_reports_between_incidents():
    other = [(lv, {**v, "incident": "26-000002"}) for lv, v in (ADMIN, OFFENSE, VICTIM, OFFENDER)]
    sub = submission(ZERO, ADMIN, OFFENSE, VICTIM, OFFENDER, arrest(), ZERO, *other, arrest(incident="B2"))
    assert codes_on(sub, "050") == []


def test_751_arrest_deleted_earlier_in_the_file_may_be_sent_again():
    """Vermont's files delete and resend Group B arrests in one file (D, A, D, A): no 751."""
    delete = arrest(action="D")
    assert codes_on(submission(delete, arrest(), delete, arrest()), "751") == []
    assert codes_on(submission(arrest(), delete, arrest(), arrest()), "751") == [(4, "40")]


def test_752_fires_on_an_age_range_wholly_under_18():
    assert codes_on(submission(arrest(de47="1416")), "752") == [(1, "52")]
    assert codes_on(submission(arrest(de47="1416", de52="H")), "752") == []
    assert codes_on(submission(arrest(de47="1419")), "752") == []  # reaches 18: warning 1740


def test_706_fires_on_a_weapon_repeated_with_the_automatic_indicator():
    """12A and 12 are the same weapon code: the automatic indicator is a separate element."""
    assert codes_on(submission(arrest(de46_1="12", de46auto_1="A", de46_2="12")), "706") == [(1, "46")]
    assert codes_on(submission(arrest(de46_1="12", de46auto_1="A", de46_2="13")), "706") == []

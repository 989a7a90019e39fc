"""Arrestee segment edits (6xx) and structure error 071."""

import datetime as dt

import pytest

from wibrs_check.context import Context
from wibrs_check.testing import fired, submission

CTX = Context(today=dt.date(2026, 8, 15))
INC = {"incident": "26-000001"}
ADMIN = (1, {**INC, "de3_date": "20260701", "de3_hour": "10", "de4": "N"})
OFFENSE = (2, {**INC, "de6": "13B", "de7": "C", "de8_1": "N", "de9": "20", "de13_1": "40", "de8a_1": "88"})
VICTIM = (4, {**INC, "de23": "001", "de24_1": "13B", "de25": "I", "de26": "30", "de27": "F", "de28": "W", "de29": "N",
              "de30": "R", "de33_1": "M", "de34_1": "01", "de35_1": "AQ"})
OFFENDER = (5, {**INC, "de36": "01", "de37": "31", "de38": "M", "de39": "W", "de39a": "N"})
ARRESTEE = (6, {**INC, "de40": "01", "de41": "A26-000001", "de42": "20260702", "de43": "T", "de44": "N", "de45": "13B",
                "de46_1": "01", "de47": "31", "de48": "M", "de49": "W", "de50": "N", "de51": "R"})


def seg(base, **changes):
    return (base[0], {**base[1], **changes})


def arrestee(**changes):
    return seg(ARRESTEE, **changes)


def incident(*arrestees, admin=ADMIN, offense=OFFENSE, offenders=(OFFENDER,), victim=VICTIM):
    """Admin (1), offense (2), victim (3), offenders (4 ...), then the arrestees."""
    return submission(admin, offense, victim, *offenders, *arrestees)


OFFENDER_2 = seg(OFFENDER, de36="02")


def test_601_fires_on_missing_type_of_arrest():
    assert fired(incident(arrestee(de43="")), "601") == [(5, "43")]
    assert fired(incident(arrestee()), "601") == []


def test_602_fires_on_arrestee_number_00():
    assert fired(incident(arrestee(de40="00")), "602") == [(5, "40")]
    assert fired(incident(arrestee(de40="01")), "602") == []


def test_602_fires_on_arrestee_number_without_zero_fill():
    assert fired(incident(arrestee(de40="1")), "602") == [(5, "40")]


def test_604_fires_on_unknown_multiple_arrestee_indicator():
    assert fired(incident(arrestee(de44="X")), "604") == [(5, "44")]
    assert fired(incident(arrestee(de44="C")), "604") == []


def test_605_fires_on_arrest_after_submission_month():
    assert fired(incident(arrestee(de42="20260801")), "605", CTX) == [(5, "42")]
    assert fired(incident(arrestee(de42="20260731")), "605", CTX) == []


def test_605_fires_on_impossible_date():
    assert fired(incident(arrestee(de42="20260631")), "605", CTX) == [(5, "42")]


def test_605_fires_on_arrest_before_1991():
    assert fired(incident(arrestee(de42="19900101")), "605", CTX) == [(5, "42")]


def test_606_fires_on_weapon_entered_twice():
    assert fired(incident(arrestee(de46_1="12", de46_2="12")), "606") == [(5, "46")]
    assert fired(incident(arrestee(de46_1="12", de46_2="16")), "606") == []


def test_607_fires_on_unarmed_with_weapon():
    assert fired(incident(arrestee(de46_1="12", de46_2="01")), "607") == [(5, "46")]
    assert fired(incident(arrestee(de46_1="01")), "607") == []


@pytest.mark.parametrize("code,age", [("608", " 25"), ("609", "2A5"), ("610", "4040"), ("622", "0019"), ("664", "BB")],
                         ids=["608-not-left-justified", "609-not-four-digits", "610-range-not-increasing",
                              "622-range-from-00", "664-not-numeric"])
def test_arrestee_age_format_edits_fire_on_bad_age(code, age):
    assert fired(incident(arrestee(de47=age)), code) == [(5, "47")]
    assert fired(incident(arrestee(de47="3035")), code) == []


@pytest.mark.parametrize("code,column,value,element", [
    ("615", "de41", "A 26", "41"), ("616", "de41", " A26", "41"), ("617", "de41", "a26", "41"),
    ("615", "incident", "26 01", "2"), ("616", "incident", " 26-01", "2"), ("617", "incident", "26#01", "2"),
], ids=["615-transaction-embedded-blank", "616-transaction-leading-blank", "617-transaction-lowercase",
        "615-incident-embedded-blank", "616-incident-leading-blank", "617-incident-bad-character"])
def test_identifier_edits_fire_on_arrestee_segment(code, column, value, element):
    assert fired(incident(arrestee(**{column: value})), code) == [(5, element)]
    assert fired(incident(arrestee()), code) == []


def test_652_fires_on_juvenile_without_disposition():
    assert fired(incident(arrestee(de47="16")), "652") == [(5, "52")]
    assert fired(incident(arrestee(de47="16", de52="H")), "652") == []


def test_652_leaves_juvenile_age_ranges_to_warning_1640():
    assert fired(incident(arrestee(de47="1618")), "652") == []
    assert fired(incident(arrestee(de47="1618")), "1640") == [(5, "52")]


def test_653_fires_on_adult_with_disposition():
    assert fired(incident(arrestee(de52="R")), "653") == [(5, "52")]
    assert fired(incident(arrestee(de47="00", de52="R")), "653") == []


def test_654_fires_on_automatic_indicator_other_than_a():
    assert fired(incident(arrestee(de46_1="12", de46auto_1="X")), "654") == [(5, "46")]
    assert fired(incident(arrestee(de46_1="12", de46auto_1="A")), "654") == []


def test_655_fires_on_automatic_knife():
    assert fired(incident(arrestee(de46_1="16", de46auto_1="A")), "655") == [(5, "46")]
    assert fired(incident(arrestee(de46_1="15", de46auto_1="A")), "655") == []


def test_656_fires_on_more_arrestees_than_offenders():
    two = (arrestee(), arrestee(de40="02", de41="B26-000001"))
    assert fired(incident(*two), "656") == [(None, "40")]
    assert fired(incident(*two, offenders=(OFFENDER, OFFENDER_2)), "656") == []


def test_656_fires_on_arrestee_of_unknown_offender():
    unknown = seg(OFFENDER, de36="00", de37="", de38="", de39="", de39a="")
    v = seg(VICTIM, de34_1="00", de35_1="")
    assert fired(incident(arrestee(), offenders=(unknown,), victim=v), "656") == [(None, "40")]


def test_656_does_not_judge_added_arrest_without_incident_in_file():
    added = arrestee(action="A")
    assert fired(submission(added), "656") == []


def test_661_fires_on_repeated_arrestee_number():
    sub = incident(arrestee(), arrestee(de41="B26-000001"), offenders=(OFFENDER, OFFENDER_2))
    assert fired(sub, "661") == [(7, "40")]
    sub = incident(arrestee(), arrestee(de40="02", de41="B26-000001"), offenders=(OFFENDER, OFFENDER_2))
    assert fired(sub, "661") == []


def test_665_fires_on_arrest_before_incident():
    assert fired(incident(arrestee(de42="20260630")), "665") == [(5, "42")]
    assert fired(incident(arrestee(de42="20260701")), "665") == []


def test_667_fires_on_unknown_arrestee_sex():
    assert fired(incident(arrestee(de48="U")), "667") == [(5, "48")]
    assert fired(incident(arrestee(de48="F")), "667") == []


def test_669_fires_on_arrest_for_justifiable_homicide_incident():
    justifiable = seg(OFFENSE, de6="09C", de13_1="12")
    v = seg(VICTIM, de24_1="09C", de31_1="20", de32="A", de33_1="", de35_1="ST")
    assert fired(incident(arrestee(de45="09A"), offense=justifiable, victim=v), "669") == [(5, "6")]
    assert fired(incident(offense=justifiable, victim=v), "669") == []


def test_670_fires_on_justifiable_homicide_arrest_offense():
    assert fired(incident(arrestee(de45="09C")), "670") == [(5, "45")]
    assert fired(incident(arrestee(de45="13B")), "670") == []


def test_071_fires_on_arrest_on_clearance_date():
    cleared = seg(ADMIN, de4="A", de5="20260702")
    assert fired(incident(arrestee(de42="20260702"), admin=cleared), "071") == [(5, "42")]
    assert fired(incident(arrestee(de42="20260703"), admin=cleared), "071") == []


def test_071_ignores_incidents_not_cleared_exceptionally():
    assert fired(incident(arrestee(de42="20260702")), "071") == []


def test_652_fires_on_an_age_range_wholly_under_18():
    assert fired(incident(arrestee(de47="1416")), "652") == [(5, "52")]
    assert fired(incident(arrestee(de47="1416", de52="R")), "652") == []

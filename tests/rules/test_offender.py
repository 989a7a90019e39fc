"""Offender segment edits (5xx)."""

import pytest

from wibrs_check.testing import fired, submission

INC = {"incident": "26-000001"}
ADMIN = (1, {**INC, "de3_date": "20260701", "de3_hour": "10", "de4": "N"})
OFFENSE = (2, {**INC, "de6": "13B", "de7": "C", "de8_1": "N", "de9": "20", "de13_1": "40", "de8a_1": "88"})
VICTIM = (4, {**INC, "de23": "001", "de24_1": "13B", "de25": "I", "de26": "30", "de27": "F", "de28": "W", "de29": "N",
              "de30": "R", "de33_1": "M", "de34_1": "01", "de35_1": "AQ"})
OFFENDER = (5, {**INC, "de36": "01", "de37": "31", "de38": "M", "de39": "W", "de39a": "N"})
UNKNOWN = {"de36": "00", "de37": "", "de38": "", "de39": "", "de39a": ""}


def seg(base, **changes):
    return (base[0], {**base[1], **changes})


def incident(*offenders, victim=VICTIM, admin=ADMIN, offense=OFFENSE):
    """Admin (1), offense (2), victim (3), then the offenders (4, 5 ...)."""
    return submission(admin, offense, victim, *offenders)


def offender(**changes):
    return seg(OFFENDER, **changes)


CLEARED = seg(ADMIN, de4="A", de5="20260705")


def test_legacy_45_offender_segment_is_read_and_clean():
    legacy = (5, {k: v for k, v in OFFENDER[1].items() if k != "de39a"}, 45)
    for code in ("501", "502", "504", "552", "556"):
        assert fired(incident(legacy), code) == []


def test_501_fires_on_known_offender_without_sex():
    assert fired(incident(offender(de38="")), "501") == [(4, "38")]
    assert fired(incident(offender()), "501") == []


def test_501_leaves_unknown_offender_blank():
    assert fired(incident(offender(**UNKNOWN), victim=seg(VICTIM, de34_1="00", de35_1="")), "501") == []


def test_502_fires_on_offender_number_with_letters():
    assert fired(incident(offender(de36="0A")), "502") == [(4, "36")]
    assert fired(incident(offender(de36="01")), "502") == []


def test_502_fires_on_offender_number_without_zero_fill():
    assert fired(incident(offender(de36="1")), "502") == [(4, "36")]


def test_504_fires_on_unknown_race_code():
    assert fired(incident(offender(de39="X")), "504") == [(4, "39")]
    assert fired(incident(offender(de39="U")), "504") == []


@pytest.mark.parametrize("code,age", [("508", " 25"), ("509", "25A"), ("510", "3020"), ("522", "0030"), ("556", "NN")],
                         ids=["508-not-left-justified", "509-three-characters", "510-range-reversed",
                              "522-range-from-00", "556-newborn-code-not-allowed"])
def test_offender_age_format_edits_fire_on_bad_age(code, age):
    assert fired(incident(offender(de37=age)), code) == [(4, "37")]
    assert fired(incident(offender(de37="2530")), code) == []


@pytest.mark.parametrize("code,value", [("515", "26 01"), ("516", " 26-01"), ("517", "26/01")],
                         ids=["515-embedded-blank", "516-leading-blank", "517-bad-character"])
def test_incident_number_edits_fire_on_offender_segment(code, value):
    assert fired(incident(offender(incident=value)), code) == [(4, "2")]
    assert fired(incident(offender()), code) == []


def test_550_fires_on_spouse_offender_under_13():
    spouse = seg(VICTIM, de35_1="SE")
    assert fired(incident(offender(de37="12"), victim=spouse), "550") == [(4, "37")]
    assert fired(incident(offender(de37="13"), victim=spouse), "550") == []


def test_551_fires_on_repeated_offender_number():
    assert fired(incident(offender(), offender()), "551") == [(5, "36")]
    assert fired(incident(offender(), offender(de36="02")), "551") == []


def test_552_fires_on_unknown_offender_with_age():
    v = seg(VICTIM, de34_1="00", de35_1="")
    assert fired(incident(offender(**{**UNKNOWN, "de37": "25"}), victim=v), "552") == [(4, "37")]
    assert fired(incident(offender(**UNKNOWN), victim=v), "552") == []


def test_554_fires_on_child_older_than_offender():
    child = seg(VICTIM, de26="45", de35_1="CH")
    assert fired(incident(offender(de37="30"), victim=child), "554") == [(4, "37")]
    assert fired(incident(offender(de37="50"), victim=child), "554") == []


def test_554_fires_on_parent_younger_than_offender():
    parent = seg(VICTIM, de26="20", de35_1="PA")
    assert fired(incident(offender(de37="30"), victim=parent), "554") == [(4, "37")]


def test_554_does_not_judge_unknown_ages():
    child = seg(VICTIM, de26="00", de35_1="CH")
    assert fired(incident(offender(de37="30"), victim=child), "554") == []


def test_555_fires_on_unknown_offender_among_others():
    assert fired(incident(offender(), offender(**UNKNOWN)), "555") == [(5, "36")]
    assert fired(incident(offender(), offender(de36="02")), "555") == []


def test_557_fires_on_unknown_offender_when_cleared_exceptionally():
    v = seg(VICTIM, de34_1="00", de35_1="")
    assert fired(incident(offender(**UNKNOWN), victim=v, admin=CLEARED), "557") == [(4, "36")]
    assert fired(incident(offender(**UNKNOWN), victim=v), "557") == []


def test_558_fires_when_cleared_incident_has_no_fully_known_offender():
    sub = incident(offender(de37="00"), offender(de36="02", de38="U"), admin=CLEARED)
    assert fired(sub, "558") == [(4, "37")]
    assert fired(incident(offender(de37="00"), offender(de36="02"), admin=CLEARED), "558") == []


def test_559_fires_on_justifiable_homicide_with_unknown_offender():
    justifiable = seg(OFFENSE, de6="09C", de13_1="12")
    v = seg(VICTIM, de24_1="09C", de31_1="20", de32="A", de33_1="", de35_1="ST")
    assert fired(incident(offender(de39="U"), victim=v, offense=justifiable), "559") == [(4, "36")]
    assert fired(incident(offender(), victim=v, offense=justifiable), "559") == []


def test_560_fires_when_every_related_offender_has_the_rape_victims_sex():
    rape = seg(OFFENSE, de6="11A")
    v = seg(VICTIM, de24_1="11A", de33_1="N", de34_2="02", de35_2="AQ")
    same = incident(offender(de38="F"), offender(de36="02", de38="F"), victim=v, offense=rape)
    assert fired(same, "560") == [(4, "38")]
    mixed = incident(offender(de38="F"), offender(de36="02", de38="M"), victim=v, offense=rape)
    assert fired(mixed, "560") == []


def test_560_ignores_offenders_not_related_to_the_victim():
    rape = seg(OFFENSE, de6="11A")
    v = seg(VICTIM, de24_1="11A", de33_1="N")
    sub = incident(offender(de38="F"), offender(de36="02", de38="M"), victim=v, offense=rape)
    assert fired(sub, "560") == [(4, "38")]

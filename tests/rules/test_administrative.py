import datetime as dt

import pytest

from wibrs_check import engine
from wibrs_check.context import Context
from wibrs_check.testing import fired, submission

INC = {"incident": "26-000001"}
ADMIN = {**INC, "de3_date": "20260701", "de3_hour": "10", "de4": "N"}
OFFENSE = (2, {**INC, "de6": "13B", "de7": "C", "de8_1": "N", "de9": "20", "de13_1": "40", "de8a_1": "88"})
VICTIM = {**INC, "de23": "001", "de24_1": "13B", "de25": "I", "de26": "30", "de27": "F", "de28": "W", "de29": "N",
          "de30": "R", "de33_1": "M", "de34_1": "01", "de35_1": "AQ"}
OFFENDER = (5, {**INC, "de36": "01", "de37": "31", "de38": "M", "de39": "W", "de39a": "N"})


def incident(admin=None, offense=OFFENSE, victim=None):
    return submission((1, {**ADMIN, **(admin or {})}), offense, (4, {**VICTIM, **(victim or {})}), OFFENDER)


def theft(admin=None):
    return submission((1, {**ADMIN, **(admin or {})}), (2, {**INC, "de6": "23H", "de7": "C", "de8_1": "N", "de9": "20", "de8a_1": "88"}),
                      (4, {**INC, "de23": "001", "de24_1": "23H", "de25": "B"}), OFFENDER)


@pytest.mark.parametrize("code, bad, good", [
    ("101", {"de4": ""}, {}),
    ("104", {"de4": "X"}, {}),
    ("105", {"de3_date": "20260231"}, {}),
    ("151", {"de3_report": "X"}, {"de3_report": "R"}),
    ("152", {"de3_hour": "24"}, {"de3_hour": "23"}),
    ("115", {"incident": "26 0001"}, {"incident": "26-0001"}),
    ("116", {"incident": " 26-0001"}, {}),
    ("117", {"incident": "26+0001"}, {}),
    ("153", {"de5": "20260702"}, {"de4": "A", "de5": "20260702"}),
    ("155", {"de4": "A", "de5": "20260630"}, {"de4": "A", "de5": "20260701"}),
    ("156", {"de4": "B"}, {"de4": "B", "de5": "20260705"}),
    ("170", {"de3_date": "20260801"}, {"de3_date": "20260731"}),
    ("172", {"de3_date": "19901231"}, {"de3_date": "19910101"}),
    ("175", {"sub_month": "13"}, {}),
    ("119", {"de2a": "N"}, {}),
])
def test_admin_edit_fires_and_clears(code, bad, good):
    ctx = Context(today=dt.date(2026, 8, 15))
    hits = fired(incident(bad), code, ctx)
    assert hits and hits[0][0] == 1, hits
    assert fired(incident(good), code, ctx) == []


def test_105_fires_on_date_after_today():
    assert fired(incident(), "105", Context(today=dt.date(2026, 6, 30))) == [(1, "3")]


def test_106_fires_when_officer_victim_lacks_hour():
    officer = {"de25": "L", "de25a": "01", "de25b": "G"}
    assert fired(incident({"de3_hour": ""}, victim=officer), "106") == [(1, "3")]
    assert fired(incident({"de3_hour": "02"}, victim=officer), "106") == []
    assert fired(incident({"de3_hour": ""}), "106") == []


def test_122_fires_when_cargo_offense_lacks_cargo_flag():
    assert fired(theft(), "122") == [(1, "2A")]
    assert fired(theft({"de2a": "N"}), "122") == []


def test_197_fires_on_delete_without_date():
    delete = submission((1, {**INC, "action": "D"}))
    assert fired(delete, "197") == [(1, "3")]
    assert fired(submission((1, {**INC, "action": "D", "de3_date": "20260701"})), "197") == []


def offense_incident(code, admin=None, admin_length=None):
    admin_record = (1, {**ADMIN, **(admin or {})}) if admin_length is None else (1, {**ADMIN, **(admin or {})}, admin_length)
    return submission(admin_record, (2, {**INC, "de6": code, "de7": "C", "de8_1": "N", "de9": "20", "de8a_1": "88"}),
                      (4, {**INC, "de23": "001", "de24_1": code, "de25": "I", "de26": "30", "de27": "F", "de28": "W",
                           "de29": "N"}), OFFENDER)


@pytest.mark.parametrize("code", ["26F", "26G"])
def test_119_accepts_cargo_theft_on_identity_theft_and_hacking(code):
    """Data element 2A lists 15 offenses, 26F and 26G among them (docs/spec-choices.md)."""
    assert fired(offense_incident(code, {"de2a": "N"}), "119") == []
    assert fired(offense_incident("13B", {"de2a": "N"}), "119") == [(1, "2A")]


@pytest.mark.parametrize("code", ["26F", "26G"])
def test_122_requires_cargo_theft_on_identity_theft_and_hacking(code):
    assert fired(offense_incident(code), "122") == [(1, "2A")]
    assert fired(offense_incident(code, {"de2a": "Y"}), "122") == []


def test_122_is_not_raised_on_the_short_87_character_administrative_segment():
    """87 characters is the 2019.1 variant without cargo theft: there is no field to fill."""
    assert fired(offense_incident("23H", admin_length=87), "122") == []
    assert fired(offense_incident("23H", admin_length=88), "122") == [(1, "2A")]


def test_a_clean_incident_in_the_short_2019_1_layouts_raises_no_error():
    """87/63/129/45 are valid 2019.1 variants: no edit may ask for a field they do not carry
    (cargo theft for the 23H, LEOKA for the officer victim, ethnicity for the offender)."""
    assault = (2, {**INC, "de6": "13A", "de7": "C", "de8_1": "N", "de9": "20", "de13_1": "40", "de8a_1": "88"}, 63)
    theft_offense = (2, {**INC, "de6": "23H", "de7": "C", "de8_1": "N", "de9": "20", "de8a_1": "88"}, 63)
    stolen = (3, {**INC, "de14": "7", "de15_1": "04", "de16_1": "000000350"})
    officer = (4, {**VICTIM, "de24_1": "13A", "de25": "L", "de31_1": "01"}, 129)
    business = (4, {**INC, "de23": "002", "de24_1": "23H", "de25": "B"}, 129)
    sub = submission((1, ADMIN, 87), assault, theft_offense, stolen, officer, business, (5, OFFENDER[1], 45))
    found = engine.run(sub, Context(today=dt.date(2026, 8, 15)), strict_rules=True).findings
    assert found.loc[found["severity"] == "error", "code"].tolist() == []

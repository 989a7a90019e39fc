"""Structure edits tying offenses to property (spec 5.2.1: 072-074, 076-078, 080, 081)."""

from conftest import shared_file

from wibrs_check import engine
from wibrs_check.readers.flatfile import read_flat
from wibrs_check.testing import check, fired, submission

INC = {"incident": "26-000001"}
ADMIN = (1, {**INC, "de3_date": "20260705", "de3_hour": "10", "de4": "N"})
OFFENSE = {**INC, "de7": "C", "de8_1": "N", "de9": "20", "de8a_1": "88"}


def off(code="23H", **values):
    return (2, {**OFFENSE, "de6": code, **values})


def prop(loss, **values):
    return (3, {**INC, "de14": loss, **values})


def victim(seq="001", kind="S", **values):
    return (4, {**INC, "de23": seq, "de24_1": values.pop("offense", "35A"), "de25": kind, **values})


THEFT = off("23H")
STOLEN = prop("7", de15_1="04", de16_1="000000350")
CAR_THEFT = off("240")


def test_072_fires_on_recovered_item_never_stolen():
    recovered = prop("5", de15_1="17", de16_1="000000100", de17_1="20260706")
    assert fired(submission(ADMIN, THEFT, STOLEN, recovered), "072") == [(4, "15")]
    recovered_bike = prop("5", de15_1="04", de16_1="000000300", de17_1="20260706")
    assert fired(submission(ADMIN, THEFT, STOLEN, recovered_bike), "072") == []


def test_072_exceptions_stolen_property_offense_and_vehicle_parts():
    recovered_gun = prop("5", de15_1="13", de16_1="000000450", de17_1="20260706")
    assert fired(submission(ADMIN, off("280", de12_1="B"), recovered_gun), "072") == []
    car = prop("7", de15_1="03", de16_1="000009000", de18="01")
    parts = prop("5", de15_1="38", de16_1="000000400", de17_1="20260706")
    assert fired(submission(ADMIN, CAR_THEFT, car, parts), "072") == []


def test_073_fires_on_more_vehicles_recovered_than_stolen():
    stolen = prop("7", de15_1="03", de16_1="000009000", de18="01")
    recovered = {"de15_1": "03", "de16_1": "000008000", "de17_1": "20260706"}
    assert fired(submission(ADMIN, CAR_THEFT, stolen, prop("5", **recovered, de19="02")), "073") == [(4, "19")]
    assert fired(submission(ADMIN, CAR_THEFT, stolen, prop("5", **recovered, de19="01")), "073") == []


def test_074_fires_at_incident_level_when_theft_has_no_property_segment():
    assert fired(submission(ADMIN, THEFT), "074") == [(None, "")]
    assert fired(submission(ADMIN, THEFT, STOLEN), "074") == []


def test_076_fires_on_property_segment_with_assault_only():
    assault = off("13B", de13_1="40")
    assert fired(submission(ADMIN, assault, STOLEN), "076") == [(3, "")]
    assert fired(submission(ADMIN, assault, THEFT, STOLEN), "076") == []


def test_077_fires_when_attempted_theft_has_no_none_or_unknown_loss():
    attempted = off("23H", de7="A")
    found = check(submission(ADMIN, attempted, STOLEN), "077")
    assert list(zip(found["record"].isna(), found["data_element"], found["offense_code"])) == [(True, "14", "23H")]
    assert fired(submission(ADMIN, attempted, prop("1")), "077") == []


def test_077_attempted_offense_beside_a_completed_one_needs_its_own_loss_segment():
    attempted_burglary = off("220", de7="A", de11="F")
    assert fired(submission(ADMIN, attempted_burglary, THEFT, STOLEN), "077") == [(None, "14")]
    assert fired(submission(ADMIN, attempted_burglary, THEFT, STOLEN, prop("1")), "077") == []


def test_078_fires_when_completed_arson_has_no_burned_property():
    arson = off("200")
    found = check(submission(ADMIN, arson, prop("4", de15_1="31", de16_1="000050000")), "078")
    assert list(zip(found["record"].isna(), found["data_element"], found["offense_code"])) == [(True, "14", "200")]
    assert fired(submission(ADMIN, arson, prop("2", de15_1="31", de16_1="000050000")), "078") == []


def test_080_fires_on_second_and_non_society_victims_of_society_crimes():
    drugs = off("35A", de12_1="P")
    found = fired(submission(ADMIN, drugs, victim("001", "S"), victim("002", "S")), "080")
    assert found == [(4, "25")]
    assert fired(submission(ADMIN, drugs, victim("001", "I")), "080") == [(3, "25")]
    assert fired(submission(ADMIN, drugs, victim("001", "S")), "080") == []


def test_080_does_not_apply_when_a_person_crime_is_in_the_incident():
    drugs, assault = off("35A", de12_1="P"), off("13B", de13_1="40")
    records = (ADMIN, drugs, assault, victim("001", "S"), victim("002", "I", offense="13B"))
    assert fired(submission(*records), "080") == []


def test_081_fires_at_incident_level_on_stolen_property_with_arson_only():
    arson = off("200")
    found = check(submission(ADMIN, arson, prop("2", de15_1="31", de16_1="000050000"), STOLEN), "081")
    assert list(zip(found["record"].isna(), found["data_element"], found["value"])) == [(True, "14", "7")]
    assert fired(submission(ADMIN, arson, THEFT, prop("2", de15_1="31", de16_1="000050000"), STOLEN), "081") == []


def test_081_no_loss_needs_an_attempted_or_qualifying_offense():
    assert fired(submission(ADMIN, THEFT, prop("1")), "081") == [(None, "14")]
    assert fired(submission(ADMIN, off("220", de11="F"), prop("1")), "081") == []


def test_fbi_eds_structure_errors_081_are_found_for_the_same_incidents():
    """The FBI reported 081 three times (record number 0, data element 14, loss type 7)."""
    path = shared_file("samples", "fbi-processed", "MN_2016-02_submission.txt")
    eds_lines = shared_file("samples", "fbi-processed", "MN_2016-02_fbi_eds.txt").read_text().splitlines()
    expected = sorted((line[23:35].strip(), line[43:46].strip(), line[49:61].strip())
                      for line in eds_lines if line[46:49] in {"072", "073", "074", "076", "077", "078", "080", "081"})
    assert len(expected) == 3
    codes = ("072", "073", "074", "076", "077", "078", "080", "081")
    found = engine.run(read_flat(path), select=codes, strict_rules=True).findings
    assert found["record"].isna().all()
    assert sorted(zip(found["incident"], found["data_element"], found["value"])) == expected


# 084: recovered value cannot exceed the stolen value of the same property.
_MVT = {"incident": "26-84"}


def _theft(recovered_value: str, stolen_value: str = "000000500", description: str = "26", offense: str = "23H"):
    return submission(
        (1, {**_MVT, "de3_date": "20260701", "de4": "N", "de2a": "N"}),
        (2, {**_MVT, "de6": offense, "de7": "C", "de8_1": "N", "de9": "20", "de8a_1": "88"}),
        (3, {**_MVT, "de14": "7", "de15_1": description, "de16_1": stolen_value}),
        (3, {**_MVT, "de14": "5", "de15_1": description, "de16_1": recovered_value, "de17_1": "20260702"}),
        (4, {**_MVT, "de23": "001", "de24_1": offense, "de25": "B"}),
        (5, {**_MVT, "de36": "01", "de37": "30", "de38": "M", "de39": "W", "de39a": "N"}),
    )


def test_084_fires_when_recovered_value_exceeds_stolen():
    assert fired(_theft("000000600"), "084") == [(4, "16")]


def test_084_does_not_fire_when_recovered_value_is_at_most_stolen():
    assert fired(_theft("000000500"), "084") == []


def test_084_skips_unknown_values():
    assert fired(_theft("000000600", stolen_value="000000001"), "084") == []


def test_084_compares_recovered_parts_with_stolen_vehicle_value():
    sub = submission(
        (1, {**_MVT, "de3_date": "20260701", "de4": "N", "de2a": "N"}),
        (2, {**_MVT, "de6": "240", "de7": "C", "de8_1": "N", "de9": "18", "de8a_1": "88"}),
        (3, {**_MVT, "de14": "7", "de15_1": "03", "de16_1": "000001000", "de18": "01"}),
        (3, {**_MVT, "de14": "5", "de15_1": "38", "de16_1": "000001500", "de17_1": "20260702"}),
        (4, {**_MVT, "de23": "001", "de24_1": "240", "de25": "I", "de26": "30", "de27": "F", "de28": "W", "de29": "N", "de30": "R"}),
        (5, {**_MVT, "de36": "01", "de37": "30", "de38": "M", "de39": "W", "de39a": "N"}),
    )
    assert fired(sub, "084") == [(4, "16")]

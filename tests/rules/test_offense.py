"""Offense segment edits 201-284 (spec 5.2.3): each fires on the smallest incident that shows
it, at the record and data element the FBI reports, and not on the corrected incident."""

import pytest

from wibrs_check.rules.registry import all_rules
from wibrs_check.testing import fired, submission

INC = {"incident": "26-000001"}
ADMIN = (1, {**INC, "de3_date": "20260701", "de3_hour": "10", "de4": "N"})
BASE = {**INC, "de6": "13B", "de7": "C", "de8_1": "N", "de9": "20", "de13_1": "40", "de8a_1": "88"}


def off(**values):
    return (2, {**BASE, **values})


def test_every_offense_segment_error_is_registered_with_a_check():
    rules = all_rules()
    codes = [c for c in rules if len(c) == 3 and c.startswith("2")]
    assert len(codes) == 31
    assert [c for c in codes if not rules[c].checks] == []
    assert rules["284"].needs == frozenset({"history"})  # its check is in rules/history.py


def test_201_fires_on_missing_location_type():
    assert fired(submission(ADMIN, off(de9="")), "201") == [(2, "9")]
    assert fired(submission(ADMIN, off()), "201") == []


def test_201_fires_on_missing_bias_motivation_and_suspected_of_using():
    found = fired(submission(ADMIN, off(de8a_1="", de8_1="")), "201")
    assert sorted(found) == [(2, "8"), (2, "8A")]


def test_202_fires_on_non_numeric_or_zero_premises():
    burglary = {"de6": "220", "de9": "14", "de11": "F", "de13_1": ""}
    assert fired(submission(ADMIN, off(**burglary, de10="A1")), "202") == [(2, "10")]
    assert fired(submission(ADMIN, off(**burglary, de10="00")), "202") == [(2, "10")]
    assert fired(submission(ADMIN, off(**burglary, de10="03")), "202") == []


def test_204_fires_on_unknown_location_code():
    assert fired(submission(ADMIN, off(de9="99")), "204") == [(2, "9")]
    assert fired(submission(ADMIN, off(de9="20")), "204") == []


def test_205_fires_on_cyberspace_for_assault():
    assert fired(submission(ADMIN, off(de9="58")), "205") == [(2, "9")]
    assert fired(submission(ADMIN, off(de6="13C", de9="58", de13_1="")), "205") == []


@pytest.mark.parametrize("column,first,second,element", [
    ("de8", "A", "A", "8"), ("de12", "J", "J", "12"), ("de13", "40", "40", "13"), ("de8a", "11", "11", "8A"),
])
def test_206_fires_on_repeated_code(column, first, second, element):
    record = off(**{f"{column}_1": first, f"{column}_2": second})
    assert fired(submission(ADMIN, record), "206") == [(2, element)]


def test_206_does_not_fire_on_distinct_codes():
    assert fired(submission(ADMIN, off(de8_1="A", de8_2="D", de13_1="40", de13_2="90")), "206") == []


def test_207_fires_on_none_combined_with_other_codes():
    assert fired(submission(ADMIN, off(de8_1="A", de8_2="N")), "207") == [(2, "8")]
    assert fired(submission(ADMIN, off(de13_1="40", de13_2="99")), "207") == [(2, "13")]
    assert fired(submission(ADMIN, off(de8a_1="88", de8a_2="11")), "207") == [(2, "8A")]
    assert fired(submission(ADMIN, off(de12_1="J", de12_2="N")), "207") == [(2, "12")]
    assert fired(submission(ADMIN, off(de8_1="N", de13_1="99")), "207") == []


def test_215_216_217_fire_on_badly_formed_incident_number():
    def number(value):
        return submission((1, {**ADMIN[1], "incident": value}), (2, {**BASE, "incident": value}))

    assert fired(number("26 001"), "215") == [(2, "2")]
    assert fired(number(" 26-001"), "216") == [(2, "2")]
    assert fired(number("26+001"), "217") == [(2, "2")]
    for code in ("215", "216", "217"):
        assert fired(number("26-001"), code) == []


def test_219_fires_on_gang_code_for_drug_offense_and_activity_for_assault():
    drugs = {"de6": "35A", "de13_1": ""}
    assert fired(submission(ADMIN, off(**drugs, de12_1="J")), "219") == [(2, "12")]
    assert fired(submission(ADMIN, off(de12_1="P")), "219") == [(2, "12")]
    assert fired(submission(ADMIN, off(**drugs, de12_1="P")), "219") == []
    assert fired(submission(ADMIN, off(de12_1="N")), "219") == []


def test_219_fires_on_animal_cruelty_code_for_other_offense_and_any_code_for_theft():
    assert fired(submission(ADMIN, off(de6="720", de13_1="", de12_1="P")), "219") == [(2, "12")]
    assert fired(submission(ADMIN, off(de6="23H", de13_1="", de12_1="G")), "219") == [(2, "12")]
    assert fired(submission(ADMIN, off(de6="720", de13_1="", de12_1="I")), "219") == []


def test_220_fires_when_drug_offense_lacks_criminal_activity():
    assert fired(submission(ADMIN, off(de6="35A", de13_1="")), "220") == [(2, "12")]
    assert fired(submission(ADMIN, off(de6="35A", de13_1="", de12_1="P")), "220") == []


def test_221_fires_when_robbery_lacks_weapon():
    assert fired(submission(ADMIN, off(de6="120", de13_1="")), "221") == [(2, "13")]
    assert fired(submission(ADMIN, off(de6="120", de13_1="99")), "221") == []


def test_222_fires_on_weapon_for_larceny():
    assert fired(submission(ADMIN, off(de6="23H", de13_1="40")), "222") == [(2, "13")]
    assert fired(submission(ADMIN, off(de6="23H", de13_1="")), "222") == []


def test_251_fires_on_attempted_completed_other_than_a_or_c():
    assert fired(submission(ADMIN, off(de7="X")), "251") == [(2, "7")]
    assert fired(submission(ADMIN, off(de7="C")), "251") == []


def test_252_fires_on_premises_outside_hotel_or_storage_burglary():
    burglary = {"de6": "220", "de11": "F", "de13_1": ""}
    assert fired(submission(ADMIN, off(**burglary, de9="20", de10="02")), "252") == [(2, "10")]
    assert fired(submission(ADMIN, off(de9="14", de10="02")), "252") == [(2, "10")]
    assert fired(submission(ADMIN, off(**burglary, de9="19", de10="02")), "252") == []


def test_253_fires_when_burglary_lacks_method_of_entry():
    assert fired(submission(ADMIN, off(de6="220", de13_1="")), "253") == [(2, "11")]
    assert fired(submission(ADMIN, off(de6="220", de13_1="", de11="N")), "253") == []


def test_254_fires_on_method_of_entry_for_other_offense():
    assert fired(submission(ADMIN, off(de11="F")), "254") == [(2, "11")]
    assert fired(submission(ADMIN, off()), "254") == []


def test_255_fires_on_automatic_indicator_other_than_a():
    assert fired(submission(ADMIN, off(de6="13A", de13_1="12", de13auto_1="X")), "255") == [(2, "13")]
    assert fired(submission(ADMIN, off(de6="13A", de13_1="12", de13auto_1="A")), "255") == []


def test_256_fires_on_attempted_assault():
    assert fired(submission(ADMIN, off(de7="A")), "256") == [(2, "7")]
    assert fired(submission(ADMIN, off(de6="120", de7="A")), "256") == []


def test_257_fires_when_hotel_burglary_lacks_premises():
    burglary = {"de6": "220", "de11": "F", "de13_1": "", "de9": "14"}
    assert fired(submission(ADMIN, off(**burglary)), "257") == [(2, "10")]
    assert fired(submission(ADMIN, off(**burglary, de10="04")), "257") == []


def test_258_fires_on_automatic_knife():
    found = fired(submission(ADMIN, off(de6="13A", de13_1="20", de13auto_1="A")), "258")
    assert found == [(2, "13")]
    assert fired(submission(ADMIN, off(de6="13A", de13_1="15", de13auto_1="A")), "258") == []


def test_262_fires_on_second_segment_with_same_offense():
    assert fired(submission(ADMIN, off(), off()), "262") == [(3, "6")]
    assert fired(submission(ADMIN, off(), off(de6="13C", de13_1="")), "262") == []


def test_263_fires_on_eleventh_offense():
    codes = ["13A", "13B", "13C", "11A", "11B", "11C", "11D", "120", "100", "09A", "23H"]
    records = [off(de6=c) for c in codes]
    assert fired(submission(ADMIN, *records), "263") == [(12, "6")]
    assert fired(submission(ADMIN, *records[:10]), "263") == []


def test_264_fires_on_group_b_offense_code():
    assert fired(submission(ADMIN, off(de6="90Z", de13_1="")), "264") == [(2, "6")]
    assert fired(submission(ADMIN, off()), "264") == []


def test_265_fires_on_knife_in_simple_assault():
    assert fired(submission(ADMIN, off(de13_1="40", de13_2="20")), "265") == [(2, "13")]
    assert fired(submission(ADMIN, off(de13_1="40", de13_2="95")), "265") == []


def test_266_fires_on_other_offense_with_justifiable_homicide():
    justifiable = off(de6="09C", de13_1="12")
    assert fired(submission(ADMIN, justifiable, off()), "266") == [(3, "6")]
    assert fired(submission(ADMIN, justifiable), "266") == []


def test_267_fires_on_homicide_without_weapon():
    assert fired(submission(ADMIN, off(de6="09A", de13_1="99")), "267") == [(2, "13")]
    assert fired(submission(ADMIN, off(de6="09A", de13_1="95")), "267") == []


def test_268_fires_on_larceny_with_stolen_automobile_and_no_vehicle_theft():
    larceny = off(de6="23H", de13_1="")
    stolen_car = (3, {**INC, "de14": "7", "de15_1": "03", "de16_1": "000009000"})
    assert fired(submission(ADMIN, larceny, stolen_car), "268") == [(2, "6")]
    vehicle_theft = off(de6="240", de13_1="")
    assert fired(submission(ADMIN, larceny, vehicle_theft, (3, {**stolen_car[1], "de18": "01"})), "268") == []


def test_269_fires_on_simple_assault_with_handgun():
    assert fired(submission(ADMIN, off(de13_1="12")), "269") == [(2, "13")]
    assert fired(submission(ADMIN, off(de6="13A", de13_1="12")), "269") == []


def test_270_fires_on_biased_justifiable_homicide():
    justifiable = {"de6": "09C", "de13_1": "12"}
    assert fired(submission(ADMIN, off(**justifiable, de8a_1="11")), "270") == [(2, "8A")]
    assert fired(submission(ADMIN, off(**justifiable, de8a_1="88")), "270") == []


def test_legacy_63_character_offense_segment_is_read_without_bias_2_to_5():
    record = (2, BASE, 63)
    for code in ("201", "204", "206", "207", "270"):
        assert fired(submission(ADMIN, record), code) == []


def test_207_does_not_fire_on_a_repeated_stand_alone_code_which_is_206():
    record = off(de8a_1="88", de8a_2="88")
    assert fired(submission(ADMIN, record), "207") == []
    assert fired(submission(ADMIN, record), "206") == [(2, "8A")]

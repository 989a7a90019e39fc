"""Data-quality warnings 1201-1741 (spec 5.2.10): each fires on the smallest submission that
shows it, on the exact record and data element, and stays quiet once the data is corrected."""

import pandas as pd
import pytest

from wibrs_check.rules.quality import age_years
from wibrs_check.testing import check, fired, submission

INC = {"incident": "26-000001"}


def admin(**v):
    return (1, {**INC, "de3_date": "20260705", "de3_hour": "10", "de4": "N", **v})


def offense(code, **v):
    return (2, {**INC, "de6": code, "de7": "C", "de8_1": "N", "de9": "20", "de8a_1": "88", **v})


def prop(loss, **v):
    return (3, {**INC, "de14": loss, **v})


def victim(seq="001", **v):
    values = {**INC, "de23": seq, "de24_1": "13B", "de25": "I", "de26": "30", "de27": "F", "de28": "W",
              "de29": "N", "de30": "R", "de34_1": "01", "de35_1": "AQ"}
    return (4, {**values, **v})


def offender(seq="01", **v):
    return (5, {**INC, "de36": seq, "de37": "31", "de38": "M", "de39": "W", "de39a": "N", **v})


def arrestee(**v):
    values = {**INC, "de40": "01", "de41": "A26-1", "de42": "20260706", "de43": "T", "de44": "N", "de45": "13B",
              "de46_1": "01", "de47": "31", "de48": "M", "de49": "W", "de50": "N", "de51": "R"}
    return (6, {**values, **v})


def group_b(**v):
    values = {"incident": "B26-000001", "de40": "01", "de42": "20260706", "de43": "O", "de45": "90C",
              "de46_1": "01", "de47": "31", "de48": "M", "de49": "W", "de50": "N", "de51": "R"}
    return (7, {**values, **v})


def incident(*segments):
    return submission(admin(), *segments)


# Offense segment warnings ------------------------------------------------------------------


def burglary(**v):
    return incident(offense("220", **{"de9": "14", "de10": "14", "de11": "F", **v}), victim(de24_1="220", de34_1="", de35_1=""), offender())


def test_1201_fires_on_hotel_burglary_with_premises_14():
    assert fired(burglary(), "1201") == [(2, "10")]


def test_1201_quiet_when_premises_is_a_real_count():
    assert fired(burglary(de10="03"), "1201") == []
    assert fired(burglary(de9="20"), "1201") == []


def test_1202_fires_on_murder_with_motor_vehicle():
    sub = incident(offense("09A", de13_1="12", de13_2="35"), victim(de24_1="09A", de31_1="01"), offender())
    assert fired(sub, "1202") == [(2, "13")]
    assert check(sub, "1202")["value"].tolist() == ["35"]


def test_1202_quiet_for_handgun_homicide():
    sub = incident(offense("09B", de13_1="12"), victim(de24_1="09B", de31_1="34"), offender())
    assert fired(sub, "1202") == []


def test_1203_fires_on_weapon_law_violation_with_personal_weapons():
    sub = incident(offense("520", de12_1="P", de13_1="40"), victim(de24_1="520", de25="S"), offender())
    assert fired(sub, "1203") == [(2, "13")]


def test_1203_quiet_for_weapon_law_violation_with_handgun():
    sub = incident(offense("520", de12_1="P", de13_1="12"), victim(de24_1="520", de25="S"), offender())
    assert fired(sub, "1203") == []


def robbery(*victims):
    return incident(offense("120", de13_1="12"), *victims, offender())


def test_1204_fires_on_robbery_with_only_a_business_victim():
    sub = robbery(victim(de24_1="120", de25="B", de26="", de27="", de28="", de34_1="", de35_1=""))
    assert fired(sub, "1204") == [(3, "25")]


def test_1204_quiet_when_a_person_was_robbed_too():
    sub = robbery(victim(de24_1="120", de25="B", de26="", de27="", de28="", de34_1="", de35_1=""),
                  victim("002", de24_1="120", de35_1="ST"))
    assert fired(sub, "1204") == []


def test_1209_fires_on_automatic_weapon_indicator():
    sub = incident(offense("13A", de13_1="13", de13auto_1="A"), victim(de24_1="13A", de31_1="01", de33_1="N"), offender())
    assert fired(sub, "1209") == [(2, "13")]
    assert check(sub, "1209")["column"].tolist() == ["de13auto_1"]


def test_1209_quiet_for_semi_automatic_weapon():
    sub = incident(offense("13A", de13_1="13"), victim(de24_1="13A", de31_1="01", de33_1="N"), offender())
    assert fired(sub, "1209") == []


def test_1220_fires_on_bias_99():
    sub = incident(offense("13B", de13_1="40", de8a_1="99"), victim(), offender())
    assert fired(sub, "1220") == [(2, "8A")]


def test_1220_quiet_for_no_bias():
    assert fired(incident(offense("13B", de13_1="40"), victim(), offender()), "1220") == []


def test_1221_fires_on_two_bias_codes():
    sub = incident(offense("13B", de13_1="40", de8a_1="12", de8a_2="21"), victim(), offender())
    assert fired(sub, "1221") == [(2, "8A")]
    assert check(sub, "1221")["value"].tolist() == ["21"]


def test_1221_quiet_for_one_bias_code():
    assert fired(incident(offense("13B", de13_1="40", de8a_1="12"), victim(), offender()), "1221") == []


@pytest.mark.parametrize("code, ucr", [("1222", "09A"), ("1223", "11A"), ("1224", "11B"), ("1225", "11C")])
def test_1222_to_1225_fire_on_hate_crime_murder_and_sex_offenses(code, ucr):
    sub = incident(offense(ucr, de13_1="40", de8a_1="12"), victim(de24_1=ucr), offender())
    assert fired(sub, code) == [(2, "8A")]


@pytest.mark.parametrize("code, ucr", [("1222", "09A"), ("1223", "11A"), ("1224", "11B"), ("1225", "11C")])
def test_1222_to_1225_quiet_without_bias_or_for_other_offenses(code, ucr):
    assert fired(incident(offense(ucr, de13_1="40"), victim(de24_1=ucr), offender()), code) == []
    assert fired(incident(offense("13B", de13_1="40", de8a_1="12"), victim(), offender()), code) == []


def test_1226_fires_once_on_incident_with_two_hate_crime_offenses():
    sub = incident(offense("13B", de13_1="40", de8a_1="12"), offense("290", de8a_1="12"),
                   victim(de24_2="290"), offender())
    assert fired(sub, "1226") == [(2, "8A")]
    assert "2 offenses" in check(sub, "1226")["message"].iloc[0]


def test_1226_quiet_when_only_one_offense_has_a_bias():
    sub = incident(offense("13B", de13_1="40", de8a_1="12"), offense("290"), victim(de24_2="290"), offender())
    assert fired(sub, "1226") == []


def test_1303_fires_on_larceny_reported_with_burglary():
    sub = incident(offense("220", de11="F"), offense("23D", de9="20"),
                   victim(de24_1="220", de24_2="23D", de34_1="", de35_1=""), offender())
    assert fired(sub, "1303") == [(3, "6")]


def test_1303_quiet_for_burglary_alone():
    sub = incident(offense("220", de11="F"), victim(de24_1="220", de34_1="", de35_1=""), offender())
    assert fired(sub, "1303") == []


# Property segment warnings -----------------------------------------------------------------


def with_property(ucr, *properties):
    return incident(offense(ucr), *properties, victim(de24_1=ucr, de25="B", de26="", de27="", de28="",
                                                      de34_1="", de35_1=""), offender())


def test_1302_fires_on_burned_other_property_over_10000():
    sub = with_property("200", prop("2", de15_1="31", de16_1="000050000", de15_2="77", de16_2="000012000"))
    assert fired(sub, "1302") == [(3, "15")]
    assert check(sub, "1302")["column"].tolist() == ["de15_2"]


def test_1302_quiet_for_small_other_property():
    assert fired(with_property("200", prop("2", de15_1="77", de16_1="000009999")), "1302") == []


def test_1304_fires_on_stolen_aircraft_in_larceny():
    assert fired(with_property("23H", prop("7", de15_1="01", de16_1="000090000")), "1304") == [(3, "15")]


def test_1304_quiet_for_stolen_bicycle():
    assert fired(with_property("23H", prop("7", de15_1="04", de16_1="000000300")), "1304") == []


def test_1305_fires_on_truck_taken_from_coin_machine():
    assert fired(with_property("23E", prop("7", de15_1="37", de16_1="000020000")), "1305") == [(3, "15")]


def test_1305_quiet_for_money_taken_from_coin_machine():
    assert fired(with_property("23E", prop("7", de15_1="20", de16_1="000000035")), "1305") == []


def test_1306_fires_on_stolen_dwelling_in_larceny():
    assert fired(with_property("23H", prop("7", de15_1="29", de16_1="000150000")), "1306") == [(3, "15")]


def test_1306_quiet_for_stolen_storage_shed():
    assert fired(with_property("23H", prop("7", de15_1="34", de16_1="000001500")), "1306") == []


def test_1307_fires_on_property_description_99():
    assert fired(with_property("23H", prop("7", de15_1="99", de16_1="000000010")), "1307") == [(3, "15")]


def test_1307_quiet_for_description_77():
    assert fired(with_property("23H", prop("7", de15_1="77", de16_1="000000010")), "1307") == []


def test_1308_fires_on_more_than_five_vehicles_stolen():
    sub = with_property("240", prop("7", de15_1="03", de16_1="000090000", de18="06"))
    assert fired(sub, "1308") == [(3, "18")]


def test_1308_quiet_for_five_vehicles_stolen():
    assert fired(with_property("240", prop("7", de15_1="03", de16_1="000090000", de18="05")), "1308") == []


def test_1310_fires_on_credit_card_stolen_in_card_fraud():
    sub = with_property("26B", prop("7", de15_1="20", de16_1="000000500", de15_2="09", de16_2="000000000"))
    assert fired(sub, "1310") == [(3, "15")]


def test_1310_quiet_for_money_obtained_by_card_fraud_or_card_stolen_in_a_theft():
    assert fired(with_property("26B", prop("7", de15_1="20", de16_1="000000500")), "1310") == []
    assert fired(with_property("23B", prop("7", de15_1="09", de16_1="000000000")), "1310") == []


def test_1312_fires_on_radio_stolen_from_motor_vehicle():
    assert fired(with_property("23F", prop("7", de15_1="26", de16_1="000000300")), "1312") == [(3, "15")]


def test_1312_quiet_for_radio_stolen_in_burglary():
    sub = incident(offense("220", de11="F"), prop("7", de15_1="26", de16_1="000000300"),
                   victim(de24_1="220", de34_1="", de35_1=""), offender())
    assert fired(sub, "1312") == []


def drug_equipment(loss):
    return incident(offense("35B", de12_1="P", de9="13"), prop(loss, de15_1="11", de16_1="000000015") if loss != "1" else prop("1"),
                    victim(de24_1="35B", de25="S", de26="", de27="", de28="", de34_1="", de35_1=""), offender())


def test_1314_fires_on_possessed_drug_equipment_with_loss_none():
    assert fired(drug_equipment("1"), "1314") == [(3, "14")]


def test_1314_quiet_when_equipment_was_seized():
    assert fired(drug_equipment("6"), "1314") == []


def drugs(unit):
    return incident(offense("35A", de12_1="P", de9="13"),
                    prop("6", de15_1="10", de20_1="E", de21_1="000000028500", de22_1=unit),
                    victim(de24_1="35A", de25="S", de26="", de27="", de28="", de34_1="", de35_1=""), offender())


def test_1316_fires_on_marijuana_measured_in_dosage_units():
    assert fired(drugs("DU"), "1316") == [(3, "22")]


def test_1316_quiet_for_marijuana_in_grams():
    assert fired(drugs("GM"), "1316") == []


def test_1342_fires_on_value_of_a_million_dollars():
    sub = with_property("23H", prop("7", de15_1="17", de16_1="001200099"))
    assert fired(sub, "1342") == [(3, "16")]
    assert "threshold $1000000" in check(sub, "1342")["message"].iloc[0]


def test_1342_quiet_below_a_million_dollars():
    assert fired(with_property("23H", prop("7", de15_1="17", de16_1="000999999")), "1342") == []


def vehicle_case(*properties):
    return incident(offense("280", de12_1="B"), offense("240"), *properties,
                    victim(de24_1="240", de34_1="", de35_1=""), offender())


def test_1343_fires_on_recovered_truck_never_reported_stolen():
    sub = vehicle_case(prop("5", de15_1="37", de16_1="000009000", de17_1="20260707", de19="01"))
    assert fired(sub, "1343") == [(4, "15")]


def test_1343_quiet_when_the_truck_is_also_stolen():
    sub = vehicle_case(prop("5", de15_1="37", de16_1="000009000", de17_1="20260707", de19="01"),
                       prop("7", de15_1="37", de16_1="000012000", de18="01"))
    assert fired(sub, "1343") == []


# Victim segment warnings -------------------------------------------------------------------


def test_1401_fires_on_incest_between_acquaintances():
    sub = incident(offense("36A"), victim(de24_1="36A", de26="16", de35_1="AQ"), offender())
    assert fired(sub, "1401") == [(3, "35")]


def test_1401_quiet_for_incest_between_siblings():
    sub = incident(offense("36A"), victim(de24_1="36A", de26="16", de35_1="SB"), offender())
    assert fired(sub, "1401") == []


def test_1402_fires_on_statutory_rape_victim_aged_12():
    sub = incident(offense("36B"), victim(de24_1="36B", de26="12"), offender(de37="22"))
    assert fired(sub, "1402") == [(3, "26")]


def test_1402_quiet_for_statutory_rape_victim_aged_15():
    sub = incident(offense("36B"), victim(de24_1="36B", de26="15"), offender(de37="22"))
    assert fired(sub, "1402") == []


def test_1403_fires_on_statutory_rape_by_a_family_member():
    sub = incident(offense("36B"), victim(de24_1="36B", de26="15", de35_1="SC"), offender(de37="40"))
    assert fired(sub, "1403") == [(3, "35")]


def test_1403_quiet_for_statutory_rape_by_an_acquaintance():
    sub = incident(offense("36B"), victim(de24_1="36B", de26="15"), offender(de37="22"))
    assert fired(sub, "1403") == []


def assault(ucr, weapon, injury):
    return incident(offense(ucr, de13_1=weapon), victim(de24_1=ucr, de31_1="01" if ucr == "13A" else "", de33_1=injury), offender())


def test_1404_fires_on_aggravated_assault_with_fists_and_minor_injury():
    sub = assault("13A", "40", "M")
    assert fired(sub, "1404") == [(3, "33")]
    assert "weapon 40" in check(sub, "1404")["message"].iloc[0]


def test_1404_quiet_for_aggravated_assault_with_knife_or_broken_bones():
    assert fired(assault("13A", "20", "M"), "1404") == []
    assert fired(assault("13A", "40", "B"), "1404") == []


def test_1405_fires_on_simple_assault_with_injury_and_no_weapon():
    assert fired(assault("13B", "99", "M"), "1405") == [(3, "33")]


def test_1405_quiet_for_simple_assault_with_personal_weapons():
    assert fired(assault("13B", "40", "M"), "1405") == []


def test_1407_fires_on_victim_with_unknown_age_sex_and_race():
    sub = incident(offense("13B", de13_1="40"), victim(de26="00", de27="U", de28="U", de33_1="N"), offender())
    assert fired(sub, "1407") == [(3, "26")]


def test_1407_quiet_when_the_victims_sex_is_known():
    sub = incident(offense("13B", de13_1="40"), victim(de26="00", de27="F", de28="U", de33_1="N"), offender())
    assert fired(sub, "1407") == []


def theft_of(age, *more):
    return incident(offense("23H"), prop("7", de15_1="04", de16_1="000000100"),
                    victim(de24_1="23H", de26=age, de34_1="01", de35_1="ST"), *more, offender())


def test_1408_fires_when_the_only_property_crime_victim_is_5():
    assert fired(theft_of("05"), "1408") == [(4, "26")]


def test_1408_quiet_for_older_victim_or_when_a_parent_is_also_a_victim():
    assert fired(theft_of("07"), "1408") == []
    assert fired(theft_of("05", victim("002", de24_1="23H", de26="35", de35_1="ST")), "1408") == []


def officer(circumstance):
    return incident(offense("13A", de13_1="20"), victim(de24_1="13A", de25="L", de26="35", de31_1=circumstance,
                                                          de33_1="N", de25a="01", de25b="F"), offender())


def test_1409_fires_on_officer_victim_without_circumstance_02():
    assert fired(officer("01"), "1409") == [(3, "31")]


def test_1409_quiet_for_officer_victim_with_circumstance_02():
    assert fired(officer("02"), "1409") == []


def test_1413_fires_on_child_only_5_years_younger_than_parent():
    sub = incident(offense("13B", de13_1="40"), victim(de26="20", de33_1="N", de35_1="CH"), offender(de37="25"))
    assert fired(sub, "1413") == [(3, "35")]
    assert "victim 20, offender 01 25" in check(sub, "1413")["message"].iloc[0]


def test_1413_quiet_for_child_25_years_younger_or_unknown_age():
    sub = incident(offense("13B", de13_1="40"), victim(de26="20", de33_1="N", de35_1="CH"), offender(de37="45"))
    assert fired(sub, "1413") == []
    sub = incident(offense("13B", de13_1="40"), victim(de26="20", de33_1="N", de35_1="CH"), offender(de37="00"))
    assert fired(sub, "1413") == []


def society_victim(bias):
    return incident(offense("290", de8a_1=bias), prop("4", de15_1="33", de16_1="000000500"),
                    victim(de24_1="290", de25="S", de26="", de27="", de28="", de34_1="", de35_1=""), offender())


def test_1427_fires_on_society_victim_of_biased_offense():
    assert fired(society_victim("21"), "1427") == [(4, "25")]


def test_1427_quiet_for_society_victim_without_bias():
    assert fired(society_victim("88"), "1427") == []


def test_1441_fires_on_victim_age_99():
    assert fired(incident(offense("13B", de13_1="40"), victim(de26="99", de33_1="N"), offender()), "1441") == [(3, "26")]


def test_1441_quiet_for_unknown_victim_age():
    assert fired(incident(offense("13B", de13_1="40"), victim(de26="00", de33_1="N"), offender()), "1441") == []


def test_1449_fires_on_spouse_victim_aged_16():
    sub = incident(offense("13B", de13_1="40"), victim(de26="16", de33_1="N", de35_1="SE"), offender(de37="19"))
    assert fired(sub, "1449") == [(3, "26")]


def test_1449_quiet_for_spouse_victim_aged_18():
    sub = incident(offense("13B", de13_1="40"), victim(de26="18", de33_1="N", de35_1="SE"), offender(de37="19"))
    assert fired(sub, "1449") == []


# Offender segment warnings -----------------------------------------------------------------


def simple_assault(offender_values, ucr="13B", victim_values=None):
    return incident(offense(ucr, de13_1="40"), victim(de24_1=ucr, de33_1="N", **(victim_values or {})),
                    offender(**offender_values))


def test_1501_fires_on_offender_aged_02():
    assert fired(simple_assault({"de37": "02"}), "1501") == [(4, "37")]


def test_1501_quiet_for_offender_aged_03():
    assert fired(simple_assault({"de37": "03"}), "1501") == []


def test_1508_fires_on_fondling_offender_aged_10():
    assert fired(simple_assault({"de37": "10"}, ucr="11D"), "1508") == [(4, "37")]


def test_1508_quiet_for_fondling_offender_aged_13():
    assert fired(simple_assault({"de37": "13"}, ucr="11D"), "1508") == []


def test_1509_fires_on_robbery_offender_aged_9():
    sub = incident(offense("120", de13_1="40"), victim(de24_1="120", de33_1="N", de35_1="ST"), offender(de37="09"))
    assert fired(sub, "1509") == [(4, "37")]


def test_1509_quiet_for_robbery_offender_aged_11_or_simple_assault_offender_aged_9():
    sub = incident(offense("120", de13_1="40"), victim(de24_1="120", de33_1="N", de35_1="ST"), offender(de37="11"))
    assert fired(sub, "1509") == []
    assert fired(simple_assault({"de37": "09"}), "1509") == []


def test_1541_fires_on_offender_age_99():
    assert fired(simple_assault({"de37": "99"}), "1541") == [(4, "37")]


def test_1541_quiet_for_offender_age_98():
    assert fired(simple_assault({"de37": "98"}), "1541") == []


def test_1549_fires_on_spouse_offender_aged_17():
    sub = simple_assault({"de37": "17"}, victim_values={"de26": "19", "de35_1": "SE"})
    assert fired(sub, "1549") == [(4, "37")]


def test_1549_quiet_for_boyfriend_aged_17():
    assert fired(simple_assault({"de37": "17"}, victim_values={"de26": "19", "de35_1": "BG"}), "1549") == []


def test_1607_fires_on_numbered_offender_with_nothing_known():
    sub = simple_assault({"de37": "00", "de38": "U", "de39": "U", "de39a": "U"}, victim_values={"de35_1": "RU"})
    assert fired(sub, "1607") == [(4, "36")]


def test_1607_quiet_for_unknown_offender_00_or_known_sex():
    sub = simple_assault({"de36": "00", "de37": "", "de38": "", "de39": "", "de39a": ""},
                         victim_values={"de34_1": "00", "de35_1": ""})
    assert fired(sub, "1607") == []
    assert fired(simple_assault({"de37": "00", "de38": "M", "de39": "U"}), "1607") == []


# Arrestee and Group B arrest warnings ------------------------------------------------------


def arrested(**values):
    return incident(offense("13B", de13_1="40"), victim(de33_1="N"), offender(), arrestee(**values))


def test_1601_fires_on_arrestee_aged_03():
    assert fired(arrested(de47="03"), "1601") == [(5, "47")]


def test_1601_quiet_for_arrestee_aged_12():
    assert fired(arrested(de47="12", de52="H"), "1601") == []


def test_1608_fires_on_dui_arrestee_aged_12():
    assert fired(arrested(de45="90D", de47="12", de52="H"), "1608") == [(5, "47")]


def test_1608_quiet_for_dui_arrestee_aged_16():
    assert fired(arrested(de45="90D", de47="16", de52="H"), "1608") == []


def test_1609_fires_on_homicide_arrestee_aged_10():
    assert fired(arrested(de45="09A", de47="10", de52="R"), "1609") == [(5, "47")]


def test_1609_quiet_for_homicide_arrestee_aged_11():
    assert fired(arrested(de45="09A", de47="11", de52="R"), "1609") == []


def test_1640_fires_on_age_range_1619_without_disposition():
    sub = arrested(de47="1619")
    assert fired(sub, "1640") == [(5, "52")]
    assert "age range 16-19" in check(sub, "1640")["message"].iloc[0]


def test_1640_quiet_for_range_averaging_adult_or_with_disposition():
    assert fired(arrested(de47="1620"), "1640") == []
    assert fired(arrested(de47="1619", de52="H"), "1640") == []
    assert fired(arrested(de47="1517", de52="H"), "1640") == []


def test_1641_fires_on_arrestee_age_99():
    assert fired(arrested(de47="99"), "1641") == [(5, "47")]


def test_1641_quiet_for_unknown_arrestee_age():
    assert fired(arrested(de47="00"), "1641") == []


def test_1701_fires_on_group_b_arrestee_aged_01():
    assert fired(submission(group_b(de47="01", de52="H")), "1701") == [(1, "47")]


def test_1701_quiet_for_group_b_arrestee_aged_03():
    assert fired(submission(group_b(de47="03", de52="H")), "1701") == []


def test_1708_fires_on_group_b_dui_arrestee_aged_11():
    assert fired(submission(group_b(de45="90D", de47="11", de52="H")), "1708") == [(1, "47")]


def test_1708_quiet_for_group_b_dui_arrestee_aged_13():
    assert fired(submission(group_b(de45="90D", de47="13", de52="H")), "1708") == []


def test_1740_fires_on_group_b_age_range_1718_without_disposition():
    assert fired(submission(group_b(de47="1718")), "1740") == [(1, "52")]


def test_1740_quiet_for_group_b_adult_range():
    assert fired(submission(group_b(de47="1820")), "1740") == []


def test_1741_fires_on_group_b_arrestee_age_99():
    assert fired(submission(group_b(de47="99")), "1741") == [(1, "47")]


def test_1741_quiet_for_group_b_arrestee_age_31():
    assert fired(submission(group_b()), "1741") == []


# Shared behaviour ----------------------------------------------------------------------------


def test_warnings_have_warning_severity_and_do_not_reject():
    from wibrs_check import engine

    sub = submission(group_b(de47="99"))
    result = engine.run(sub, select=("1741",), strict_rules=True)
    assert result.findings["severity"].tolist() == ["warning"]
    assert not result.has_errors
    assert not engine.unit_table(sub, result.findings)["rejected"].any()


def test_deleted_segments_are_not_checked():
    sub = submission(group_b(action="D", de47="99"))
    assert fired(sub, "1741") == []


def test_age_reading_of_ranges_infants_and_unknown():
    ages = age_years(pd.Series(["NN", "BB", "00", "05", "1619", "99", "", "1X"], dtype="str"))
    assert ages.tolist()[:6] == [0, 0, pytest.approx(float("nan"), nan_ok=True), 5, 17, 99]
    assert ages.isna().tolist() == [False, False, True, False, False, False, True, True]


def test_warnings_stay_apart_per_incident():
    first = [admin(), offense("13B", de13_1="40"), victim(de26="99", de33_1="N"), offender()]
    other = {"incident": "26-000002"}
    second = [(1, {**first[0][1], **other}), (2, {**first[1][1], **other}), (4, {**first[2][1], **other, "de26": "30"}),
              (5, {**first[3][1], **other})]
    assert fired(submission(*first, *second), "1441") == [(3, "26")]

"""Victim segment edits (4xx), structure error 070, and the FBI-processed MN sample."""

import pandas as pd
import pytest

from conftest import shared_file
from wibrs_check import engine
from wibrs_check.readers.flatfile import read_flat_bytes
from wibrs_check.testing import check, fired, submission

INC = {"incident": "26-000001"}
ADMIN = (1, {**INC, "de3_date": "20260701", "de3_hour": "10", "de4": "N"})
OFFENSE = (2, {**INC, "de6": "13B", "de7": "C", "de8_1": "N", "de9": "20", "de13_1": "40", "de8a_1": "88"})
VICTIM = (4, {**INC, "de23": "001", "de24_1": "13B", "de25": "I", "de26": "30", "de27": "F", "de28": "W", "de29": "N",
              "de30": "R", "de33_1": "M", "de34_1": "01", "de35_1": "AQ"})
OFFENDER = (5, {**INC, "de36": "01", "de37": "31", "de38": "M", "de39": "W", "de39a": "N"})
CLEAN = (ADMIN, OFFENSE, VICTIM, OFFENDER)

PERSON_CODES = ("4", "5", "6", "070", "071")


def seg(base, **changes):
    return (base[0], {**base[1], **changes})


def victim(**changes):
    return seg(VICTIM, **changes)


def offense(code, **changes):
    return seg(OFFENSE, de6=code, **changes)


def incident(*segments):
    """Admin, then the given segments (victim record is 3 when one offense precedes it)."""
    return submission(ADMIN, *segments)


def with_victim(v, offenses=(OFFENSE,), offenders=(OFFENDER,)):
    return incident(*offenses, v, *offenders)


def person_findings(sub):
    found = check(sub, *[c for c in engine.all_rules() if c.startswith(PERSON_CODES)])
    return found[["record", "code", "data_element", "value"]]


def test_clean_incident_raises_no_person_error():
    found = person_findings(submission(*CLEAN))
    assert found.empty, found.to_string()


def test_legacy_129_victim_segment_is_read_and_clean():
    legacy = (4, VICTIM[1], 129)
    found = person_findings(submission(ADMIN, OFFENSE, legacy, OFFENDER))
    assert found.empty, found.to_string()


# --- formats, codes and ages -------------------------------------------------------------


def test_401_fires_on_missing_injury_for_simple_assault():
    assert fired(with_victim(victim(de33_1="")), "401") == [(3, "33")]
    assert fired(with_victim(victim()), "401") == []


def test_401_fires_on_missing_circumstance_for_aggravated_assault():
    v = victim(de24_1="13A", de33_1="I")
    assert fired(with_victim(v, offenses=(offense("13A"),)), "401") == [(3, "31")]
    assert fired(with_victim(victim(de24_1="13A", de31_1="01"), offenses=(offense("13A"),)), "401") == []


def test_401_fires_on_missing_offender_number_for_person_victim():
    assert fired(with_victim(victim(de34_1="", de35_1="")), "401") == [(3, "34")]


def test_401_does_not_require_injury_for_business_robbery_victim():
    v = victim(de24_1="120", de25="B", de26="", de27="", de28="", de29="", de30="", de33_1="", de34_1="", de35_1="")
    assert fired(with_victim(v, offenses=(offense("120"),)), "401") == []


def test_402_fires_on_circumstance_with_letters():
    v = victim(de24_1="13A", de31_1="0A")
    assert fired(with_victim(v, offenses=(offense("13A"),)), "402") == [(3, "31")]
    assert fired(with_victim(victim(de24_1="13A", de31_1="01"), offenses=(offense("13A"),)), "402") == []


def test_402_fires_on_victim_number_without_zero_fill():
    assert fired(with_victim(victim(de23="1")), "402") == [(3, "23")]
    assert fired(with_victim(victim(de23="001")), "402") == []


def test_402_fires_on_nonnumeric_offender_number():
    assert fired(with_victim(victim(de34_1="0X")), "402") == [(3, "34")]


def test_404_fires_on_unknown_sex_code():
    assert fired(with_victim(victim(de27="X")), "404") == [(3, "27")]
    assert fired(with_victim(victim(de27="M")), "404") == []


def test_404_fires_on_unreadable_age():
    assert fired(with_victim(victim(de26="AB")), "404") == [(3, "26")]
    assert fired(with_victim(victim(de26="NB")), "404") == []


def test_404_fires_on_victim_number_zero():
    assert fired(with_victim(victim(de23="000")), "404") == [(3, "23")]


def test_406_fires_on_injury_entered_twice():
    assert fired(with_victim(victim(de33_2="M")), "406") == [(3, "33")]
    assert fired(with_victim(victim(de33_2="B")), "406") == []


def test_407_fires_on_no_injury_with_an_injury():
    assert fired(with_victim(victim(de33_2="N")), "407") == [(3, "33")]
    assert fired(with_victim(victim(de33_1="N")), "407") == []


@pytest.mark.parametrize("code,age", [("408", " 25"), ("409", "253"), ("410", "3025"), ("422", "0025")],
                         ids=["408-not-left-justified", "409-three-characters", "410-range-reversed", "422-range-from-00"])
def test_age_format_edits_fire_on_bad_age(code, age):
    assert fired(with_victim(victim(de26=age)), code) == [(3, "26")]
    assert fired(with_victim(victim(de26="2530")), code) == []


@pytest.mark.parametrize("code,value", [("415", "26 01"), ("416", " 26-01"), ("417", "26*01")],
                         ids=["415-embedded-blank", "416-leading-blank", "417-bad-character"])
def test_incident_number_edits_fire_on_victim_segment(code, value):
    sub = submission(ADMIN, OFFENSE, seg(VICTIM, incident=value), OFFENDER)
    assert fired(sub, code) == [(3, "2")]
    assert fired(submission(*CLEAN), code) == []


# --- fields that depend on the victim type ----------------------------------------------------


def test_453_fires_on_individual_without_sex():
    assert fired(with_victim(victim(de27="")), "453") == [(3, "27")]
    assert fired(with_victim(victim()), "453") == []


OFFICER = dict(de24_1="13A", de25="L", de25a="01", de25b="F", de31_1="02", de33_1="M")


def officer_incident(**changes):
    return with_victim(victim(**{**OFFICER, **changes}), offenses=(offense("13A"),))


def test_454_fires_on_officer_without_activity():
    assert fired(officer_incident(de25a=""), "454") == [(3, "25A")]
    assert fired(officer_incident(), "454") == []


def test_454_does_not_ask_for_leoka_fields_on_129_character_segment():
    v = (4, {**VICTIM[1], **OFFICER, "de25a": "", "de25b": ""}, 129)
    assert fired(submission(ADMIN, offense("13A"), v, OFFENDER), "454") == []


def test_458_fires_on_age_of_society_victim():
    v = victim(de24_1="35A", de25="S", de26="25", de27="", de28="", de29="", de30="", de33_1="", de34_1="", de35_1="")
    assert fired(with_victim(v, offenses=(offense("35A"),)), "458") == [(3, "26")]
    assert fired(with_victim(victim(de24_1="35A", de25="S", de26="", de27="", de28="", de29="", de30="",
                                    de33_1="", de34_1="", de35_1=""), offenses=(offense("35A"),)), "458") == []


def test_483_fires_on_officer_activity_for_individual():
    assert fired(with_victim(victim(de25a="01")), "483") == [(3, "25A")]
    assert fired(with_victim(victim()), "483") == []


# --- data allowed by the connected offenses -----------------------------------------------------


def test_419_fires_on_circumstance_for_simple_assault():
    assert fired(with_victim(victim(de31_1="01")), "419") == [(3, "31")]
    assert fired(with_victim(victim()), "419") == []


def test_419_fires_on_injury_for_intimidation():
    v = victim(de24_1="13C")
    assert fired(with_victim(v, offenses=(offense("13C"),)), "419") == [(3, "33")]
    assert fired(with_victim(victim(de24_1="13C", de33_1=""), offenses=(offense("13C"),)), "419") == []


def test_459_fires_on_offender_number_for_burglary_victim():
    v = victim(de24_1="220", de33_1="")
    assert fired(with_victim(v, offenses=(offense("220"),)), "459") == [(3, "34")]
    ok = victim(de24_1="220", de33_1="", de34_1="", de35_1="")
    assert fired(with_victim(ok, offenses=(offense("220"),)), "459") == []


def test_459_accepts_robbery_victim_with_offender_number():
    v = victim(de24_1="120", de33_1="N")
    assert fired(with_victim(v, offenses=(offense("120"),)), "459") == []


# --- victim type against the offense ---------------------------------------------------------


def test_464_fires_on_business_victim_of_assault():
    assert fired(with_victim(victim(de25="B")), "464") == [(3, "25")]
    assert fired(with_victim(victim(de25="I")), "464") == []


def test_465_fires_on_individual_victim_of_drug_offense():
    v = victim(de24_1="35A", de33_1="", de34_1="", de35_1="")
    assert fired(with_victim(v, offenses=(offense("35A"),)), "465") == [(3, "25")]


def test_465_silent_for_society_victim_of_drug_offense():
    v = victim(de24_1="35A", de25="S", de26="", de27="", de28="", de29="", de30="", de33_1="", de34_1="", de35_1="")
    assert fired(with_victim(v, offenses=(offense("35A"),)), "465") == []


def test_467_fires_on_society_victim_of_theft():
    v = victim(de24_1="23H", de25="S", de26="", de27="", de28="", de29="", de30="", de33_1="", de34_1="", de35_1="")
    assert fired(with_victim(v, offenses=(offense("23H"),)), "467") == [(3, "25")]
    assert fired(with_victim(victim(de24_1="23H", de25="B", de26="", de27="", de28="", de29="", de30="",
                                    de33_1="", de34_1="", de35_1=""), offenses=(offense("23H"),)), "467") == []


def test_482_fires_on_officer_victim_of_robbery():
    v = victim(**{**OFFICER, "de24_1": "120", "de31_1": "", "de33_1": "N"})
    assert fired(with_victim(v, offenses=(offense("120"),)), "482") == [(3, "25")]
    assert fired(officer_incident(), "482") == []


def test_490_fires_on_officer_victim_without_incident_hour():
    sub = submission(seg(ADMIN, de3_hour=""), offense("13A"), victim(**OFFICER), OFFENDER)
    assert fired(sub, "490") == [(3, "25")]
    assert fired(officer_incident(), "490") == []


def test_466_fires_on_offense_without_offense_segment():
    assert fired(with_victim(victim(de24_2="290")), "466") == [(3, "24")]
    assert fired(with_victim(victim(de24_2="290"), offenses=(OFFENSE, offense("290"))), "466") == []


def test_478_fires_on_simple_assault_with_aggravated_assault():
    v = victim(de24_1="13A", de24_2="13B", de31_1="01")
    offenses = (offense("13A"), offense("13B"))
    assert fired(with_victim(v, offenses=offenses), "478") == [(4, "24")]
    assert fired(with_victim(victim(de24_1="13A", de31_1="01"), offenses=offenses), "478") == []


def test_478_fires_on_justifiable_homicide_with_any_other_offense():
    v = victim(de24_1="290", de24_2="09C", de31_1="20", de32="A", de33_1="")
    offenses = (offense("290"), offense("09C"))
    assert fired(with_victim(v, offenses=offenses), "478") == [(4, "24")]


def test_478_accepts_robbery_with_fondling():
    v = victim(de24_1="120", de24_2="11D", de33_1="N")
    assert fired(with_victim(v, offenses=(offense("120"), offense("11D"))), "478") == []


# Section 3.3.5, data element 24: "Mutually Exclusive and Lesser Included offenses".
SECTION_3_3_5 = {
    "09A": "09B 13A 13B 13C", "09B": "09A 13A 13B 13C", "11A": "36A 36B 13A 13B 13C 11D",
    "11B": "36A 36B 13A 13B 13C 11D", "11C": "36A 36B 13A 13B 13C 11D", "11D": "36A 36B 13B 13C",
    "120": "13A 13B 13C 23A 23B 23C 23D 23E 23F 23G 23H 240", "13A": "13B 13C", "13B": "13C",
    "36A": "11A 11B 11C 11D", "36B": "11A 11B 11C 11D",
}


def test_478_table_matches_section_3_3_5_list():
    from wibrs_check.rules.persons import table

    pairs = table("victim_offense_exclusions.csv")
    listed = {frozenset((a, b)) for a, b in zip(pairs["offense"], pairs["other"]) if b != "*"}
    expected = {frozenset((a, b)) for a, others in SECTION_3_3_5.items() for b in others.split()}
    assert listed == expected
    assert set(pairs.loc[pairs["other"] == "*", "offense"]) == {"09C"}


# --- circumstances ------------------------------------------------------------------------------


def homicide(code, **changes):
    v = victim(de24_1=code, de33_1="", **changes)
    return with_victim(v, offenses=(offense(code),))


def test_455_fires_on_justifiable_homicide_without_additional_circumstance():
    assert fired(homicide("09C", de31_1="20"), "455") == [(3, "32")]
    assert fired(homicide("09C", de31_1="20", de32="C"), "455") == []


def test_456_fires_on_unknown_circumstance_with_another():
    assert fired(homicide("09A", de31_1="01", de31_2="10"), "456") == [(3, "31")]
    assert fired(homicide("09A", de31_1="01", de31_2="06"), "456") == []


def test_456_fires_on_two_negligent_manslaughter_circumstances():
    assert fired(homicide("09B", de31_1="30", de31_2="31"), "456") == [(3, "31")]


def test_457_fires_on_additional_circumstance_without_justifiable_code():
    assert fired(homicide("09A", de31_1="01", de32="A"), "457") == [(3, "32")]
    assert fired(homicide("09A", de31_1="01"), "457") == []


def test_462_fires_on_mercy_killing_for_aggravated_assault():
    v = victim(de24_1="13A", de31_1="07")
    assert fired(with_victim(v, offenses=(offense("13A"),)), "462") == [(3, "31")]
    assert fired(with_victim(victim(de24_1="13A", de31_1="06"), offenses=(offense("13A"),)), "462") == []


def test_463_fires_on_argument_for_justifiable_homicide():
    assert fired(homicide("09C", de31_1="01", de32="A"), "463") == [(3, "31")]
    assert fired(homicide("09C", de31_1="21", de32="A"), "463") == []


def test_477_fires_on_negligent_code_for_murder():
    assert fired(homicide("09A", de31_1="30"), "477") == [(3, "31")]
    assert fired(homicide("09A", de31_1="07"), "477") == []


def test_480_fires_on_other_felony_with_single_offense():
    assert fired(homicide("09A", de31_1="08"), "480") == [(3, "31")]
    two = with_victim(victim(de24_1="09A", de33_1="", de31_1="08"), offenses=(offense("09A"), offense("120")))
    assert fired(two, "480") == []


# --- injury, sex and age -----------------------------------------------------------------------


def test_479_fires_on_major_injury_for_simple_assault_only():
    assert fired(with_victim(victim(de33_1="B")), "479") == [(3, "33")]
    assert fired(with_victim(victim(de33_1="M")), "479") == []


def test_479_accepts_major_injury_when_another_person_offense_applies():
    v = victim(de24_2="11D", de33_1="B")
    assert fired(with_victim(v, offenses=(OFFENSE, offense("11D"))), "479") == []


def test_469_fires_on_unknown_sex_of_rape_victim():
    v = victim(de24_1="11A", de27="U", de33_1="N")
    assert fired(with_victim(v, offenses=(offense("11A"),)), "469") == [(3, "27")]
    assert fired(with_victim(victim(de24_1="11A", de27="F", de33_1="N"), offenses=(offense("11A"),)), "469") == []


def test_481_fires_on_adult_statutory_rape_victim():
    v = victim(de24_1="36B", de26="19", de33_1="")
    assert fired(with_victim(v, offenses=(offense("36B"),)), "481") == [(3, "26")]
    assert fired(with_victim(victim(de24_1="36B", de26="15", de33_1=""), offenses=(offense("36B"),)), "481") == []


def test_452_fires_on_officer_aged_16():
    assert fired(officer_incident(de26="16"), "452") == [(3, "26")]
    assert fired(officer_incident(de26="00"), "452") == []


def test_452_fires_on_officer_recorded_as_newborn():
    assert fired(officer_incident(de26="NB"), "452") == [(3, "26")]


def test_450_fires_on_spouse_under_13():
    assert fired(with_victim(victim(de26="12", de35_1="SE")), "450") == [(3, "26")]
    assert fired(with_victim(victim(de26="13", de35_1="SE")), "450") == []


# --- relationships ------------------------------------------------------------------------------

OFFENDER_2 = seg(OFFENDER, de36="02")


def test_070_fires_on_offender_number_without_offender_segment():
    assert fired(with_victim(victim(de34_1="02")), "070") == [(None, "34")]
    assert fired(with_victim(victim(de34_1="02"), offenders=(OFFENDER, OFFENDER_2)), "070") == []


def test_070_fires_on_unknown_offender_number_when_offenders_are_described():
    assert fired(with_victim(victim(de34_1="00", de35_1="")), "070") == [(None, "34")]


def test_460_fires_on_offender_number_without_relationship():
    assert fired(with_victim(victim(de35_1="")), "460") == [(3, "35")]
    assert fired(with_victim(victim()), "460") == []


def test_468_fires_on_relationship_to_unknown_offender():
    unknown = seg(OFFENDER, de36="00", de37="", de38="", de39="", de39a="")
    assert fired(with_victim(victim(de34_1="00"), offenders=(unknown,)), "468") == [(3, "35")]
    assert fired(with_victim(victim(de34_1="00", de35_1=""), offenders=(unknown,)), "468") == []


def test_470_fires_on_victim_was_offender_with_one_victim():
    assert fired(with_victim(victim(de35_1="VO")), "470") == [(None, "35")]


def test_470_accepts_brawl_with_two_victims_and_two_offenders():
    v1 = victim(de35_1="VO", de34_2="02", de35_2="AQ")
    v2 = victim(de23="002", de34_1="02", de35_1="VO", de34_2="01", de35_2="AQ")
    sub = incident(OFFENSE, v1, v2, OFFENDER, OFFENDER_2)
    assert fired(sub, "470") == []


def test_471_fires_on_victim_who_was_two_offenders():
    v = victim(de35_1="VO", de34_2="02", de35_2="VO")
    v2 = victim(de23="002")
    sub = incident(OFFENSE, v, v2, OFFENDER, OFFENDER_2)
    assert fired(sub, "471") == [(3, "35")]
    v = victim(de35_1="VO", de34_2="02", de35_2="AQ")
    assert fired(incident(OFFENSE, v, v2, OFFENDER, OFFENDER_2), "471") == []


def test_472_fires_on_known_relationship_to_undescribed_offender():
    unknown = seg(OFFENDER, de37="00", de38="U", de39="U")
    assert fired(with_victim(victim(), offenders=(unknown,)), "472") == [(3, "35")]
    assert fired(with_victim(victim(de35_1="RU"), offenders=(unknown,)), "472") == []


def test_474_fires_on_two_victims_who_were_the_same_offender():
    v1, v2 = victim(de35_1="VO"), victim(de23="002", de35_1="VO")
    sub = incident(OFFENSE, v1, v2, OFFENDER, OFFENDER_2)
    assert fired(sub, "474") == [(4, "35")]
    v2 = victim(de23="002", de34_1="02", de35_1="VO")
    assert fired(incident(OFFENSE, v1, v2, OFFENDER, OFFENDER_2), "474") == []


def test_475_fires_on_victim_with_two_spouses():
    v = victim(de35_1="SE", de34_2="02", de35_2="SE")
    sub = with_victim(v, offenders=(OFFENDER, OFFENDER_2))
    assert fired(sub, "475") == [(3, "35")]
    v = victim(de35_1="SE", de34_2="02", de35_2="AQ")
    assert fired(with_victim(v, offenders=(OFFENDER, OFFENDER_2)), "475") == []


def test_476_fires_on_offender_spouse_of_two_victims():
    v1, v2 = victim(de35_1="SE"), victim(de23="002", de35_1="SE")
    assert fired(incident(OFFENSE, v1, v2, OFFENDER), "476") == [(4, "35")]
    v2 = victim(de23="002", de35_1="AQ")
    assert fired(incident(OFFENSE, v1, v2, OFFENDER), "476") == []


def test_451_fires_on_repeated_victim_number():
    assert fired(incident(OFFENSE, victim(), victim(), OFFENDER), "451") == [(4, "23")]
    assert fired(incident(OFFENSE, victim(), victim(de23="002"), OFFENDER), "451") == []


def test_victims_of_different_incidents_are_not_compared():
    other = {"incident": "26-000002"}
    second = [seg(ADMIN, **other), seg(OFFENSE, **other), seg(VICTIM, **other, de35_1="SE"), seg(OFFENDER, **other)]
    sub = submission(ADMIN, OFFENSE, victim(de35_1="SE"), OFFENDER, *second)
    assert fired(sub, "476") == []
    assert fired(sub, "451") == []


# --- FBI-processed sample ------------------------------------------------------------------------


def _eds_errors(path) -> pd.DataFrame:
    rows = []
    for line in path.read_text(encoding="latin-1").splitlines():
        record, code = line[6:13], line[46:49]
        if not record.strip().isdigit() or not code.strip():
            continue
        rows.append({"record": int(record), "ori": line[14:23].strip(), "incident": line[23:35].rstrip(), "code": code})
    return pd.DataFrame(rows)


def test_fbi_processed_mn_sample_person_errors_are_all_found():
    """Every 4xx/5xx/6xx/070 error the FBI returned for the MN sample is found at the same record
    (incident-level errors, written with record 0000000, at the same incident)."""
    submission_path = shared_file("samples", "fbi-processed", "MN_2016-02_submission.txt")
    eds_path = shared_file("samples", "fbi-processed", "MN_2016-02_fbi_eds.txt")
    eds = _eds_errors(eds_path)
    eds = eds[eds["code"].str.match(r"^[456]\d\d$") | (eds["code"] == "070")]
    assert {"458", "459", "470", "070", "656"} <= set(eds["code"])
    sub = read_flat_bytes(submission_path.read_bytes(), source=submission_path.name)
    found = engine.run(sub, select=("4", "5", "6", "070"), strict_rules=True).findings
    record = found["record"].fillna(0).astype(int)
    keys = set(zip(found["code"], record, found["incident"]))
    incident_keys = set(zip(found["code"], found["incident"]))
    missing = [
        (r.code, r.record, r.incident) for r in eds.itertuples(index=False)
        if ((r.code, r.record, r.incident) not in keys if r.record else (r.code, r.incident) not in incident_keys)
    ]
    assert not missing, missing


# 085: with two or more offenders, a person-crime victim must be related to at least two.
def _assault(related: list[str], offenders: tuple[str, ...] = ("01", "02"), victim_type: str = "I"):
    inc = {"incident": "26-85"}
    victim = {**inc, "de23": "001", "de24_1": "13B", "de25": victim_type, "de26": "30", "de27": "F", "de28": "W",
              "de29": "N", "de30": "R", "de33_1": "M"}
    for k, number in enumerate(related, start=1):
        victim.update({f"de34_{k}": number, f"de35_{k}": "AQ"})
    return submission(
        (1, {**inc, "de3_date": "20260701", "de3_hour": "10", "de4": "N"}),
        (2, {**inc, "de6": "13B", "de7": "C", "de8_1": "N", "de9": "20", "de13_1": "40", "de8a_1": "88"}),
        (4, victim),
        *[(5, {**inc, "de36": o, "de37": "30", "de38": "M", "de39": "W", "de39a": "N"}) for o in offenders],
    )


def test_085_fires_when_victim_is_related_to_one_of_two_offenders():
    assert fired(_assault(["01"]), "085") == [(3, "34")]


def test_085_does_not_fire_when_victim_is_related_to_both():
    assert fired(_assault(["01", "02"]), "085") == []


def test_085_does_not_fire_with_a_single_offender():
    assert fired(_assault(["01"], offenders=("01",)), "085") == []

"""Injections for the data-quality warnings 1201-1741 (spec 5.2.10).

Each takes a clean generated incident and changes just enough to raise one warning, and
returns where the warning must be reported.
"""

from __future__ import annotations

from .incidents import Incident, Segment
from .inject import Expected, injection

PERSON_FIELDS = ("de26", "de27", "de28", "de29", "de30", "de31_1", "de32", "de33_1", "de34_1", "de35_1")


def _first(incident: Incident, level: int) -> Segment:
    return incident.of_level(level)[0]


def _at(incident: Incident, segment: Segment, code: str, element: str) -> Expected:
    return Expected(code, incident.index_of(segment), element)


def _header(segment: Segment) -> dict[str, str]:
    keys = ("ori", "sub_month", "sub_year", "action", "incident")
    return {k: segment.values[k] for k in keys if k in segment.values}


def _add_offense(incident: Incident, code: str, **values) -> Segment:
    """A second offense segment right after the last one, connected to the first victim."""
    last = incident.of_level(2)[-1]
    new = Segment(2, {**_header(last), "de6": code, "de7": "C", "de8_1": "N", "de9": last.values["de9"],
                      "de8a_1": "88", **values})
    incident.segments.insert(incident.index_of(last) + 1, new)
    victim = _first(incident, 4)
    free = next(k for k in range(1, 11) if not victim.values.get(f"de24_{k}"))
    victim.values[f"de24_{free}"] = code
    return new


def _arrestee(incident: Incident) -> Segment:
    """The incident's arrestee segment, added (for the first offender) when there is none."""
    found = incident.of_level(6)
    if found:
        return found[0]
    offense = _first(incident, 2)
    admin = _first(incident, 1)
    offender = _first(incident, 5)
    segment = Segment(6, {
        **_header(offense), "de40": "01", "de41": "A" + offense.values["incident"], "de42": admin.values["de3_date"],
        "de43": "T", "de44": "N", "de45": offense.values["de6"], "de46_1": "01", "de47": offender.values["de37"],
        "de48": "M", "de49": "W", "de50": "N", "de51": "R",
    })
    incident.segments.append(segment)
    return segment


def _set(segment: Segment, **values) -> Segment:
    segment.values.update(values)
    return segment


# Offense segment ------------------------------------------------------------------------------


@injection("1201", offense="220")
def hotel_burglary_premises_14(incident, rng):
    off = _set(_first(incident, 2), de9="14", de10="14")
    return _at(incident, off, "1201", "10")


@injection("1202", offense="09A")
def murder_with_vehicle(incident, rng):
    off = _set(_first(incident, 2), de13_2="35")
    return _at(incident, off, "1202", "13")


@injection("1203", offense="520")
def weapon_law_personal_weapons(incident, rng):
    off = _set(_first(incident, 2), de13_1="40")
    return _at(incident, off, "1203", "13")


@injection("1204", offense="120")
def robbery_business_victim_only(incident, rng):
    victim = _first(incident, 4)
    for column in PERSON_FIELDS:
        victim.values.pop(column, None)
    victim.values["de25"] = "B"
    return _at(incident, victim, "1204", "25")


@injection("1209", offense="13A")
def automatic_rifle(incident, rng):
    off = _set(_first(incident, 2), de13_1="13", de13auto_1="A")
    return _at(incident, off, "1209", "13")


@injection("1220", offense="13B")
def bias_unknown(incident, rng):
    off = _set(_first(incident, 2), de8a_1="99")
    return _at(incident, off, "1220", "8A")


@injection("1221", offense="13B")
def two_bias_codes(incident, rng):
    off = _set(_first(incident, 2), de8a_1="12", de8a_2="21")
    return _at(incident, off, "1221", "8A")


def _hate(code: str):
    def inject(incident, rng):
        off = _set(_first(incident, 2), de8a_1=rng.choice(("12", "21", "41", "62")))
        return _at(incident, off, code, "8A")

    inject.__name__ = f"hate_crime_{code}"
    return inject


for _code, _offense in (("1222", "09A"), ("1223", "11A"), ("1224", "11B"), ("1225", "11C")):
    injection(_code, offense=_offense)(_hate(_code))


@injection("1226", offense="23H")
def two_hate_crime_offenses(incident, rng):
    first = _set(_first(incident, 2), de8a_1="12")
    _add_offense(incident, "13C", de8a_1="12")
    victim = _first(incident, 4)
    if not victim.values.get("de34_1"):  # a crime against a person needs the relationship
        _set(victim, de34_1="01", de35_1="AQ")
    return _at(incident, first, "1226", "8A")


@injection("1303", offense="220")
def larceny_with_burglary(incident, rng):
    larceny = _add_offense(incident, "23D")
    return _at(incident, larceny, "1303", "6")


# Property segment ------------------------------------------------------------------------------


@injection("1302", offense="200")
def arson_other_high_value(incident, rng):
    prop = _set(_first(incident, 3), de15_1="77", de16_1="000050000")
    return _at(incident, prop, "1302", "15")


def _stolen(code: str, offense: str, description: str, value: str, element: str = "15"):
    def inject(incident, rng):
        prop = _set(_first(incident, 3), de15_1=description, de16_1=value)
        return _at(incident, prop, code, element)

    inject.__name__ = f"stolen_{description}_in_{offense}"
    return inject


for _code, _offense, _description, _value in (
    ("1304", "23H", "01", "000090000"),
    ("1305", "23E", "18", "000002000"),
    ("1306", "23H", "29", "000150000"),
    ("1307", "23H", "99", "000000010"),
    ("1312", "23F", "26", "000000300"),
):
    injection(_code, offense=_offense)(_stolen(_code, _offense, _description, _value))


@injection("1308", offense="240")
def six_vehicles_stolen(incident, rng):
    prop = next(s for s in incident.of_level(3) if s.values["de14"] == "7")
    _set(prop, de18="06")
    return _at(incident, prop, "1308", "18")


@injection("1310", offense="26B")
def card_stolen_in_card_fraud(incident, rng):
    prop = _set(_first(incident, 3), de15_2="09", de16_2="000000000")
    return _at(incident, prop, "1310", "15")


@injection("1314", offense="35B")
def equipment_possessed_loss_none(incident, rng):
    prop = _first(incident, 3)
    for column in ("de15_1", "de16_1", "de17_1"):
        prop.values.pop(column, None)
    prop.values["de14"] = "1"
    return _at(incident, prop, "1314", "14")


@injection("1316", offense="35A")
def marijuana_in_dosage_units(incident, rng):
    prop = _set(_first(incident, 3), de22_1="DU")
    return _at(incident, prop, "1316", "22")


@injection("1342", offense="23H")
def cents_entered_as_dollars(incident, rng):
    prop = _set(_first(incident, 3), de16_1="001200099")
    return _at(incident, prop, "1342", "16")


@injection("1343", offense="240")
def recovered_truck_not_stolen(incident, rng):
    _add_offense(incident, "280", de12_1="B")
    stolen = next(s for s in incident.of_level(3) if s.values["de14"] == "7")
    stolen.values.pop("de18", None)
    _set(stolen, de15_1="20", de16_1="000000500")
    recovered = next(s for s in incident.of_level(3) if s.values["de14"] == "5")
    _set(recovered, de15_1="37")
    return _at(incident, recovered, "1343", "15")


# Victim segment --------------------------------------------------------------------------------


def _victim(incident: Incident, code: str, element: str, **values) -> Expected:
    victim = _set(_first(incident, 4), **values)
    return _at(incident, victim, code, element)


@injection("1401", offense="36A")
def incest_with_acquaintance(incident, rng):
    return _victim(incident, "1401", "35", de35_1="AQ")


@injection("1402", offense="36B")
def statutory_rape_victim_12(incident, rng):
    return _victim(incident, "1402", "26", de26="12")


@injection("1403", offense="36B")
def statutory_rape_by_sibling(incident, rng):
    return _victim(incident, "1403", "35", de35_1="SB")


@injection("1404", offense="13A")
def aggravated_assault_fists_minor_injury(incident, rng):
    _set(_first(incident, 2), de13_1="40")
    return _victim(incident, "1404", "33", de33_1="M")


@injection("1405", offense="13B")
def simple_assault_injury_no_weapon(incident, rng):
    _set(_first(incident, 2), de13_1="99")
    return _victim(incident, "1405", "33", de33_1="M")


@injection("1407", offense="13B")
def victim_nothing_known(incident, rng):
    return _victim(incident, "1407", "26", de26="00", de27="U", de28="U")


@injection("1408", offense="23H")
def only_theft_victim_aged_5(incident, rng):
    return _victim(incident, "1408", "26", de26="05")


@injection("1409", offense="13A")
def officer_victim_argument(incident, rng):
    return _victim(incident, "1409", "31", de25="L", de25a="01", de25b="F", de26=str(rng.randint(25, 55)), de31_1="01")


@injection("1413", offense="13B")
def child_close_in_age(incident, rng):
    _set(_first(incident, 5), de37="25")
    for arrestee in incident.of_level(6):
        _set(arrestee, de47="25")
    return _victim(incident, "1413", "35", de26="20", de35_1="CH")


@injection("1427", offense="35A")
def society_victim_hate_crime(incident, rng):
    _set(_first(incident, 2), de8a_1="21")
    return _victim(incident, "1427", "25")


@injection("1441", offense="13B")
def victim_age_99(incident, rng):
    return _victim(incident, "1441", "26", de26="99")


@injection("1449", offense="13B")
def spouse_victim_16(incident, rng):
    return _victim(incident, "1449", "26", de26="16", de35_1="SE")


# Offender segment ------------------------------------------------------------------------------


def _offender(incident: Incident, code: str, element: str = "37", **values) -> Expected:
    offender = _set(_first(incident, 5), **values)
    return _at(incident, offender, code, element)


@injection("1501", offense="13B")
def offender_aged_02(incident, rng):
    return _offender(incident, "1501", de37="02")


@injection("1508", offense="11D")
def fondling_offender_aged_10(incident, rng):
    return _offender(incident, "1508", de37="10")


@injection("1509", offense="120")
def robbery_offender_aged_9(incident, rng):
    return _offender(incident, "1509", de37="09")


@injection("1541", offense="13B")
def offender_age_99(incident, rng):
    return _offender(incident, "1541", de37="99")


@injection("1549", offense="13B")
def spouse_offender_17(incident, rng):
    _set(_first(incident, 4), de35_1="SE", de26="19")
    return _offender(incident, "1549", de37="17")


@injection("1607", offense="23H")
def numbered_offender_nothing_known(incident, rng):
    return _offender(incident, "1607", "36", de37="00", de38="U", de39="U", de39a="U")


# Arrestee and Group B arrest -------------------------------------------------------------------


def _arrest(incident: Incident, code: str, element: str = "47", **values) -> Expected:
    segment = _set(_arrestee(incident), **values)
    return _at(incident, segment, code, element)


@injection("1601", offense="13B")
def arrestee_aged_03(incident, rng):
    return _arrest(incident, "1601", de47="03", de52="H")


@injection("1608", offense="13B")
def dui_arrestee_aged_12(incident, rng):
    return _arrest(incident, "1608", de45="90D", de47="12", de52="H")


@injection("1609", offense="09A")
def homicide_arrestee_aged_10(incident, rng):
    return _arrest(incident, "1609", de47="10", de52="R")


@injection("1640", offense="13B")
def juvenile_range_no_disposition(incident, rng):
    return _arrest(incident, "1640", "52", de47="1619", de52="")


@injection("1641", offense="13B")
def arrestee_age_99(incident, rng):
    return _arrest(incident, "1641", de47="99")


def _group_b(incident: Incident, code: str, element: str = "47", **values) -> Expected:
    return _at(incident, _set(_first(incident, 7), **values), code, element)


@injection("1701", kind="B")
def group_b_arrestee_aged_01(incident, rng):
    return _group_b(incident, "1701", de47="01", de52="H")


@injection("1708", kind="B")
def group_b_dui_arrestee_aged_11(incident, rng):
    return _group_b(incident, "1708", de45="90D", de47="11", de52="H")


@injection("1740", kind="B")
def group_b_juvenile_range_no_disposition(incident, rng):
    return _group_b(incident, "1740", "52", de47="1718", de52="")


@injection("1741", kind="B")
def group_b_arrestee_age_99(incident, rng):
    return _group_b(incident, "1741", de47="99")

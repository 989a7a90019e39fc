"""Injections for the person-segment edits: victim (4xx), offender (5xx), arrestee (6xx), 070 and 071.

Each injection turns one clean generated incident into one that must raise the code at the
record (or, for incident-level findings, the incident) it names.
"""

from __future__ import annotations

import datetime as dt

from .incidents import Incident, Segment
from .inject import Expected, injection

# ---------------------------------------------------------------------------------------
# Helpers


def _victim(incident: Incident, n: int = 0) -> Segment:
    return incident.of_level(4)[n]


def _offender(incident: Incident, n: int = 0) -> Segment:
    return incident.of_level(5)[n]


def _header(incident: Incident) -> dict:
    admin = incident.segments[0].values
    return {k: admin[k] for k in ("ori", "sub_month", "sub_year", "action", "incident")}


def _arrestee(incident: Incident) -> Segment:
    """The incident's arrestee segment, added when the clean incident has none."""
    found = incident.of_level(6)
    if found:
        return found[0]
    admin = incident.segments[0].values
    day = dt.datetime.strptime(admin["de3_date"], "%Y%m%d").date() + dt.timedelta(days=1)
    offense = incident.of_level(2)[0].values["de6"]
    segment = Segment(6, {
        **_header(incident), "de40": "01", "de41": "A" + admin["incident"], "de42": day.strftime("%Y%m%d"),
        "de43": "T", "de44": "N", "de45": offense, "de46_1": "01", "de47": "30", "de48": "M", "de49": "W",
        "de50": "N", "de51": "R"})
    incident.segments.append(segment)
    return segment


def _without_arrestees(incident: Incident) -> None:
    incident.segments = [s for s in incident.segments if s.level != 6]


def _copy_after(incident: Incident, segment: Segment, **changes) -> Segment:
    """Insert a copy of ``segment`` (with changes) right after the last segment of its level."""
    copy = Segment(segment.level, {**segment.values, **changes}, segment.length)
    last = max(i for i, s in enumerate(incident.segments) if s.level == segment.level)
    incident.segments.insert(last + 1, copy)
    return copy


def _second_offender(incident: Incident) -> Segment:
    return _copy_after(incident, _offender(incident), de36="02")


def _second_victim(incident: Incident, **changes) -> Segment:
    return _copy_after(incident, _victim(incident), de23="002", **changes)


def _clear_exceptionally(incident: Incident) -> None:
    admin = incident.segments[0].values
    admin.update({"de4": "A", "de5": admin["de3_date"]})


# ---------------------------------------------------------------------------------------
# One field changed on one segment: (code, offense, level, column, value, data element)

FIELD_ERRORS = (
    ("401", "13B", 4, "de33_1", "", "33"),
    ("401", "13A", 4, "de31_1", "", "31"),
    ("402", "13A", 4, "de31_1", "0A", "31"),
    ("402", "13B", 4, "de23", "01", "23"),
    ("404", "13B", 4, "de27", "X", "27"),
    ("404", "13B", 4, "de26", "AB", "26"),
    ("404", "13B", 4, "de23", "000", "23"),
    ("408", "13B", 4, "de26", " 25", "26"),
    ("409", "13B", 4, "de26", "253", "26"),
    ("410", "13B", 4, "de26", "3025", "26"),
    ("419", "13B", 4, "de31_1", "01", "31"),
    ("419", "13C", 4, "de33_1", "N", "33"),
    ("422", "13B", 4, "de26", "0025", "26"),
    ("453", "13B", 4, "de27", "", "27"),
    ("455", "09C", 4, "de32", "", "32"),
    ("457", "09A", 4, "de32", "A", "32"),
    ("458", "35A", 4, "de26", "25", "26"),
    ("460", "13B", 4, "de35_1", "", "35"),
    ("462", "13A", 4, "de31_1", "07", "31"),
    ("463", "09C", 4, "de31_1", "01", "31"),
    ("464", "13B", 4, "de25", "B", "25"),
    ("465", "35A", 4, "de25", "I", "25"),
    ("466", "13B", 4, "de24_2", "290", "24"),
    ("467", "23H", 4, "de25", "S", "25"),
    ("469", "11A", 4, "de27", "U", "27"),
    ("477", "09A", 4, "de31_1", "30", "31"),
    ("479", "13B", 4, "de33_1", "B", "33"),
    ("480", "13A", 4, "de31_1", "08", "31"),
    ("481", "36B", 4, "de26", "19", "26"),
    ("483", "13B", 4, "de25a", "01", "25A"),
    ("501", "13B", 5, "de38", "", "38"),
    ("502", "13B", 5, "de36", "0A", "36"),
    ("504", "13B", 5, "de39", "X", "39"),
    ("508", "13B", 5, "de37", " 25", "37"),
    ("509", "13B", 5, "de37", "253", "37"),
    ("510", "13B", 5, "de37", "3025", "37"),
    ("522", "13B", 5, "de37", "0025", "37"),
    ("556", "13B", 5, "de37", "AB", "37"),
    ("560", "11A", 5, "de38", "F", "38"),
    ("601", "13B", 6, "de43", "", "43"),
    ("602", "13B", 6, "de40", "00", "40"),
    ("604", "13B", 6, "de43", "X", "43"),
    ("605", "13B", 6, "de42", "20260815", "42"),
    ("605", "13B", 6, "de42", "20260231", "42"),
    ("608", "13B", 6, "de47", " 25", "47"),
    ("609", "13B", 6, "de47", "253", "47"),
    ("610", "13B", 6, "de47", "3025", "47"),
    ("615", "13B", 6, "de41", "A 26-1", "41"),
    ("616", "13B", 6, "de41", " A26-1", "41"),
    ("617", "13B", 6, "de41", "A26*1", "41"),
    ("622", "13B", 6, "de47", "0025", "47"),
    ("653", "13B", 6, "de52", "H", "52"),
    ("664", "13B", 6, "de47", "AB", "47"),
    ("667", "13B", 6, "de48", "U", "48"),
    ("670", "13B", 6, "de45", "09C", "45"),
)


def _field_error(code: str, offense: str, level: int, column: str, value: str, element: str) -> None:
    def inject(incident, rng):
        segment = _arrestee(incident) if level == 6 else incident.of_level(level)[0]
        segment.values[column] = value
        return Expected(code, incident.index_of(segment), element)

    inject.__name__ = f"inject_{code}_{column}"
    injection(code, offense=offense)(inject)


for _row in FIELD_ERRORS:
    _field_error(*_row)


# Incident numbers with blanks or bad characters, on every segment of the incident.
for _code_base, _value in (("15", "26 77"), ("16", " 26-77"), ("17", "26*77")):

    def _identifier(incident, rng, value=_value, base=_code_base):
        incident.set_all("incident", value)
        arrestee = _arrestee(incident)
        return [Expected("4" + base, incident.index_of(_victim(incident)), "2"),
                Expected("5" + base, incident.index_of(_offender(incident)), "2"),
                Expected("6" + base, incident.index_of(arrestee), "2")]

    for _level in "456":
        injection(_level + _code_base, offense="13B")(_identifier)


# ---------------------------------------------------------------------------------------
# Victim edits that need more than one field or segment


@injection("070", offense="13B")
def offender_number_without_segment(incident, rng):
    _victim(incident).values["de34_1"] = "02"
    return Expected("070", None, "34")


@injection("450", offense="13B")
def spouse_victim_too_young(incident, rng):
    victim = _victim(incident)
    victim.values.update({"de26": "12", "de35_1": "SE"})
    return Expected("450", incident.index_of(victim), "26")


@injection("550", offense="13B")
def spouse_offender_too_young(incident, rng):
    _without_arrestees(incident)
    _victim(incident).values["de35_1"] = "SE"
    offender = _offender(incident)
    offender.values["de37"] = "12"
    return Expected("550", incident.index_of(offender), "37")


@injection("470", offense="13B")
def victim_was_offender_alone(incident, rng):
    _victim(incident).values["de35_1"] = "VO"
    return Expected("470", None, "35")


@injection("406", offense="13B")
def injury_twice(incident, rng):
    victim = _victim(incident)
    victim.values.update({"de33_1": "M", "de33_2": "M"})
    return Expected("406", incident.index_of(victim), "33")


@injection("407", offense="13B")
def injury_none_with_other(incident, rng):
    victim = _victim(incident)
    victim.values.update({"de33_1": "M", "de33_2": "N"})
    return Expected("407", incident.index_of(victim), "33")


@injection("451", offense="13B")
def victim_number_twice(incident, rng):
    second = _copy_after(incident, _victim(incident))
    return Expected("451", incident.index_of(second), "23")


def _officer(victim: Segment) -> None:
    victim.values.update({"de25": "L", "de25a": "01", "de25b": "F", "de29": "N", "de30": "R"})


@injection("452", offense="13A")
def officer_too_young(incident, rng):
    victim = _victim(incident)
    _officer(victim)
    victim.values["de26"] = "16"
    return Expected("452", incident.index_of(victim), "26")


@injection("454", offense="13A")
def officer_without_activity(incident, rng):
    victim = _victim(incident)
    _officer(victim)
    victim.values["de25a"] = ""
    return Expected("454", incident.index_of(victim), "25A")


@injection("482", offense="120")
def officer_robbery_victim(incident, rng):
    victim = _victim(incident)
    _officer(victim)
    return Expected("482", incident.index_of(victim), "25")


@injection("490", offense="13A")
def officer_victim_without_hour(incident, rng):
    victim = _victim(incident)
    _officer(victim)
    incident.segments[0].values["de3_hour"] = ""
    return Expected("490", incident.index_of(victim), "25")


@injection("456", offense="13A")
def unknown_with_other_circumstance(incident, rng):
    victim = _victim(incident)
    victim.values.update({"de31_1": "01", "de31_2": "10"})
    return Expected("456", incident.index_of(victim), "31")


@injection("459", offense="220")
def offender_number_on_burglary(incident, rng):
    victim = _victim(incident)
    victim.values.update({"de34_1": "01", "de35_1": "AQ"})
    return Expected("459", incident.index_of(victim), "34")


@injection("468", offense="13B")
def relationship_to_unknown_offender(incident, rng):
    _without_arrestees(incident)
    _offender(incident).values.update({"de36": "00", "de37": "", "de38": "", "de39": "", "de39a": ""})
    victim = _victim(incident)
    victim.values["de34_1"] = "00"
    return Expected("468", incident.index_of(victim), "35")


@injection("471", offense="13B")
def victim_was_two_offenders(incident, rng):
    _second_offender(incident)
    _second_victim(incident, de35_1="VO")
    victim = _victim(incident)
    victim.values.update({"de35_1": "VO", "de34_2": "02", "de35_2": "VO"})
    return Expected("471", incident.index_of(victim), "35")


@injection("472", offense="13B")
def relationship_to_undescribed_offender(incident, rng):
    _without_arrestees(incident)
    _offender(incident).values.update({"de37": "00", "de38": "U", "de39": "U"})
    victim = _victim(incident)
    return Expected("472", incident.index_of(victim), "35")


@injection("474", offense="13B")
def two_victims_were_same_offender(incident, rng):
    _second_offender(incident)
    _victim(incident).values["de35_1"] = "VO"
    second = _second_victim(incident)
    return Expected("474", incident.index_of(second), "35")


@injection("475", offense="13B")
def two_spouses(incident, rng):
    _second_offender(incident)
    victim = _victim(incident)
    victim.values.update({"de35_1": "SE", "de34_2": "02", "de35_2": "SE"})
    return Expected("475", incident.index_of(victim), "35")


@injection("476", offense="13B")
def offender_spouse_of_two_victims(incident, rng):
    _victim(incident).values["de35_1"] = "SE"
    second = _second_victim(incident)
    return Expected("476", incident.index_of(second), "35")


@injection("478", offense="13A")
def aggravated_and_simple_assault(incident, rng):
    offense = incident.of_level(2)[0]
    _copy_after(incident, offense, de6="13B", de13_1="40")
    victim = _victim(incident)
    victim.values["de24_2"] = "13B"
    return Expected("478", incident.index_of(victim), "24")


# ---------------------------------------------------------------------------------------
# Offender edits


@injection("551", offense="13B")
def offender_number_twice(incident, rng):
    second = _copy_after(incident, _offender(incident))
    return Expected("551", incident.index_of(second), "36")


@injection("552", offense="13B")
def unknown_offender_with_age(incident, rng):
    offender = _offender(incident)
    offender.values["de36"] = "00"
    return Expected("552", incident.index_of(offender), "37")


@injection("554", offense="13B")
def child_older_than_parent(incident, rng):
    victim = _victim(incident)
    victim.values.update({"de26": "45", "de35_1": "CH"})
    offender = _offender(incident)
    offender.values["de37"] = "30"
    return Expected("554", incident.index_of(offender), "37")


@injection("555", offense="13B")
def unknown_offender_with_others(incident, rng):
    unknown = _copy_after(incident, _offender(incident), de36="00", de37="", de38="", de39="", de39a="")
    return Expected("555", incident.index_of(unknown), "36")


@injection("557", offense="13B")
def cleared_with_unknown_offender(incident, rng):
    _without_arrestees(incident)
    _clear_exceptionally(incident)
    offender = _offender(incident)
    offender.values.update({"de36": "00", "de37": "", "de38": "", "de39": "", "de39a": ""})
    _victim(incident).values.update({"de34_1": "00", "de35_1": ""})
    return Expected("557", incident.index_of(offender), "36")


@injection("558", offense="13B")
def cleared_without_described_offender(incident, rng):
    _without_arrestees(incident)
    _clear_exceptionally(incident)
    offender = _offender(incident)
    offender.values["de37"] = "00"
    return Expected("558", incident.index_of(offender), "37")


@injection("559", offense="09C")
def justifiable_homicide_unknown_killer(incident, rng):
    offender = _offender(incident)
    offender.values["de38"] = "U"
    return Expected("559", incident.index_of(offender), "36")


# ---------------------------------------------------------------------------------------
# Arrestee edits


@injection("606", offense="13B")
def weapon_twice(incident, rng):
    arrestee = _arrestee(incident)
    arrestee.values.update({"de46_1": "11", "de46_2": "11"})
    return Expected("606", incident.index_of(arrestee), "46")


@injection("607", offense="13B")
def unarmed_and_armed(incident, rng):
    arrestee = _arrestee(incident)
    arrestee.values.update({"de46_1": "01", "de46_2": "11"})
    return Expected("607", incident.index_of(arrestee), "46")


@injection("652", offense="13B")
def juvenile_without_disposition(incident, rng):
    arrestee = _arrestee(incident)
    arrestee.values.update({"de47": "16", "de52": ""})
    return Expected("652", incident.index_of(arrestee), "52")


@injection("654", offense="13B")
def bad_automatic_indicator(incident, rng):
    arrestee = _arrestee(incident)
    arrestee.values.update({"de46_1": "12", "de46auto_1": "X"})
    return Expected("654", incident.index_of(arrestee), "46")


@injection("655", offense="13B")
def automatic_knife(incident, rng):
    arrestee = _arrestee(incident)
    arrestee.values.update({"de46_1": "16", "de46auto_1": "A"})
    return Expected("655", incident.index_of(arrestee), "46")


@injection("656", offense="13B")
def two_arrestees_one_offender(incident, rng):
    arrestee = _arrestee(incident)
    _copy_after(incident, arrestee, de40="02", de41="B" + arrestee.values["incident"])
    return Expected("656", None, "40")


@injection("661", offense="13B")
def arrestee_number_twice(incident, rng):
    _second_offender(incident)
    arrestee = _arrestee(incident)
    second = _copy_after(incident, arrestee, de41="B" + arrestee.values["incident"])
    return Expected("661", incident.index_of(second), "40")


@injection("665", offense="13B")
def arrest_before_incident(incident, rng):
    arrestee = _arrestee(incident)
    day = dt.datetime.strptime(incident.segments[0].values["de3_date"], "%Y%m%d").date() - dt.timedelta(days=1)
    arrestee.values["de42"] = day.strftime("%Y%m%d")
    return Expected("665", incident.index_of(arrestee), "42")


@injection("669", offense="09C")
def arrest_for_justifiable_homicide(incident, rng):
    arrestee = _arrestee(incident)
    arrestee.values["de45"] = "09A"
    return Expected("669", incident.index_of(arrestee), "6")


@injection("071", offense="13B")
def arrest_before_clearance(incident, rng):
    _clear_exceptionally(incident)
    arrestee = _arrestee(incident)
    arrestee.values["de42"] = incident.segments[0].values["de3_date"]
    return Expected("071", incident.index_of(arrestee), "42")

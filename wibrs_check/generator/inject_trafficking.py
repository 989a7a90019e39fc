"""Planted trafficking cases (HT01-HT03) and look-alikes that must not raise a flag.

Injections (registered with :func:`~wibrs_check.generator.inject.injection`) turn a clean
generated incident into a case that must be flagged. Look-alikes (registered here with
:func:`lookalike`) are incidents that resemble one but must raise no HT flag: a juvenile
buyer (in a 40C incident, or arrested for 40C in a 40A incident), an adult provider, an age
range across 18, an unknown age, a clean 64A incident, an adult victim of a sex offense in a
40B incident. :func:`plant_lookalikes` adds one of each to a generated
month and says where they are.

The planted juvenile cases are otherwise clean (every FBI edit passes), except HT03's, which
carry the error that makes the trafficking incident rejected.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from . import incidents as gen
from .incidents import Incident, Segment
from .inject import Expected, GeneratedMonth, injection

# ---------------------------------------------------------------------------------------
# Helpers

HEADER = ("ori", "sub_month", "sub_year", "action", "incident")


def _header(incident: Incident) -> dict:
    admin = incident.segments[0].values
    return {k: admin[k] for k in HEADER}


def _insert(incident: Incident, segment: Segment) -> Segment:
    """Put ``segment`` after the last segment of its level (or of the levels before it)."""
    last = max(i for i, s in enumerate(incident.segments) if s.level <= segment.level)
    incident.segments.insert(last + 1, segment)
    return segment


def _offender(incident: Incident, age: str, n: int = 0) -> Segment:
    segment = incident.of_level(5)[n]
    segment.values["de37"] = age
    return segment


def _arrestee(incident: Incident, age: str, charge: str | None = None, seq: str = "01") -> Segment:
    """The incident's first arrestee (added when it has none), aged ``age``."""
    found = incident.of_level(6)
    if found:
        segment = found[0]
    else:
        admin = incident.segments[0].values
        segment = _insert(incident, Segment(6, {
            **_header(incident), "de40": seq, "de41": "A" + admin["incident"], "de42": admin["de3_date"],
            "de43": "T", "de44": "N", "de45": incident.offense, "de46_1": "01", "de47": age, "de48": "F",
            "de49": "W", "de50": "N", "de51": "R"}))
    segment.values["de47"] = age
    if charge:
        segment.values["de45"] = charge
    # Disposition of an arrestee under 18 (data element 52), by the FBI's average-age rule.
    years = (int(age[:2]) + int(age[2:])) // 2 if len(age) == 4 else int(age)
    segment.values["de52"] = "H" if years < 18 else ""
    return segment


def _add_offender(incident: Incident, age: str, seq: str = "02") -> Segment:
    first = incident.of_level(5)[0]
    return _insert(incident, Segment(5, {**first.values, "de36": seq, "de37": age, "de38": "F"}))


def _add_offense(incident: Incident, offense: str) -> Segment:
    """A second offense segment of ``offense``, as the generator writes it (location kept)."""
    admin = incident.segments[0].values
    other = gen.group_a_incident(offense, random.Random(0), admin["ori"], int(admin["sub_year"]),
                                 int(admin["sub_month"]), 1, arrest=False)
    segment = Segment(2, {**other.of_level(2)[0].values, **_header(incident)})
    return _insert(incident, segment)


def _add_sex_offense_victim(incident: Incident, offense: str, age: str) -> Segment:
    """Add a sex offense (11A-11D, 36A, 36B) with its person victim of age ``age``, related
    to offender 01 as an acquaintance."""
    admin = incident.segments[0].values
    other = gen.group_a_incident(offense, random.Random(0), admin["ori"], int(admin["sub_year"]),
                                 int(admin["sub_month"]), 1, arrest=False)
    _insert(incident, Segment(2, {**other.of_level(2)[0].values, **_header(incident)}))
    victim = other.of_level(4)[0].values
    seq = f"{len(incident.of_level(4)) + 1:03d}"
    values = {**victim, **_header(incident), "de23": seq, "de26": age, "de27": "F", "de34_1": "01", "de35_1": "AQ"}
    return _insert(incident, Segment(4, values))


# ---------------------------------------------------------------------------------------
# Injections: cases that must be flagged


@injection("HT01", offense="40A")
def juvenile_offender_in_prostitution(incident, rng):
    offender = _offender(incident, str(rng.randint(14, 17)))
    if incident.of_level(6):
        _arrestee(incident, offender.values["de37"])
    return Expected("HT01", incident.index_of(offender), "37")


@injection("HT01", offense="40A")
def juvenile_arrestee_age_range_in_prostitution(incident, rng):
    _offender(incident, "00")
    arrestee = _arrestee(incident, "1517", charge="40A")
    return Expected("HT01", incident.index_of(arrestee), "47")


@injection("HT02", offense="40C")
def juvenile_statutory_rape_victim_with_buyer(incident, rng):
    victim = _add_sex_offense_victim(incident, "36B", "15")
    return Expected("HT02", incident.index_of(victim), "26")


@injection("HT02", offense="40B")
def juvenile_sexual_assault_victim_with_promoter(incident, rng):
    victim = _add_sex_offense_victim(incident, "11D", "1416")
    return Expected("HT02", incident.index_of(victim), "26")


@injection("HT02", offense="40C")
def juvenile_arrested_for_prostitution_in_buyer_incident(incident, rng):
    _add_offender(incident, "16")
    arrestee = _arrestee(incident, "16", charge="40A")
    return Expected("HT02", incident.index_of(arrestee), "47")


@injection("HT03", offense="64A")
def trafficking_incident_with_bad_injury_code(incident, rng):
    victim = incident.of_level(4)[0]
    victim.values["de33_1"] = "Q"  # not a type-injury code: error 404
    offense = incident.of_level(2)[0]
    return [Expected("HT03", incident.index_of(offense), "6"), Expected("404", incident.index_of(victim), "33")]


@injection("HT03", offense="64B")
def servitude_incident_with_unknown_location(incident, rng):
    offense = incident.of_level(2)[0]
    offense.values["de9"] = "97"  # not a location code: error 204
    return [Expected("HT03", incident.index_of(offense), "6"), Expected("204", incident.index_of(offense), "9")]


# ---------------------------------------------------------------------------------------
# Look-alikes: incidents that must raise no HT flag


@dataclass(frozen=True)
class LookAlike:
    name: str
    offense: str
    func: Callable[[Incident, random.Random], None]


LOOKALIKES: list[LookAlike] = []


def lookalike(name: str, *, offense: str):
    def register(func):
        LOOKALIKES.append(LookAlike(name, offense, func))
        return func

    return register


@lookalike("juvenile 40C buyer", offense="40C")
def juvenile_buyer(incident, rng):
    _offender(incident, "16")
    _arrestee(incident, "16", charge="40C")


@lookalike("juvenile 40C buyer of an adult 40A provider", offense="40A")
def juvenile_buyer_of_adult(incident, rng):
    for victim in incident.of_level(4):
        victim.values["de24_2"] = "40C"
    _add_offense(incident, "40C")
    _offender(incident, "24")
    _add_offender(incident, "17")
    _arrestee(incident, "17", charge="40C")


@lookalike("juvenile arrested for 40C in a 40A-only incident", offense="40A")
def juvenile_buyer_in_prostitution_incident(incident, rng):
    _offender(incident, "16")
    _arrestee(incident, "16", charge="40C")


@lookalike("adult 40A provider (18)", offense="40A")
def adult_provider(incident, rng):
    _offender(incident, "18")
    _arrestee(incident, "18", charge="40A")


@lookalike("40A offender age range across 18", offense="40A")
def provider_age_range_across_18(incident, rng):
    _offender(incident, "1619")


@lookalike("40A offender of unknown age", offense="40A")
def provider_age_unknown(incident, rng):
    _offender(incident, "00")


@lookalike("64A incident without errors", offense="64A")
def clean_trafficking(incident, rng):
    pass


@lookalike("40B with an adult victim of 11D", offense="40B")
def adult_sex_offense_victim(incident, rng):
    _add_sex_offense_victim(incident, "11D", "25")


def plant_lookalikes(month: GeneratedMonth, seed: int = 2026) -> pd.DataFrame:
    """Append one incident of every look-alike to the month's files (round robin).

    Returns where they are: file, incident, name.
    """
    rng = random.Random(seed)
    names = sorted(month.files)
    rows = []
    for n, item in enumerate(LOOKALIKES):
        name = names[n % len(names)]
        ori, period = name.split("_")[0], name.split("_")[1].split(".")[0]
        year, mon = (int(x) for x in period.split("-"))
        incident = gen.group_a_incident(item.offense, rng, ori, year, mon, 950000 + n)
        item.func(incident, rng)
        month.files[name] = month.files[name] + [s.record() for s in incident.segments]
        rows.append({"file": name, "incident": incident.segments[0].values["incident"], "name": item.name})
    return pd.DataFrame(rows, columns=["file", "incident", "name"])

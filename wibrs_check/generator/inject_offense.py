"""Injections for the offense segment errors 201-270 (spec 5.2.3).

Each takes a clean generated incident of a suitable offense, changes just enough to raise one
error, and returns where the error must be reported. 284 (conflicting segment length) needs
earlier submissions and has no injection.
"""

from __future__ import annotations

from .incidents import Incident, Segment
from .inject import Expected, injection

HEADER = ("ori", "sub_month", "sub_year", "action", "incident")


def first(incident: Incident, level: int) -> Segment:
    return incident.of_level(level)[0]


def at(incident: Incident, segment: Segment, code: str, element: str) -> Expected:
    return Expected(code, incident.index_of(segment), element)


def add_offense(incident: Incident, code: str, **values) -> Segment:
    """A further offense segment after the last one, linked to the first victim."""
    last = incident.of_level(2)[-1]
    header = {k: last.values[k] for k in HEADER if k in last.values}
    new = Segment(2, {**header, "de6": code, "de7": "C", "de8_1": "N", "de9": last.values["de9"], "de8a_1": "88", **values})
    incident.segments.insert(incident.index_of(last) + 1, new)
    victim = first(incident, 4)
    free = [k for k in range(1, 11) if not victim.values.get(f"de24_{k}")]
    if free:
        victim.values[f"de24_{free[0]}"] = code
    return new


# Single offense-segment fields: (code, offense, changes, data element).
FIELD_ERRORS = (
    ("201", "13B", {"de9": ""}, "9"),
    ("202", "220", {"de9": "14", "de10": "0A"}, "10"),
    ("204", "13B", {"de9": "99"}, "9"),
    ("205", "13B", {"de9": "58"}, "9"),
    ("206", "13B", {"de8_1": "A", "de8_2": "A"}, "8"),
    ("207", "13B", {"de8_1": "A", "de8_2": "N"}, "8"),
    ("219", "13B", {"de12_1": "P"}, "12"),
    ("220", "35A", {"de12_1": ""}, "12"),
    ("221", "120", {"de13_1": ""}, "13"),
    ("222", "23H", {"de13_1": "40"}, "13"),
    ("251", "13B", {"de7": "X"}, "7"),
    ("252", "220", {"de10": "02"}, "10"),
    ("253", "220", {"de11": ""}, "11"),
    ("254", "13B", {"de11": "F"}, "11"),
    ("255", "13A", {"de13auto_1": "X"}, "13"),
    ("256", "13B", {"de7": "A"}, "7"),
    ("257", "220", {"de9": "19"}, "10"),
    ("258", "13A", {"de13_1": "20", "de13auto_1": "A"}, "13"),
    ("264", "13B", {"de6": "90Z"}, "6"),
    ("265", "13B", {"de13_1": "30"}, "13"),
    ("267", "09A", {"de13_1": "99"}, "13"),
    ("269", "13B", {"de13_1": "12"}, "13"),
    ("270", "09C", {"de8a_1": "11"}, "8A"),
)


def _field_error(code: str, offense: str, changes: dict, element: str) -> None:
    def inject(incident, rng):
        segment = first(incident, 2)
        segment.values.update(changes)
        return at(incident, segment, code, element)

    inject.__name__ = f"inject_{code}"
    injection(code, offense=offense)(inject)


for _row in FIELD_ERRORS:
    _field_error(*_row)


def _incident_number(code: str, value: str) -> None:
    def inject(incident, rng):
        incident.set_all("incident", value)
        return at(incident, first(incident, 2), code, "2")

    inject.__name__ = f"inject_{code}"
    injection(code, offense="13B")(inject)


for _code, _value in (("215", "26 0215"), ("216", " 26-0216"), ("217", "26*0217")):
    _incident_number(_code, _value)


@injection("262", offense="13B")
def repeated_offense(incident, rng):
    original = first(incident, 2)
    copy = Segment(2, dict(original.values))
    incident.segments.insert(incident.index_of(original) + 1, copy)
    return at(incident, copy, "262", "6")


@injection("263", offense="13B")
def eleven_offenses(incident, rng):
    added = [add_offense(incident, code, de13_1="40") for code in ("13A", "11A", "11B", "11C", "11D", "100", "120", "09A", "09B")]
    added.append(add_offense(incident, "13C"))
    return at(incident, added[-1], "263", "6")


@injection("266", offense="09C")
def offense_beside_justifiable_homicide(incident, rng):
    return at(incident, add_offense(incident, "13B", de13_1="40"), "266", "6")


@injection("268", offense="23H")
def larceny_of_a_car(incident, rng):
    first(incident, 3).values["de15_1"] = "03"
    return at(incident, first(incident, 2), "268", "6")

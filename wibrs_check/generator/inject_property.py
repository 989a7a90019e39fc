"""Injections for the property segment errors 301-392 (spec 5.2.4) and the structure errors
that tie offenses to property (072-074, 076-078, 080, 081).

Each takes a clean generated incident of a suitable offense (the generator's profiles give a
23H a stolen bicycle, a 240 a stolen and a recovered automobile, a 35A seized marijuana, a
200 a burned building ...), changes just enough to raise one error, and returns where the
error must be reported.
"""

from __future__ import annotations

import datetime as dt

from .incidents import Segment
from .inject import Expected, injection
from .inject_offense import at, first


def _property(incident, loss: str) -> Segment:
    return next(s for s in incident.of_level(3) if s.values["de14"] == loss)


def _day(incident, days: int) -> str:
    """The incident date moved by ``days``, as YYYYMMDD."""
    start = dt.datetime.strptime(first(incident, 1).values["de3_date"], "%Y%m%d").date()
    return (start + dt.timedelta(days=days)).strftime("%Y%m%d")


def _new_property(incident, **values) -> Segment:
    """A property segment added after the last offense or property segment."""
    anchor = (incident.of_level(3) or incident.of_level(2))[-1]
    header = {k: anchor.values[k] for k in ("ori", "sub_month", "sub_year", "action", "incident")}
    segment = Segment(3, {**header, **values})
    incident.segments.insert(incident.index_of(anchor) + 1, segment)
    return segment


# Fields of one property segment: (code, offense, loss type of the segment, changes, data element).
FIELD_ERRORS = (
    ("301", "23H", "7", {"de14": ""}, "14"),
    ("302", "23H", "7", {"de16_1": "350"}, "16"),
    ("304", "23H", "7", {"de15_1": "99"}, "15"),
    ("306", "23H", "7", {"de15_2": "04", "de16_2": "000000020"}, "15"),
    ("351", "23H", "7", {"de16_1": "000000000"}, "16"),
    ("352", "100", "1", {"de15_1": "20"}, "15"),
    ("353", "23H", "7", {"de15_1": "88", "de16_1": "000000500"}, "16"),
    ("354", "23H", "7", {"de16_2": "000000010"}, "16"),
    ("357", "23H", "7", {"de18": "01"}, "18"),
    ("358", "240", "7", {"de18": ""}, "18"),
    ("359", "240", "7", {"de15_1": "38"}, "15"),
    ("360", "240", "7", {"de19": "01"}, "19"),
    ("361", "240", "5", {"de19": ""}, "19"),
    ("362", "35A", "6", {"de20_2": "X"}, "20"),
    ("363", "35A", "6", {"de20_2": "A", "de21_2": "000000001000", "de22_2": "GM", "de20_3": "X", "de22_3": "GM"}, "22"),
    ("364", "35A", "6", {"de22_1": ""}, "22"),
    ("365", "220", "7", {"de20_1": "E"}, "20"),
    ("366", "35A", "6", {"de21_2": "000000001000"}, "21"),
    ("367", "35A", "6", {"de20_1": "B", "de22_1": "NP"}, "22"),
    ("368", "35A", "6", {"de22_2": "GM"}, "22"),
    ("372", "23H", "7", {"de15_1": "", "de16_1": ""}, "14"),
    ("375", "23H", "7", {"de15_1": ""}, "15"),
    ("382", "220", "7", {"de15_1": "10", "de16_1": ""}, "15"),
    ("383", "35A", "6", {"de16_1": "000000040"}, "16"),
    ("384", "35A", "6", {"de20_1": "U", "de21_1": "000000005000", "de22_1": "XX"}, "21"),
    ("387", "35A", "6", {"de15_2": "11", "de16_2": "000000015"}, "15"),
    ("388", "240", "7", {"de15_2": "37", "de16_2": "000020000"}, "18"),
    ("390", "23A", "7", {"de15_1": "39"}, "15"),
    ("391", "23H", "7", {"de15_1": "09", "de16_1": "000000100"}, "16"),
    ("073", "240", "5", {"de19": "02"}, "19"),
)


def _field_error(code: str, offense: str, loss: str, changes: dict, element: str) -> None:
    def inject(incident, rng):
        segment = _property(incident, loss)
        segment.values.update(changes)
        return at(incident, segment, code, element)

    inject.__name__ = f"inject_{code}"
    injection(code, offense=offense)(inject)


for _row in FIELD_ERRORS:
    _field_error(*_row)


def _incident_number(code: str, value: str) -> None:
    def inject(incident, rng):
        incident.set_all("incident", value)
        return at(incident, first(incident, 3), code, "2")

    inject.__name__ = f"inject_{code}"
    injection(code, offense="23H")(inject)


for _code, _value in (("315", "26 0315"), ("316", " 26-0316"), ("317", "26*0317")):
    _incident_number(_code, _value)


@injection("305", offense="240")
def recovered_before_incident(incident, rng):
    segment = _property(incident, "5")
    segment.values["de17_1"] = _day(incident, -1)
    return at(incident, segment, "305", "17")


@injection("355", offense="23H")
def recovery_date_on_stolen_property(incident, rng):
    segment = _property(incident, "7")
    segment.values["de17_1"] = _day(incident, 1)
    return at(incident, segment, "355", "17")


@injection("356", offense="240")
def recovery_date_without_item(incident, rng):
    segment = _property(incident, "5")
    segment.values["de17_2"] = _day(incident, 1)
    return at(incident, segment, "356", "17")


@injection("376", offense="23H")
def second_stolen_segment(incident, rng):
    original = _property(incident, "7")
    copy = Segment(3, {**original.values, "de15_1": "36", "de16_1": "000000080"})
    incident.segments.insert(incident.index_of(original) + 1, copy)
    return at(incident, copy, "376", "14")


@injection("389", offense="240")
def two_vehicles_recovered_one_counted(incident, rng):
    _property(incident, "7").values.update({"de15_2": "37", "de16_2": "000020000", "de18": "02"})
    recovered = _property(incident, "5")
    recovered.values.update({"de15_2": "37", "de16_2": "000015000", "de17_2": recovered.values["de17_1"]})
    return at(incident, recovered, "389", "19")


@injection("392", offense="35A")
def no_loss_without_drug_type(incident, rng):
    segment = _property(incident, "6")
    keep = {k: v for k, v in segment.values.items() if not k.startswith("de")}
    segment.values.clear()
    segment.values.update({**keep, "de14": "1"})
    return at(incident, segment, "392", "20")


# Structure errors tying offenses to property -------------------------------------------------


@injection("072", offense="23H")
def recovered_never_stolen(incident, rng):
    segment = _new_property(incident, de14="5", de15_1="17", de16_1="000000300", de17_1=_day(incident, 1))
    return at(incident, segment, "072", "15")


@injection("074", offense="23H")
def theft_without_property(incident, rng):
    incident.segments.remove(_property(incident, "7"))
    return Expected("074", None, "")


@injection("076", offense="13B")
def property_with_assault(incident, rng):
    segment = _new_property(incident, de14="7", de15_1="20", de16_1="000000040")
    return at(incident, segment, "076", "")


@injection("077", offense="23H")
def attempted_theft_with_stolen_property(incident, rng):
    first(incident, 2).values["de7"] = "A"
    return Expected("077", None, "14")


@injection("078", offense="200")
def arson_without_burned_property(incident, rng):
    _property(incident, "2").values["de14"] = "4"
    return Expected("078", None, "14")


@injection("080", offense="35A")
def second_society_victim(incident, rng):
    victim = first(incident, 4)
    copy = Segment(4, {**victim.values, "de23": "002"})
    incident.segments.insert(incident.index_of(victim) + 1, copy)
    return at(incident, copy, "080", "25")


@injection("081", offense="200")
def stolen_property_with_arson(incident, rng):
    _new_property(incident, de14="7", de15_1="16", de16_1="000005000")
    return Expected("081", None, "14")

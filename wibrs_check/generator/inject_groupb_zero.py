"""Injections for the Group B arrest (7xx), zero report (0xx) and ORI-shape (952) edits.

Edits that need the agency master file (059, 093, 096, 118, 173, 618, 718, 720, 930-934)
are not injected here: generated months are checked without one. Their tests build the
agency file themselves (tests/rules/test_reference.py).
"""

from __future__ import annotations

from .incidents import Segment
from .inject import Expected, injection

# Single-field Group B edits: (code, column, bad value, data element, extra values).
GROUP_B_FIELD_ERRORS = (
    ("701", "de43", "", "43", {}),
    ("702", "de40", "1", "40", {}),
    ("704", "de49", "X", "49", {}),
    ("705", "de42", "20260231", "42", {}),
    ("706", "de46_1", "12", "46", {"de46_2": "12"}),
    ("707", "de46_1", "01", "46", {"de46_2": "12"}),
    ("708", "de47", " 25", "47", {}),
    ("709", "de47", "25A", "47", {}),
    ("710", "de47", "3025", "47", {}),
    ("715", "incident", "B26 0001", "41", {}),
    ("716", "incident", " B260001", "41", {}),
    ("717", "incident", "B26*0001", "41", {}),
    ("722", "de47", "0025", "47", {}),
    ("752", "de47", "15", "52", {"de52": ""}),
    ("753", "de47", "30", "52", {"de52": "H"}),
    ("754", "de46_1", "11", "46", {"de46auto_1": "X"}),
    ("755", "de46_1", "16", "46", {"de46auto_1": "A"}),
    ("757", "de47", "NN", "47", {}),
    ("758", "de48", "U", "48", {}),
    ("760", "de45", "13A", "45", {}),
)


def _group_b_field(code: str, column: str, value: str, element: str, extra: dict) -> None:
    def inject(incident, rng):
        incident.segments[0].values.update({column: value, **extra})
        return Expected(code, 0, element)

    inject.__name__ = f"inject_{code}"
    injection(code, kind="B")(inject)


for _row in GROUP_B_FIELD_ERRORS:
    _group_b_field(*_row)


@injection("751", kind="B")
def second_arrestee_same_sequence(incident, rng):
    first = incident.segments[0]
    incident.segments.append(Segment(7, dict(first.values, de47="33"), first.length))
    return Expected("751", 1, "40")


@injection("797", kind="B")
def delete_without_arrest_date(incident, rng):
    incident.segments[0].values.update({"action": "D", "de42": ""})
    return Expected("797", 0, "42")


@injection("050", offense="13B")
def group_b_inside_incident(incident, rng):
    """A Group B arrest written between the victim and offender segments of an incident."""
    header = incident.segments[0].values
    offender = next(i for i, s in enumerate(incident.segments) if s.level == 5)
    arrest = Segment(7, {
        "ori": header["ori"], "sub_month": header["sub_month"], "sub_year": header["sub_year"], "action": "A",
        "incident": "B" + header["incident"], "de40": "01", "de42": header["de3_date"], "de43": "O",
        "de45": "90D", "de46_1": "01", "de47": "40", "de48": "M", "de49": "W", "de50": "N", "de51": "R"})
    incident.segments.insert(offender, arrest)
    return Expected("050", offender + 1, "level")


@injection("952", offense="13B")
def ori_with_bad_character(incident, rng):
    incident.set_all("ori", incident.segments[0].values["ori"][:8] + "*")
    return Expected("952", 0, "1")


# ---------------------------------------------------------------------------------------
# Zero reports. Clean agency months hold incidents and Group B arrests dated in the
# submission month, so every zero report here is for the month before (no 028/029),
# except the 028/029 injections themselves.


def _previous_month(values: dict) -> None:
    month, year = int(values["sub_month"]), int(values["sub_year"])
    month, year = (12, year - 1) if month == 1 else (month - 1, year)
    values.update({"zero_month": f"{month:02d}", "zero_year": f"{year}"})


ZERO_FIELD_ERRORS = (
    ("001", "zero_year", "", "zero_year"),
    ("090", "zero_month", "13", "zero_month"),
    ("091", "zero_year", "20X6", "zero_year"),
    ("092", "incident", "000000000001", "2"),
)


def _zero_field(code: str, column: str, value: str, element: str) -> None:
    def inject(incident, rng):
        values = incident.segments[0].values
        _previous_month(values)
        values[column] = value
        return Expected(code, 0, element)

    inject.__name__ = f"inject_{code}"
    injection(code, kind="Z")(inject)


for _row in ZERO_FIELD_ERRORS:
    _zero_field(*_row)


@injection("094", kind="Z")
def zero_month_after_submission(incident, rng):
    values = incident.segments[0].values
    year = int(values["sub_year"])
    values.update({"zero_month": values["sub_month"], "zero_year": f"{year + 1}"})
    return Expected("094", 0, "zero_month")


@injection("028", kind="Z")
@injection("029", kind="Z")
def zero_report_for_a_busy_month(incident, rng):
    """A zero report for the submission month of an agency whose file has incidents and
    Group B arrests dated in that month."""
    return [Expected("028", 0, "zero_month"), Expected("029", 0, "zero_month")]

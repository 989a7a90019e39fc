"""Injections for the structure (0xx) and administrative (1xx) edits the lead owns."""

from __future__ import annotations

from .incidents import Segment
from .inject import Expected, injection

# Single-field administrative edits: (code, column, bad value, data element).
ADMIN_FIELD_ERRORS = (
    ("101", "de4", "", "4"),
    ("104", "de4", "X", "4"),
    ("105", "de3_date", "20260231", "3"),
    ("151", "de3_report", "X", "3"),
    ("152", "de3_hour", "25", "3"),
    ("116", "incident", " 26-77", "2"),
    ("117", "incident", "26*77", "2"),
    ("115", "incident", "26 77", "2"),
    ("172", "de3_date", "19900105", "3"),
    ("170", "de3_date", "20260802", "3"),
)


def _admin_field(code: str, column: str, value: str, element: str) -> None:
    def inject(incident, rng):
        if column == "incident":
            incident.set_all("incident", value)
        else:
            incident.segments[0].values[column] = value
        return Expected(code, 0, element)

    inject.__name__ = f"inject_{code}"
    injection(code, offense="13B")(inject)


for _row in ADMIN_FIELD_ERRORS:
    _admin_field(*_row)


@injection("153", offense="13B")
def clearance_date_without_clearance(incident, rng):
    incident.segments[0].values["de5"] = incident.segments[0].values["de3_date"]
    return Expected("153", 0, "4")


@injection("156", offense="13B")
def cleared_without_date(incident, rng):
    incident.segments[0].values["de4"] = "B"
    return Expected("156", 0, "5")


@injection("155", offense="13B")
def cleared_before_incident(incident, rng):
    admin = incident.segments[0].values
    admin.update({"de4": "A", "de3_date": admin["de3_date"][:6] + "20", "de5": admin["de3_date"][:6] + "01"})
    return Expected("155", 0, "5")


@injection("119", offense="13B")
def cargo_theft_on_assault(incident, rng):
    incident.segments[0].values["de2a"] = "N"
    return Expected("119", 0, "2A")


@injection("122", offense="240")
def cargo_theft_missing(incident, rng):
    incident.segments[0].values["de2a"] = ""
    return Expected("122", 0, "2A")


@injection("050", offense="13B")
def victim_after_offender(incident, rng):
    segs = incident.segments
    v = next(i for i, s in enumerate(segs) if s.level == 4)
    segs[v], segs[v + 1] = segs[v + 1], segs[v]
    return Expected("050", v + 1, "level")


@injection("075", offense="13B")
def no_offender_segment(incident, rng):
    incident.segments = [s for s in incident.segments if s.level != 5]
    return Expected("075", None, "")


@injection("065", offense="13B")
def offense_without_victim(incident, rng):
    offense = dict(incident.segments[1].values, de6="13C", de13_1="")
    incident.segments.insert(2, Segment(2, offense))
    return Expected("065", 2, "6")


@injection("058", offense="13B")
def other_submission_month(incident, rng):
    last = incident.segments[-1]
    last.values["sub_month"] = "06"
    return Expected("058", len(incident.segments) - 1, "month")


@injection("056", offense="13B")
def same_incident_sent_twice(incident, rng):
    copies = [Segment(s.level, dict(s.values), s.length) for s in incident.segments]
    second = len(incident.segments)
    incident.segments.extend(copies)
    return Expected("056", second, "2")


@injection("088", offense="13B")
def group_b_reuses_arrest_number(incident, rng):
    values = incident.segments[0].values
    day = values["de3_date"]
    incident.segments.append(Segment(6, {
        "ori": values["ori"], "sub_month": values["sub_month"], "sub_year": values["sub_year"], "action": "I",
        "incident": values["incident"], "de40": "01", "de41": "A" + values["incident"], "de42": day, "de43": "T",
        "de44": "N", "de45": "13B", "de46_1": "01", "de47": "30", "de48": "M", "de49": "W", "de50": "N", "de51": "R"}))
    incident.segments.append(Segment(7, {
        "ori": values["ori"], "sub_month": values["sub_month"], "sub_year": values["sub_year"], "action": "A",
        "incident": values["incident"], "de40": "01", "de42": day, "de43": "O", "de45": "90D", "de46_1": "01",
        "de47": "40", "de48": "M", "de49": "W", "de50": "N", "de51": "R"}))
    return Expected("088", len(incident.segments) - 1, "41")


@injection("055", offense="13B")
def incident_without_administrative_segment(incident, rng):
    incident.segments = incident.segments[1:]
    return Expected("055", 0, "")


@injection("060", offense="13B")
def submission_month_in_future(incident, rng):
    incident.set_all("sub_year", "2099")
    return Expected("060", 0, "month")


@injection("175", offense="13B")
def submission_month_invalid(incident, rng):
    incident.set_all("sub_month", "13")
    return Expected("175", 0, "3")


@injection("197", offense="13B")
def delete_without_date(incident, rng):
    admin = incident.segments[0].values
    incident.segments.insert(0, Segment(1, {k: admin[k] for k in ("ori", "sub_month", "sub_year", "incident")} | {"action": "D"}))
    return Expected("197", 0, "3")


@injection("106", offense="13B")
def officer_victim_without_hour(incident, rng):
    incident.segments[0].values["de3_hour"] = ""
    victim = incident.of_level(4)[0]
    victim.values.update({"de25": "L", "de25a": "01", "de25b": "G"})
    return Expected("106", 0, "3")


# Invalid action type on each level: (code, incident kind, level).
ACTION_ERRORS = (("001", "Z", 0), ("204", "A", 2), ("304", "A", 3), ("404", "A", 4), ("504", "A", 5), ("704", "B", 7))


def _bad_action(code: str, kind: str, level: int) -> None:
    def inject(incident, rng):
        segment = incident.of_level(level)[0]
        segment.values["action"] = "X"
        return Expected(code, incident.index_of(segment), "action")

    inject.__name__ = f"inject_bad_action_{code}"
    injection(code, kind=kind, offense="240" if level == 3 else "13B")(inject)


for _row in ACTION_ERRORS:
    _bad_action(*_row)


@injection("604", offense="13B")
def arrestee_bad_action(incident, rng):
    group_b_reuses_arrest_number(incident, rng)
    incident.segments.pop()  # keep only the arrestee segment added there
    arrestee = incident.segments[-1]
    arrestee.values["incident"] = incident.segments[0].values["incident"]
    arrestee.values["action"] = "X"
    return Expected("604", len(incident.segments) - 1, "action")


@injection("084", offense="240")
def recovered_vehicle_worth_more_than_stolen(incident, rng):
    stolen, recovered = incident.of_level(3)
    recovered.values["de16_1"] = f"{int(stolen.values['de16_1']) + 500:09d}"
    return Expected("084", incident.index_of(recovered), "16")


@injection("085", offense="13B")
def victim_related_to_one_of_two_offenders(incident, rng):
    offender = incident.of_level(5)[0]
    second = Segment(5, dict(offender.values, de36="02"))
    incident.segments.insert(incident.index_of(offender) + 1, second)
    victim = incident.of_level(4)[0]
    return Expected("085", incident.index_of(victim), "34")

"""Generate valid, realistic Wisconsin submissions: Group A incidents of every offense, Group B
arrests and zero reports, as segments that format into fixed-width records.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .profiles import GROUP_B_OFFENSES, PROFILES
from .records import format_record

WI_ORIS = (
    "WI0130100", "WI0130200", "WI0400000", "WI0400100", "WI0050100", "WI0640000",
    "WI0720200", "WI0140200", "WI0280100", "WI0560000", "WI0680300", "WI0090100",
)
RACES, ETHNICITIES = ("W", "B", "A", "I", "P", "U"), ("H", "N", "U")


@dataclass
class Segment:
    level: int
    values: dict[str, str]
    length: int | None = None

    def record(self) -> str:
        return format_record(self.level, self.values, self.length)


@dataclass
class Incident:
    kind: str  # "A" Group A incident, "B" Group B arrest, "Z" zero report
    segments: list[Segment]
    offense: str = ""
    expected: list = field(default_factory=list)

    def of_level(self, level: int) -> list[Segment]:
        return [s for s in self.segments if s.level == level]

    def index_of(self, segment: Segment) -> int:
        return next(i for i, s in enumerate(self.segments) if s is segment)

    def set_all(self, column: str, value: str) -> None:
        for s in self.segments:
            s.values[column] = value


def _amount(dollars: int) -> str:
    return f"{dollars:09d}"


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def group_a_incident(offense: str, rng: random.Random, ori: str, year: int, month: int, number: int,
                     arrest: bool | None = None) -> Incident:
    """A clean Group A incident of ``offense`` (every field consistent with the FBI edits)."""
    p = PROFILES[offense]
    header = {"ori": ori, "sub_month": f"{month:02d}", "sub_year": f"{year}", "action": "I"}
    incident_no = f"{str(year)[2:]}-{number:06d}"
    day = dt.date(year, month, rng.randint(1, 20))
    hdr = {**header, "incident": incident_no}
    admin = {**hdr, "de3_date": _date(day), "de3_hour": f"{rng.randint(0, 23):02d}", "de4": "N"}
    if p.get("cargo"):
        admin["de2a"] = "N"
    off = {**hdr, "de6": offense, "de7": "C", "de8_1": "N", "de9": p["location"], "de8a_1": "88"}
    if offense == "220":
        off["de11"] = p.get("entry", "F")
    if "activity" in p:
        off["de12_1"] = p["activity"]
    if "weapon" in p:
        off["de13_1"] = p["weapon"]
    segments = [Segment(1, admin), Segment(2, off)]
    for loss, desc, value, recovered in p.get("property", []):
        prop = {**hdr, "de14": loss}
        if desc:
            prop["de15_1"] = desc
            if not (desc == "10" and loss == "6"):
                prop["de16_1"] = _amount(value)
            if recovered:
                prop["de17_1"] = _date(day + dt.timedelta(days=2))
        if desc in ("03", "05", "24", "28", "37"):
            prop["de18" if loss == "7" else "de19"] = "01"
        if "drug" in p and desc == "10":
            drug, qty, unit = p["drug"]
            whole, _, frac = qty.partition(".")
            prop.update({"de20_1": drug, "de21_1": f"{int(whole):09d}{(frac + '000')[:3]}", "de22_1": unit})
        segments.append(Segment(3, prop))
    victim = {**hdr, "de23": "001", "de24_1": offense, "de25": p["victim"]}
    offender_age = p.get("offender_age", str(rng.randint(19, 55)))
    if p["victim"] == "I":
        victim.update({
            "de26": p.get("victim_age", str(rng.randint(18, 70))), "de27": p.get("victim_sex", rng.choice("MF")),
            "de28": rng.choice(RACES[:5]), "de29": rng.choice(ETHNICITIES[:2]), "de30": "R",
        })
        if "circumstance" in p:
            victim["de31_1"] = p["circumstance"]
        if "justifiable" in p:
            victim["de32"] = p["justifiable"]
        if "injury" in p:
            victim["de33_1"] = p["injury"]
        if "relationship" in p:
            victim.update({"de34_1": "01", "de35_1": p["relationship"]})
    segments.append(Segment(4, victim))
    segments.append(Segment(5, {**hdr, "de36": "01", "de37": offender_age, "de38": "M", "de39": "W", "de39a": "N"}))
    if arrest is None:
        arrest = rng.random() < 0.3 and p.get("offender_arrest", True)
    if arrest:
        segments.append(Segment(6, {
            **hdr, "de40": "01", "de41": f"A{incident_no}", "de42": _date(day + dt.timedelta(days=1)),
            "de43": "T", "de44": "N", "de45": offense, "de46_1": "01", "de47": offender_age,
            "de48": "M", "de49": "W", "de50": "N", "de51": "R",
        }))
    return Incident("A", segments, offense)


def group_b_arrest(rng: random.Random, ori: str, year: int, month: int, number: int, offense: str | None = None) -> Incident:
    offense = offense or rng.choice(GROUP_B_OFFENSES)
    age = rng.randint(18, 60)
    values = {
        "ori": ori, "sub_month": f"{month:02d}", "sub_year": f"{year}", "action": "A",
        "incident": f"B{str(year)[2:]}-{number:06d}", "de40": "01",
        "de42": _date(dt.date(year, month, rng.randint(1, 20))), "de43": "O", "de45": offense,
        "de46_1": "01", "de47": str(age), "de48": rng.choice("MF"), "de49": rng.choice(RACES[:5]),
        "de50": "N", "de51": "R",
    }
    return Incident("B", [Segment(7, values)], offense)


def zero_report(ori: str, year: int, month: int) -> Incident:
    values = {"ori": ori, "sub_month": f"{month:02d}", "sub_year": f"{year}", "action": "A",
              "incident": "000000000000", "zero_month": f"{month:02d}", "zero_year": f"{year}"}
    return Incident("Z", [Segment(0, values)])


def agency_month(rng: random.Random, ori: str, year: int, month: int, incidents: int, group_b: int = 2,
                 offenses: tuple[str, ...] | None = None) -> list[Incident]:
    """One agency's month: ``incidents`` Group A incidents cycling through every offense, then Group B arrests."""
    offenses = offenses or tuple(PROFILES)
    start = rng.randint(0, len(offenses) - 1)
    out = [group_a_incident(offenses[(start + i) % len(offenses)], rng, ori, year, month, i + 1) for i in range(incidents)]
    out += [group_b_arrest(rng, ori, year, month, i + 1) for i in range(group_b)]
    return out


def to_lines(incidents: list[Incident]) -> list[str]:
    return [s.record() for inc in incidents for s in inc.segments]

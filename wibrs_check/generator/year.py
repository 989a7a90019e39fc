"""A generated Wisconsin year committed to a history store, with its expected year-report figures.

``build_year(directory, store)`` writes twelve monthly state files (one flat file for the
incident-based agencies, one SBR CSV for the summary agencies), checks each with every edit
and commits it to the store as the state would, dated the 10th of the next month; then a
follow-up file dated 20 February of the next year. It writes ``expected.json`` beside them:
the figures the year report must give, worked out here from what was planted (each report's
scripted fate), not from the store.

What is planted (agencies by role, in the order of ``oris``):

* ``trafficking``: 64A incidents in February, May and September (May's has two victims);
* ``fixed_in_year``: a 64A incident rejected in March (a bad location code) and sent again,
  corrected, with May's file; a 64B incident in July;
* ``fixed_after``: a 64A incident rejected in November, fixed by the follow-up file, which
  also brings two late 64A incidents of October and December (three victims);
* ``never_fixed``: a 64A incident rejected in August and never fixed;
* ``juvenile``: a prostitution incident (40A) with a 16-year-old offender (flag HT01);
* ``crossing``: an agency crossing the 4% line: one rejected report among 21 in June (4.8%),
  one among 30 in July (3.3%);
* ``failing``: one rejected report every month;
* ``gap``: sends nothing for August;
* ``legacy``: sends the older segment lengths all year (if there are 9 agencies or more);
* ``zero``: zero reports for January to March (if there are 10 or more);
* the others: clean months. No agency but the first four sends a trafficking incident.

Summary agencies: the first sends a Human Trafficking return every month, the second never.
Run as ``python -m wibrs_check.generator.year DIR --history URL [--agencies N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from . import incidents as gen
from . import sbr as sbr_gen

ROLES = ("trafficking", "fixed_in_year", "fixed_after", "never_fixed", "juvenile", "crossing", "failing", "gap",
         "legacy", "zero")
SBR_ORIS = ("WI0420300", "WI0270100")  # with and without a Human Trafficking return
LEGACY_LENGTHS = {1: 87, 2: 63, 4: 129, 5: 45}
LEGACY_OFFENSES = ("13A", "13B", "13C")  # offenses without a cargo-theft field (absent at length 87)
GROUP_B_PER_MONTH = 2
RATE = 0.04
BAD_LOCATION = "204"  # the error a location code XX raises


@dataclass
class Report:
    """One planted report and its scripted fate."""

    ori: str
    kind: str  # A, B, Z, S
    key: str
    month: str  # its own month
    offenses: str = ""
    victims_64a: int = 0
    victims_64b: int = 0
    flags: tuple[str, ...] = ()
    rejected_at: dt.date | None = None
    accepted_at: dt.date | None = None
    errors: str = ""

    def status(self, as_of: dt.date) -> str:
        if self.accepted_at is not None and self.accepted_at <= as_of:
            return "accepted"
        if self.rejected_at is not None and self.rejected_at <= as_of:
            return "rejected"
        return "none"


@dataclass
class Year:
    year: int
    oris: tuple[str, ...]
    roles: dict[str, str]
    reports: list[Report] = field(default_factory=list)
    sent: set = field(default_factory=set)  # (ori, YYYY-MM) months of submission sent
    legacy_months: dict[str, list[str]] = field(default_factory=dict)
    files: list[tuple[Path, dt.date]] = field(default_factory=list)  # in commit order


def commit_day(year: int, month: int) -> dt.date:
    """A month's file is committed on the 10th of the next month."""
    return dt.date(year + (month == 12), month % 12 + 1, 10)


def followup_day(year: int) -> dt.date:
    return dt.date(year + 1, 2, 20)


def _oris(count: int) -> tuple[str, ...]:
    if count <= len(gen.WI_ORIS):
        return gen.WI_ORIS[:count]
    return gen.WI_ORIS + tuple(f"WI{n:07d}" for n in range(9_000_000, 9_000_000 + count - len(gen.WI_ORIS)))


def _bad_location(incident: gen.Incident) -> gen.Incident:
    incident.of_level(2)[0].values["de9"] = "XX"  # not a location code: the incident is rejected (error)
    return incident


def _second_victim(incident: gen.Incident) -> gen.Incident:
    victim = incident.of_level(4)[0]
    extra = gen.Segment(4, {**victim.values, "de23": "002"})
    incident.segments.insert(incident.index_of(victim) + 1, extra)
    return incident


def _send_in(incident: gen.Incident, year: int, month: int) -> gen.Incident:
    """The incident as sent in a later month's file (a resubmission keeps its own date)."""
    incident.set_all("sub_month", f"{month:02d}")
    incident.set_all("sub_year", str(year))
    return incident


def _legacy(incident: gen.Incident) -> gen.Incident:
    for segment in incident.segments:
        segment.length = LEGACY_LENGTHS.get(segment.level, segment.length)
    return incident


class _Planner:
    def __init__(self, year: int, oris: tuple[str, ...], incidents: int, seed: int):
        self.rng = random.Random(seed)
        self.year = year
        self.per_month = incidents
        roles = dict(zip(ROLES, oris))
        self.plan = Year(year, oris, roles)
        self.by_ori = {o: r for r, o in roles.items()}
        self.known: dict[tuple[str, str, str], Report] = {}  # (ori, kind, key) -> its report

    def month_key(self, month: int) -> str:
        return f"{self.year}-{month:02d}"

    def add(self, incident: gen.Incident, ori: str, month: int, day: dt.date, *, rejected: bool = False,
            flags=(), errors: str = "") -> gen.Incident:
        """Record a Group A incident or Group B arrest of ``ori`` dated in ``month``."""
        if incident.kind == "A":
            admin = incident.of_level(1)[0].values
            key = admin["incident"]
            offenses = " ".join(sorted({s.values["de6"] for s in incident.of_level(2)}))
            victims = {code: sum(code in [v for c, v in s.values.items() if c.startswith("de24_")]
                                 for s in incident.of_level(4)) for code in ("64A", "64B")}
        else:
            values = incident.segments[0].values
            key, offenses, victims = f"{values['incident']}/{values['de40']}", values["de45"], {"64A": 0, "64B": 0}
        existing = self.known.get((ori, incident.kind, key))
        report = existing or Report(ori, incident.kind, key, self.month_key(month), offenses, victims["64A"],
                                    victims["64B"], tuple(flags))
        if existing is None:
            self.plan.reports.append(report)
            self.known[(ori, incident.kind, key)] = report
        if rejected:
            report.rejected_at = report.rejected_at or day
            report.errors = errors
        else:
            report.accepted_at = report.accepted_at or day
        return incident

    def month(self, month: int) -> list[gen.Incident]:
        """Every incident-based report sent with ``month``'s file."""
        out: list[gen.Incident] = []
        day = commit_day(self.year, month)
        for number, ori in enumerate(self.plan.oris):
            role = self.by_ori.get(ori, "")
            if role == "gap" and month == 8:
                continue
            self.plan.sent.add((ori, self.month_key(month)))
            if role == "zero" and month <= 3:
                out.append(gen.zero_report(ori, self.year, month))
                self.plan.reports.append(Report(ori, "Z", self.month_key(month), self.month_key(month),
                                                accepted_at=day))
                continue
            clean = self.per_month
            if role == "crossing" and month == 6:
                clean = 18
            elif role == "crossing" and month == 7:
                clean = 27
            offenses = LEGACY_OFFENSES if role == "legacy" else None
            base = month * 1000
            for i in range(clean):
                offense = (offenses or tuple(gen.PROFILES))[(number + i) % len(offenses or gen.PROFILES)]
                if offense in ("64A", "64B", "40A", "40B", "40C"):
                    offense = "13B"  # trafficking and prostitution only where planted
                incident = gen.group_a_incident(offense, self.rng, ori, self.year, month, base + i)
                out.append(self.add(_legacy(incident) if role == "legacy" else incident, ori, month, day))
            for i in range(GROUP_B_PER_MONTH):
                arrest = gen.group_b_arrest(self.rng, ori, self.year, month, base + i)
                out.append(self.add(arrest, ori, month, day))
            if role == "legacy":
                self.plan.legacy_months.setdefault(ori, []).append(self.month_key(month))
            bad = (role == "failing") or (role == "crossing" and month in (6, 7))
            if bad:
                incident = _bad_location(gen.group_a_incident("13B", self.rng, ori, self.year, month, base + 900))
                out.append(self.add(incident, ori, month, day, rejected=True, errors=BAD_LOCATION))
            out += self._planted(role, ori, month, day)
        return out

    def _trafficking(self, ori: str, month: int, number: int, offense: str = "64A", victims: int = 1) -> gen.Incident:
        incident = gen.group_a_incident(offense, self.rng, ori, self.year, month, number, arrest=False)
        return _second_victim(incident) if victims == 2 else incident

    def _planted(self, role: str, ori: str, month: int, day: dt.date) -> list[gen.Incident]:
        out = []
        base = month * 1000 + 500
        if role == "trafficking" and month in (2, 5, 9):
            out.append(self.add(self._trafficking(ori, month, base, victims=2 if month == 5 else 1), ori, month, day))
        if role == "fixed_in_year" and month == 3:
            out.append(self.add(_bad_location(self._trafficking(ori, 3, 3500)), ori, 3, day, rejected=True, errors=BAD_LOCATION))
        if role == "fixed_in_year" and month == 5:
            fixed = _send_in(self._trafficking(ori, 3, 3500), self.year, 5)
            out.append(self.add(fixed, ori, 3, day))
        if role == "fixed_in_year" and month == 7:
            out.append(self.add(self._trafficking(ori, 7, base, offense="64B"), ori, 7, day))
        if role == "fixed_after" and month == 11:
            out.append(self.add(_bad_location(self._trafficking(ori, 11, base)), ori, 11, day, rejected=True,
                                errors=BAD_LOCATION))
        if role == "never_fixed" and month == 8:
            out.append(self.add(_bad_location(self._trafficking(ori, 8, base)), ori, 8, day, rejected=True,
                                errors=BAD_LOCATION))
        if role == "juvenile" and month == 4:
            incident = gen.group_a_incident("40A", self.rng, ori, self.year, 4, base, arrest=False)
            for segment in incident.of_level(5):
                segment.values["de37"] = "16"
            out.append(self.add(incident, ori, 4, day, flags=("HT01",)))
        return out

    def followup(self) -> list[gen.Incident]:
        """The follow-up file: sent in February of the next year."""
        ori = self.plan.roles["fixed_after"]
        day = followup_day(self.year)
        sent_year, sent_month = self.year + 1, 2
        fixed = _send_in(self._trafficking(ori, 11, 11500), sent_year, sent_month)
        late = [_send_in(self._trafficking(ori, 10, 10700, victims=2), sent_year, sent_month),
                _send_in(self._trafficking(ori, 12, 12700), sent_year, sent_month)]
        return [self.add(fixed, ori, 11, day)] + [self.add(i, ori, int(i.of_level(1)[0].values["de3_date"][4:6]), day)
                                                  for i in late]

    def sbr(self, month: int) -> sbr_gen.Month:
        day = commit_day(self.year, month)
        rows = []
        for ori in SBR_ORIS:
            ret = sbr_gen.agency_return(self.rng, ori, self.year, month)
            with_ht = ori == SBR_ORIS[0]
            rows += [r for r in ret.rows() if with_ht or r.values.get("form") != "HT"]
            self.plan.reports.append(Report(ori, "S", self.month_key(month), self.month_key(month),
                                            offenses="A HT" if with_ht else "A", accepted_at=day))
            self.plan.sent.add((ori, self.month_key(month)))
        return sbr_gen.Month(sbr_gen.header(), rows)


def build_year(directory: str | Path, history=None, *, year: int = 2026, agencies: int = 10, incidents: int = 6,
               seed: int = 2026) -> Year:
    """Write the year's files into ``directory``, commit them to ``history`` (an open History,
    or None to only write them) and write ``expected.json``."""
    if agencies < 8:
        raise ValueError("a generated year needs at least 8 incident-based agencies (one per planted role)")
    directory = Path(directory)
    planner = _Planner(year, _oris(agencies), incidents, seed)
    for month in range(1, 13):
        folder = directory / f"{year}-{month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        flat = folder / f"state-{year}-{month:02d}.txt"
        flat.write_text("\n".join(gen.to_lines(planner.month(month))) + "\n", encoding="ascii")
        summary = folder / f"sbr-{year}-{month:02d}.csv"
        summary.write_text(planner.sbr(month).text(), encoding="ascii")
        planner.plan.files += [(flat, commit_day(year, month)), (summary, commit_day(year, month))]
    follow = directory / "followup" / f"followup-{year + 1}-02.txt"
    follow.parent.mkdir(parents=True, exist_ok=True)
    follow.write_text("\n".join(gen.to_lines(planner.followup())) + "\n", encoding="ascii")
    planner.plan.files.append((follow, followup_day(year)))
    if history is not None:
        commit_files(history, planner.plan.files)
    (directory / "expected.json").write_text(json.dumps(expected(planner.plan), indent=1), encoding="utf-8")
    return planner.plan


def commit_files(history, files: list[tuple[Path, dt.date]]) -> None:
    """Check each file with every edit and commit it, dated noon UTC of its day."""
    from .. import engine
    from ..context import Context
    from ..history import RunInfo, commit_result
    from ..readers.detect import read_any

    for path, day in files:
        at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone.utc)
        result = engine.run(read_any(path), Context(history=history, today=day))
        commit_result(history, result, RunInfo(started_at=at, committed_at=at))


# -- the expected figures, from the plan ---------------------------------------------------

def expected(plan: Year, as_of: dt.date | None = None, compare_as_of: dt.date | None = None) -> dict:
    """The year report's figures as planted: at ``as_of`` (default 12 March next year) and
    ``compare_as_of`` (default 31 January next year)."""
    as_of = as_of or dt.date(plan.year + 1, 3, 12)
    compare_as_of = compare_as_of or dt.date(plan.year + 1, 1, 31)
    months = [f"{plan.year}-{k:02d}" for k in range(1, 13)]
    oris = sorted({r.ori for r in plan.reports} | {o for o, _ in plan.sent})
    cells = {(o, mo): {"received": 0, "accepted": 0, "rejected": 0} for o in oris for mo in months}
    for r in plan.reports:
        status = r.status(as_of)
        if status != "none" and r.month in months:
            cell = cells[(r.ori, r.month)]
            cell["received"] += 1
            cell[status] += 1
    scorecard = []
    certification = {}
    for ori in oris:
        run, certified = 0, []
        for mo in months:
            cell = cells[(ori, mo)]
            rate = cell["rejected"] / cell["received"] if cell["received"] else 0.0
            passes = cell["received"] > 0 and rate < RATE
            run = run + 1 if passes else 0
            certified.append(run >= 3)
            scorecard.append({"ori": ori, "month": mo, **cell, "error_rate": round(rate, 6),
                              "sent": (ori, mo) in plan.sent, "certified": run >= 3})
        since = ""
        if certified[-1]:
            k = len(certified) - 1
            while k > 0 and certified[k - 1]:
                k -= 1
            since = months[k]
        certification[ori] = {"certification": "met" if certified[-1] else "not met", "since": since,
                              "months_certified": sum(certified),
                              "months_not_sent": " ".join(mo for mo in months if (ori, mo) not in plan.sent)}
    state = {mo: {k: sum(cells[(o, mo)][k] for o in oris) for k in ("received", "accepted", "rejected")}
             for mo in months}

    def trafficking(day: dt.date) -> dict:
        out = {}
        for offense in ("64A", "64B"):
            for status in ("accepted", "rejected"):
                chosen = [r for r in plan.reports if r.kind == "A" and offense in r.offenses.split()
                          and r.month in months and r.status(day) == status]
                out[f"{offense} {status}"] = {
                    "victims": sum(r.victims_64a if offense == "64A" else r.victims_64b for r in chosen),
                    "incidents": len(chosen), "agencies": len({r.ori for r in chosen})}
        return out

    trafficking_a = [r for r in plan.reports if r.kind == "A" and r.month in months]
    rejected_now = sorted([r.ori, r.key, r.month, r.errors] for r in trafficking_a if r.status(as_of) == "rejected"
                          and {"64A", "64B"} & set(r.offenses.split()))
    with_64 = {r.ori for r in trafficking_a if {"64A", "64B"} & set(r.offenses.split()) and r.status(as_of) != "none"}
    return {
        "year": plan.year, "as_of": as_of.isoformat(), "compare_as_of": compare_as_of.isoformat(), "roles": plan.roles,
        "scorecard": scorecard, "certification": certification, "state_months": state,
        "trafficking": {compare_as_of.isoformat(): trafficking(compare_as_of), as_of.isoformat(): trafficking(as_of)},
        "followup": {
            "juvenile_prostitution": sorted({r.ori for r in trafficking_a if "HT01" in r.flags or "HT02" in r.flags}),
            "rejected_trafficking": rejected_now,
            "no_trafficking": sorted({r.ori for r in trafficking_a} - with_64),
            "sbr_no_ht": sorted({r.ori for r in plan.reports if r.kind == "S" and "HT" not in r.offenses.split()}),
            "legacy_layout": sorted(plan.legacy_months),
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a generated Wisconsin year and commit it to a history store.")
    parser.add_argument("directory")
    parser.add_argument("--history", required=True, help="store to commit to (a SQLite path or postgresql://...)")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--incidents", type=int, default=6, help="clean Group A incidents per agency and month")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    from ..history import open_store

    with open_store(args.history) as store:
        build_year(args.directory, store, year=args.year, agencies=args.agencies, incidents=args.incidents,
                   seed=args.seed)
    print(f"wrote and committed a generated year to {args.directory} (expected.json beside it)")


if __name__ == "__main__":
    main()

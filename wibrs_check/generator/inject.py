"""Error injections: each turns a clean incident into one that must raise a known finding.

Families register injections in ``generator/inject_<family>.py`` with :func:`injection`.
:func:`build_month` writes a month of agency files holding clean incidents plus one
injected incident per requested code, and returns the findings the checks must produce.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from . import incidents as gen
from .profiles import PROFILES


@dataclass(frozen=True)
class Expected:
    code: str
    segment: int | None  # index into Incident.segments; None = the whole incident (EDS record 0)
    data_element: str


@dataclass(frozen=True)
class Injection:
    code: str
    func: Callable[[gen.Incident, random.Random], object]
    offense: str | None = None
    kind: str = "A"


INJECTIONS: dict[str, list[Injection]] = {}


def injection(code: str, *, offense: str | None = None, kind: str = "A"):
    def register(func):
        INJECTIONS.setdefault(code, []).append(Injection(code, func, offense, kind))
        return func

    return register


def load_injections() -> dict[str, list[Injection]]:
    package = importlib.import_module(__package__)
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("inject_"):
            importlib.import_module(f"{__package__}.{module.name}")
    return INJECTIONS


@dataclass
class GeneratedMonth:
    files: dict[str, list[str]]  # file name -> records
    expected: pd.DataFrame  # file, record (None = incident level), incident, code, data_element
    clean_units: pd.DataFrame  # file, incident: the incidents that must raise no error


def _fresh(inj: Injection, rng: random.Random, ori: str, year: int, month: int, number: int) -> gen.Incident:
    if inj.kind == "B":
        return gen.group_b_arrest(rng, ori, year, month, number)
    if inj.kind == "Z":
        return gen.zero_report(ori, year, month)
    offense = inj.offense or rng.choice(tuple(PROFILES))
    return gen.group_a_incident(offense, rng, ori, year, month, number)


def build_month(seed: int = 2026, oris: tuple[str, ...] = gen.WI_ORIS, year: int = 2026, month: int = 7,
                incidents_per_agency: int = 60, codes: tuple[str, ...] | None = None) -> GeneratedMonth:
    """Clean incidents for every agency, then one injected incident per requested code."""
    rng = random.Random(seed)
    injections = load_injections()
    wanted = [i for code in sorted(codes if codes is not None else injections) for i in injections.get(code, [])]
    per_agency = {ori: gen.agency_month(rng, ori, year, month, incidents_per_agency) for ori in oris}
    clean = [(ori, s.values["incident"]) for ori, incs in per_agency.items() for inc in incs for s in inc.segments[:1]]
    injected: dict[str, list[tuple[gen.Incident, list[Expected]]]] = {ori: [] for ori in oris}
    for n, inj in enumerate(wanted):
        ori = oris[n % len(oris)]
        incident = _fresh(inj, rng, ori, year, month, 900000 + n)
        out = inj.func(incident, rng)
        expected = [out] if isinstance(out, Expected) else list(out or [])
        if not expected:
            raise ValueError(f"injection for {inj.code} ({inj.func.__name__}) returned nothing")
        injected[ori].append((incident, expected))
    files, rows = {}, []
    for ori in oris:
        name = f"{ori}_{year}-{month:02d}.txt"
        records = gen.to_lines(per_agency[ori])
        for incident, expected in injected[ori]:
            base = len(records)
            records += [s.record() for s in incident.segments]
            first = incident.segments[0].values.get("incident", "")
            for e in expected:
                record = None if e.segment is None else base + e.segment + 1
                rows.append({"file": name, "record": record, "incident": first, "code": e.code, "data_element": e.data_element})
        files[name] = records
    expected_frame = pd.DataFrame(rows, columns=["file", "record", "incident", "code", "data_element"])
    expected_frame["record"] = expected_frame["record"].astype("Int64")
    clean_frame = pd.DataFrame(
        [{"file": f"{ori}_{year}-{month:02d}.txt", "incident": inc} for ori, inc in clean]
    )
    return GeneratedMonth(files, expected_frame, clean_frame)


def write_month(month: GeneratedMonth, directory) -> list:
    from pathlib import Path

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, records in month.files.items():
        path = directory / name
        path.write_text("\n".join(records) + "\n", encoding="ascii")
        paths.append(path)
    return paths

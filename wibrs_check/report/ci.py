"""What the CI outputs (SARIF, JUnit XML, GitHub annotations) share.

Each finding becomes one located, one-line problem: the file (relative to the working
directory when it lies below it, as CI systems expect), the physical line, the columns of
the field in error on a fixed-width record, and a message that carries the record number,
data element and value. Every writer takes them from here so the three agree.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from .. import spec
from . import UNIT_COLUMNS, Report

# Severity of a finding -> the level of a SARIF result / a GitHub workflow command.
SARIF_LEVEL = {"error": "error", "warning": "warning", "flag": "note"}
GITHUB_COMMAND = {"error": "error", "warning": "warning", "flag": "notice"}

UNIT_KIND_WORDS = {
    "A": "incident",
    "B": "arrest",
    "Z": "zero report",
    "S": "SBR return",
    "U": "unplaced record",
}


@dataclass(frozen=True)
class Located:
    """One finding with everything a CI output needs, already worked out."""

    row: dict  # the finding's columns (findings.COLUMNS), NA as None
    path: str  # file path as CI shows it: relative to the working directory when possible
    line: int | None  # physical line, or the first line of the finding's unit
    span: tuple[int, int] | None  # first and last position (1-based, inclusive) of the field
    text: str  # message with record, data element and value

    @property
    def severity(self) -> str:
        return self.row["severity"]

    @property
    def code(self) -> str:
        return self.row["code"]


def display_path(path: str, base: Path | None = None) -> str:
    """``path`` relative to ``base`` (the working directory) when it lies below it, in / form."""
    base = (base or default_base()).resolve()
    target = Path(path)
    try:
        resolved = target.resolve()
        return resolved.relative_to(base).as_posix()
    except (ValueError, OSError):
        return target.as_posix()


@cache
def field_span(level: str, column: str) -> tuple[int, int] | None:
    """Start and end position of ``column`` on a fixed-width record of segment ``level``."""
    if not column or level not in {str(x) for x in spec.LEVELS}:
        return None
    try:
        f = spec.field(int(level), column)
    except KeyError:
        return None
    return f.start, f.end


def describe(row: dict) -> str:
    """The finding's message followed by where it is and the value: '... (record 5, DE 24, value '9')'."""
    parts = []
    if row.get("record") is not None:
        parts.append(f"record {row['record']}")
    elif row.get("unit") is not None:
        parts.append("whole incident" if row.get("level") not in ("S", "") else "whole return")
    if row.get("data_element"):
        parts.append(f"DE {row['data_element']}")
    if row.get("value"):
        parts.append(f"value '{row['value']}'")
    return row["message"] + (f" ({', '.join(parts)})" if parts else "")


def _as_dict(frame: pd.DataFrame) -> list[dict]:
    out = frame.astype(object).where(frame.notna(), None)
    return out.to_dict(orient="records")


def file_formats(report: Report) -> dict[str, str]:
    return {str(f["path"]): f.get("format", "") for f in report.files}


def units_of(report: Report) -> pd.DataFrame:
    """The report's unit list, or (when it was built without one) the units its findings name."""
    if report.units is not None and len(report.units):
        return report.units
    f = report.findings
    if not len(f):
        return pd.DataFrame(columns=list(UNIT_COLUMNS))
    named = f[f["unit"].notna()]
    first = named.groupby(["file", "unit"], sort=False).agg(
        ori=("ori", "first"), incident=("incident", "first"), action=("action", "first"),
        sub_year=("sub_year", "first"), sub_month=("sub_month", "first"), line=("line", "min"),
        level=("level", "first"),
    ).reset_index()
    kinds = {"0": "Z", "7": "B", "S": "S"}
    first["kind"] = first["level"].map(kinds).fillna("A")
    return first[list(UNIT_COLUMNS)]


def first_lines(report: Report) -> dict[tuple[str, int], int]:
    """(file, unit) -> first physical line of the unit, from the unit list or the findings."""
    units = units_of(report)
    known = units.dropna(subset=["unit", "line"])
    out = {(str(f), int(u)): int(ln) for f, u, ln in zip(known["file"], known["unit"], known["line"])}
    f = report.findings
    seen = f.dropna(subset=["unit", "line"])
    if len(seen):
        for (file, unit), line in seen.groupby(["file", "unit"])["line"].min().items():
            out.setdefault((str(file), int(unit)), int(line))
    return out


def located(report: Report, base: Path | None = None) -> list[Located]:
    """Every finding of the report, located, in the report's order."""
    formats = file_formats(report)
    firsts = first_lines(report)
    paths: dict[str, str] = {}
    out = []
    for row in _as_dict(report.findings):
        file = str(row["file"])
        if file not in paths:
            paths[file] = display_path(file, base)
        line = row.get("line")
        span = None
        if line is not None and formats.get(file, "flat") == "flat":
            # The finding's own record (also for incident-level ones that name a record).
            span = field_span(row.get("level") or "", row.get("column") or "")
        elif line is None and row.get("unit") is not None:
            line = firsts.get((file, int(row["unit"])))
        out.append(Located(row, paths[file], None if line is None else int(line), span, describe(row)))
    return out


def fingerprint(item: Located) -> str:
    """A hash of what identifies the finding across runs, not of where it sits in the file.

    File, ORI, incident, code, column and value, plus the segment's own identity (level,
    offense code, person sequence number, loss type) so that two victims of one incident
    with the same wrong value stay two results. The record and line numbers are left out:
    adding an incident earlier in the file must not make every later finding look new.
    """
    r = item.row
    key = "\x1f".join(
        str(r.get(name) or "")
        for name in ("ori", "incident", "code", "column", "value", "level", "offense_code", "person_seq", "loss_type")
    )
    return hashlib.sha256(f"{item.path}\x1f{key}".encode("utf-8")).hexdigest()


def unit_name(unit: dict) -> str:
    """The test-case name of a submission unit: ORI, kind and incident (or month)."""
    kind = unit.get("kind") or "A"
    ori = unit.get("ori") or "(no ORI)"
    month = f"{unit.get('sub_month') or '??'}/{unit.get('sub_year') or '????'}"
    if kind == "Z":
        return f"{ori} zero report {month}"
    if kind == "S":
        return f"{ori} SBR return {month}"
    if kind == "U":
        return f"unplaced record at line {unit.get('line')}"
    word = UNIT_KIND_WORDS.get(kind, "incident")
    name = f"{ori} {word} {(unit.get('incident') or '').strip() or '(blank)'}"
    return name + (" (delete)" if unit.get("action") == "D" else "")


def default_base() -> Path:
    """Where relative paths start: $GITHUB_WORKSPACE (the checkout) in GitHub Actions, else here."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace and Path(workspace).is_dir():
        return Path(workspace)
    return Path.cwd()

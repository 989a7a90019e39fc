"""A generated flat file of several agencies with the edits that span a whole file planted
across its far ends, for the split-check tests and the benchmark."""

from __future__ import annotations

from pathlib import Path

from wibrs_check.generator import incidents as gen
from wibrs_check.generator.inject import build_month, write_month


def _level(line: str) -> str:
    return line[4:5]


def build_huge_file(path: Path, agencies: int = 4, incidents: int = 150, seed: int = 5) -> Path:
    """Every agency's generated month (all injections) in one file, then at its end: a resend
    of the first incident (056), a copy of a Group B arrest (751), a Group B arrest numbered
    like a Group A arrestee's incident (088), and a zero report for a month with activity (028)."""
    built = build_month(seed=seed, oris=tuple(gen.WI_ORIS[:agencies]), year=2026, month=7,
                        incidents_per_agency=incidents, codes=None)
    lines: list[str] = []
    for p in write_month(built, path.parent / (path.stem + "-parts")):
        lines.extend(p.read_text(encoding="latin-1").splitlines())
    first_incident = [lines[0]]
    for line in lines[1:]:
        if _level(line) != "1" and line[16:37] == lines[0][16:37]:
            first_incident.append(line)
        else:
            break
    group_b = next(line for line in lines if _level(line) == "7" and line[5] == "A")
    arrestee = next(line for line in lines if _level(line) == "6" and line[5] == "I")
    renumbered_b = group_b[:16] + arrestee[16:37] + group_b[37:]
    zero = next(line for line in lines if _level(line) == "0" and line[5] == "A")
    busy_ori = lines[-1][16:25]
    zero_for_busy = zero[:16] + busy_ori + zero[25:37] + "07" + "2026" + zero[43:]
    tail = first_incident + [group_b, renumbered_b, zero_for_busy]
    path.write_text("\n".join(lines + tail) + "\n", encoding="latin-1", newline="")
    return path

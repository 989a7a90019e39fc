"""Realistic summary (SBR) returns of Wisconsin agencies, clean and with planted errors.

A month's returns for a few Wisconsin agencies that report summary counts: Return A with
every line, the Human Trafficking return and, where there were arrests, the prostitution
lines of the arrest report, written in the CSV layout of ``docs/sbr.md``. Counts are drawn
from rates typical of small Wisconsin cities and always obey the forms' arithmetic (actual =
reported - unfounded, cleared <= actual, cleared under 18 <= cleared, totals add up).

:func:`planted_month` takes the same month and plants one error per SBR code (and the HT10
and GAP01 signals), each on a row of its own, and lists the findings the checks must
produce. ``python -m wibrs_check.generator.sbr DIR`` writes both files and
``expected_findings.csv`` (columns file, code, row, line, column, needs: ``row`` is the record
number of the data row, header not counted, empty for a finding about the whole file;
``needs`` names outside data the check needs, such as the agency file).
"""

from __future__ import annotations

import csv
import io
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..readers import sbr as tables

# Wisconsin agencies that report summary returns (not NIBRS) in the state's agency list,
# with a rough size factor (1 = a town of about 2,500 people).
AGENCIES: dict[str, tuple[str, float]] = {
    "WI0420300": ("Tomah Police Department", 3.5),
    "WI0270100": ("Black River Falls Police Department", 1.5),
    "WI0530100": ("Richland Center Police Department", 2.0),
    "WI0690100": ("Clintonville Police Department", 1.8),
    "WI0030400": ("Cumberland Police Department", 1.0),
    "WI0630400": ("Westby Police Department", 1.0),
}

# Offenses a month per size unit, and the share of them cleared, per Return A line.
RATES: dict[str, tuple[float, float]] = {
    "1a": (0.005, 0.6), "1b": (0.003, 0.9), "2a": (0.12, 0.3), "2b": (0.01, 0.3),
    "3a": (0.01, 0.3), "3b": (0.005, 0.3), "3c": (0.005, 0.3), "3d": (0.03, 0.3),
    "4a": (0.03, 0.5), "4b": (0.05, 0.6), "4c": (0.05, 0.5), "4d": (0.08, 0.6), "4e": (2.2, 0.55),
    "5a": (0.5, 0.15), "5b": (0.45, 0.15), "5c": (0.1, 0.1), "6": (5.0, 0.2),
    "7a": (0.3, 0.2), "7b": (0.1, 0.2), "7c": (0.08, 0.2),
}
UNFOUNDED_SHARE = 0.04
JUVENILE_SHARE = 0.15
OFFENSE_COUNTS = ("reported", "unfounded", "actual", "cleared", "cleared_under_18")


@dataclass
class Row:
    values: dict[str, str]
    expect: list[tuple[str, str]] = field(default_factory=list)  # (code, column) this row must raise
    drop_last_field: bool = False  # written one field short (a truncated export line)


@dataclass
class Month:
    header: list[str]
    rows: list[Row]
    file_expect: list[tuple[str, str]] = field(default_factory=list)  # findings on the whole file

    def text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.header)
        for row in self.rows:
            fields = [row.values.get(c, "") for c in self.header]
            writer.writerow(fields[:-1] if row.drop_last_field else fields)
        return out.getvalue()

    def expected(self, file: str) -> pd.DataFrame:
        rows = [{"file": file, "code": code, "row": "", "line": "", "column": column,
                 "needs": ""} for code, column in self.file_expect]
        for number, row in enumerate(self.rows, start=1):
            for code, column in row.expect:
                rows.append({"file": file, "code": code, "row": number, "line": number + 1, "column": column,
                             "needs": "agency" if code == "SBR11" else ""})
        return pd.DataFrame(rows, columns=["file", "code", "row", "line", "column", "needs"])


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _binomial(rng: random.Random, n: int, share: float) -> int:
    return sum(rng.random() < share for _ in range(n))


def _offense_lines(form: str) -> pd.DataFrame:
    table = tables.forms()
    return table[table["form"] == form]


def _part_counts(rng: random.Random, scale: float) -> dict[str, dict[str, int]]:
    """Counts of every Return A line that is not a total."""
    counts = {}
    for line, (rate, cleared_share) in RATES.items():
        actual = _poisson(rng, rate * scale)
        unfounded = _binomial(rng, actual, UNFOUNDED_SHARE)
        cleared = _binomial(rng, actual, cleared_share)
        counts[line] = {"reported": actual + unfounded, "unfounded": unfounded, "actual": actual,
                        "cleared": cleared, "cleared_under_18": _binomial(rng, cleared, JUVENILE_SHARE)}
    # Every generated month has some larceny and simple assault, with uncleared larcenies and
    # adult-cleared assaults: planted single-line errors then never spill into the totals.
    theft = counts["6"]
    theft["actual"] = max(theft["actual"], 3)
    theft["reported"] = theft["actual"] + theft["unfounded"]
    theft["cleared"] = min(theft["cleared"], theft["actual"] - 1)
    theft["cleared_under_18"] = min(theft["cleared_under_18"], theft["cleared"])
    assault = counts["4e"]
    assault["actual"] = max(assault["actual"], 2)
    assault["reported"] = assault["actual"] + assault["unfounded"]
    assault["cleared"] = max(assault["cleared"], 1)
    assault["cleared_under_18"] = min(assault["cleared_under_18"], assault["cleared"] - 1)
    return counts


def fill_totals(form: str, counts: dict[str, dict[str, int]], keep: frozenset[str] = frozenset()) -> None:
    """Set every total line of ``form`` to the sum of its lines (in place), except ``keep``."""
    parts = tables.total_parts()
    parts = parts[parts["form"] == form]
    order = list(dict.fromkeys(parts["total"]))
    done: set[str] = set()

    def compute(total: str) -> None:
        if total in done:
            return
        for part in parts.loc[parts["total"] == total, "part"]:
            if part in order:
                compute(part)
        if total not in keep:
            lines = [counts.get(p, dict.fromkeys(OFFENSE_COUNTS, 0)) for p in parts.loc[parts["total"] == total, "part"]]
            counts[total] = {c: sum(line[c] for line in lines) for c in OFFENSE_COUNTS}
        done.add(total)

    for total in order:
        compute(total)


def _offense_rows(ori: str, year: int, month: int, form: str, counts: dict[str, dict[str, int]]) -> list[Row]:
    rows = []
    for line in _offense_lines(form)["line"]:
        values = {"ori": ori, "year": str(year), "month": f"{month:02d}", "form": form, "line": line}
        values.update({c: str(v) for c, v in counts.get(line, dict.fromkeys(OFFENSE_COUNTS, 0)).items()})
        rows.append(Row(values))
    return rows


def _arrest_row(ori: str, year: int, month: int, line: str, sex: str, age_group: str, count: int) -> Row:
    return Row({"ori": ori, "year": str(year), "month": f"{month:02d}", "form": "ASR", "line": line,
                "sex": sex, "age_group": age_group, "count": str(count)})


ADULT_GROUPS = ("18", "19", "21", "24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54")


def _arrests(rng: random.Random, ori: str, year: int, month: int, scale: float) -> list[Row]:
    """Adult prostitution arrests (most small agencies have none in a month)."""
    rows = []
    for line, sex_weights in (("16a", ("F", "F", "M")), ("16b", ("M", "F")), ("16c", ("M", "M", "M", "F"))):
        for _ in range(_poisson(rng, 0.35 * scale)):
            rows.append(_arrest_row(ori, year, month, line, rng.choice(sex_weights), rng.choice(ADULT_GROUPS), 1))
    merged: dict[tuple, Row] = {}
    for row in rows:  # one row per line, sex and age group
        key = (row.values["line"], row.values["sex"], row.values["age_group"])
        if key in merged:
            merged[key].values["count"] = str(int(merged[key].values["count"]) + 1)
        else:
            merged[key] = row
    return [merged[k] for k in sorted(merged)]


@dataclass
class Return:
    ori: str
    year: int
    month: int
    counts: dict[str, dict[str, int]]
    trafficking: dict[str, dict[str, int]]
    arrests: list[Row]

    def rows(self) -> list[Row]:
        return (_offense_rows(self.ori, self.year, self.month, "A", self.counts)
                + _offense_rows(self.ori, self.year, self.month, "HT", self.trafficking)
                + self.arrests)


def agency_return(rng: random.Random, ori: str, year: int, month: int) -> Return:
    scale = AGENCIES[ori][1] if ori in AGENCIES else 1.0
    counts = _part_counts(rng, scale)
    fill_totals("A", counts)
    trafficking = {line: dict.fromkeys(OFFENSE_COUNTS, 0) for line in ("64A", "64B")}
    fill_totals("HT", trafficking)
    return Return(ori, year, month, counts, trafficking, _arrests(rng, ori, year, month, scale))


def header() -> list[str]:
    return tables.layout()["column"].tolist()


def clean_returns(seed: int = 2026, year: int = 2026, month: int = 7,
                  oris: tuple[str, ...] = tuple(AGENCIES)) -> list[Return]:
    rng = random.Random(seed)
    return [agency_return(rng, ori, year, month) for ori in oris]


def clean_month(seed: int = 2026, year: int = 2026, month: int = 7, oris: tuple[str, ...] = tuple(AGENCIES)) -> Month:
    return Month(header(), [row for ret in clean_returns(seed, year, month, oris) for row in ret.rows()])


# ---------------------------------------------------------------------------------------
# Planted errors: each on a row of its own, none spilling into another check.


def planted_month(seed: int = 2026, year: int = 2026, month: int = 7) -> Month:
    """The clean month of the six agencies with one planted error per code."""
    tomah, brf, richland, clintonville, cumberland, westby = clean_returns(seed, year, month, tuple(AGENCIES))
    ym = (year, month)

    # Offense counts, changed before the totals are added up so only the line itself is wrong.
    richland.counts["1b"].update(cleared=richland.counts["1b"]["actual"] + 1)  # SBR04
    fill_totals("A", richland.counts)
    line = clintonville.counts["6"]  # SBR05: more juvenile clearances than clearances
    line["cleared_under_18"] = line["cleared"] + 1
    fill_totals("A", clintonville.counts)
    cumberland.counts["4"]["cleared_under_18"] += 1  # SBR06: a total that does not add up
    fill_totals("A", cumberland.counts, keep=frozenset({"4"}))
    # SBR03: a report found unfounded, but actual not lowered. The grand total adds the line up
    # faithfully, so it carries the same difference: both rows are reported.
    brf.counts["6"]["unfounded"] += 1
    fill_totals("A", brf.counts)

    returns = {r.ori: r.rows() for r in (tomah, brf, richland, clintonville, cumberland, westby)}

    def row_of(ori: str, form: str, line: str) -> Row:
        return next(r for r in returns[ori] if r.values["form"] == form and r.values["line"] == line)

    def expect(row: Row, code: str, column: str) -> Row:
        row.expect.append((code, column))
        return row

    expect(row_of(richland.ori, "A", "1b"), "SBR04", "cleared")
    expect(row_of(clintonville.ori, "A", "6"), "SBR05", "cleared_under_18")
    expect(row_of(cumberland.ori, "A", "4"), "SBR06", "cleared_under_18")
    expect(row_of(brf.ori, "A", "6"), "SBR03", "actual")
    expect(row_of(brf.ori, "A", "GT"), "SBR03", "actual")

    # SBR01: a letter O typed for a zero (the line's clearances cannot be added up any more).
    expect(row_of(tomah.ori, "A", "1a"), "SBR01", "cleared").values["cleared"] = "O"
    # SBR17: the sex of an arrest written on a Return A row.
    expect(row_of(brf.ori, "A", "2a"), "SBR17", "sex").values["sex"] = "F"
    # GAP01: Black River Falls sends no Human Trafficking return.
    returns[brf.ori] = [r for r in returns[brf.ori] if r.values["form"] != "HT"]
    expect(returns[brf.ori][0], "GAP01", "form")
    # SBR13: arson written as a Return A line (arson has its own return).
    arson = Row({"ori": tomah.ori, "year": str(year), "month": f"{month:02d}", "form": "A", "line": "8",
                 "reported": "1", "unfounded": "0", "actual": "1", "cleared": "0", "cleared_under_18": "0"})
    grand_at = returns[tomah.ori].index(row_of(tomah.ori, "A", "GT"))
    returns[tomah.ori].insert(grand_at, expect(arson, "SBR13", "line"))
    # SBR12: the arrest form's name mistyped.
    returns[tomah.ori].append(expect(_arrest_row(tomah.ori, *ym, "16c", "M", "35-39", 1), "SBR12", "form"))
    returns[tomah.ori][-1].values["form"] = "ARS"

    # Arrest rows with one slip each.
    returns[brf.ori].append(expect(_arrest_row(brf.ori, *ym, "16c", "U", "40-44", 1), "SBR14", "sex"))
    adult = _arrest_row(richland.ori, *ym, "16c", "M", "45-49", 1)
    returns[richland.ori] += [adult, expect(Row(dict(adult.values)), "SBR09", "line")]
    truncated = _arrest_row(richland.ori, *ym, "16a", "F", "25-29", 1)
    truncated.drop_last_field = True
    returns[richland.ori].append(expect(truncated, "SBR16", ""))
    returns[cumberland.ori].append(expect(_arrest_row(cumberland.ori, *ym, "16b", "M", "30-34", -1), "SBR02", "count"))
    returns[cumberland.ori].append(expect(_arrest_row(cumberland.ori, year, 13, "16c", "M", "25-29", 1), "SBR07", "month"))
    returns[westby.ori].append(expect(_arrest_row(westby.ori, 2062, month, "16c", "M", "50-54", 1), "SBR08", "month"))
    returns[westby.ori].append(expect(_arrest_row("WI063040", *ym, "16c", "M", "21", 1), "SBR10", "ori"))
    returns[westby.ori].append(expect(_arrest_row("WI0630499", *ym, "16c", "M", "30-34", 1), "SBR11", "ori"))
    # HT10: a 16-year-old girl arrested for prostitution, and no trafficking on the HT return.
    returns[westby.ori].append(expect(_arrest_row(westby.ori, *ym, "16a", "F", "16", 1), "HT10", "count"))

    # SBR18: the records system adds a column of its own.
    month_ = Month(header() + ["notes"], [row for ori in AGENCIES for row in returns[ori]])
    month_.file_expect.append(("SBR18", "notes"))
    return month_


def write_samples(directory: str | Path, seed: int = 2026, year: int = 2026, month: int = 7) -> list[Path]:
    """Write the clean and the planted month and expected_findings.csv into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    clean_name = f"WI_SBR_{year}-{month:02d}.csv"
    planted_name = f"WI_SBR_{year}-{month:02d}_planted.csv"
    clean = clean_month(seed, year, month)
    planted = planted_month(seed, year, month)
    paths = [directory / clean_name, directory / planted_name, directory / "expected_findings.csv"]
    paths[0].write_text(clean.text(), encoding="ascii")
    paths[1].write_text(planted.text(), encoding="ascii")
    planted.expected(planted_name).to_csv(paths[2], index=False, lineterminator="\n")
    return paths


if __name__ == "__main__":  # python -m wibrs_check.generator.sbr sample_submissions/sbr
    for written in write_samples(sys.argv[1] if len(sys.argv) > 1 else "sample_submissions/sbr"):
        print(written)

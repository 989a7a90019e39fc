"""Human-readable report: summary first, then findings by agency, incident and record.

Each finding shows the record around the field in error with the field underlined, and
the catalog's plain-words explanation of how to fix it (once per code, at the end).
"""

from __future__ import annotations

import pandas as pd

from .. import spec
from . import Report
from .ci import field_span
from .machine import totals

WINDOW = 24  # characters of context either side of the field
NOTHING_SENT_SHOWN = 10  # agencies named in the text report; JSON has all


def _excerpt(raw: str, span: tuple[int, int]) -> list[str]:
    start, end = span
    lo = max(0, start - 1 - WINDOW)
    hi = min(max(len(raw), end), end + WINDOW)
    text = raw.ljust(hi)[lo:hi]
    marker = " " * (start - 1 - lo) + "^" * (end - start + 1)
    return [f"        pos {lo + 1}-{hi}: |{text}|", f"        {' ' * len(f'pos {lo + 1}-{hi}: |')}{marker}"]


def _nothing_sent(silent: pd.DataFrame) -> list[str]:
    """The master-file agencies with no report for a month the files cover, a few by name."""
    lines: list[str] = []
    for month, group in silent.groupby("month", sort=True):
        lines += ["", f"In the agency master file but sent nothing for {month}: {len(group):,} agencies"]
        shown = group.head(NOTHING_SENT_SHOWN)
        lines += [f"  {r.ori}  {r.name}".rstrip() for r in shown.itertuples(index=False)]
        if len(group) > len(shown):
            lines.append(f"  ... and {len(group) - len(shown):,} more (all of them: --format json, key nothing_sent)")
    return lines


def render(report: Report, show_records: bool = True) -> str:
    out: list[str] = []
    t = totals(report)
    out.append("wibrs-check report" + (f" ({report.processed_on})" if report.processed_on else ""))
    out.append(
        f"{t['files']} file(s), {t['records']} records, {t['units']} incidents/arrests/zero reports: "
        f"{t['accepted']} would be accepted, {t['rejected']} rejected. "
        f"{t['errors']} errors, {t['warnings']} warnings, {t['flags']} flags."
    )
    for bad in report.fatal:
        out.append(f"UNREADABLE {bad['path']}: {bad['message']}")
    for bad in report.rule_failures:
        out.append(f"NOT CHECKED: rule {bad['code']} failed on {bad['path']}: {bad['message']} (please report this)")
    if len(report.summary):
        out.append("")
        out.append("By agency:")
        cols = ["ori", "records", "units", "accepted", "rejected", "errors", "warnings", "flags", "ht_flags", "top_errors",
                "layout"]
        if "name" in report.summary.columns:
            cols.insert(1, "name")
        out.append(report.summary[cols].to_string(index=False))
    out.extend(_nothing_sent(report.nothing_sent))
    if report.not_checked:
        out.append("")
        out.append("Not checked (the data they need was not given):")
        by_need: dict[str, list[str]] = {}
        for code, need in sorted(report.not_checked.items()):
            by_need.setdefault(need, []).append(code)
        for need, codes in by_need.items():
            out.append(f"  needs {need}: {' '.join(codes)}")
    f = report.findings
    if len(f):
        out.append("")
        out.append("Findings:")
        for (ori, incident), group in f.groupby(["ori", "incident"], sort=False):
            out.append("")
            out.append(f"{ori}  incident {incident or '(none)'}  [{group['file'].iloc[0]}]")
            for row in group.itertuples(index=False):
                where = f"record {row.record}" if not pd.isna(row.record) else "incident"
                level = f" level {row.level}" if row.level else ""
                element = f" DE {row.data_element}" if row.data_element else ""
                value = f" value '{row.value}'" if row.value else ""
                out.append(f"  {row.severity.upper():7} {row.code:>5}  {where}{level}{element}{value}: {row.message}")
                if show_records and not pd.isna(row.record):
                    raw = report.raw_records.get((row.file, int(row.record)))
                    span = field_span(row.level, row.column)
                    if raw is not None and span:
                        out.extend(_excerpt(raw, span))
        out.append("")
        out.append("How to fix:")
        catalog = spec.edit_catalog()
        for code in sorted(f["code"].unique()):
            if code in catalog.index:
                out.append(f"  {code}: {catalog.loc[code, 'description']}")
        out.append("  (wibrs-check rules CODE prints the full documentation of a code.)")
    return "\n".join(out) + "\n"

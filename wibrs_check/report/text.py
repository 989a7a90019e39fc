"""Human-readable report for the person who fixes the file: findings first, in plain words.

Order: one paragraph of totals, then every finding grouped by incident (or arrest, zero
report, summary return), each naming the field in words, the value sent and what to do,
with the record shown and the field underlined (flat files) or the XML line and element
(XML files); then the agencies, the agencies that sent nothing, and one line for each kind
of data that was not given (so some edits were not checked). Every line fits 80 columns.
"""

from __future__ import annotations

import textwrap

import pandas as pd

from . import Report
from .advice import SEGMENT_WORDS, XML_ELEMENTS, field_words, fixes
from .ci import field_span
from .machine import totals

WIDTH = 80
INDENT = "    "
NOTHING_SENT_SHOWN = 10  # agencies named in the text report; JSON has all


def _wrap(text: str, indent: str = INDENT, first: str | None = None) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent if first is None else first, subsequent_indent=indent,
                         break_long_words=True, break_on_hyphens=False) or [indent.rstrip()]


def _excerpt(raw: str, span: tuple[int, int]) -> list[str]:
    """The record around the field, with the field underlined; both lines fit WIDTH."""
    start, end = span
    room = WIDTH - len(INDENT) - 2
    window = max(0, (room - (end - start + 1)) // 2)
    lo = max(0, start - 1 - window)
    hi = min(max(len(raw), end), lo + room)
    text = raw.ljust(hi)[lo:hi]
    marker = " " * (start - 1 - lo) + "^" * max(1, min(end, hi) - start + 1)
    return [f"{INDENT}positions {lo + 1}-{hi} of the record:", f"{INDENT}|{text}|", f"{INDENT} {marker}"]


def _group_title(group: pd.DataFrame) -> str:
    first = group.iloc[0]
    levels = set(group["level"].astype(str))
    number = str(first["incident"] or "").strip()
    ori = str(first["ori"] or "")
    if levels == {"S"}:
        what = f"Summary return {ori}, line {number}" if number else f"Summary return {ori}"
    elif levels == {"7"}:
        what = f"Group B arrest {number}"
    elif levels == {"0"}:
        what = "Zero report"
    elif number:
        what = f"Incident {number}"
    elif ori:
        what = "Not tied to one incident"
    else:
        what = "The whole file"
    agency = f"agency {ori}, " if ori and levels != {"S"} else ""
    return f"{what} ({agency}file {str(first['file']).replace(chr(92), '/').rsplit('/', 1)[-1]})"


def _where(row, xml: bool) -> str:
    parts = []
    level = str(row.level or "")
    if xml:
        if not pd.isna(row.line):
            element = XML_ELEMENTS.get(level)
            parts.append(f"XML line {int(row.line)}" + (f" ({element})" if element else ""))
    elif not pd.isna(row.record):
        parts.append(f"record {int(row.record)}"
                     + (f" (line {int(row.line)})" if not pd.isna(row.line) and int(row.line) != int(row.record) else ""))
    if level in SEGMENT_WORDS and level != "S" and not (xml and level in ("0", "1")):
        parts.append(SEGMENT_WORDS[level])
    field = field_words(level, row.column, row.data_element)
    if field:
        parts.append(field)
    return ", ".join(parts)


def _finding(row, fix: str, seen_fix: dict[str, str], raw: str | None, xml: bool, show_records: bool) -> list[str]:
    severity = {"error": "Error", "warning": "Warning", "flag": "Flag"}.get(row.severity, str(row.severity).title())
    where = _where(row, xml)
    named = bool(field_words(str(row.level or ""), row.column, row.data_element))
    value = (f" = '{row.value}'" if named else f", value '{row.value}'") if row.value else ""
    lines = _wrap(f"{severity} {row.code}" + (f" in {where}" if where else "") + value + ":", first="  ")
    lines += _wrap(str(row.message))
    if show_records and raw is not None and not xml:
        span = field_span(str(row.level or ""), str(row.column or ""))
        if span:
            lines += _excerpt(raw, span)
    if fix:
        if seen_fix.get(row.code) == fix:
            lines += _wrap(f"What to do: as for {row.code} above.")
        else:
            seen_fix[row.code] = fix
            lines += _wrap("What to do: " + fix)
    return lines


def _agencies(summary: pd.DataFrame) -> list[str]:
    """One line per agency: reports received, accepted and rejected, and findings."""
    lines = ["", "By agency", "---------"]
    named = "name" in summary.columns
    for r in summary.itertuples(index=False):
        name = f" {r.name}" if named and r.name else ""
        text = (f"{r.ori}{name}: {r.records:,} records, {r.units:,} reports received, {r.accepted:,} would be "
                f"accepted, {r.rejected:,} rejected; {r.errors:,} errors, {r.warnings:,} warnings"
                + (f", {r.ht_flags:,} trafficking flags" if r.ht_flags else "")
                + ("; sends the short segment lengths (no cargo theft, bias #2-#5, LEOKA or offender ethnicity; "
                   "not an error)" if "short" in str(r.layout) else "") + ".")
        lines += _wrap(text, first="  ")
    return lines


def _nothing_sent(silent: pd.DataFrame) -> list[str]:
    """The master-file agencies with no report for a month the files cover, a few by name."""
    lines: list[str] = []
    for month, group in silent.groupby("month", sort=True):
        lines += [""] + _wrap(f"In the agency master file but sent nothing for {month}: {len(group):,} "
                              f"agenc{'y' if len(group) == 1 else 'ies'}", indent="", first="")
        shown = group.head(NOTHING_SENT_SHOWN)
        lines += [f"  {r.ori}  {r.name}".rstrip()[:WIDTH] for r in shown.itertuples(index=False)]
        if len(group) > len(shown):
            lines += _wrap(f"... and {len(group) - len(shown):,} more (all of them: --format json, key "
                           f"nothing_sent)", first="  ")
    return lines


# How a need reads in the one-line summary of what was not checked, and the option that gives it.
NEED_HINTS = (
    ("agency master file", "an agency master file", "--agencies FILE"),
    ("earlier submissions", "earlier submissions", "--history"),
    ("schemas", "the NIBRS XML schemas", "--xsd-dir DIR"),
)


def _not_checked(not_checked: dict[str, str]) -> list[str]:
    """One line per kind of missing data: how many edits wait for it and the option to give it."""
    if not not_checked:
        return []
    by_need: dict[tuple[str, str], int] = {}
    for need in not_checked.values():
        words, option = next(((w, o) for key, w, o in NEED_HINTS if key in need), (need, ""))
        by_need[(words, option)] = by_need.get((words, option), 0) + 1
    lines = ["", "Not checked", "-----------"]
    for (words, option), n in sorted(by_need.items(), key=lambda kv: -kv[1]):
        hint = f": give {option}" if option else ""
        lines += _wrap(f"{n} edit{'s' if n != 1 else ''} need{'s' if n == 1 else ''} {words}{hint}", first="  ")
    lines += _wrap("(the codes: --format json, key not_checked; wibrs-check rules CODE explains one)", first="  ")
    return lines


def render(report: Report, show_records: bool = True) -> str:
    out: list[str] = []
    t = totals(report)
    out.append("wibrs-check report" + (f" ({report.processed_on})" if report.processed_on else ""))
    out += _wrap(
        f"{t['files']} file{'s' if t['files'] != 1 else ''}, {t['records']:,} records, {t['units']:,} reports "
        f"(incidents, arrests, zero reports, summary returns): {t['accepted']:,} would be accepted, {t['rejected']:,} rejected. "
        f"{t['errors']:,} errors, {t['warnings']:,} warnings, {t['flags']:,} trafficking or gap flags.",
        indent="", first="")
    for bad in report.fatal:
        out += _wrap(f"NOT READ {bad['path']}: {bad['message']}", indent="  ", first="")
    for bad in report.rule_failures:
        out += _wrap(f"NOT CHECKED: rule {bad['code']} failed on {bad['path']}: {bad['message']} (please report this)",
                     indent="  ", first="")
    f = report.findings
    if len(f):
        xml_files = {str(x["path"]) for x in report.files if x.get("format") == "xml"}
        advice = fixes(f)
        seen_fix: dict[str, str] = {}
        out += ["", "Findings", "--------"]
        keys = [f["file"].astype(str), f["ori"].fillna(""), f["incident"].fillna("")]
        for _, group in f.groupby(keys, sort=False):
            out += [""] + _wrap(_group_title(group), indent="  ", first="")
            xml = str(group["file"].iloc[0]) in xml_files
            for index, row in zip(group.index, group.itertuples(index=False)):
                raw = None if pd.isna(row.record) else report.raw_records.get((row.file, int(row.record)))
                out += _finding(row, advice.loc[index], seen_fix, raw, xml, show_records)
    if len(report.summary):
        out += _agencies(report.summary)
    out.extend(_nothing_sent(report.nothing_sent))
    out += _not_checked(report.not_checked)
    if len(f):
        out += ["", "(wibrs-check rules CODE prints the full documentation of a code.)"]
    return "\n".join(out) + "\n"

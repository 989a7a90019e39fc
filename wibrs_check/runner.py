"""Check a list of files and build one Report: the work behind ``wibrs-check check``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import engine, findings as findings_mod
from .context import Context
from .model import Submission
from .readers.flatfile import UnreadableInput, read_flat
from .report import Report


@dataclass
class Options:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    strict: bool = False
    xsd_dir: Path | None = None  # validate XML files against the IEPD schemas in this folder


def read_submission(path: Path) -> Submission:
    """Read one file in whatever supported format its content shows."""
    try:
        from .readers.detect import read_any
    except ImportError:
        return read_flat(path)
    return read_any(path)


def check_file(path: Path, ctx: Context, options: Options) -> tuple[engine.Result | None, str | None]:
    try:
        sub = read_submission(path)
    except (UnreadableInput, OSError) as exc:
        return None, str(exc)
    if options.xsd_dir is not None and sub.format == "xml":
        from .readers.xml import merge_xsd_problems, validate_against_xsd

        merge_xsd_problems(sub, validate_against_xsd(path, options.xsd_dir))
    return engine.run(sub, ctx, options.select, options.ignore), None


def build_report(paths: list[Path], ctx: Context, options: Options) -> Report:
    all_findings, summaries, files, fatal, failures = [], [], [], [], []
    not_checked: dict[str, str] = {}
    raw: dict[tuple[str, int], str] = {}
    for path in paths:
        result, problem = check_file(path, ctx, options)
        if result is None:
            fatal.append({"path": str(path), "message": problem})
            continue
        sub = result.submission
        found = result.findings
        all_findings.append(found)
        summaries.append(engine.agency_summary(sub, found))
        not_checked.update(result.not_checked)
        for code, text in result.rule_failures.items():
            failures.append({"path": str(path), "code": code, "message": text})
        files.append({"path": str(path), "format": sub.format, **sub.accounting()})
        recs = found["record"].dropna().astype(int).unique()
        if len(recs):
            texts = sub.records.set_index("record")["raw"].reindex(recs)
            raw.update({(str(sub.source), int(r)): t for r, t in texts.items() if isinstance(t, str)})
    found = pd.concat(all_findings, ignore_index=True) if all_findings else findings_mod.empty()
    summary = pd.concat(summaries, ignore_index=True) if summaries else pd.DataFrame(columns=engine.SUMMARY_COLUMNS)
    summary = with_agency_names(summary, ctx)
    return Report(
        findings=found, summary=summary, files=files, not_checked=not_checked, raw_records=raw,
        fatal=fatal, rule_failures=failures, processed_on=ctx.today.strftime("%m/%d/%Y"),
    )


def with_agency_names(summary: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    agencies = ctx.agencies
    if agencies is None or "name" not in getattr(agencies, "columns", []) or not len(summary):
        return summary
    names = agencies.drop_duplicates("ori").set_index("ori")["name"]
    return summary.assign(name=summary["ori"].map(names).fillna("(not in agency file)"))


def exit_code(report: Report, strict: bool) -> int:
    """0 clean, 1 errors (or warnings with --strict), 2 the tool could not do its job."""
    if report.fatal or report.rule_failures:
        return 2
    severities = set(report.findings["severity"])
    if "error" in severities or (strict and "warning" in severities):
        return 1
    return 0


def today() -> dt.date:
    return dt.date.today()

"""Check a list of files and build one Report: the work behind ``wibrs-check check``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import engine, findings as findings_mod
from .agencies import sent_nothing
from .context import Context
from .model import Submission
from .readers.flatfile import UnreadableInput, read_flat
from .report import UNIT_COLUMNS, Report, empty_units


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


def check_file(path: Path, ctx: Context, options: Options, data: bytes | None = None
               ) -> tuple[engine.Result | None, str | None]:
    """Read and check one file (``data``: its bytes already in hand, e.g. a zip member)."""
    try:
        if data is None:
            sub = read_submission(path)
        else:
            from .readers.detect import read_any_bytes

            sub = read_any_bytes(data, str(path))
    except (UnreadableInput, OSError) as exc:
        message = str(exc)  # readers name the file; the report puts the path in front itself
        return None, message.removeprefix(f"{path}: ")
    if options.xsd_dir is not None and sub.format == "xml":
        from .readers.xml import merge_xsd_problems, validate_against_xsd

        merge_xsd_problems(sub, validate_against_xsd(path if data is None else data, options.xsd_dir))
    return engine.run(sub, ctx, options.select, options.ignore), None


@dataclass
class FilePart:
    """What one checked file adds to a report: compact frames and counts, never the model.

    ``check_file_part`` builds it (in a batch worker process, or in line for ``check``) and
    ``merge_parts`` joins any number of them into one :class:`Report`.
    """

    path: str
    findings: pd.DataFrame | None = None
    summary: pd.DataFrame | None = None  # engine.agency_summary rows
    units: pd.DataFrame | None = None  # unit_list rows
    file: dict | None = None  # path, format and the record accounting
    fatal: dict | None = None  # path and message when the file could not be read
    not_checked: dict[str, str] = field(default_factory=dict)
    rule_failures: list[dict] = field(default_factory=list)
    raw_records: dict[tuple[str, int], str] = field(default_factory=dict)  # records that have findings
    extra: object = None  # whatever ``collect(result)`` returned (the batch's gap evidence)
    members: list["FilePart"] = field(default_factory=list)  # a zip: one part per member, nothing else


def flatten_parts(parts) -> list[FilePart]:
    """The parts of files, with a zip's part replaced by the parts of its members."""
    out: list[FilePart] = []
    for part in parts:
        out.extend(part.members if part.members else [part])
    return out


def check_file_part(path: Path, ctx: Context, options: Options, collect=None) -> FilePart:
    """Check one file and keep only what a report needs; ``collect(result)`` may add more.

    A zip is opened in memory (:mod:`wibrs_check.readers.archive`): each member is checked as
    a file named ``ZIP:MEMBER`` and the returned part holds the members' parts.
    """
    from .readers.detect import detect_format

    if detect_format(path) == "zip":
        return _check_zip(path, ctx, options, collect)
    return _check_one_file(path, ctx, options, collect)


def _check_zip(path: Path, ctx: Context, options: Options, collect=None) -> FilePart:
    from .readers.archive import ArchiveError, zip_members

    members: list[FilePart] = []
    try:
        for member in zip_members(path):
            label = Path(f"{path}:{member.label}")  # a label for messages, never opened
            if member.data is None:
                members.append(FilePart(str(label), fatal={"path": str(label), "message": member.problem}))
            else:
                members.append(_check_one_file(label, ctx, options, collect, data=member.data))
    except ArchiveError as exc:
        return FilePart(str(path), fatal={"path": str(path), "message": str(exc)})
    if not members:
        return FilePart(str(path), fatal={"path": str(path), "message": "the zip holds no files"})
    return FilePart(str(path), members=members)


def _check_one_file(path: Path, ctx: Context, options: Options, collect=None, data: bytes | None = None) -> FilePart:
    result, problem = check_file(path, ctx, options, data)
    if result is None:
        return FilePart(str(path), fatal={"path": str(path), "message": problem})
    sub = result.submission
    found = result.findings
    part = FilePart(
        str(path), findings=found, summary=engine.agency_summary(sub, found), units=unit_list(sub),
        file={"path": str(path), "format": sub.format, **sub.accounting()},
        not_checked=dict(result.not_checked),
        rule_failures=[{"path": str(path), "code": c, "message": t} for c, t in result.rule_failures.items()],
    )
    recs = found["record"].dropna().astype(int).unique()
    if len(recs):
        texts = sub.records.set_index("record")["raw"].reindex(recs)
        part.raw_records = {(str(sub.source), int(r)): t for r, t in texts.items() if isinstance(t, str)}
    if collect is not None:
        part.extra = collect(result)
    return part


def merge_parts(parts, ctx: Context) -> Report:
    """One Report from FileParts (any iterable), in the order given."""
    all_findings, summaries, files, fatal, failures, units = [], [], [], [], [], []
    not_checked: dict[str, str] = {}
    raw: dict[tuple[str, int], str] = {}
    for part in flatten_parts(parts):
        if part.fatal is not None:
            fatal.append(part.fatal)
            continue
        all_findings.append(part.findings)
        summaries.append(part.summary)
        units.append(part.units)
        not_checked.update(part.not_checked)
        failures.extend(part.rule_failures)
        files.append(part.file)
        raw.update(part.raw_records)
    found = pd.concat(all_findings, ignore_index=True) if all_findings else findings_mod.empty()
    summary = pd.concat(summaries, ignore_index=True) if summaries else pd.DataFrame(columns=engine.SUMMARY_COLUMNS)
    summary = with_agency_names(summary, ctx)
    unit_rows = pd.concat(units, ignore_index=True) if units else empty_units()
    return Report(
        findings=found, summary=summary, files=files, not_checked=not_checked, raw_records=raw,
        fatal=fatal, rule_failures=failures, processed_on=ctx.today.strftime("%m/%d/%Y"),
        units=unit_rows, nothing_sent=sent_nothing(unit_rows, ctx.agencies),
    )


def build_report(paths: list[Path], ctx: Context, options: Options, collect=None) -> Report:
    """``collect(result)`` runs right after each file's check (``--commit`` records it there)."""
    return merge_parts((check_file_part(path, ctx, options, collect) for path in paths), ctx)


def unit_list(sub: Submission) -> pd.DataFrame:
    """One row per submission unit of ``sub`` (UNIT_COLUMNS), with the first physical line."""
    if not len(sub.records):
        return empty_units()
    out = engine.unit_firsts(sub).rename(columns={"unit_kind": "kind"}).reset_index()
    out["line"] = pd.array(out["line"].to_numpy(), dtype="Int64")
    out["unit"] = out["unit"].astype("Int64")
    out["file"] = str(sub.source)
    return out[list(UNIT_COLUMNS)]


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

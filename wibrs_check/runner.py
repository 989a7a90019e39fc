"""Check a list of files and build one Report: the work behind ``wibrs-check check``."""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import engine, findings as findings_mod, model
from .context import Context
from .gaps import sent_nothing
from .model import Submission
from .readers.flatfile import UnreadableInput, read_flat
from .readers.flatgroup import can_concatenate, read_flat_group
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


def read_for_check(path: Path, options: Options, data: bytes | None = None) -> tuple[Submission | None, str | None]:
    """Read one file as the check needs it (XSD problems merged in), or say why it cannot be read.

    ``data``: the file's bytes already in hand (a zip member), read instead of ``path``."""
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
    return sub, None


def check_file(path: Path, ctx: Context, options: Options, data: bytes | None = None
               ) -> tuple[engine.Result | None, str | None]:
    """Read and check one file (``data``: its bytes already in hand, e.g. a zip member)."""
    sub, problem = read_for_check(path, options, data)
    if sub is None:
        return None, problem
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


NOT_CHECKED = "not checked"  # FilePart.fatal["status"] of a file no worker could check


def not_checked_part(path: str, message: str) -> FilePart:
    """The part of a file that was not checked at all (its workers died, a chunk was lost)."""
    return FilePart(path, fatal={"path": path, "message": message, "status": NOT_CHECKED})


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
    return result_part(path, result, collect)


def result_part(path: Path, result: engine.Result, collect=None) -> FilePart:
    """The FilePart of one file's check result."""
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
    """``collect(result)`` runs right after each file's check (``--commit`` records it there).

    Files are checked in groups (:func:`check_group_parts`) unless ``collect`` needs each
    file's own model; the report is the same either way."""
    return merge_parts(check_parts_grouped(paths, ctx, options, collect), ctx)


# ---------------------------------------------------------------------------------------
# Many files, one model

# How much a joined model may hold: records (segments) and bytes read. A month's small files
# fit many to a group; a file above either budget is checked alone.
GROUP_RECORDS = 200_000
GROUP_BYTES = 24_000_000


def can_group(ctx: Context, collect=None) -> bool:
    """Whether files may be checked as one model: not with a history store (its edits and
    ``--commit`` compare and record one file at a time), and not when ``collect`` needs each
    file's own result (a collector that handles joined results says so with ``by_file``)."""
    return ctx.history is None and (collect is None or getattr(collect, "by_file", False))


def check_parts_grouped(paths, ctx: Context, options: Options, collect=None,
                        budget_records: int = GROUP_RECORDS, budget_bytes: int = GROUP_BYTES):
    """FileParts of ``paths`` in order (a generator), checking files together in joined models
    of up to ``budget_records`` records / ``budget_bytes`` bytes, one model per format.

    Flat files are read together in one pass (``readers.flatgroup``); XML files are read one
    by one and joined (``model.join``); SBR returns, empty or unreadable files and files
    with reader problems are checked alone. Each part is what checking its file alone gives.
    """
    from .readers.detect import detect_format

    paths = list(paths)
    if not can_group(ctx, collect):
        for path in paths:
            yield check_file_part(path, ctx, options, collect)
        return
    flat: list[tuple[int, Path, bytes]] = []  # waiting for their group: flat files' bytes
    read: list[tuple[int, Path, Submission]] = []  # and other joinable files, read
    done: dict[int, FilePart] = {}
    held = {"records": 0, "bytes": 0}

    def flush():
        if flat:
            joined = read_flat_group([(str(p), data) for _, p, data in flat])
            if joined is not None:
                done.update(zip([i for i, _, _ in flat], _check_model([p for _, p, _ in flat], joined, ctx, options, collect)))
            else:  # the reader had something to say about a file: each is read on its own
                for i, p, _ in flat:
                    sub, problem = read_for_check(p, options)
                    done[i] = _checked_alone(p, sub, ctx, options, collect) if sub is not None else \
                        FilePart(str(p), fatal={"path": str(p), "message": problem})
        if read:
            done.update(zip([i for i, _, _ in read],
                            check_joined([p for _, p, _ in read], [s for _, _, s in read], ctx, options, collect)))
        flat.clear()
        read.clear()
        held.update(records=0, bytes=0)

    def make_room(records: int, size: int, source: str) -> None:
        sources = {str(p) for _, p, _ in flat} | {str(p) for _, p, _ in read}
        if source in sources or held["records"] + records > budget_records or held["bytes"] + size > budget_bytes:
            flush()
        held["records"] += records
        held["bytes"] += size

    next_out = 0
    for index, path in enumerate(paths):
        kind = detect_format(path)
        data = None if kind == "zip" else _flat_bytes(path, kind, budget_bytes)
        if kind == "zip":  # its members are checked one by one
            done[index] = _check_zip(path, ctx, options, collect)
        elif data is not None:
            make_room(data.count(b"\n"), len(data), str(path))  # lines: at least the records
            flat.append((index, path, data))
        else:
            sub, problem = read_for_check(path, options)
            size = _size(path)
            if sub is None:
                done[index] = FilePart(str(path), fatal={"path": str(path), "message": problem})
            elif not model.joinable(sub) or len(sub.records) >= budget_records or size >= budget_bytes:
                done[index] = _checked_alone(path, sub, ctx, options, collect)
            else:
                make_room(len(sub.records), size, str(path))
                read.append((index, path, sub))
        while next_out in done:
            yield done.pop(next_out)
            next_out += 1
    flush()
    while next_out in done:
        yield done.pop(next_out)
        next_out += 1


def file_groups(paths: list[Path], jobs: int, budget_bytes: int = GROUP_BYTES) -> list[list[int]]:
    """Indexes of ``paths`` in groups for the workers: consecutive files, about the same bytes
    per group, at least two groups per worker (so a slow group does not leave a worker idle)
    and no more bytes per group than a joined model may hold."""
    sizes = [max(_size(p), 1) for p in paths]
    total = sum(sizes)
    count = max(2 * jobs, math.ceil(total / budget_bytes)) if jobs > 1 else max(1, math.ceil(total / budget_bytes))
    target = total / min(count, len(paths)) if paths else 1
    groups: list[list[int]] = [[]]
    held = 0
    for i, size in enumerate(sizes):
        if groups[-1] and held + size > target * 1.05:
            groups.append([])
            held = 0
        groups[-1].append(i)
        held += size
    return [g for g in groups if g]


def _flat_bytes(path: Path, kind: str, budget_bytes: int) -> bytes | None:
    """The bytes of a flat file (``kind`` as detected) that can be read together with others, else None."""
    if _size(path) >= budget_bytes or kind != "flat":
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None  # read alone: the reader words the message
    return data if can_concatenate(data) else None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _checked_alone(path: Path, sub: Submission, ctx: Context, options: Options, collect=None) -> FilePart:
    return result_part(path, engine.run(sub, ctx, options.select, options.ignore), collect)


def check_joined(paths: list[Path], subs: list[Submission], ctx: Context, options: Options,
                 collect=None) -> list[FilePart]:
    """Check the submissions of several files (one format) as one model; one FilePart per
    file, each exactly what checking that file alone gives."""
    if len(subs) == 1:
        return [_checked_alone(paths[0], subs[0], ctx, options, collect)]
    joined = model.join(subs)
    del subs[:]  # the joined model holds the data now: let the single-file frames go
    return _check_model(paths, joined, ctx, options, collect)


def _check_model(paths: list[Path], joined: Submission, ctx: Context, options: Options, collect=None) -> list[FilePart]:
    return split_result(paths, engine.run(joined, ctx, options.select, options.ignore), collect)


def split_result(paths: list[Path], result: engine.Result, collect=None) -> list[FilePart]:
    """One FilePart per file of a joined check: findings, summary rows, units, accounting and
    the raw text of records with findings, with each file's own unit numbers."""
    sub = result.submission
    files = sub.files
    sources = files["source"].tolist()
    found = result.findings
    summary = engine.agency_summary(sub, found)
    units = unit_list(sub)
    collected = collect(result) if collect is not None else None
    found_by = _rows_by_source(found, sources)
    summary_by = _rows_by_source(summary, sources)
    units_by = _rows_by_source(units, sources)
    collected_by = _rows_by_source(collected, sources) if collected is not None else {}
    raw = sub.records["raw"].to_numpy()
    record_numbers = sub.records["record"].to_numpy()
    parts = []
    for position, (path, row) in enumerate(zip(paths, files.itertuples(index=False))):
        mine = _own_units(found_by[row.source], row.first_unit)
        part = FilePart(
            str(path), findings=mine, summary=summary_by[row.source], units=_own_units(units_by[row.source], row.first_unit),
            file={"path": str(path), "format": row.format, "records_read": int(row.records),
                  "records_placed": int(row.records_placed), "records_unplaced": int(row.records_unplaced),
                  "blank_lines": int(row.blank_lines)},
            not_checked=dict(result.not_checked),
            rule_failures=[{"path": str(path), "code": c, "message": t} for c, t in result.rule_failures.items()],
        )
        recs = mine["record"].dropna().astype(int).unique()
        if len(recs):
            rids = row.first_rid + recs - 1  # a file's records are contiguous and numbered from 1
            ok = record_numbers[rids] == recs
            part.raw_records = {(row.source, int(r)): t for r, t in zip(recs[ok], raw[rids[ok]]) if isinstance(t, str)}
        if collect is not None:
            part.extra = collected_by[row.source]
        parts.append(part)
    return parts


def _rows_by_source(frame: pd.DataFrame, sources: list[str]) -> dict[str, pd.DataFrame]:
    """``frame``'s rows per value of its ``file`` column, for every source (empty when none)."""
    keys = frame["file"].astype(str).to_numpy()
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    out = {}
    for source in sources:
        lo, hi = np.searchsorted(ordered, source, "left"), np.searchsorted(ordered, source, "right")
        out[source] = frame.iloc[np.sort(order[lo:hi])].reset_index(drop=True)
    return out


def _own_units(frame: pd.DataFrame, first_unit: int) -> pd.DataFrame:
    """``frame`` with the joined model's unit numbers turned back into the file's own."""
    if "unit" not in frame.columns or not first_unit:
        return frame
    return frame.assign(unit=frame["unit"] - first_unit)


def unit_list(sub: Submission) -> pd.DataFrame:
    """One row per submission unit of ``sub`` (UNIT_COLUMNS), with the first physical line."""
    if not len(sub.records):
        return empty_units()
    out = engine.unit_firsts(sub).rename(columns={"unit_kind": "kind"}).reset_index()
    out["line"] = pd.array(out["line"].to_numpy(), dtype="Int64")
    out["unit"] = out["unit"].astype("Int64")
    out["file"] = str(sub.source) if sub.files is None else sub.files["source"].to_numpy(dtype=object)[out["file"].to_numpy()]
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


def peak_rss_mib() -> float:
    """This process's peak resident memory in MiB (a worker reports it with its parts)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def default_jobs() -> int:
    """Worker processes to use by default: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def today() -> dt.date:
    return dt.date.today()

"""The state's monthly run: check many files in parallel and sum them up per agency.

``run_batch`` takes directories, glob patterns, list files and plain files
(:func:`collect_inputs`), checks every file in a pool of worker processes
(``concurrent.futures.ProcessPoolExecutor``; ``jobs=1`` checks in this process) and returns a
:class:`BatchResult`:

* ``report``: the same :class:`~wibrs_check.report.Report` ``wibrs-check check`` builds (all
  findings, per-file summary rows, unreadable files), so every findings writer works on it;
* ``summary``: one row per agency and month (``AGENCY_COLUMNS``), including the agencies of
  the agency master file that sent nothing for the month;
* ``evidence`` and ``gaps``: the offense-code gap evidence and signals (:mod:`wibrs_check.gaps`);
* ``stats``: files, records, seconds, files and records per second, worker peak memory.

Each worker checks a group of files (:func:`file_groups`) as a few joined models
(``runner.check_parts_grouped``: the small files of a month read into one ``Submission`` up to a
record and byte budget, every rule run once over them, the result split by file again), so
the engine's fixed cost is paid per group, not per file. Memory stays bounded however many
files there are: a joined model is capped by that budget, and a worker sends back only a
:class:`~wibrs_check.runner.FilePart` per file (findings, summary rows, unit list, record
accounting, the raw text of records that have findings) and the file's gap evidence, never
the model. The parent holds those compact results only; what it holds grows
with the number of findings and reports, not with the size of the files.

A file that cannot be read, or whose check fails unexpectedly, is reported as unreadable and
the run goes on; if a worker process dies (for example killed for memory), the files it had
in hand are tried once more in a fresh pool and reported as unreadable if that fails too.
"""

from __future__ import annotations

import glob
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from . import gaps as gaps_mod
from .agencies import by_ori
from .context import Context
from .executors import accounting
from .report import AGENCY_COLUMNS, Report
from .runner import (FilePart, Options, check_file_part, check_parts_grouped, default_jobs, file_groups, flatten_parts,
                     merge_parts, not_checked_part, peak_rss_mib)

# Files a folder or glob may hold that are never submissions (the generator's and the state's
# own tables). Everything else is judged by content (readers.detect.not_a_submission).
NOT_SUBMISSIONS = frozenset({"expected_findings.csv", "expected_gaps.csv", "agency_master.csv",
                             "damaged_files.csv"})
GLOB_CHARS = frozenset("*?[")

AGENCY_COLUMN_DOCS = {
    "ori": "ORI of the agency",
    "name": "agency name from the agency master file (--agencies); blank without one",
    "month": "submission month YYYY-MM the agency's reports carry ('unknown' when unreadable)",
    "status": "sent; nothing sent (in the agency master file, no report at all for the month); "
              "not in agency file (sent, but the ORI is not in the master file)",
    "files": "files that held the agency's reports for the month",
    "format": "flat, xml and/or sbr",
    "records": "records (segments, or summary rows) read",
    "incidents": "Group A incident reports received (deletes not counted)",
    "incidents_accepted": "Group A incident reports with no error (incidents - incidents_rejected)",
    "incidents_rejected": "Group A incident reports that would be rejected (they have an error)",
    "group_b": "Group B arrest reports received",
    "zero_reports": "zero reports received",
    "sbr_returns": "summary (SBR) monthly returns received",
    "received": "all reports received: incidents and their deletes, Group B arrests, zero reports, SBR returns",
    "accepted": "reports with no error",
    "rejected": "reports with at least one error (the FBI rejects the whole report)",
    "error_rate": "rejected / received (0 when nothing was received)",
    "errors": "error findings, file_errors included",
    "file_errors": "errors about a whole file of the agency rather than a record (for example XML01: the "
                   "XML is not well-formed, so nothing after the fault was read); a file holding several "
                   "agencies counts them on each",
    "warnings": "data-quality warning findings",
    "flags": "flag findings (our own HT/GAP signals on the data)",
    "ht_flags": "trafficking flags (codes HT...) among the findings",
    "top_errors": "the most frequent error numbers, as CODExCOUNT",
    "layout": "2019.1 layout variant of levels 1, 2, 4, 5: extended (88/71/141/46), short (87/63/129/45: no cargo theft, bias #2-#5, LEOKA, offender ethnicity), or both",
}


# ---------------------------------------------------------------------------------------
# Inputs


@dataclass
class Inputs:
    paths: list[Path] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # path, reason
    missing: list[dict] = field(default_factory=list)  # path, message: named but not there


def _is_glob(text: str) -> bool:
    return any(ch in GLOB_CHARS for ch in text)


def _wanted(path: Path) -> str | None:
    """None when a file is to be checked, else why it is skipped.

    Judged by content, never by name (except hidden files and the tool's own tables): a file
    that is plainly something else (a PDF, a Word document, notes) is skipped as "not a
    submission"; a file that cannot be read, or is empty, is checked, so that it is reported
    as unreadable or empty whatever its extension.
    """
    from .readers.detect import detect_format_bytes, not_a_submission, read_head, special_file

    if path.name.startswith("."):
        return "hidden file"
    if path.name in NOT_SUBMISSIONS:
        return "not a submission (a generator or agency file)"
    special = special_file(path)
    if special:
        return special
    head = read_head(path)
    if not head or detect_format_bytes(head) == "eds":
        return None  # unreadable, empty, or an Error Data Set: the check reports each as such
    looks = not_a_submission(head)
    return f"not a submission: looks like {looks}" if looks else None


def _resolve_entry(entry: str, base: Path) -> str:
    """A list-file entry: relative to the list file's folder, else to the current folder."""
    if Path(entry).is_absolute():
        return entry
    beside = base / entry
    if _is_glob(entry) or beside.exists() or not Path(entry).exists():
        return str(beside)
    return entry


def _link_problem(path: Path, root: Path) -> str | None:
    """Why a symbolic link found under ``root`` is not followed, or None for a link to a
    file inside ``root``. A link is never followed out of the folder it was found in."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "broken or looping symbolic link"
    if target != root and root not in target.parents:
        return "symbolic link to outside the folder (not followed)"
    if target.is_dir():
        return "symbolic link to a folder (not followed)"
    return None


def _walk(folder: Path) -> Iterable[Path]:
    """Every entry below ``folder`` that is not a folder (files, links, pipes ...), in name
    order, without following links to folders and without entering hidden folders."""
    for current, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            yield Path(current) / name
        for name in dirs:  # a link to a folder is listed by os.walk among the folders
            if (Path(current) / name).is_symlink():
                yield Path(current) / name
        dirs[:] = [d for d in dirs if not (Path(current) / d).is_symlink()]


def _glob_root(pattern: str) -> Path:
    """The folder a glob pattern looks in: its part before the first wildcard."""
    fixed: list[str] = []
    for part in Path(pattern).parts:
        if _is_glob(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def collect_inputs(items: Iterable[str | Path], exclude: Path | None = None) -> Inputs:
    """Expand folders (recursively), globs and list files into files to check.

    A list file is named with a leading ``@`` (``@month.txt``), never guessed from its
    content: a file named on the command line is checked as a submission. Paths in a list
    file are relative to the list file's folder. Files are checked once each, in the order
    found (a folder's files in name order). Every path found ends up in exactly one of
    ``paths`` (to check; unreadable and empty files are reported by the check), ``skipped``
    (not a submission, hidden, not a regular file, a link not followed) or ``missing``
    (named but not there).
    """
    out = Inputs()
    seen: set[Path] = set()
    checked: set[str] = set()
    skipped: set[str] = set()
    exclude = exclude.resolve() if exclude else None

    def skip(path: Path, reason: str) -> None:
        if str(path) not in skipped:
            skipped.add(str(path))
            out.skipped.append({"path": str(path), "reason": reason})

    def add(path: Path, root: Path | None) -> None:
        """``root``: the folder ``path`` was found in (None: named on its own)."""
        if root is not None and path.is_symlink():
            problem = _link_problem(path, root.resolve())
            if problem:
                skip(path, problem)
                return
        try:
            key = path.resolve()
        except (OSError, RuntimeError):
            skip(path, "broken or looping symbolic link")
            return
        if exclude and (key == exclude or exclude in key.parents):
            return
        if key in seen:
            if root is not None and str(path) not in checked:  # a second name (a link) for a file checked
                skip(path, "the same file as one already checked (checked once)")
            return
        reason = _wanted(path)
        if reason:
            skip(path, reason)
            return
        seen.add(key)
        checked.add(str(path))
        out.paths.append(path)

    def expand(item: str, depth: int = 0) -> None:
        if item.startswith("@"):
            listed = Path(item[1:])
            if depth > 3:
                out.missing.append({"path": str(listed), "message": "list files nested too deep"})
                return
            try:
                text = listed.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                out.missing.append({"path": str(listed),
                                    "message": f"cannot read the list file ({getattr(exc, 'strerror', None) or exc})"})
                return
            for line in text.splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    expand(_resolve_entry(line, listed.parent), depth + 1)
            return
        path = Path(item)
        if path.is_dir():
            for child in _walk(path):
                add(child, path)
            return
        if os.path.lexists(path):
            add(path, None)
            return
        if _is_glob(item):
            root = _glob_root(item)
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                out.missing.append({"path": item, "message": "no file matches this pattern"})
            for match in matches:
                m = Path(match)
                if m.is_dir() and not m.is_symlink():
                    expand(match, depth + 1)
                else:
                    add(m, root)
            return
        out.missing.append({"path": item, "message": "no such file or folder"})

    for item in items:
        expand(str(item))
    return out


# ---------------------------------------------------------------------------------------
# Workers

_WORKER: dict = {}


def _init_worker(ctx: Context, options: Options) -> None:
    _WORKER["ctx"] = ctx
    _WORKER["options"] = options


def _check_one(path: str) -> tuple[FilePart, dict]:
    """Worker: read and check one file; compact results only (the model dies here)."""
    try:
        part = check_file_part(Path(path), _WORKER["ctx"], _WORKER["options"], collect=gaps_mod.evidence)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the month
        part = _unexpected(path, exc)
    return part, {"pid": os.getpid(), "rss_peak_mib": peak_rss_mib()}


def _unexpected(path: str, exc: Exception) -> FilePart:
    return FilePart(path, fatal={"path": path, "message": f"the check failed unexpectedly "
                                 f"({type(exc).__name__}: {exc}); please report this"})


def _check_one_listed(path: str) -> list[tuple[FilePart, dict]]:
    return [_check_one(path)]


def _check_group(paths: list[str]) -> list[tuple[FilePart, dict]]:
    """Worker: check a group of files as few joined models (``runner.check_parts_grouped``);
    if that fails unexpectedly, each file again alone so that only the culprit is lost."""
    try:
        parts = list(check_parts_grouped([Path(p) for p in paths], _WORKER["ctx"], _WORKER["options"],
                                         collect=gaps_mod.evidence))
    except Exception:  # noqa: BLE001 - one bad file must not stop the month
        return [_check_one(path) for path in paths]
    stat = {"pid": os.getpid(), "rss_peak_mib": peak_rss_mib()}
    return [(part, stat) for part in parts]


# ---------------------------------------------------------------------------------------
# Progress


# Files that must be done before the time left is estimated: the first files finish in a
# burst after the workers' start-up, so an estimate from them swings wildly.
ETA_SETTLE_FILES = 5


def eta_seconds(done: int, total: int, first_done_at: float | None, now: float) -> float | None:
    """Seconds left, from the pace since the first file finished (the workers' start-up is not
    part of the pace); None until ETA_SETTLE_FILES (or all) files are done."""
    if done >= total:
        return 0.0
    if first_done_at is None or done < min(ETA_SETTLE_FILES, total) or now <= first_done_at:
        return None
    per_file = (now - first_done_at) / (done - 1)
    return per_file * (total - done)


class Progress:
    """Files done, records per second and ETA on stderr: a rich bar on a terminal, lines otherwise."""

    def __init__(self, total: int, mode: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.records = 0
        self.start = time.perf_counter()
        self.first_done_at: float | None = None
        self.last_line = 0.0
        self.bar = None
        interactive = getattr(self.stream, "isatty", lambda: False)()
        self.enabled = interactive if mode is None else mode
        self.rich = self.enabled and interactive
        if self.rich:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn,
                                       TimeElapsedColumn)

            self.bar = Bar(
                TextColumn("[bold]checking"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
                TextColumn("{task.fields[rate]} records/s"), TimeElapsedColumn(), TextColumn("{task.fields[eta]}"),
                console=Console(file=self.stream), transient=False,
            )
            self.bar.start()
            self.task = self.bar.add_task("check", total=total, rate="0", eta="time left: estimating")

    def rate(self) -> float:
        elapsed = time.perf_counter() - self.start
        return self.records / elapsed if elapsed > 0 else 0.0

    def time_left(self, now: float) -> str:
        eta = eta_seconds(self.done, self.total, self.first_done_at, now)
        return "time left: estimating" if eta is None else f"about {_clock(eta)} left"

    def advance(self, part: FilePart) -> None:
        from .terminal import rich_safe, safe

        self.done += 1
        now = time.perf_counter()
        if self.first_done_at is None:
            self.first_done_at = now
        for piece in flatten_parts([part]):  # a zip: its members
            if piece.file:
                self.records += int(piece.file.get("records_read", 0))
        if not self.enabled:
            return
        failed = [piece.fatal for piece in flatten_parts([part]) if piece.fatal]
        if self.bar is not None:
            self.bar.update(self.task, advance=1, rate=f"{self.rate():,.0f}", eta=self.time_left(now))
            for bad in failed:
                self.bar.console.print(f"[red]unreadable[/red] {rich_safe(bad['path'])}: {rich_safe(bad['message'])}")
            return
        for bad in failed:
            print(safe(f"wibrs-check: unreadable {bad['path']}: {bad['message']}"), file=self.stream)
        step = max(1, self.total // 20)
        if self.done == self.total or self.done % step == 0 or now - self.last_line > 10:
            self.last_line = now
            elapsed = now - self.start
            print(f"checked {self.done}/{self.total} files, {self.records:,} records "
                  f"({self.rate():,.0f} records/s), {_clock(elapsed)} elapsed, {self.time_left(now)}",
                  file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _clock(seconds: float) -> str:
    seconds = int(math.ceil(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


# ---------------------------------------------------------------------------------------
# The run


@dataclass
class BatchResult:
    report: Report
    evidence: pd.DataFrame
    summary: pd.DataFrame
    gaps: pd.DataFrame
    months: list[str]
    inputs: Inputs
    stats: dict


def _failed(path: Path, message: str) -> FilePart:
    return FilePart(str(path), fatal={"path": str(path), "message": message})


def check_parts(paths: list[Path], ctx: Context, options: Options, jobs: int,
                on_done: Callable[[FilePart], None] | None = None,
                group: bool = True) -> tuple[list[FilePart], list[dict]]:
    """Check ``paths`` with ``jobs`` workers; parts in the order of ``paths``, and worker stats.

    Each worker checks a group of files as joined models (:func:`file_groups`); ``group=False``
    checks one file at a time (the same report, at a fixed cost per file: benchmarks)."""
    parts: list[FilePart | None] = [None] * len(paths)
    stats: list[dict] = []

    def done(index: int, part: FilePart, stat: dict) -> None:
        parts[index] = part
        stats.append(stat)
        if on_done:
            on_done(part)

    groups = file_groups(paths, jobs) if group else [[i] for i in range(len(paths))]
    if jobs <= 1 or len(paths) <= 1:
        _init_worker(ctx, options)
        for group in groups:
            checked = _check_group([str(paths[i]) for i in group]) if len(group) > 1 else [_check_one(str(paths[group[0]]))]
            for i, (part, stat) in zip(group, checked):
                done(i, part, stat)
        return parts, stats  # type: ignore[return-value]

    crashed: list[int] = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), initializer=_init_worker,
                             initargs=(ctx, options)) as pool:
        futures = {pool.submit(_check_group, [str(paths[i]) for i in group]) if len(group) > 1
                   else pool.submit(_check_one_listed, str(paths[group[0]])): group for group in groups}
        for future in as_completed(futures):
            group = futures[future]
            try:
                for i, (part, stat) in zip(group, future.result()):
                    done(i, part, stat)
            except BrokenProcessPool:  # a worker died: every file in flight is lost with it
                crashed.extend(group)
            except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back
                for i in group:
                    done(i, _failed(paths[i], f"the check failed ({type(exc).__name__}: {exc})"), {})
    # Try each lost file once more, alone in a fresh worker, so that only the file that
    # kills its worker is lost.
    for i in sorted(crashed):
        with ProcessPoolExecutor(max_workers=1, initializer=_init_worker, initargs=(ctx, options)) as pool:
            try:
                done(i, *pool.submit(_check_one, str(paths[i])).result())
            except BrokenProcessPool:
                done(i, not_checked_part(str(paths[i]), "not checked: the worker process checking this file died "
                                                         "(out of memory?)"), {})
            except Exception as exc:  # noqa: BLE001
                done(i, _failed(paths[i], f"the check failed ({type(exc).__name__}: {exc})"), {})
    return parts, stats  # type: ignore[return-value]


def run_batch(items: Iterable[str | Path], ctx: Context, options: Options, jobs: int | None = None,
              progress: bool | None = None, months: list[str] | None = None,
              exclude: Path | None = None, cluster=None, group: bool = True) -> BatchResult:
    """Check every file the inputs name and build the month's report, summary and gap report.

    ``cluster``: an :class:`wibrs_check.executors.Cluster` to check the files on Dask
    workers instead of the local process pool (the same parts come back; each file is a task).
    ``group=False`` checks one file at a time instead of in joined models (same result)."""
    inputs = collect_inputs(items, exclude=exclude)
    jobs = jobs or default_jobs()
    started = time.perf_counter()
    bar = Progress(len(inputs.paths), progress)
    try:
        if cluster is None:
            parts, worker_stats = check_parts(inputs.paths, ctx, options, jobs, bar.advance, group=group)
        else:
            parts, worker_stats = cluster.check(inputs.paths, ctx, options, bar.advance)
            jobs = cluster.workers()
    finally:
        bar.close()
    seconds = time.perf_counter() - started
    for missing in inputs.missing:
        parts.append(FilePart(missing["path"], fatal=missing))
    report = merge_parts(parts, ctx)
    evidence = gaps_mod.combine([p.extra for p in flatten_parts(parts) if p.fatal is None])
    run = gaps_mod.run_months(evidence, months)
    if getattr(ctx, "history", None) is not None:  # add the months committed earlier (history.stored)
        from .history.stored import extend_run

        report.summary, evidence, run = extend_run(ctx.history, report.summary, evidence, months)
    summary = agency_summary(report, evidence, ctx, run)
    gap_frame = gaps_mod.signals(evidence, ctx.agencies, run)
    records = int(sum(f["records_read"] for f in report.files))
    checked = len(inputs.paths)
    stats = {
        "files": checked, "unreadable": len(report.fatal), "skipped": len(inputs.skipped),
        "records": records, "seconds": round(seconds, 3), "jobs": jobs if checked > 1 else 1,
        "files_per_second": round(checked / seconds, 3) if seconds else None,
        "records_per_second": round(records / seconds, 1) if seconds else None,
        "worker_peak_rss_mib": round(max((s.get("rss_peak_mib", 0) for s in worker_stats), default=0), 1),
        "workers": len({(s.get("host"), s["pid"]) for s in worker_stats if "pid" in s}),
        "accounting": accounting(checked + len(inputs.missing), parts),
    }
    return BatchResult(report, evidence, summary, gap_frame, run, inputs, stats)


# ---------------------------------------------------------------------------------------
# Per-agency summary


def _union_layout(values: pd.Series) -> str:
    found = {part for v in values for part in str(v).split("/") if part}
    return "/".join(sorted(found))


def agency_summary(report: Report, evidence: pd.DataFrame, ctx: Context, months: list[str]) -> pd.DataFrame:
    """One row per agency and month (``AGENCY_COLUMNS``), then the agencies that sent nothing."""
    s = report.summary
    names = {}
    if ctx.agencies is not None and "name" in ctx.agencies:
        names = by_ori(ctx.agencies)["name"].to_dict()
    rows: list[dict] = []
    if len(s) and len(evidence):
        ev = evidence[["file", "ori", "month", "incidents_rejected", "ht_flags"]]
        merged = s.drop(columns="ht_flags", errors="ignore").merge(ev, on=["file", "ori"], how="left")
        merged["month"] = merged["month"].fillna(gaps_mod.UNKNOWN_MONTH)
        for column in ("incidents_rejected", "ht_flags"):
            merged[column] = merged[column].fillna(0).astype(int)
        f = report.findings
        errors = f[f["severity"] == "error"][["file", "ori", "code"]]
        # A file-level error (no ORI, e.g. XML01) belongs to every agency of its file.
        file_level = errors[errors["ori"].fillna("") == ""].drop(columns="ori").merge(
            merged[["file", "ori"]].drop_duplicates(), on="file")
        per_file = file_level.groupby(["file", "ori"]).size().rename("file_errors").reset_index()
        merged = merged.merge(per_file, on=["file", "ori"], how="left")
        merged["file_errors"] = merged["file_errors"].fillna(0).astype(int)
        merged["errors"] = merged["errors"] + merged["file_errors"]
        errors = pd.concat([errors[errors["ori"].fillna("") != ""], file_level[["file", "ori", "code"]]], ignore_index=True)
        errors = errors.merge(ev[["file", "ori", "month"]], on=["file", "ori"], how="left")
        errors["month"] = errors["month"].fillna(gaps_mod.UNKNOWN_MONTH)
        top = errors.groupby(["ori", "month"])["code"].agg(
            lambda c: " ".join(f"{k}x{v}" for k, v in c.value_counts().head(3).items()))
        counts = ["records", "incidents", "incidents_rejected", "group_b", "zero_reports", "sbr_returns",
                  "units", "accepted", "rejected", "errors", "file_errors", "warnings", "flags", "ht_flags"]
        for (ori, month), g in merged.groupby(["ori", "month"], sort=True):
            row = {c: int(g[c].sum()) for c in counts}
            row["received"] = row.pop("units")
            row["incidents_accepted"] = row["incidents"] - row["incidents_rejected"]
            row.update({
                "ori": ori, "name": names.get(ori, ""), "month": month,
                "status": "sent" if not names or ori in names else "not in agency file",
                "files": int(g["file"].nunique()), "format": "/".join(sorted(set(g["format"]))),
                "error_rate": round(row["rejected"] / row["received"], 4) if row["received"] else 0.0,
                "top_errors": top.get((ori, month)) or " ".join(  # stored months (--history): their own
                    t for t in g.get("top_errors", pd.Series(dtype=str)).fillna("").astype(str) if t),
                "layout": _union_layout(g["layout"]),
            })
            rows.append(row)
    if ctx.agencies is not None:
        missing = gaps_mod.non_submitters(evidence, ctx.agencies, months)
        zero = {c: 0 for c in AGENCY_COLUMNS if c not in ("ori", "name", "month", "status", "format", "top_errors",
                                                           "layout")}
        for r in missing.itertuples(index=False):
            if any(x["ori"] == r.ori and x["month"] == r.month for x in rows):
                continue  # sent records, but no report we could count: shown as sent
            rows.append({**zero, "ori": r.ori, "name": r.name, "month": r.month, "status": "nothing sent",
                         "format": "", "top_errors": "", "layout": "", "error_rate": 0.0})
    frame = pd.DataFrame(rows, columns=list(AGENCY_COLUMNS))
    for c in AGENCY_COLUMNS:
        if c == "error_rate":
            frame[c] = frame[c].astype(float)
        elif c in ("ori", "name", "month", "status", "format", "top_errors", "layout"):
            frame[c] = frame[c].fillna("").astype(str)
        else:
            frame[c] = frame[c].fillna(0).astype("int64")
    return frame.sort_values(["month", "ori"]).reset_index(drop=True)


def files_without_agency(report: Report) -> list[dict]:
    """Files that were read but added no agency row (no record at all, or none with an ORI),
    with what was found about them (file-level findings such as IO06 "no records")."""
    with_rows = set(report.summary["file"].astype(str)) if len(report.summary) else set()
    f = report.findings
    out = []
    for entry in report.files:
        if str(entry["path"]) in with_rows:
            continue
        mine = f[f["file"].astype(str) == str(entry["path"])]
        said = "; ".join(f"{r.code} {r.message}" for r in mine.drop_duplicates("code").head(3).itertuples(index=False))
        out.append({"path": str(entry["path"]), "records_read": int(entry.get("records_read", 0)),
                    "findings": said or "no finding"})
    return out


def totals(result: BatchResult) -> dict:
    """Run totals: files, agencies, the record accounting of every file read, reports, findings."""
    s = result.summary
    sent = s[s["status"] != "nothing sent"]
    f = result.report.findings
    files = result.report.files

    def read(key: str) -> int:
        return int(sum(int(x.get(key, 0)) for x in files))

    return {
        "months": result.months,
        "files": result.stats["files"], "files_read": len(files), "unreadable_files": len(result.report.fatal),
        "files_without_agency": len(files_without_agency(result.report)),
        "agencies_with_file_errors": sorted(set(sent.loc[sent["file_errors"] > 0, "ori"])),
        "skipped_files": len(result.inputs.skipped),
        "agencies_sent": int(sent["ori"].nunique()),
        "agencies_not_in_agency_file": int(sent.loc[sent["status"] == "not in agency file", "ori"].nunique()),
        "agencies_nothing_sent": int((s["status"] == "nothing sent").sum()),
        "records_read": read("records_read"), "records_placed": read("records_placed"),
        "records_unplaced": read("records_unplaced"), "blank_lines": read("blank_lines"),
        "records": int(sent["records"].sum()), "received": int(sent["received"].sum()),
        "incidents": int(sent["incidents"].sum()), "incidents_accepted": int(sent["incidents_accepted"].sum()),
        "incidents_rejected": int(sent["incidents_rejected"].sum()), "accepted": int(sent["accepted"].sum()),
        "rejected": int(sent["rejected"].sum()),
        "error_rate": round(float(sent["rejected"].sum()) / float(sent["received"].sum()), 4)
        if int(sent["received"].sum()) else 0.0,
        "errors": int((f["severity"] == "error").sum()), "warnings": int((f["severity"] == "warning").sum()),
        "flags": int((f["severity"] == "flag").sum()),
        "ht_flags": int(f["code"].str.startswith("HT").sum()),
        "gap_signals": gaps_mod.by_code(result.gaps),
    }


def render_html(result: BatchResult) -> str:
    """The HTML report page (:mod:`wibrs_check.report.html`) of a batch run."""
    from .report import html

    return html.render(result.report, summary=result.summary, gaps=result.gaps, evidence=result.evidence,
                       months=result.months, stats=result.stats, totals=totals(result), skipped=result.inputs.skipped,
                       quiet_files=files_without_agency(result.report))


def summary_json(result: BatchResult) -> str:
    import json

    from . import __version__

    s = result.summary
    document = {
        "tool": "wibrs-check", "version": __version__, "processed_on": result.report.processed_on,
        "totals": totals(result), "run": result.stats,
        "columns": AGENCY_COLUMN_DOCS,
        "agencies": s.astype(object).where(s.notna(), None).to_dict(orient="records"),
        "nothing_sent": s.loc[s["status"] == "nothing sent", ["ori", "name", "month"]].to_dict(orient="records"),
        "files": result.report.files,
        "unreadable_files": result.report.fatal,
        "files_without_agency": files_without_agency(result.report),
        "skipped_files": result.inputs.skipped,
        "rule_failures": result.report.rule_failures,
        "not_checked": [{"code": c, "needs": n} for c, n in sorted(result.report.not_checked.items())],
    }
    return json.dumps(document, indent=2, default=str) + "\n"


def summary_csv(result: BatchResult) -> str:
    from .report.spreadsheet import neutralise_formulas  # agency names and values are untrusted text

    return neutralise_formulas(result.summary[list(AGENCY_COLUMNS)]).to_csv(index=False, lineterminator="\n")

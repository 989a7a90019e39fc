"""Checking the files of a run on a Dask cluster (``batch``/``gaps`` ``--scheduler``).

The local process pool lives in :mod:`wibrs_check.batch`; this module sends the same work to
Dask workers instead. The unit of work is a *task*: a list of paths that a worker checks and
turns into one :class:`~wibrs_check.runner.FilePart` per path, the same small part the process
pool returns (findings, summary rows, unit list, accounting, gap evidence; never the model).
The client keeps only those parts, so its memory grows with the findings, not with the files.

* ``--scheduler tcp://host:8786`` uses a running ``dask scheduler`` and its workers;
  ``--scheduler local`` starts a ``LocalCluster`` of ``--jobs`` single-threaded worker
  processes on this machine.
* Workers open the paths the client gives them, so they need the same paths (shared storage).
  ``--upload`` sends each file's bytes with its task instead; the worker checks a temporary
  copy and the results name the original path.
* A worker that dies while checking (killed, out of memory) does not lose the file: the
  scheduler gives the task to another worker, up to ``distributed.scheduler.allowed-failures``
  times (3 by default); after that the file is reported as *not checked*. So is a path the
  worker cannot see. Every file given is counted in :func:`accounting`.
* ``--commit``: each worker records its accepted files in the history store, one transaction
  per file (:class:`wibrs_check.history.session.Committer`); only a shared database
  (PostgreSQL) can take that, so a SQLite store is refused (:func:`refuse_file_database`).

Dask is an optional extra (``pip install 'wibrs-check[dask]'``); without it
:func:`open_cluster` raises :class:`ClusterError` with the install command. docs/cluster.md
has the set-up.
"""

from __future__ import annotations

import os
import socket
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from . import gaps as gaps_mod
from .context import Context
from .runner import (NOT_CHECKED, FilePart, Options, check_file_part, check_parts_grouped, file_groups,
                     not_checked_part, peak_rss_mib)

LOCAL = "local"
INSTALL_HINT = "pip install 'wibrs-check[dask]'"
# Tasks in flight per worker: enough to keep every worker busy, few enough that the
# scheduler never holds a whole run of uploaded files at once.
IN_FLIGHT_PER_WORKER = 2


class ClusterError(Exception):
    """The cluster cannot be used as asked (Dask missing, scheduler unreachable, a SQLite
    store with --commit); the message says what to do."""


@dataclass
class WorkerSetup:
    """What every task needs besides its paths; sent to the workers once per run."""

    ctx: Context
    options: Options
    commit_run: object | None = None  # a history.commit.RunInfo: record accepted files (--commit)


@dataclass
class TaskFile:
    path: str
    data: bytes | None = None  # the file's bytes with --upload
    client_has: bool = True  # the client sees the path (else it is unreadable anywhere, as in the pool)


def _where() -> str:
    try:
        from distributed import get_worker

        return f"worker {get_worker().address} on {socket.gethostname()}"
    except (ImportError, ValueError):
        return f"host {socket.gethostname()}"


def _renamed(part: FilePart, copy: str, original: str) -> FilePart:
    """The part of an uploaded file's temporary copy, naming the original path throughout."""
    part.path = original
    for frame in (part.findings, part.summary, part.units, part.extra):
        if isinstance(frame, pd.DataFrame) and "file" in frame.columns:
            frame["file"] = frame["file"].replace({copy: original})
    if part.file:
        part.file["path"] = original
    if part.fatal:
        part.fatal["path"] = original
        part.fatal["message"] = part.fatal["message"].replace(copy, original)
    for failure in part.rule_failures:
        failure["path"] = original
    part.raw_records = {(original if src == copy else src, rec): text for (src, rec), text in part.raw_records.items()}
    return part


def _missing_here(item: TaskFile) -> bool:
    """True when the client sees the file (and sent no bytes) but this worker does not."""
    return item.data is None and item.client_has and not os.path.exists(item.path)


def _missing_part(item: TaskFile) -> FilePart:
    return not_checked_part(item.path, f"not found by the {_where()}: workers need the same paths as the client "
                                       "(shared storage), or run with --upload to send the files' bytes")


def _check_one(item: TaskFile, setup: WorkerSetup, committer) -> FilePart:
    def collect(result):
        if committer is not None:
            committer(result)
        return gaps_mod.evidence(result)

    if item.data is None:
        if _missing_here(item):
            return _missing_part(item)
        return check_file_part(Path(item.path), setup.ctx, setup.options, collect=collect)
    with tempfile.TemporaryDirectory(prefix="wibrs-upload-") as folder:
        copy = Path(folder) / Path(item.path).name
        copy.write_bytes(item.data)
        return _renamed(check_file_part(copy, setup.ctx, setup.options, collect=collect), str(copy), item.path)


def _check_grouped(items: list[TaskFile], setup: WorkerSetup) -> list[FilePart] | None:
    """The task's files checked as joined models (``runner.check_parts_grouped``), as the
    process pool does; None when that fails unexpectedly, so the caller checks them one by one."""
    with tempfile.TemporaryDirectory(prefix="wibrs-upload-") as folder:
        parts: list[FilePart | None] = [None] * len(items)
        paths: dict[int, Path] = {}
        for i, item in enumerate(items):
            if item.data is not None:  # --upload: a copy of the bytes, named after the original in the part
                paths[i] = Path(folder) / f"{i:05d}-{Path(item.path).name}"
                paths[i].write_bytes(item.data)
            elif _missing_here(item):
                parts[i] = _missing_part(item)
            else:
                paths[i] = Path(item.path)
        try:
            checked = list(check_parts_grouped(list(paths.values()), setup.ctx, setup.options, collect=gaps_mod.evidence))
        except Exception:  # noqa: BLE001 - one bad file must not stop the month
            return None
        for (i, path), part in zip(paths.items(), checked):
            parts[i] = part if items[i].data is None else _renamed(part, str(path), items[i].path)
    return parts  # type: ignore[return-value]


def check_task(items: list[TaskFile], setup: WorkerSetup) -> tuple[list[FilePart], dict]:
    """Worker side: one FilePart per file of the task, in order, and the worker's figures.

    A file whose check fails unexpectedly is reported as unreadable and the task goes on.
    """
    committer = None
    if setup.commit_run is not None:
        from .history.session import Committer

        committer = Committer(setup.ctx.history, setup.commit_run)
    parts = _check_grouped(items, setup) if committer is None and len(items) > 1 else None
    if parts is None:  # --commit records each file's own result; a failed group is checked file by file
        parts = []
        for item in items:
            try:
                parts.append(_check_one(item, setup, committer))
            except Exception as exc:  # noqa: BLE001 - one bad file must not stop the month
                parts.append(FilePart(item.path, fatal={"path": item.path, "message": f"the check failed unexpectedly "
                                                         f"({type(exc).__name__}: {exc}); please report this"}))
    stat = {"pid": os.getpid(), "host": socket.gethostname(), "rss_peak_mib": peak_rss_mib()}
    if committer is not None:
        stat["commit_summaries"] = committer.summaries
        stat["commit_problems"] = committer.problems
    return parts, stat


def group_paths(paths: list[Path], workers: int) -> list[list[int]]:
    """The tasks of a run as lists of indexes into ``paths``: groups of files of about equal
    bytes, each checked as joined models on one worker (``runner.file_groups``)."""
    return file_groups(paths, workers)


def refuse_file_database(history) -> None:
    """--commit on a cluster needs a database every worker reaches: not a SQLite file."""
    if history is not None and str(getattr(history, "url", "")).startswith("sqlite"):
        raise ClusterError("--commit with --scheduler needs a shared history database (postgresql://...): "
                           "a SQLite file is not shared by the workers and takes one writer at a time. "
                           "Use PostgreSQL, or commit without --scheduler ('wibrs-check check --commit').")


@dataclass
class Cluster:
    """A connected Dask client (and the LocalCluster it started, if any)."""

    client: object
    local: object | None = None
    upload: bool = False
    address: str = ""
    commit_run: object | None = None
    commit_summaries: list = field(default_factory=list)
    commit_problems: list = field(default_factory=list)

    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def check(self, paths: list[Path], ctx: Context, options: Options,
              on_done: Callable[[FilePart], None] | None = None) -> tuple[list[FilePart], list[dict]]:
        """Check ``paths`` on the cluster; parts in the order of ``paths``, and worker stats."""
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        setup = self.client.scatter(WorkerSetup(ctx, options, self.commit_run), broadcast=True, hash=False)
        run = uuid.uuid4().hex[:8]
        groups = group_paths(paths, self.workers())
        parts: list[FilePart | None] = [None] * len(paths)
        stats: list[dict] = []
        waiting = iter(enumerate(groups))

        def submit(number: int, group: list[int]):
            items = [TaskFile(str(paths[i]), Path(paths[i]).read_bytes() if self.upload and Path(paths[i]).is_file()
                              else None, os.path.exists(paths[i])) for i in group]
            future = self.client.submit(check_task, items, setup, key=f"wibrs-check-{run}-{number}", pure=False)
            return future, group

        in_flight = {}
        first = []
        for number, group in _take(waiting, self.workers() * IN_FLIGHT_PER_WORKER):
            future, group = submit(number, group)
            in_flight[future.key] = group
            first.append(future)
        pending = as_completed(first)
        for future in pending:
            group = in_flight.pop(future.key)
            try:
                got, stat = future.result()
            except KilledWorker as exc:
                got, stat = [not_checked_part(str(paths[i]), f"not checked: the workers checking it died "
                                              f"({exc.__class__.__name__}; killed, or out of memory?)") for i in group], {}
            except Exception as exc:  # noqa: BLE001 - e.g. a worker that cannot unpickle the task
                got, stat = [not_checked_part(str(paths[i]), f"not checked: the task failed on the cluster "
                                              f"({type(exc).__name__}: {exc})") for i in group], {}
            future.release()
            for i, part in zip(group, got):
                parts[i] = part
                if on_done:
                    on_done(part)
            if stat:
                self.commit_summaries.extend(stat.pop("commit_summaries", []))
                self.commit_problems.extend(stat.pop("commit_problems", []))
                stats.append(stat)
            for number, next_group in _take(waiting, 1):
                new, next_group = submit(number, next_group)
                in_flight[new.key] = next_group
                pending.add(new)
        return parts, stats  # type: ignore[return-value]

    def map_chunks(self, chunks: list, ctx: Context, options: Options) -> list:
        """Check the chunks of one split file (:mod:`wibrs_check.split`) on the workers, in order.
        A chunk lost with its workers fails the file: its findings would be incomplete."""
        from .split import check_chunk

        if self.upload:
            for chunk in chunks:
                with open(chunk.path, "rb") as handle:
                    handle.seek(chunk.begin)
                    chunk.data = handle.read(chunk.stop - chunk.begin)
        futures = self.client.map(check_chunk, chunks, ctx=ctx, options=options, pure=False)
        try:
            return self.client.gather(futures)
        finally:
            for chunk in chunks:
                chunk.data = None

    def commit_messages(self, history) -> tuple[list[str], bool]:
        """What --commit did on the workers, as ``check --commit`` prints it, and whether it failed."""
        if self.commit_run is None:
            return [], False
        from .history.session import Committer

        committer = Committer(history, self.commit_run, list(self.commit_summaries), list(self.commit_problems))
        return committer.messages(), committer.failed

    def close(self) -> None:
        self.client.close()
        if self.local is not None:
            self.local.close()

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _take(iterator, n: int) -> list:
    out = []
    for _ in range(n):
        try:
            out.append(next(iterator))
        except StopIteration:
            break
    return out


def open_cluster(address: str, jobs: int, upload: bool = False, commit: bool = False,
                 history=None, timeout: float = 30) -> Cluster:
    """Connect to the scheduler at ``address`` (``local``: start a LocalCluster of ``jobs``
    worker processes). Raises :class:`ClusterError` with a message for the user."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError(f"--scheduler needs Dask, which is not installed: {INSTALL_HINT}") from None
    commit_run = None
    if commit:
        if history is None:
            raise ClusterError("--commit needs a history store: give --history postgresql://...")
        refuse_file_database(history)
        from .history.commit import RunInfo

        commit_run = RunInfo()
    if address == LOCAL:
        local = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=":0")
        return Cluster(Client(local), local, upload, local.scheduler_address, commit_run)
    if "://" not in address:
        address = f"tcp://{address}"
    try:
        client = Client(address, timeout=timeout)
    except OSError as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({exc}); start one with "
                           "'dask scheduler' and workers with 'dask worker ADDRESS' (docs/cluster.md)") from None
    return Cluster(client, None, upload, address, commit_run)


def accounting(given: int, parts: list[FilePart]) -> dict[str, int]:
    """Files given = checked + unreadable + not checked: no file of a run goes missing."""
    not_checked_ = sum(1 for p in parts if p.fatal is not None and p.fatal.get("status") == NOT_CHECKED)
    unreadable = sum(1 for p in parts if p.fatal is not None) - not_checked_
    checked = sum(1 for p in parts if p.fatal is None)
    return {"given": given, "checked": checked, "unreadable": unreadable, "not_checked": not_checked_}


def describe_accounting(counts: dict[str, int]) -> str:
    return (f"files given {counts['given']:,} = checked {counts['checked']:,} + unreadable {counts['unreadable']:,} "
            f"+ not checked {counts['not_checked']:,}")

"""A web check: the runner of ``wibrs-check check`` over uploaded files, in a worker thread.

Nothing here judges a record. Each file goes through :func:`wibrs_check.runner.check_file_part`
(the same call ``check`` and ``batch`` make), the parts are merged with
:func:`wibrs_check.runner.merge_parts`, and the per-agency table is
:func:`wibrs_check.batch.agency_summary`, as in ``batch``. While a file's model is in hand
(``collect``) two things are kept that need it: the gap evidence that table reads, and the
flowchart facts (:func:`wibrs_check.trafficking.record_facts.facts_from_incident`, as
``classify FILE --incident N``) of the incidents holding a prostitution or trafficking
offense, so that a result page can offer "classify this incident" after the files are gone.

The report names files as the user knows them (the upload's name), not by the temporary
path they were checked under (:func:`relabel`).
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Callable

import pandas as pd

from .. import batch as batch_mod
from .. import gaps as gaps_mod
from ..context import Context
from ..report import Report
from ..runner import FilePart, Options, check_file_part, merge_parts
from .uploads import SavedFile

CLASSIFIABLE_PER_FILE = 200  # incidents per file offered for classification


class CheckCancelled(Exception):
    """The check ran past its time limit and was stopped between two files."""


@dataclass
class Checked:
    report: Report
    summary: pd.DataFrame  # batch.agency_summary rows, one per agency and month
    classifiable: dict[tuple[str, str, str], object]  # (file, ori, incident) -> IncidentFacts
    seconds: float


def _classifiable(sub) -> dict[tuple[str, str], object]:
    """Flowchart facts of the incidents that hold a prostitution (40A-C) or trafficking (64A/B) offense."""
    from ..rules import trafficking as ht
    from ..trafficking.record_facts import IncidentNotFound, facts_from_incident

    if sub.format not in ("flat", "xml") or not len(sub.records) or "unit" not in sub.records:
        return {}
    flags = ht.offense_flags(sub)
    wanted = flags.index[flags[list(ht.PROSTITUTION + ht.TRAFFICKING)].any(axis=1)][:CLASSIFIABLE_PER_FILE]
    if not len(wanted):
        return {}
    firsts = sub.records.drop_duplicates("unit").set_index("unit").reindex(wanted)[["ori", "incident"]].dropna()
    out = {}
    for ori, incident in firsts.itertuples(index=False):
        try:
            facts = facts_from_incident(sub, str(incident), str(ori))
        except IncidentNotFound:  # a number shared by two units of the agency: classify on the command line
            continue
        out[(str(ori), str(incident))] = facts
    return out


def _collect(result) -> tuple[pd.DataFrame, dict]:
    return gaps_mod.evidence(result), _classifiable(result.submission)


def check_one(saved: SavedFile, ctx: Context, options: Options) -> FilePart:
    try:
        return check_file_part(saved.path, ctx, options, collect=_collect)
    except Exception as exc:  # noqa: BLE001 - one file the tool cannot handle must not hide the others
        return FilePart(str(saved.path), fatal={"path": str(saved.path), "message": (
            f"the check failed unexpectedly ({type(exc).__name__}); please report this with the file")})


def check_files(files: list[SavedFile], ctx: Context, options: Options,
                progress: Callable[[int, str], None] = lambda done, name: None,
                cancelled: Callable[[], bool] = lambda: False) -> Checked:
    """Check ``files`` one after the other; ``progress(done, name)`` before each."""
    started = time.perf_counter()
    parts = []
    for done, saved in enumerate(files):
        if cancelled():
            raise CheckCancelled()
        progress(done, saved.name)
        parts.append(check_one(saved, ctx, options))
    if cancelled():
        raise CheckCancelled()
    progress(len(files), "")
    names = {str(f.path): f.name for f in files}
    report = relabel(merge_parts(parts, ctx), names)
    evidence = gaps_mod.combine([_relabel_frame(p.extra[0], names) for p in parts if p.fatal is None])
    summary = batch_mod.agency_summary(report, evidence, ctx, gaps_mod.run_months(evidence))
    classifiable = {(names.get(p.path, p.path), ori, incident): facts
                    for p in parts if p.fatal is None for (ori, incident), facts in p.extra[1].items()}
    return Checked(report, summary, classifiable, time.perf_counter() - started)


def _relabel_frame(frame: pd.DataFrame, names: dict[str, str], column: str = "file") -> pd.DataFrame:
    if frame is None or column not in frame or not len(frame):
        return frame
    return frame.assign(**{column: frame[column].astype(str).map(lambda p: names.get(p, p))})


def _relabel_text(text: str, names: dict[str, str]) -> str:
    for path, name in names.items():
        text = text.replace(path, name)
    return text


def relabel(report: Report, names: dict[str, str]) -> Report:
    """``report`` with each temporary path replaced by the name the user gave the file."""
    def row(item: dict) -> dict:
        return {k: (_relabel_text(v, names) if isinstance(v, str) else v) for k, v in item.items()}

    return replace(
        report,
        findings=_relabel_frame(report.findings, names).assign(
            message=report.findings["message"].astype(str).map(lambda m: _relabel_text(m, names))),
        summary=_relabel_frame(report.summary, names),
        units=_relabel_frame(report.units, names),
        files=[row(f) for f in report.files], fatal=[row(f) for f in report.fatal],
        rule_failures=[row(f) for f in report.rule_failures],
        raw_records={(names.get(path, path), record): text for (path, record), text in report.raw_records.items()},
    )


# ---------------------------------------------------------------------------------------
# Jobs: a check that the results page follows while it runs


@dataclass
class Job:
    names: list[str]
    time_limit: float
    id: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    started: float = field(default_factory=time.monotonic)
    created: dt.datetime = field(default_factory=dt.datetime.now)
    state: str = "checking"  # checking, done, failed, timed out
    files_done: int = 0
    current: str = ""
    result: Checked | None = None
    message: str = ""
    finished: float | None = None

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def over_time(self) -> bool:
        if self.state == "checking" and time.monotonic() - self.started > self.time_limit:
            self.state = "timed out"
            self.message = (f"The check took longer than the limit of {self.time_limit:,.0f} seconds and was stopped. "
                            "Send fewer files at a time, or check a large file with the wibrs-check command.")
            self.finished = time.monotonic()
        return self.state == "timed out"


class JobStore:
    """Results kept in memory (never on disk) for ``keep_seconds``, at most ``keep_max`` of them."""

    def __init__(self, keep_seconds: float = 3600, keep_max: int = 50):
        self.keep_seconds = keep_seconds
        self.keep_max = keep_max
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def add(self, job: Job) -> None:
        with self._lock:
            self._expire()
            self._jobs[job.id] = job
            while len(self._jobs) > self.keep_max:
                oldest = min((j for j in self._jobs.values() if j.state != "checking"), key=lambda j: j.started,
                             default=None)
                if oldest is None:
                    break
                del self._jobs[oldest.id]

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            self._expire()
            return self._jobs.get(job_id)

    def forget(self, job_id: str) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)

    def _expire(self) -> None:
        now = time.monotonic()
        for job_id, job in list(self._jobs.items()):
            if job.finished is not None and now - job.finished > self.keep_seconds:
                del self._jobs[job_id]


def run_job(job: Job, files: list[SavedFile], folder_cleanup: Callable[[], None], ctx: Context,
            options: Options) -> Checked | None:
    """Worker thread: check, record the outcome on ``job``, and always remove the uploads."""
    def progress(done: int, name: str) -> None:
        job.files_done, job.current = done, name

    try:
        result = check_files(files, ctx, options, progress, cancelled=job.over_time)
    except CheckCancelled:
        return None
    except Exception as exc:  # noqa: BLE001 - shown as a message, never as a traceback
        job.state, job.message = "failed", f"The check could not be completed ({type(exc).__name__})."
        job.finished = time.monotonic()
        return None
    finally:
        folder_cleanup()
    if job.over_time():
        return None
    job.result, job.state, job.finished = result, "done", time.monotonic()
    return result


"""The tabular model every reader builds and every rule reads.

A :class:`Submission` is one input file as DataFrames:

* ``records``: one row per non-blank record, indexed by ``rid`` (0-based ordinal of the
  non-blank record, so the FBI EDS record number is ``rid + 1``). It holds the header fields
  of every record, what the reader measured (physical line, actual length, non-ASCII bytes)
  and the submission unit the record belongs to.
* ``frames[level]``: one DataFrame per segment level 0-7, indexed by ``rid``, one text column
  per field of the level's layout (``de24_3`` is the third occurrence of data element 24).
  Values are right-trimmed text exactly as sent; a blank field is ``""``.
* ``unplaced``: records that could not be placed in a level frame, with the reason.

Every record is in exactly one of ``frames[*]`` or ``unplaced``: :meth:`Submission.accounting`
proves it.

Many files, one model: :func:`join` stacks the submissions of several files of one format
into one :class:`Submission` so that every rule runs once over all of them. Record ids and
unit ids are renumbered to stay unique; ``records["file"]`` holds each record's position in
``Submission.files`` (one row per file: source, first record id, record count, first unit,
unit count and the file's own record accounting). What a file means to an edit ("the other
segments of this file", "the file's first record") is read through
:meth:`Submission.file_of`. A submission read from one file has ``files`` None and every
record in file 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from . import spec

# Kinds of submission unit: the thing the FBI accepts or rejects as a whole.
UNIT_INCIDENT = "A"  # Group A incident report (levels 1-6), or its delete
UNIT_GROUP_B = "B"  # one Group B arrest report (level 7)
UNIT_ZERO = "Z"  # one zero report (level 0)
UNIT_SBR = "S"  # one agency's summary (SBR) return for a month
UNIT_UNPLACED = "U"  # a record the reader could not place

RECORD_COLUMNS = (
    "record", "line", "level", "length_declared", "length_actual", "non_ascii",
    "action", "sub_month", "sub_year", "ori", "incident", "raw",
)


@dataclass
class Submission:
    """One input file in tabular form. See the module docstring."""

    source: str
    format: str  # "flat", "xml" or "sbr"
    records: pd.DataFrame
    frames: dict[int, pd.DataFrame]
    unplaced: pd.DataFrame
    blank_lines: int = 0
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: pd.DataFrame | None = None  # set by :func:`join`: one row per file (FILE_COLUMNS)
    _cache: dict = field(default_factory=dict, repr=False)

    def level(self, level: int) -> pd.DataFrame:
        return self.frames[level]

    def derived(self, key: str, build: Callable[["Submission"], object]):
        """Compute a derived view once per submission (typed dates, long-form links ...)."""
        if key not in self._cache:
            self._cache[key] = build(self)
        return self._cache[key]

    def _placed_indexes(self) -> list[np.ndarray]:
        """Record ids of every frame that holds records: the level frames and SBR rows."""
        indexes = [frame.index.to_numpy() for frame in self.frames.values()]
        if "sbr" in self.extra:
            indexes.append(self.extra["sbr"].index.to_numpy())
        return indexes

    def accounting(self) -> dict[str, int]:
        placed = sum(len(index) for index in self._placed_indexes())
        return {
            "records_read": len(self.records),
            "records_placed": placed,
            "records_unplaced": len(self.unplaced),
            "blank_lines": self.blank_lines,
        }

    def check_accounting(self) -> None:
        """Raise if any record is missing from, or doubled in, the frames."""
        seen = np.concatenate(self._placed_indexes() + [self.unplaced.index.to_numpy()])
        if len(seen) != len(self.records) or len(np.unique(seen)) != len(seen):
            raise AssertionError(f"{self.source}: records read {len(self.records)}, accounted {len(seen)}")

    def file_of(self, index=None) -> np.ndarray:
        """The file (0-based position in ``files``) of each record id in ``index`` (all
        records when None). Edits whose scope is one file add it to their keys."""
        if self.files is None or "file" not in self.records.columns:
            return np.zeros(len(self.records) if index is None else len(index), dtype=np.int64)
        files = self.records["file"].to_numpy()
        return files if index is None else files[np.asarray(index, dtype=np.int64)]

    def sources(self) -> list[str]:
        """The source of every file this submission holds, in ``file`` order."""
        return [self.source] if self.files is None else self.files["source"].tolist()

    @property
    def oris(self) -> list[str]:
        return sorted(self.records["ori"].unique().tolist())


def empty_level_frame(level: int) -> pd.DataFrame:
    columns = [f.column for f in spec.layout(level)]
    frame = pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    frame.index.name = "rid"
    return frame


def empty_unplaced() -> pd.DataFrame:
    frame = pd.DataFrame({"reason": pd.Series([], dtype="str")})
    frame.index.name = "rid"
    return frame


def assign_units(records: pd.DataFrame, files: np.ndarray | None = None) -> pd.DataFrame:
    """Add ``unit`` (an id) and ``unit_kind`` to the records frame.

    Group A incident segments (levels 1-6) belong to the incident whose run they sit in: a
    new unit starts at every administrative segment and wherever ORI, incident number or
    action type changes. Each Group B arrest segment and each zero report is a unit of its
    own. Records whose level is unknown form single-record units. ``files`` (the file of each
    record, for records of several files) starts a new unit with every file.
    """
    level = records["level"]
    group_a = level.isin(["1", "2", "3", "4", "5", "6"]).to_numpy()
    key = records["ori"] + "\x1f" + records["incident"] + "\x1f" + records["action"]
    starts = ~group_a | (level == "1").to_numpy() | (key != key.shift()).to_numpy()
    if files is not None and len(files):
        starts |= np.concatenate([[True], files[1:] != files[:-1]])
    prev_group_a = np.concatenate([[False], group_a[:-1]])
    starts |= group_a & ~prev_group_a
    unit = np.cumsum(starts) - 1
    kind = np.select(
        [group_a, (level == "7").to_numpy(), (level == "0").to_numpy()],
        [UNIT_INCIDENT, UNIT_GROUP_B, UNIT_ZERO],
        default=UNIT_UNPLACED,
    )
    out = records.copy()
    out["unit"] = unit.astype(np.int64)
    out["unit_kind"] = pd.Series(kind, index=records.index, dtype="str")
    return out


FILE_COLUMNS = ("source", "format", "first_rid", "records", "first_unit", "units",
                "records_placed", "records_unplaced", "blank_lines")


def joinable(sub: Submission) -> bool:
    """Whether ``sub`` can be checked together with other files of its format: a flat or
    XML submission that has records and no reader problems (those can be about the whole
    file, which a joined model could not tell apart), and that is not itself a join."""
    extras = set(sub.extra) - {"xml_reports"}
    return sub.format in ("flat", "xml") and len(sub.records) > 0 and not extras and sub.files is None


def join(subs: list[Submission]) -> Submission:
    """One submission holding every record of ``subs`` (all :func:`joinable`, one format).

    Record ids and units are renumbered by offset in the order given, so each file's records
    keep their order and stay contiguous; ``records["record"]`` and ``line`` stay the file's
    own. ``files`` says which rows came from which file and holds each file's accounting.
    """
    if not subs:
        raise ValueError("join needs at least one submission")
    formats = {s.format for s in subs}
    if len(formats) != 1 or not all(joinable(s) for s in subs):
        raise ValueError("only joinable submissions of one format can be joined")
    rows, records, frames, unplaced = [], [], {level: [] for level in subs[0].frames}, []
    first_rid = first_unit = 0
    for position, s in enumerate(subs):
        n = len(s.records)
        units = int(s.records["unit"].max()) + 1 if n else 0
        accounting = s.accounting()
        rows.append({"source": str(s.source), "format": s.format, "first_rid": first_rid, "records": n,
                     "first_unit": first_unit, "units": units,
                     "records_placed": accounting["records_placed"],
                     "records_unplaced": accounting["records_unplaced"], "blank_lines": s.blank_lines})
        shifted = s.records.set_axis(s.records.index + first_rid)
        shifted = shifted.assign(unit=shifted["unit"].to_numpy() + first_unit,
                                 file=np.full(n, position, dtype=np.int64))
        records.append(shifted)
        for level, frame in s.frames.items():
            if len(frame):
                frames[level].append(frame.set_axis(frame.index + first_rid))
        if len(s.unplaced):
            unplaced.append(s.unplaced.set_axis(s.unplaced.index + first_rid))
        first_rid += n
        first_unit += units
    joined_frames = {}
    for level, pieces in frames.items():
        frame = pd.concat(pieces) if pieces else subs[0].frames[level].iloc[:0]
        frame.index.name = "rid"
        joined_frames[level] = frame
    joined_records = pd.concat(records)
    joined_records.index.name = "rid"
    joined_unplaced = pd.concat(unplaced) if unplaced else empty_unplaced()
    joined_unplaced.index.name = "rid"
    return Submission(
        source=str(subs[0].source), format=subs[0].format, records=joined_records, frames=joined_frames,
        unplaced=joined_unplaced, blank_lines=sum(s.blank_lines for s in subs),
        files=pd.DataFrame(rows, columns=list(FILE_COLUMNS)),
    )

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


def assign_units(records: pd.DataFrame) -> pd.DataFrame:
    """Add ``unit`` (an id) and ``unit_kind`` to the records frame.

    Group A incident segments (levels 1-6) belong to the incident whose run they sit in: a
    new unit starts at every administrative segment and wherever ORI, incident number or
    action type changes. Each Group B arrest segment and each zero report is a unit of its
    own. Records whose level is unknown form single-record units.
    """
    level = records["level"]
    group_a = level.isin(["1", "2", "3", "4", "5", "6"]).to_numpy()
    key = records["ori"] + "\x1f" + records["incident"] + "\x1f" + records["action"]
    starts = ~group_a | (level == "1").to_numpy() | (key != key.shift()).to_numpy()
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

"""Helpers for tests: build a submission from a few records and run rules on it."""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from . import engine
from .context import Context
from .generator.records import format_record
from .model import Submission
from .readers.flatfile import read_flat_bytes

RecordSpec = tuple[int, dict] | tuple[int, dict, int] | str


def lines(records: Iterable[RecordSpec]) -> list[str]:
    out = []
    for item in records:
        if isinstance(item, str):
            out.append(item)
        else:
            level, values, *length = item
            out.append(format_record(level, values, length[0] if length else None))
    return out


def submission(*records: RecordSpec, source: str = "test.txt") -> Submission:
    """A Submission read from the given records (tuples of level and column values, or raw lines)."""
    text = "\n".join(lines(records)) + "\n"
    return read_flat_bytes(text.encode("latin-1"), source=source)


def check(sub: Submission, *codes: str, ctx: Context | None = None) -> pd.DataFrame:
    """Findings of the given codes only (rule exceptions propagate)."""
    result = engine.run(sub, ctx, select=codes, strict_rules=True)
    found = result.findings
    return found[found["code"].isin(codes)].reset_index(drop=True)


def fired(sub: Submission, code: str, ctx: Context | None = None) -> list[tuple[int | None, str]]:
    """(record number, data element) of every finding of ``code``: the shape tests assert on."""
    found = check(sub, code, ctx=ctx)
    return [(None if pd.isna(r) else int(r), de) for r, de in zip(found["record"], found["data_element"])]

"""A small generated state month, checked once per test session (shared by the batch, gaps
and HTML report tests). A subset of the rules keeps it quick; the 2xx edits stay in, since a
rejected 64A incident (error 204) is one of the gap signals, and so do the XML reader's codes,
since the month holds an XML file cut off in transfer (XML01)."""

from __future__ import annotations

import datetime as dt
import tempfile
from functools import cache
from pathlib import Path

from wibrs_check import batch
from wibrs_check.agencies import load_agencies
from wibrs_check.context import Context
from wibrs_check.generator.state_month import build_state_month
from wibrs_check.runner import Options

TODAY = dt.date(2026, 8, 15)
RULES = ("0", "2", "SBR", "GAP", "IO", "XML")  # not HT: its findings-phase rule (HT03) widens a selection to every rule


@cache
def small_month():
    directory = Path(tempfile.mkdtemp(prefix="wibrs-small-month-"))
    return build_state_month(directory, agencies=24, incidents=2, inject=False)


@cache
def small_month_result() -> batch.BatchResult:
    built = small_month()
    ctx = Context(agencies=load_agencies(built.agency_file), today=TODAY)
    return batch.run_batch([built.directory], ctx, Options(select=RULES), jobs=2, progress=False)

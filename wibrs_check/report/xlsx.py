"""Excel workbook (.xlsx): a sheet of findings (the CSV columns) and a sheet of the summary.

Cells go through :func:`wibrs_check.report.spreadsheet.write_xlsx`, which neutralises text
that a spreadsheet program would run as a formula.
"""

from __future__ import annotations

import io

import pandas as pd

from . import Report
from .machine import findings_table
from .spreadsheet import write_xlsx

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render(report: Report, summary: pd.DataFrame | None = None) -> bytes:
    """The workbook as bytes; ``summary`` (default: the report's per-agency rows) is the second sheet."""
    buffer = io.BytesIO()
    write_xlsx(buffer, {"findings": findings_table(report),
                        "summary": report.summary if summary is None else summary})
    return buffer.getvalue()

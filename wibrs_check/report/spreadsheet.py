"""Tables for spreadsheets: cells that cannot run as formulas, and an Excel workbook writer.

Every CSV or XLSX table the tool writes goes through :func:`neutralise_formulas`, because a
value sent by an agency (an incident number, an agency name, an SBR cell) is untrusted text:
a spreadsheet program would run ``=HYPERLINK(...)`` typed into one as a formula. The usual
defence is to start such a cell with an apostrophe, which spreadsheets show as text.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Mapping

import pandas as pd

# A cell starting with one of these is read as a formula (or DDE call) by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Excel's own limits: longer sheet names and cells are refused or cut by Excel.
_SHEET_NAME_MAX = 31
_CELL_TEXT_MAX = 32_767
_WIDTH_MAX = 60


def neutral_text(value: object) -> object:
    """``value`` with an apostrophe in front when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot be taken for formulas; numbers are left alone."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            text = values.astype(object)
            risky = text.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
            if risky.any():
                cells = text.to_numpy(copy=True)
                cells[risky] = "'" + cells[risky].astype(str).astype(object)
                out[column] = cells
    return out


def write_xlsx(target: str | Path | IO[bytes], sheets: Mapping[str, pd.DataFrame]) -> None:
    """Write each frame to its own sheet: a bold header row, filters, frozen header, sized columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=name[:_SHEET_NAME_MAX])
        safe = neutralise_formulas(frame)
        columns = [str(c) for c in safe.columns]
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in safe.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
        if columns:
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = sheet.dimensions
        for index, column in enumerate(columns, start=1):
            longest = max([len(column)] + [len(str(v)) for v in safe.iloc[:200, index - 1].tolist()])
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(longest + 2, _WIDTH_MAX)
    book.save(target)


def _cell(value: object) -> object:
    """A value openpyxl can store: missing values as empty cells, long text cut to Excel's limit."""
    if value is None or (not isinstance(value, (str, bytes, list, dict)) and pd.isna(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, str) and len(value) > _CELL_TEXT_MAX:
        return value[:_CELL_TEXT_MAX]
    if isinstance(value, (dict, list, tuple, set)):
        return str(value)
    return value

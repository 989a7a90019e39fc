"""Read many flat files as one joined model in one pass of the flat-file reader.

Reading a file has a fixed cost (about 240 field slices and a pandas column each), which for
a month of hundreds of small files is most of the reading time. Files that end with a line
feed are byte-for-byte independent runs of lines, so their bytes laid end to end read as the
lines of each file, one after the other: the flat-file reader reads the concatenation once,
and this module gives every record back its own file, record number, physical line, unit and
blank-line count (``model.join``'s ``files`` table). The result is what ``model.join`` of the
files read one by one gives; a file that does not end with a line feed (its last line would
run into the next file's first) is read on its own instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model import FILE_COLUMNS, Submission, assign_units
from .flatfile import read_flat_bytes

_NEWLINE = b"\n"


def can_concatenate(data: bytes) -> bool:
    """Whether a flat file's bytes can be read as part of a concatenation: it ends with a line
    feed and holds a record (a byte other than blank, CR or LF; a file of blank lines is
    reported on its own)."""
    return data.endswith(_NEWLINE) and bool(data.translate(None, b" \r\n"))


def read_flat_group(items: list[tuple[str, bytes]]) -> Submission | None:
    """One joined Submission of the flat files ``items`` ((source, bytes), each ending with a
    line feed), or None when the reader reported something only a file of its own can hold
    (``Submission.extra``), so that the caller reads those files one by one."""
    if not items or not all(can_concatenate(data) for _, data in items):
        raise ValueError("every file must end with a line feed and hold a record")
    lines_per_file = np.array([data.count(_NEWLINE) for _, data in items], dtype=np.int64)
    sub = read_flat_bytes(b"".join(data for _, data in items), source=items[0][0])
    if sub.extra:
        return None
    lines_before = np.concatenate([[0], np.cumsum(lines_per_file)])
    records = sub.records
    line = records["line"].to_numpy()
    file = np.searchsorted(lines_before, line, side="left") - 1  # file i holds lines lines_before[i]+1 ..
    n = len(items)
    per_file = np.bincount(file, minlength=n)
    if not per_file.all():  # cannot happen after can_concatenate; never hand back a wrong model
        return None
    first_rid = np.concatenate([[0], np.cumsum(per_file)[:-1]])
    records = records.assign(record=np.arange(len(records), dtype=np.int64) - first_rid[file] + 1,
                             line=line - lines_before[file])
    records = assign_units(records.drop(columns=["unit", "unit_kind"]), files=file)
    records["file"] = file.astype(np.int64)
    unit = records["unit"].to_numpy()
    first_unit = unit[first_rid]
    units = unit[first_rid + per_file - 1] - first_unit + 1
    unplaced = np.bincount(file[sub.unplaced.index.to_numpy()], minlength=n) if len(sub.unplaced) else np.zeros(n, dtype=np.int64)
    sub.records = records
    sub.files = pd.DataFrame({
        "source": [source for source, _ in items], "format": "flat", "first_rid": first_rid, "records": per_file,
        "first_unit": first_unit, "units": units, "records_placed": per_file - unplaced,
        "records_unplaced": unplaced, "blank_lines": lines_per_file - per_file,
    }, columns=list(FILE_COLUMNS))
    return sub

"""Reader for NIBRS fixed-width flat files (FBI NIBRS Technical Specification, section 6).

The whole file is handled as one byte buffer: numpy finds the line breaks, pyarrow wraps the
buffer as a string array without copying, and every field of a level is one vectorised
slice of that array. No Python code runs per record.

The reader decides nothing about validity. It records what it measured (declared and actual
length, non-ASCII bytes, physical line) so that rules can judge, pads short records with
blanks so every field exists, and puts records whose segment level it does not know into
``Submission.unplaced`` with the reason.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import spec
from ..model import Submission, assign_units, empty_unplaced

_NEWLINE, _CR, _SPACE, _PLACEHOLDER = 10, 13, 32, ord("?")


class UnreadableInput(Exception):
    """The file could not be read at all (missing, a directory, permission denied)."""


def _to_pandas(array: pa.Array, index: pd.Index) -> pd.Series:
    return pd.Series(pd.array(array, dtype="str"), index=index)


def _line_starts(buf: np.ndarray) -> np.ndarray:
    """Offset where every physical line starts, plus the end of the buffer."""
    breaks = np.flatnonzero(buf == _NEWLINE)
    if len(breaks) == 0 and np.any(buf == _CR):
        breaks = np.flatnonzero(buf == _CR)  # old Mac-style files: CR alone ends a line
    starts = np.concatenate([[0], breaks + 1])
    if starts[-1] != len(buf):
        starts = np.concatenate([starts, [len(buf)]])
    return starts.astype(np.int64)


# ---------------------------------------------------------------------------------------
# Before reading: the text encoding and the line break of the export (small steps of their
# own, so the record slicing below never needs to know about them).

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_VERTICAL_TAB = 11  # stands for a stray line feed in a CR-terminated file (shown as '?')


def utf16_encoding(head: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when ``head`` is UTF-16 text (with or without a byte-order
    mark: without one, when most of the first characters have a zero high byte), else None.
    The format detection (detect.py) uses the same test.
    """
    if head.startswith(b"\xff\xfe"):
        return "utf-16-le"
    if head.startswith(b"\xfe\xff"):
        return "utf-16-be"
    sample = head[:512]
    if len(sample) < 8:
        return None
    odd_zero = sample[1::2].count(0) / (len(sample) // 2)
    even_zero = sample[0::2].count(0) / ((len(sample) + 1) // 2)
    if odd_zero > 0.7 and even_zero < 0.1:
        return "utf-16-le"
    if even_zero > 0.7 and odd_zero < 0.1:
        return "utf-16-be"
    return None


def decode_export(data: bytes) -> tuple[bytes, str]:
    """One byte per character, and how the export was written when it was not plain bytes.

    A UTF-16 export (with a byte-order mark, or without one when every other byte is zero)
    is decoded and re-encoded as Latin-1 (characters beyond it become '?'); a UTF-8
    byte-order mark is dropped. The second value names what was converted ('' for nothing),
    for the IO08 warning.
    """
    if data.startswith(_UTF8_BOM):
        return data[len(_UTF8_BOM):], "UTF-8 with a byte-order mark"
    encoding, start = None, 0
    for bom, name in _UTF16_BOMS:
        if data.startswith(bom):
            encoding, start = name, len(bom)
    if encoding is None:
        encoding = utf16_encoding(data[:512])
    if encoding is None:
        return data, ""
    body = data[start: start + (len(data) - start) // 2 * 2]
    return body.decode(encoding, errors="replace").encode("latin-1", errors="replace"), "UTF-16"


def line_breaks_by_majority(data: bytes) -> bytes:
    """Make a file whose lines end in a carriage return alone read like one ending in LF.

    The line break is the one most lines use: when lone CRs outnumber line feeds (a CRLF
    counts as a line feed), every lone CR ends a line and a line feed on its own is a stray
    control character inside a record (written as a vertical tab, so it is reported like any
    other control character and the record keeps its length). Otherwise the bytes are
    returned unchanged.
    """
    lf = data.count(b"\n")  # lines ended by LF, CRLF included
    cr = data.count(b"\r")
    if cr == 0 or cr - data.count(b"\r\n") <= lf:
        return data
    buf = np.frombuffer(data, dtype=np.uint8).copy()
    is_cr = buf == _CR
    is_lf = buf == _NEWLINE
    after_cr = np.zeros(len(buf), dtype=bool)
    after_cr[1:] = is_cr[:-1]
    before_lf = np.zeros(len(buf), dtype=bool)
    before_lf[:-1] = is_lf[1:]
    buf[is_lf & ~after_cr] = _VERTICAL_TAB
    buf[is_cr & ~before_lf] = _NEWLINE
    return buf.tobytes()


def read_flat_bytes(data: bytes, source: str = "<bytes>") -> Submission:
    data, converted = decode_export(data)
    data = line_breaks_by_majority(data)
    buf = np.frombuffer(data, dtype=np.uint8)
    # Non-ASCII and control bytes: mark them, then write a placeholder in a copy of the
    # buffer so every field slice is valid one-byte-per-character text. A carriage return
    # counts as a line break only before a line feed (or in a file that has no line feeds);
    # anywhere else it is a stray control character inside a record.
    is_cr = buf == _CR
    stray_cr = np.zeros(len(buf), dtype=bool)
    if is_cr.any() and np.any(buf == _NEWLINE):
        # the first byte after each run of CRs: a line feed (or the end of the file) makes the
        # run part of the line break
        others = np.flatnonzero(~is_cr)
        after = np.searchsorted(others, np.arange(len(buf)), side="right")
        next_other = np.where(after < len(others), buf[others[np.minimum(after, len(others) - 1)]], _NEWLINE)
        stray_cr = is_cr & (next_other != _NEWLINE)
    bad = (buf > 126) | ((buf < 32) & (buf != _NEWLINE) & (buf != _CR)) | stray_cr
    clean = buf
    if bad.any():
        clean = buf.copy()
        clean[bad] = _PLACEHOLDER

    # Every physical line as one string (line break included, then trimmed off), wrapping
    # the buffer without copying it.
    bounds = _line_starts(buf)
    offset_type = pa.large_string() if len(buf) >= 2**31 - 1 else pa.string()
    offset_dtype = np.int64 if offset_type == pa.large_string() else np.int32
    lines_all = pa.Array.from_buffers(
        offset_type, len(bounds) - 1, [None, pa.py_buffer(bounds.astype(offset_dtype)), pa.py_buffer(clean)]
    )
    lines_all = pc.utf8_rtrim(lines_all, characters="\r\n")
    lengths_all = pc.utf8_length(lines_all).to_numpy(zero_copy_only=False)

    # A line is blank when it holds nothing but spaces.
    content = pc.utf8_length(pc.utf8_trim(lines_all, characters=" ")).to_numpy(zero_copy_only=False)
    blank = content == 0
    keep = np.flatnonzero(~blank)
    texts = lines_all.take(pa.array(keep, type=pa.int64()))
    lengths = lengths_all[keep]
    lines = keep + 1
    # any marked byte inside the record: count only the marked bytes (a running count per byte
    # of the buffer took two int64 arrays of eight times the file's size)
    bad_at = np.flatnonzero(bad)
    non_ascii = np.searchsorted(bad_at, bounds[keep] + lengths) > np.searchsorted(bad_at, bounds[keep])

    rid = pd.RangeIndex(len(keep), name="rid")
    header = {}
    for f in spec.layout(1)[:8]:  # the header fields are the same on every level
        sliced = pc.utf8_rtrim(pc.utf8_slice_codeunits(texts, f.start - 1, f.end), characters=" ")
        header[f.column] = _to_pandas(sliced, rid)
    # Only four digits are a length: to_numeric alone would also take "-inf", "1e3" or "+12".
    length_text = header["seg_length"].where(header["seg_length"].str.fullmatch(r"\d{4}").fillna(False))
    declared = pd.to_numeric(length_text, errors="coerce").astype("Int64")
    records = pd.DataFrame(
        {
            "record": np.arange(1, len(keep) + 1, dtype=np.int64),
            "line": lines.astype(np.int64),
            "level": header["seg_level"],
            "length_declared": declared,
            "length_actual": lengths.astype(np.int64),
            "non_ascii": non_ascii,
            "action": header["action"],
            "sub_month": header["sub_month"],
            "sub_year": header["sub_year"],
            "city": header["city"],
            "ori": header["ori"],
            "incident": header["incident"],
            "raw": _to_pandas(texts, rid),
        },
        index=rid,
    )
    records = assign_units(records)

    frames = {}
    level_of = records["level"].to_numpy()
    for level in spec.LEVELS:
        picked = np.flatnonzero(level_of == str(level))
        frames[level] = _slice_level(texts, picked, level)
    known = np.isin(level_of, [str(level) for level in spec.LEVELS])
    unplaced_rid = np.flatnonzero(~known)
    unplaced = empty_unplaced()
    if len(unplaced_rid):
        reasons = np.where(
            records["length_actual"].to_numpy()[unplaced_rid] < 5,
            "record too short to hold a segment level (position 5)",
            "segment level is not 0-7",
        )
        unplaced = pd.DataFrame(
            {"reason": pd.array(reasons, dtype="str")}, index=pd.Index(unplaced_rid, name="rid")
        )
    sub = Submission(
        source=source,
        format="flat",
        records=records,
        frames=frames,
        unplaced=unplaced,
        blank_lines=int(blank.sum()),
    )
    if converted:
        sub.extra["converted_from"] = converted
    return set_aside_truncated_record(sub, data)


def set_aside_truncated_record(sub: Submission, data: bytes) -> Submission:
    """When the file ends inside its last record, move that record to ``unplaced``.

    A file cut off while it was written or copied ends without a line break, in a record
    shorter than the segment length it declares. Checked field by field, that record would
    give a screen of errors that are only the cut; it is set aside instead, its rid kept in
    ``extra["truncated_rid"]`` for the IO07 finding that says so once. A last record that
    still holds every field its level always requires is not taken for a cut: records systems
    often drop trailing blanks, and the FBI's own test file ends that way. It is checked, and
    IO02 says it is shorter than declared.
    """
    records = sub.records
    if not len(records) or data.endswith((b"\n", b"\r")) or not data.strip(b" "):
        return sub
    last = records.index[-1]
    declared = records.at[last, "length_declared"]
    if pd.isna(declared) or records.at[last, "length_actual"] >= declared:
        return sub
    level = int(records.at[last, "level"]) if str(records.at[last, "level"]).isdigit() else None
    if level in spec.LEVELS and records.at[last, "length_actual"] >= spec.mandatory_end(level):
        return sub
    if level in sub.frames and last in sub.frames[level].index:
        sub.frames[level] = sub.frames[level].drop(index=last)
    elif last in sub.unplaced.index:
        sub.unplaced = sub.unplaced.drop(index=last)
    note = pd.DataFrame({"reason": pd.array([f"the file ends inside record {last + 1}: it looks truncated"],
                                            dtype="str")}, index=pd.Index([last], name="rid"))
    sub.unplaced = pd.concat([sub.unplaced, note])
    sub.extra["truncated_rid"] = int(last)
    return sub


def _slice_level(texts: pa.Array, picked: np.ndarray, level: int) -> pd.DataFrame:
    fields = spec.layout(level)
    width = max(f.end for f in fields)
    subset = texts.take(pa.array(picked, type=pa.int64()))
    padded = pc.utf8_rpad(subset, width=width, padding=" ")
    index = pd.Index(picked, name="rid")
    columns = {}
    for f in fields:
        sliced = pc.utf8_rtrim(pc.utf8_slice_codeunits(padded, f.start - 1, f.end), characters=" ")
        columns[f.column] = _to_pandas(sliced, index)
    return pd.DataFrame(columns, index=index)


def read_flat(path: str | Path) -> Submission:
    path = Path(path)
    try:
        data = path.read_bytes()
    except (OSError, ValueError) as exc:
        raise UnreadableInput(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    return read_flat_bytes(data, source=str(path))

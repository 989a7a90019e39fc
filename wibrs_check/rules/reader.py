"""What the reader measured about each record: length, encoding, empty files (our IO codes)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import spec
from .registry import ALL_FORMATS, rule


def _valid_length(records: pd.DataFrame) -> pd.Series:
    valid = pd.Series(False, index=records.index)
    for level in spec.LEVELS:
        on_level = records["level"] == str(level)
        valid |= on_level & records["length_declared"].isin(list(spec.valid_lengths(level))).fillna(False)
    return valid


def _flat(sub) -> bool:
    return sub.format == "flat"


@rule("IO02", column="seg_length")
def record_shorter_than_declared(sub, ctx):
    """The record ends before the length stated in positions 1-4.

    wibrs-check pads the record with blanks so every field can still be read, but the FBI
    counts on each record carrying its full declared length. Make your records system write
    the trailing blanks (many editors and transfer tools strip them: send the file as binary).
    """
    if not _flat(sub):
        return None
    r = sub.records
    short = (r["length_actual"] < r["length_declared"]).fillna(False) & _valid_length(r)
    short &= r.index != sub.extra.get("truncated_rid", -1)  # a cut-off last record is IO07 alone
    return pd.DataFrame({"detail": "declared " + r.loc[short, "length_declared"].astype(str)
                         + ", found " + r.loc[short, "length_actual"].astype(str)}, index=r.index[short]).assign(column="seg_length")


@rule("IO03", column="seg_length")
def record_longer_than_declared(sub, ctx):
    """The record carries characters past the length stated in positions 1-4.

    Anything after the declared length is ignored, and usually means the fields have shifted
    (a field written too wide, a stray character). Correct the record layout in your export.
    """
    if not _flat(sub):
        return None
    r = sub.records
    long = (r["length_actual"] > r["length_declared"]).fillna(False) & _valid_length(r)
    return pd.DataFrame({"detail": "declared " + r.loc[long, "length_declared"].astype(str)
                         + ", found " + r.loc[long, "length_actual"].astype(str)}, index=r.index[long]).assign(column="seg_length")


@rule("IO04", column="seg_length")
def declared_length_not_valid_for_level(sub, ctx):
    """Positions 1-4 do not hold a segment length the FBI layout allows for this level.

    Each segment level has fixed lengths (for example administrative 0087 or 0088, victim
    0129 or 0141, property 0307). The record was read with the current layout anyway;
    correct the length your system writes.
    """
    r = sub.records
    known = r["level"].isin([str(level) for level in spec.LEVELS])
    return r.index[(known & ~_valid_length(r)).to_numpy()]


@rule("IO05", formats=ALL_FORMATS)
def record_has_non_ascii(sub, ctx):
    """The record holds bytes that are not plain printable ASCII (accented letters, tabs,
    control characters). They are shown as ? in wibrs-check's output. Replace them with plain
    letters, digits or blanks.
    """
    r = sub.records
    return r.index[r["non_ascii"].to_numpy()]


@rule("IO06", formats=ALL_FORMATS)
def file_has_no_records(sub, ctx):
    """The file is empty or holds only blank lines. Send the month's data, or a zero report
    when the agency had nothing to report."""
    if len(sub.records) or sub.extra.get("reader_problems") is not None:
        return None
    return pd.Index(np.array([-1], dtype=np.int64))


@rule("IO07", column="seg_length")
def file_ends_inside_a_record(sub, ctx):
    """The file ends in the middle of its last record: it looks truncated.

    The last record is shorter than the segment length it declares and no line break ends
    it, which is what a file cut off during writing or copying looks like. That record was
    set aside unchecked (its other fields would only show the cut). Send the whole file again.
    """
    rid = sub.extra.get("truncated_rid")
    if rid is None:
        return None
    r = sub.records
    detail = (f"the file ends inside record {rid + 1}: it looks truncated (declared length "
              f"{r.at[rid, 'length_declared']}, found {r.at[rid, 'length_actual']})")
    return pd.DataFrame({"detail": [detail], "column": ["seg_length"]}, index=pd.Index([rid], name="rid"))


@rule("IO08")
def file_converted_to_ascii(sub, ctx):
    """The file was written as UTF-16 text, or starts with a UTF-8 byte-order mark.

    wibrs-check converted it to plain text and checked it, but a NIBRS flat file must be
    plain ASCII and the FBI may refuse this one. Have your records system export ASCII.
    """
    converted = sub.extra.get("converted_from")
    if not converted:
        return None
    return pd.DataFrame({"detail": [f"the file was written as {converted}; it was converted to be checked"]},
                        index=pd.Index(np.array([-1], dtype=np.int64), name="rid"))

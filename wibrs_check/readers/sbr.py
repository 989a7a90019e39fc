"""Reader for summary (SBR) monthly returns sent as plain CSV (``docs/sbr.md``).

A summary agency's month is a set of form lines: Return A, the Human Trafficking return and
the prostitution lines of the arrest report (ASR). The CSV holds one form line per row; the
header names the columns (``schemas/sbr_layout.csv``) and the forms and their lines are
listed in ``schemas/sbr_forms.csv``. The reader builds the same :class:`Submission` every
reader builds:

* ``records``: one row per non-blank CSV row after the header, indexed by ``rid``
  (``record`` = ``rid + 1``, ``line`` = the physical line, ``raw`` = the line as sent, level
  ``"S"``; ``""`` for a row that could not be read), header fields ``ori``, ``sub_year``,
  ``sub_month`` as sent, ``incident`` = the row's label (``"A 4e"``, ``"ASR 16a F 15"``),
  and ``unit`` / ``unit_kind`` ``"S"``: one unit per agency-month return.
* ``frames``: the NIBRS level frames 0-7, all empty.
* ``unplaced``: rows that could not be read as a row of the header's shape (a different
  number of fields, broken quoting), with the reason.
* ``extra["sbr"]``: the rows that were read, typed (counts, year and month ``Int64``; form,
  line, sex and age group in their catalogued spelling), plus ``kind`` (offense / arrest)
  and ``unit``. ``extra["sbr_text"]``: the same rows, every cell as sent (trimmed), under
  the layout's column names. ``extra["sbr_header"]``: one row per header column and per
  layout column, with its status (present, missing, unknown, repeated).

Nothing here decides validity or raises on bad content: a count that is not a number is
kept as text (typed value missing) and the rules in ``rules/sbr.py`` report it.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import spec
from ..model import UNIT_UNPLACED, Submission, empty_level_frame, empty_unplaced
from .flatfile import UnreadableInput

FORMAT = "sbr"
LEVEL = "S"  # pseudo segment level of every SBR row in ``records``
UNIT_SBR = "S"  # kind of submission unit: one agency-month summary return

# A count the typed view can hold: a whole number of at most 18 significant digits, so it
# always fits a 64-bit integer (2**63 has 19 digits). Longer numbers stay missing in the
# typed view and SBR01 reports them with their line and column.
_WHOLE = r"-?\d{1,18}"


# ---------------------------------------------------------------------------------------
# The tables (schemas/sbr_*.csv), read once.


@cache
def layout() -> pd.DataFrame:
    """The CSV columns: name, aliases, which forms use them, type, limits, codes."""
    return spec.read_table("sbr_layout.csv").set_index("column", drop=False)


@cache
def forms() -> pd.DataFrame:
    """Every line of every form, with its kind, name, the lines a total adds up and its role."""
    return spec.read_table("sbr_forms.csv")


@cache
def age_groups() -> pd.DataFrame:
    return spec.read_table("sbr_age_groups.csv").set_index("code", drop=False)


@cache
def form_kinds() -> dict[str, str]:
    table = forms()
    return dict(zip(table["form"], table["kind"]))


@cache
def total_parts() -> pd.DataFrame:
    """One row per (form, total line, part line) read from ``total_of``."""
    table = forms()
    totals = table[table["total_of"] != ""]
    parts = totals.assign(part=totals["total_of"].str.split(";")).explode("part")
    return parts[["form", "line", "part"]].rename(columns={"line": "total"}).reset_index(drop=True)


def columns_of(kind: str) -> list[str]:
    """Layout columns a row of this kind (``offense`` / ``arrest``) fills, header ones first."""
    table = layout()
    return table.loc[table["applies_to"].isin(["all", kind]), "column"].tolist()


def count_columns() -> list[str]:
    table = layout()
    return table.loc[table["type"] == "count", "column"].tolist()


@cache
def _empty_frames() -> dict[int, pd.DataFrame]:
    """The empty NIBRS level frames, built once (each submission gets copies)."""
    return {level: empty_level_frame(level) for level in spec.LEVELS}


def _normal_name(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


@cache
def _header_names() -> dict[str, str]:
    """Accepted header spelling (normalised) -> layout column."""
    names = {}
    for row in layout().itertuples(index=False):
        names[row.column] = row.column
        for alias in filter(None, row.aliases.split(";")):
            names[_normal_name(alias)] = row.column
    return names


# ---------------------------------------------------------------------------------------
# Reading


def read_sbr(path: str | Path) -> Submission:
    """Read one SBR CSV file. Raises :class:`UnreadableInput` only when the file cannot be opened."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except (OSError, ValueError) as exc:
        raise UnreadableInput(f"{path}: cannot read file ({getattr(exc, 'strerror', None) or exc})") from exc
    return read_sbr_bytes(data, source=str(path))


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, else Latin-1."""
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    return text[1:] if text.startswith("\ufeff") else text


def _physical_lines(text: str) -> list[str]:
    """Lines as the flat reader counts them: split at LF (CR alone when there is no LF)."""
    if not text:
        return []
    parts = text.split("\n") if "\n" in text else text.split("\r")
    if parts and parts[-1] == "":
        parts.pop()  # the final line break ends the last line, it does not start a new one
    return parts


_CONTROL = r"[\x00-\x08\x0a-\x1f\x7f-\x9f]"


def without_control_characters(lines: pa.Array) -> pa.Array:
    """``lines`` with control characters (escape sequences included) replaced by '?', as the
    flat and XML readers show them, so no value can act on a terminal or a report; the
    records are still marked non-ASCII (IO05) from the text as sent."""
    if not len(lines) or not pc.any(pc.match_substring_regex(lines, _CONTROL)).as_py():
        return lines
    return pc.replace_substring_regex(lines, _CONTROL, "?")


def _split_rows(texts: pa.Array) -> tuple[pa.ListArray, np.ndarray]:
    """Every row as a list of trimmed fields, and the reason a row could not be split ('' = fine).

    Rows without a quote character are split at commas in one vectorised step; the few with
    quotes go through the csv module one line at a time, so a broken quote never swallows the
    lines after it.
    """
    n = len(texts)
    quoted = np.asarray(pc.match_substring(texts, '"').to_numpy(zero_copy_only=False), dtype=bool)
    reasons = np.full(n, "", dtype=object)
    plain_idx = np.flatnonzero(~quoted)
    quoted_idx = np.flatnonzero(quoted)
    pieces = [pc.split_pattern(texts.take(pa.array(plain_idx, type=pa.int64())), ",")]
    parsed: list[list[str]] = []
    for i in quoted_idx:
        try:
            parsed.append(next(csv.reader([texts[int(i)].as_py()], strict=True)))
        except (csv.Error, StopIteration) as exc:
            parsed.append([])
            reasons[i] = f"not readable as CSV: {exc}"
    pieces.append(pa.array(parsed, type=pa.list_(pa.string())))
    combined = pa.concat_arrays([pieces[0].cast(pa.list_(pa.string())), pieces[1]])
    order = np.argsort(np.concatenate([plain_idx, quoted_idx]), kind="stable")
    rows = combined.take(pa.array(order, type=pa.int64()))
    flat = pc.utf8_trim_whitespace(rows.flatten())
    rows = pa.ListArray.from_arrays(rows.offsets, flat)
    return rows, reasons


def _field(rows: pa.ListArray, counts: np.ndarray, position: int) -> np.ndarray:
    """Field ``position`` of every row, '' where the row is shorter."""
    out = np.full(len(rows), "", dtype=object)
    has = np.flatnonzero(counts > position)
    if len(has):
        picked = rows.take(pa.array(has, type=pa.int64()))
        out[has] = pc.list_element(picked, position).to_numpy(zero_copy_only=False)
    return out


def _canonical(values: pd.Series, known: list[str]) -> pd.Series:
    """Catalogued spelling of each value matched case-insensitively; others stay as sent."""
    lookup = {k.upper(): k for k in known}
    upper = values.str.upper()
    return upper.map(lookup).fillna(values).astype("str")


def _header(first: str) -> tuple[list[str], pd.DataFrame]:
    """Layout column of each header position ('' = not one of ours) and the header table."""
    try:
        names = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        names = first.split(",")
    names = [n.strip() for n in names]
    accepted = _header_names()
    mapped: list[str] = []
    rows = []
    seen: set[str] = set()
    last_named = max((i for i, n in enumerate(names) if n), default=-1)
    for position, name in enumerate(names):
        column = accepted.get(_normal_name(name), "")
        if column and column in seen:
            status, column = "repeated", ""
        elif column:
            status = "present"
            seen.add(accepted[_normal_name(name)])
        elif not name and position > last_named:
            status = "trailing"  # a trailing comma on the header: nothing to report
        else:
            status = "unknown"
        mapped.append(column)
        rows.append({"column": column or name, "header": name, "position": position, "status": status})
    for column in layout()["column"]:
        if column not in seen:
            rows.append({"column": column, "header": "", "position": -1, "status": "missing"})
    table = pd.DataFrame(rows, columns=["column", "header", "position", "status"])
    table["position"] = table["position"].astype(np.int64)
    return mapped, table


def read_sbr_bytes(data: bytes, source: str = "<bytes>") -> Submission:
    text = _decode(data)
    physical = [line.rstrip("\r") for line in _physical_lines(text)]
    sent_lines = pa.array(physical, type=pa.string())
    all_lines = without_control_characters(sent_lines)
    physical = all_lines.to_pylist() if sent_lines is not all_lines else physical
    # A line is blank when it holds nothing but blanks and commas (spreadsheets write ",,,,").
    content = pc.replace_substring_regex(all_lines, r"[\s,]+", "")
    blank = np.asarray(pc.equal(pc.utf8_length(content), 0).to_numpy(zero_copy_only=False), dtype=bool)
    keep = np.flatnonzero(~blank)

    if len(keep):
        mapped, header = _header(physical[keep[0]])
        data_idx = keep[1:]
    else:
        mapped, header = [], pd.DataFrame({"column": layout()["column"], "header": "", "position": -1,
                                           "status": "missing"})
        data_idx = keep
    n = len(data_idx)
    texts = all_lines.take(pa.array(data_idx, type=pa.int64()))
    rows, reasons = _split_rows(texts) if n else (pa.array([], type=pa.list_(pa.string())), np.array([], dtype=object))
    counts = pc.list_value_length(rows).to_numpy(zero_copy_only=False).astype(np.int64) if n else np.array([], dtype=np.int64)
    width = len(mapped)
    wrong = (reasons == "") & (counts != width)
    reasons[wrong] = [f"{c} fields where the header has {width}" for c in counts[wrong]]
    readable = reasons == ""

    rid = pd.RangeIndex(n, name="rid")
    cells = {}
    for column in layout()["column"]:
        position = mapped.index(column) if column in mapped else -1
        values = _field(rows, counts, position) if position >= 0 else np.full(n, "", dtype=object)
        cells[column] = pd.Series(pd.array(values.tolist(), dtype="str"), index=rid)
    text_frame = pd.DataFrame(cells, index=rid)

    # Typed view of the rows that were read.
    typed = _typed(text_frame, header)
    label = typed["form"] + " " + typed["line"]
    arrest = typed["kind"] == "arrest"
    label = label.where(~arrest, label + " " + typed["sex"] + " " + typed["age_group"]).str.strip()

    # One unit per agency-month return (as sent); an unreadable row is a unit of its own.
    key = text_frame["ori"] + "\x1f" + text_frame["year"] + "\x1f" + text_frame["month"]
    unit = np.full(n, -1, dtype=np.int64)
    if readable.any():
        unit[readable] = pd.Series(key[readable].to_numpy()).groupby(key[readable].to_numpy(), sort=False).ngroup().to_numpy()
    next_unit = int(unit.max()) + 1 if n else 0
    unit[~readable] = np.arange(next_unit, next_unit + int((~readable).sum()))

    lengths = pc.utf8_length(texts).to_numpy(zero_copy_only=False).astype(np.int64) if n else np.array([], dtype=np.int64)
    sent = sent_lines.take(pa.array(data_idx, type=pa.int64()))
    non_ascii = (np.asarray(pc.match_substring_regex(sent, r"[^\t\x20-\x7e]").to_numpy(zero_copy_only=False), dtype=bool)
                 if n else np.array([], dtype=bool))
    records = pd.DataFrame(
        {
            "record": np.arange(1, n + 1, dtype=np.int64),
            "line": (data_idx + 1).astype(np.int64),
            "level": pd.array(np.where(readable, LEVEL, "").tolist(), dtype="str"),
            "length_declared": pd.array([pd.NA] * n, dtype="Int64"),
            "length_actual": lengths,
            "non_ascii": non_ascii,
            "action": pd.array([""] * n, dtype="str"),
            "sub_month": text_frame["month"],
            "sub_year": text_frame["year"],
            "city": pd.array([""] * n, dtype="str"),
            "ori": text_frame["ori"],
            "incident": pd.Series(pd.array(np.where(readable, label.to_numpy(dtype=object), "").tolist(), dtype="str"), index=rid),
            "raw": pd.Series(pd.array(texts.to_pylist(), dtype="str"), index=rid),
            "unit": unit,
            "unit_kind": pd.array(np.where(readable, UNIT_SBR, UNIT_UNPLACED).tolist(), dtype="str"),
        },
        index=rid,
    )
    typed["unit"] = unit
    placed = rid[readable]
    unplaced = empty_unplaced()
    if (~readable).any():
        unplaced = pd.DataFrame({"reason": pd.array(reasons[~readable].tolist(), dtype="str")},
                                index=pd.Index(rid[~readable], name="rid"))
    return Submission(
        source=source,
        format=FORMAT,
        records=records,
        frames={level: frame.copy() for level, frame in _empty_frames().items()},
        unplaced=unplaced,
        blank_lines=int(blank.sum()),
        extra={"sbr": typed.loc[placed], "sbr_text": text_frame.loc[placed], "sbr_header": header},
    )


def whole_numbers(cells: pd.Series) -> pd.Series:
    """``Int64`` of each cell that is a whole number of at most 18 significant digits
    (an optional sign, leading zeros allowed); missing for anything else.

    The text is parsed straight to 64-bit integers (never through floats, which lose digits
    past 2**53 and made counts of 2**63 or more raise).
    """
    text = cells.str.replace(r"^\+", "", regex=True).str.replace(r"^(-?)0+(?=\d)", r"\1", regex=True)
    fits = text.str.fullmatch(_WHOLE).fillna(False).astype(bool).to_numpy()
    parsed = pc.cast(pa.array(np.where(fits, text.to_numpy(dtype=object), None), type=pa.string()), pa.int64())
    return pd.Series(parsed.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get), index=cells.index)


def _typed(text: pd.DataFrame, header: pd.DataFrame) -> pd.DataFrame:
    """Counts, year and month as Int64 (missing where not a whole number), codes in catalogue spelling.

    A blank count is zero, as on the paper forms. A column the header lacks is missing (NA)
    on every row, so the checks that need it stay silent and the missing column is reported
    once per row instead.
    """
    table = forms()
    present = set(header.loc[header["status"] == "present", "column"])
    out = pd.DataFrame(index=text.index)
    out["ori"] = text["ori"]
    for column in ("year", "month"):
        whole = text[column].str.fullmatch(r"\d{1,4}").fillna(False).astype(bool)
        out[column] = pd.to_numeric(text[column].where(whole), errors="coerce").astype("Int64")
    out["form"] = _canonical(text["form"], sorted(table["form"].unique()))
    known_lines = (table["form"] + " " + table["line"]).tolist()
    out["line"] = _canonical(out["form"] + " " + text["line"], known_lines).str.split(" ", n=1).str[-1]
    out["line"] = out["line"].where(text["line"] != "", "").astype("str")
    out["kind"] = out["form"].map(form_kinds()).fillna("").astype("str")
    out["sex"] = text["sex"].str.upper()
    out["age_group"] = _canonical(text["age_group"], age_groups()["code"].tolist())
    for column in count_columns():
        if column not in present:
            out[column] = pd.array([pd.NA] * len(text), dtype="Int64")
            continue
        cell = text[column]
        out[column] = whole_numbers(cell).mask(cell == "", 0)
    return out

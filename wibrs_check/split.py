"""Checking one huge flat file in chunks, with the same findings as checking it whole.

A flat file larger than ``--chunk-mb`` is cut into chunks at unit boundaries: a chunk starts
at an administrative segment (level 1), a Group B arrest (level 7) or a zero report (level 0),
never inside an incident, and never where the next Group A segment after a run of Group B /
zero-report segments belongs to the incident before them (that interruption is edit 050).
Every chunk is read and checked by the ordinary reader, engine and rules, in parallel (a
process pool or Dask workers), and comes back as a small :class:`~wibrs_check.runner.FilePart`.

Most edits look inside one unit. The edits that compare a record with other records of the
file (056 the same incident number twice, 058 a submission month other than the first
record's, 088 Group A and Group B arrest numbers, 751 arrestee sequence numbers, 028/029 zero
reports against activity, the history edits that discount the file's own deletes and earlier
copies, the 050 interruption) would miss what lies in another chunk. So a small cross-chunk
pass comes first: the client scans the file's record keys (segment level, action, ORI,
incident number; a few bytes a record, never the model) and gives every chunk, as
*context*, the records of the other chunks those edits compare with:

* the file's first record (058);
* records of levels 1, 6 and 7 with an ORI and incident / arrest number of a level 1, 6 or 7
  record of the chunk (056, 088, 751, and the history edits' own-file copies and deletes);
* for an agency with a zero report in the chunk, its records of levels 0, 1, 3, 6 and 7
  elsewhere (028, 029, 030, 031: the agency's activity and zero reports in the file).

Context records are read with the chunk, in file order and with their own record and line
numbers, in units of their own; findings on them are dropped (their own chunk reports them).
So every rule sees, for the chunk's records, what it would see in the whole file, and the
merged findings equal the unsplit check row for row. Peak memory is that of one chunk's
model plus the key table of the scan (about 60 bytes a record).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import engine, findings as findings_mod
from .context import Context
from .model import Submission
from .readers.flatfile import read_flat_bytes
from .runner import FilePart, Options, unit_list

_NEWLINE, _CR, _SPACE, _PLACEHOLDER = 10, 13, 32, 63
HEADER_BYTES = 37  # positions 1-37: length, level, action, month, year, city, ORI, incident
ORI, KEY = slice(16, 25), slice(16, 37)  # ORI; ORI and incident / arrest number
CONTEXT_UNIT = 10**12  # context records' units are kept apart from the chunk's own
SCAN_BLOCK = 16 * 2**20
# Memory a chunk's model takes per byte of the file (docs/cluster.md, bench/README.md):
# measured 21x; with room for the rules' working copies.
MODEL_BYTES_PER_BYTE = 32


def default_chunk_mb(workers: int = 1) -> int:
    """A chunk size whose models fit this machine: half the memory shared by the workers."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not Linux
        total = 8 * 2**30
    per_worker = total / 2 / max(1, workers)
    return max(8, int(per_worker / MODEL_BYTES_PER_BYTE / 2**20))


@dataclass
class Records:
    """The key table of the scan: one row per non-blank record of the file."""

    start: np.ndarray  # byte offset of the record's line
    end: np.ndarray  # byte offset where its text ends (line break and trailing CRs excluded)
    line: np.ndarray  # physical line, 1-based
    header: np.ndarray  # (records, 37) uint8: positions 1-37, blank-padded, non-ASCII as '?'

    def __len__(self) -> int:
        return len(self.start)

    @property
    def level(self) -> np.ndarray:
        return self.header[:, 4]

    def column(self, part: slice) -> np.ndarray:
        return np.ascontiguousarray(self.header[:, part]).view(f"S{part.stop - part.start}").ravel()


@dataclass
class Chunk:
    """One piece of the file: its byte range, where it starts in the file, and its context."""

    path: str
    number: int
    begin: int  # byte range [begin, stop)
    stop: int
    first_record: int  # 0-based ordinal of its first record in the file
    first_line: int  # physical line (1-based) its bytes start on
    before: list[tuple[bytes, int, int]] = field(default_factory=list)  # (text, record, line) of context
    after: list[tuple[bytes, int, int]] = field(default_factory=list)
    data: bytes | None = None  # the chunk's bytes, when sent with the task (--upload)


def _block_lines(buf: np.ndarray, final: bool) -> tuple[np.ndarray, np.ndarray, int]:
    """Start and next-line offsets of the complete lines of ``buf``, and the bytes used."""
    breaks = np.flatnonzero(buf == _NEWLINE)
    if final and (not len(breaks) or breaks[-1] != len(buf) - 1) and len(buf):
        breaks = np.append(breaks, len(buf))  # a last line without a line break
    starts = np.concatenate([[0], breaks[:-1] + 1]).astype(np.int64) if len(breaks) else np.zeros(0, np.int64)
    nexts = (breaks + 1).astype(np.int64)
    used = int(min(nexts[-1], len(buf))) if len(breaks) else 0
    return starts, nexts, used


def scan(path: str | Path) -> Records | None:
    """The key table of a flat file, read block by block; None when the file has no line feed
    (such a file is checked whole)."""
    pieces: list[tuple] = []
    offset, line_base, saw_newline = 0, 0, False
    with open(path, "rb") as handle:
        carry = b""
        while True:
            block = handle.read(SCAN_BLOCK)
            final = not block
            data = carry + block
            if not data:
                break
            buf = np.frombuffer(data, dtype=np.uint8)
            starts, nexts, used = _block_lines(buf, final)
            saw_newline |= bool(np.any(buf[:used] == _NEWLINE)) if used else False
            if len(starts):
                pieces.append(_records_of(buf, starts, nexts, offset, line_base))
                line_base += len(starts)
            carry = data[used:]
            offset += used
            if final:
                break
    if not saw_newline:
        return None
    if not pieces:
        return Records(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64),
                       np.zeros((0, HEADER_BYTES), np.uint8))
    return Records(*(np.concatenate([p[i] for p in pieces]) for i in range(4)))


def _records_of(buf: np.ndarray, starts: np.ndarray, nexts: np.ndarray, offset: int, line_base: int) -> tuple:
    """Rows of the key table for the lines of one block, as the flat-file reader sees them:
    trailing CR/LF cut off, lines of nothing but blanks skipped, non-ASCII bytes as '?'."""
    ends = np.minimum(nexts, len(buf))
    ends = ends - ((ends > starts) & (buf[np.maximum(ends - 1, 0)] == _NEWLINE))
    while True:  # trailing carriage returns (usually one: CRLF)
        cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == _CR)
        if not cr.any():
            break
        ends = ends - cr
    filled = np.concatenate([(buf != _SPACE).astype(np.uint8), [0]])
    # [start, end) of every line, interleaved: reduceat's even results are the lines' sums
    bounds = np.empty(2 * len(starts), dtype=np.int64)
    bounds[0::2], bounds[1::2] = starts, ends
    counts = np.add.reduceat(filled, bounds, dtype=np.int64)[0::2]
    keep = (ends > starts) & (counts > 0)
    starts, ends = starts[keep], ends[keep]
    lines = np.flatnonzero(keep).astype(np.int64) + line_base + 1
    index = starts[:, None] + np.arange(HEADER_BYTES)[None, :]
    inside = index < ends[:, None]
    header = np.where(inside, buf[np.minimum(index, len(buf) - 1)], _SPACE).astype(np.uint8)
    header[(header > 126) | (header < 32)] = _PLACEHOLDER
    return starts + offset, ends + offset, lines, header


def split_points(records: Records, chunk_bytes: int) -> list[int]:
    """Record ordinals where chunks start (0 first): at a level 0, 1 or 7 record, once the chunk
    holds ``chunk_bytes``, unless the next Group A segment continues the incident before."""
    n = len(records)
    if not n:
        return [0]
    level = records.level
    intruder = (level == ord("0")) | (level == ord("7"))
    # the level of the first record at or after each one that is not a zero report / Group B
    positions = np.where(~intruder, np.arange(n), n)
    next_other = np.minimum.accumulate(positions[::-1])[::-1]
    following = np.where(next_other < n, level[np.minimum(next_other, n - 1)], ord("1"))
    continues = (following >= ord("2")) & (following <= ord("6"))
    allowed = ((level == ord("1")) | intruder) & ~continues
    allowed[0] = True
    candidates = np.flatnonzero(allowed)
    points = [0]
    start = records.start
    while True:
        want = start[points[-1]] + chunk_bytes
        at = np.searchsorted(start[candidates], want, side="left")
        if at >= len(candidates):
            break
        points.append(int(candidates[at]))
    return points


def plan(path: str | Path, chunk_bytes: int) -> list[Chunk] | None:
    """The chunks of ``path`` with their context, or None when it is checked whole."""
    records = scan(path)
    if records is None or not len(records):
        return None
    points = split_points(records, chunk_bytes)
    if len(points) < 2:
        return None
    size = os.path.getsize(path)
    bounds = points + [len(records)]
    chunk_of = np.repeat(np.arange(len(points)), np.diff(bounds))
    level = records.level
    keyed = np.isin(level, [ord("1"), ord("6"), ord("7")])
    key = records.column(KEY)
    ori = records.column(ORI)
    zero = level == ord("0")
    activity = np.isin(level, [ord("0"), ord("1"), ord("3"), ord("6"), ord("7")])
    chunks = []
    with open(path, "rb") as handle:
        for k, first in enumerate(points):
            last = bounds[k + 1]
            mine = chunk_of == k
            wanted = np.zeros(len(records), dtype=bool)
            wanted[0] = True  # the file's first record: 058
            wanted |= keyed & np.isin(key, key[first:last][keyed[first:last]])
            wanted |= activity & np.isin(ori, ori[first:last][zero[first:last]])
            wanted &= ~mine
            picked = np.flatnonzero(wanted)
            context = []
            for rid in picked:  # a handful of records a chunk: numbers in a file seldom repeat
                handle.seek(int(records.start[rid]))
                context.append((handle.read(int(records.end[rid] - records.start[rid])), int(rid) + 1,
                                int(records.line[rid])))
            before = [c for c, rid in zip(context, picked) if rid < first]
            after = [c for c, rid in zip(context, picked) if rid >= last]
            begin = 0 if k == 0 else int(records.start[first])
            stop = size if k == len(points) - 1 else int(records.start[last])
            first_line = 1 if k == 0 else int(records.line[first])
            chunks.append(Chunk(str(path), k, begin, stop, first, first_line, before, after))
    return chunks


# ---------------------------------------------------------------------------------------
# A chunk in a worker


@dataclass
class ChunkPart:
    """What a chunk gives back: a FilePart whose units are numbered from 0 within the chunk."""

    part: FilePart
    units: int  # units of the chunk's own records


def check_chunk(chunk: Chunk, ctx: Context, options: Options) -> ChunkPart:
    """Read and check one chunk with its context; keep only what its own records add."""
    if chunk.data is not None:
        own = chunk.data
    else:
        with open(chunk.path, "rb") as handle:
            handle.seek(chunk.begin)
            own = handle.read(chunk.stop - chunk.begin)
    before = b"".join(text + b"\n" for text, _, _ in chunk.before)
    after = b"".join(text + b"\n" for text, _, _ in chunk.after)
    if own and not own.endswith(b"\n") and after:
        own += b"\n"
    sub = read_flat_bytes(before + own + after, source=chunk.path)
    nb, na = len(chunk.before), len(chunk.after)
    n = len(sub.records)
    no = n - nb - na
    records = sub.records
    record = records["record"].to_numpy().copy()
    line = records["line"].to_numpy().copy()
    unit = records["unit"].to_numpy().copy()
    context = [*chunk.before, *chunk.after]
    ctx_rows = np.r_[np.arange(nb), np.arange(nb + no, n)].astype(np.int64)
    record[ctx_rows] = [r for _, r, _ in context]
    line[ctx_rows] = [ln for _, _, ln in context]
    own_rows = slice(nb, nb + no)
    record[own_rows] = np.arange(chunk.first_record + 1, chunk.first_record + no + 1)
    line[own_rows] = line[own_rows] - nb + chunk.first_line - 1
    first_unit = unit[nb] if no else 0
    unit[own_rows] -= first_unit
    unit[ctx_rows] += CONTEXT_UNIT
    sub.records = records.assign(record=record, line=line, unit=unit)
    result = engine.run(sub, ctx, options.select, options.ignore)
    found = result.findings
    found = found[found["unit"].notna() & (found["unit"] < CONTEXT_UNIT)].reset_index(drop=True)
    view = own_view(sub, nb, no)
    part = FilePart(
        chunk.path, findings=found, summary=engine.agency_summary(view, found), units=unit_list(view),
        file={"path": chunk.path, "format": view.format, **view.accounting()},
        not_checked=dict(result.not_checked),
        rule_failures=[{"path": chunk.path, "code": c, "message": t} for c, t in result.rule_failures.items()],
    )
    recs = found["record"].dropna().astype(int).unique()
    if len(recs):
        texts = view.records.set_index("record")["raw"].reindex(recs)
        part.raw_records = {(chunk.path, int(r)): t for r, t in texts.items() if isinstance(t, str)}
    return ChunkPart(part, int(view.records["unit"].nunique()) if no else 0)


def own_view(sub: Submission, nb: int, no: int) -> Submission:
    """The chunk's own records only (the context left out), for the summary and accounting."""
    own = sub.records.index[nb:nb + no]
    frames = {level: frame[frame.index.isin(own)] for level, frame in sub.frames.items()}
    return Submission(sub.source, sub.format, sub.records.iloc[nb:nb + no], frames,
                      sub.unplaced[sub.unplaced.index.isin(own)], blank_lines=sub.blank_lines)


# ---------------------------------------------------------------------------------------
# Merging the chunks of a file


def merge_chunks(pieces: list[ChunkPart]) -> FilePart:
    """One FilePart for the whole file, equal to what checking it unsplit gives."""
    parts, offset = [], 0
    for piece in pieces:
        part = piece.part
        part.findings = part.findings.assign(unit=part.findings["unit"] + offset)
        part.units = part.units.assign(unit=part.units["unit"] + offset)
        offset += piece.units
        parts.append(part)
    first = parts[0]
    found = pd.concat([p.findings for p in parts], ignore_index=True)
    found = findings_mod.validate(found) if len(found) else findings_mod.empty()
    file = dict(first.file)
    for key in ("records_read", "records_placed", "records_unplaced", "blank_lines"):
        file[key] = int(sum(p.file[key] for p in parts))
    failures: dict[str, dict] = {}
    for p in parts:
        for failure in p.rule_failures:
            failures.setdefault(failure["code"], failure)
    merged = FilePart(first.path, findings=found, summary=_merged_summary([p.summary for p in parts], found),
                      units=pd.concat([p.units for p in parts], ignore_index=True), file=file,
                      rule_failures=list(failures.values()))
    for p in parts:
        merged.not_checked.update(p.not_checked)
        merged.raw_records.update(p.raw_records)
    return merged


_SUMS = ("records", "units", "incidents", "deletes", "group_b", "zero_reports", "accepted", "rejected", "errors",
         "warnings", "flags", "sbr_returns", "ht_flags")


def _merged_summary(summaries: list[pd.DataFrame], found: pd.DataFrame) -> pd.DataFrame:
    """Per ORI over the chunks: counts added (a unit lies in one chunk), layouts joined, and
    the top error numbers taken from all the file's findings, as engine.agency_summary does."""
    rows = pd.concat(summaries, ignore_index=True)
    grouped = rows.groupby("ori", sort=True)
    out = grouped[list(_SUMS)].sum()
    out["layout"] = grouped["layout"].agg(lambda g: "/".join(sorted({x for v in g for x in str(v).split("/") if x})))
    top = found[found["severity"] == "error"].groupby("ori")["code"].agg(
        lambda c: " ".join(f"{k}x{v}" for k, v in c.value_counts().head(3).items()))
    out["top_errors"] = top.reindex(out.index).fillna("")
    out["file"] = rows["file"].iloc[0]
    out["format"] = rows["format"].iloc[0]
    frame = out.reset_index()[list(engine.SUMMARY_COLUMNS)]
    first = summaries[0]
    return frame.astype({c: first[c].dtype for c in frame.columns if c in first.columns})


# ---------------------------------------------------------------------------------------
# Running the chunks


def check_split(path: Path, ctx: Context, options: Options, chunk_bytes: int, jobs: int = 1,
                cluster=None, on_split=None) -> FilePart | None:
    """The FilePart of ``path`` checked in chunks, or None when it is not split (small, not a
    flat file, or a single chunk). Chunks run in a process pool of ``jobs`` or on ``cluster``."""
    from .readers.detect import detect_format

    try:
        if os.path.getsize(path) <= chunk_bytes or detect_format(path) != "flat":
            return None
    except OSError:
        return None
    chunks = plan(path, chunk_bytes)
    if not chunks:
        return None
    if on_split is not None:
        on_split(path, len(chunks))
    if cluster is not None:
        pieces = cluster.map_chunks(chunks, ctx, options)
    elif jobs <= 1:
        pieces = [check_chunk(c, ctx, options) for c in chunks]
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(jobs, len(chunks))) as pool:
            pieces = list(pool.map(check_chunk, chunks, [ctx] * len(chunks), [options] * len(chunks)))
    return merge_chunks(pieces)


def build_report(paths: list[Path], ctx: Context, options: Options, chunk_bytes: int, jobs: int = 1,
                 cluster=None, collect=None, on_split=None):
    """``runner.build_report`` with every flat file larger than ``chunk_bytes`` checked in
    chunks. With ``collect`` (``--commit`` needs each whole file's result) nothing is split."""
    from .runner import check_parts_grouped, merge_parts, not_checked_part

    def split_part(path: Path) -> FilePart | None:
        if collect is not None:
            return None
        try:
            return check_split(path, ctx, options, chunk_bytes, jobs, cluster, on_split)
        except Exception as exc:  # noqa: BLE001 - a chunk lost with its workers: the file's findings are incomplete
            return not_checked_part(str(path), f"not checked: a chunk of the split file was lost ({type(exc).__name__}: {exc})")

    paths = [Path(p) for p in paths]
    split = [split_part(p) for p in paths]
    # The files not split are checked as the runner checks them: small ones together in one model.
    rest = check_parts_grouped([p for p, s in zip(paths, split) if s is None], ctx, options, collect)
    return merge_parts((s if s is not None else next(rest) for s in split), ctx)

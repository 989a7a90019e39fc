"""Mutational fuzzing of the whole pipeline: flat, XML and SBR files, mutated byte by byte,
through the readers, every rule, the batch run and every writer (issue 22, "keep it that way").

Fixed seed, bounded time: the mutants are the same on every run; each stage stops taking new
mutants when its time budget is spent (``WIBRS_FUZZ_SECONDS`` scales it; the volume reached
is printed). Asserted for every mutant: no exception escapes, no rule fails, and every record
read is accounted for (placed in a segment or listed as unplaced). Files the tool refuses
(not a submission) must be refused with a message, never crash.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from pathlib import Path

import pytest

from wibrs_check import batch as batch_mod
from wibrs_check.commands.batch import FINDINGS_FORMATS, write_outputs
from wibrs_check.context import Context
from wibrs_check.generator import sbr as sbr_gen
from wibrs_check.generator.incidents import WI_ORIS, agency_month, to_lines
from wibrs_check.generator.xml_writer import to_xml
from wibrs_check.readers.detect import NotASubmission, read_any_bytes
from wibrs_check.readers.flatfile import UnreadableInput
from wibrs_check.report.spreadsheet import write_xlsx
from wibrs_check.runner import Options

SEED = 20261202
BUDGET = float(os.environ.get("WIBRS_FUZZ_SECONDS", "6"))  # per format, for the reader stage
CTX = Context(today=dt.date(2026, 8, 15))


def _seeds() -> dict[str, bytes]:
    rng = random.Random(SEED)
    lines = to_lines(agency_month(rng, WI_ORIS[0], 2026, 7, 12, group_b=2))
    flat = ("\n".join(lines) + "\n").encode("ascii")
    sbr = sbr_gen.clean_month(seed=SEED, oris=tuple(sbr_gen.AGENCIES)[:2]).text().encode()
    return {"flat": flat, "xml": to_xml(lines), "sbr": sbr}


# Bytes a mutation likes to insert: record and line structure, XML syntax, CSV syntax, the
# characters that broke the tool before (escape sequences, non-ASCII, huge numbers).
INTERESTING = [b"\n", b"\r", b"\r\n", b"\x00", b"\x1b[2J", b"\xc3\xa9", b"\xff\xfe", b"<", b">", b"&", b"]]>",
               b"<!DOCTYPE x>", b"<junk/>", b'"', b",", b",,,,", b"9223372036854775808", b"-1", b"=HYPERLINK(1)",
               b"0088", b"1I", b"  ", b"\t", b"\xef\xbb\xbf"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to eight random edits: flip, insert, delete, duplicate or move a span, truncate."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not buf:
            buf.extend(rng.choice(INTERESTING))
            continue
        at = rng.randrange(len(buf))
        op = rng.randrange(7)
        if op == 0:
            buf[at] = rng.randrange(256)
        elif op == 1:
            buf[at:at] = rng.choice(INTERESTING)
        elif op == 2:
            del buf[at: at + rng.randint(1, 40)]
        elif op == 3:
            span = bytes(buf[at: at + rng.randint(1, 200)])
            where = rng.randrange(len(buf))
            buf[where:where] = span
        elif op == 4:
            del buf[rng.randint(at, len(buf)):]  # cut the file short
        elif op == 5:
            buf[at: at + 1] = bytes([rng.choice(b"\n\r")])
        else:
            span = bytes(buf[at: at + rng.randint(1, 80)])
            del buf[at: at + len(span)]
            where = rng.randrange(len(buf) + 1)
            buf[where:where] = span
    return bytes(buf)


SEEDS = _seeds()


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_mutants_are_read_with_every_record_accounted(kind):
    rng = random.Random(f"{SEED}-{kind}")
    started, done, refused = time.perf_counter(), 0, 0
    while time.perf_counter() - started < BUDGET or done < 20:
        data = mutate(SEEDS[kind], rng)
        try:
            sub = read_any_bytes(data, f"mutant-{done}")
        except NotASubmission:
            refused += 1
        except UnreadableInput as exc:
            assert "Error Data Set" in str(exc)
            refused += 1
        else:
            sub.check_accounting()
        done += 1
    print(f"\nfuzz {kind}: {done} mutants read ({refused} refused as not a submission)")


def test_mutants_through_batch_rules_and_every_writer(tmp_path):
    """A month folder of mutants (each seed mutated several times over) through run_batch,
    every findings format, summary, gaps, the HTML report and an Excel workbook."""
    rng = random.Random(f"{SEED}-pipeline")
    folder = tmp_path / "month"
    folder.mkdir()
    edits = 0
    for kind, seed in SEEDS.items():
        for copy in range(1):
            data = seed
            for _ in range(10):
                data = mutate(data, rng)
                edits += 1
            (folder / f"{kind}-{copy}.{'xml' if kind == 'xml' else 'csv' if kind == 'sbr' else 'txt'}").write_bytes(data)
    result = batch_mod.run_batch([folder], CTX, Options(), jobs=1, progress=False)
    report = result.report
    assert report.rule_failures == []
    assert not [bad for bad in report.fatal if "unexpectedly" in bad["message"] or "failed" in bad["message"]]
    for entry in report.files:
        assert entry["records_read"] == entry["records_placed"] + entry["records_unplaced"], entry
    names = {Path(p).name for p in [*(f["path"] for f in report.files), *(f["path"] for f in report.fatal),
                                    *(x["path"] for x in result.inputs.skipped)]}
    assert names == {p.name for p in folder.iterdir()}  # every file somewhere
    written = write_outputs(result, tmp_path / "out", FINDINGS_FORMATS)
    assert all(p.stat().st_size > 0 for p in written)
    write_xlsx(tmp_path / "findings.xlsx", {"findings": report.findings, "summary": result.summary})
    print(f"\nfuzz pipeline: {len(list(folder.iterdir()))} files, {edits} mutation rounds, "
          f"{sum(f['records_read'] for f in report.files)} records, {len(report.findings)} findings")

"""The issue-16 probe corpus (tests/fixtures/probes/): for each rule defect fixed there, one
minimal file on which the rule fires and one near miss on which it must not. The manifest
names the code and how often it must be reported; ``only`` means nothing else may be."""

import csv
import datetime as dt
from pathlib import Path

import pytest

from wibrs_check import engine
from wibrs_check.context import Context
from wibrs_check.readers.detect import read_any
from wibrs_check.readers.flatfile import UnreadableInput

PROBES = Path(__file__).parent / "fixtures" / "probes"
with (PROBES / "manifest.csv").open(encoding="ascii", newline="") as _handle:
    MANIFEST = list(csv.DictReader(_handle))


def test_every_probe_has_a_firing_file_and_a_near_miss():
    stems = {row["file"].rsplit("--", 1)[0] for row in MANIFEST}
    variants = {row["file"] for row in MANIFEST}
    assert len(stems) >= 14 and all(
        {f"{s}--fires.txt", f"{s}--near-miss.txt"} <= variants or {f"{s}--fires.xml", f"{s}--near-miss.xml"} <= variants
        for s in stems)


@pytest.mark.parametrize("row", MANIFEST, ids=[row["file"] for row in MANIFEST])
def test_probe(row):
    path = PROBES / row["file"]
    if row["code"] == "refused":
        if row["expected"] == "1":
            with pytest.raises(UnreadableInput, match="not a submission"):
                read_any(path)
        else:
            read_any(path).check_accounting()
        return
    sub = read_any(path)
    select = () if row["expected"] == "only" else (row["code"],)
    found = engine.run(sub, Context(today=dt.date(2026, 8, 15)), select=select, strict_rules=True).findings
    codes = found["code"].tolist()
    if row["expected"] == "only":
        assert codes == [row["code"]], row["note"]
    else:
        assert codes.count(row["code"]) == int(row["expected"]), (row["note"], codes)

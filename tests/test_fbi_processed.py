"""The FBI-processed pair: every error in the FBI's Error Data Set is found at the same place.

The Minnesota February 2016 submission came back from the FBI with an EDS. Every error
number in it still exists in 2019.1. The check must find each one at the same record (or,
for errors the FBI wrote with record number 0, in the same incident), given an agency file
that holds that agency's NIBRS start date. The one exception is 056 ("already on file"):
it refers to incidents the FBI held from earlier submissions, which only the history store
can know.
"""

import datetime as dt
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from wibrs_check import engine
from wibrs_check.agencies import load_agencies
from wibrs_check.context import Context
from wibrs_check.readers.flatfile import read_flat
from wibrs_check.report import eds
from conftest import shared_file

NEEDS_EARLIER_SUBMISSIONS = {"056"}
FIXTURE = Path(__file__).parent / "fixtures" / "agencies_mn_2016.csv"


def read_eds(path: Path) -> pd.DataFrame:
    lines = [line for line in path.read_bytes().decode("ascii").split("\r\n") if len(line) >= 49]
    rows = [{"record": int(line[6:13]), "ori": line[14:23], "incident": line[23:35].rstrip(), "code": line[46:49]}
            for line in lines if line[14:23] != "999999999"]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def pair():
    eds = read_eds(shared_file("samples", "fbi-processed", "MN_2016-02_fbi_eds.txt"))
    sub = read_flat(shared_file("samples", "fbi-processed", "MN_2016-02_submission.txt"))
    ctx = Context(agencies=load_agencies(FIXTURE), today=dt.date(2016, 3, 23))
    return eds, engine.run(sub, ctx).findings


def test_every_fbi_error_is_found_at_the_same_place(pair):
    eds, found = pair
    on_record = found[found["record"].notna()]
    found_records = set(zip(on_record["record"].astype(int), on_record["code"]))
    found_incidents = set(zip(found["incident"], found["code"]))
    expected = eds[~eds["code"].isin(NEEDS_EARLIER_SUBMISSIONS)]
    missed = [
        (r.record, r.incident, r.code) for r in expected.itertuples()
        if not ((r.record, r.code) in found_records if r.record else (r.incident, r.code) in found_incidents)
    ]
    assert len(expected) == 269
    assert missed == []


def test_only_history_edits_are_left_unmatched(pair):
    eds, _ = pair
    assert set(eds["code"]) - {"459", "070", "458", "390", "081", "173", "470", "305", "656"} == NEEDS_EARLIER_SUBMISSIONS


# --- positions 1-61 byte for byte -------------------------------------------------------

def fbi_lines(path: Path) -> list[str]:
    text = path.read_bytes().decode("ascii")
    return [line[:61] for line in text.split("\r\n") if len(line) >= 49 and line[14:23] != "999999999"]


def reproduced_rows(pair_lines: list[str], ours: list[str]) -> tuple[int, list[str]]:
    """How many FBI rows appear in our EDS (positions 1-61, each of ours used once), and the rest."""
    available = Counter(ours)
    missed = []
    for line in pair_lines:
        if available[line]:
            available[line] -= 1
        else:
            missed.append(line)
    return len(pair_lines) - len(missed), missed


def test_eds_reproduces_every_decidable_fbi_row_byte_for_byte(pair):
    """269 of the 271 FBI rows come out identical in positions 1-61. The other two are 056:
    the incidents were added in an earlier submission (the FBI's message names 02/24/2016),
    which this file alone cannot show."""
    _, found = pair
    fbi = fbi_lines(shared_file("samples", "fbi-processed", "MN_2016-02_fbi_eds.txt"))
    ours = [line[:61] for line in eds.render(found, "03/23/2016").split("\r\n") if line[14:23] not in ("", "999999999")]
    reproduced, missed = reproduced_rows(fbi, ours)
    assert len(fbi) == 271
    assert {line[46:49] for line in missed} == NEEDS_EARLIER_SUBMISSIONS
    assert (reproduced, len(missed)) == (269, 2)

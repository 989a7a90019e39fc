"""The FBI-processed pair: every error in the FBI's Error Data Set is found at the same place.

The Minnesota February 2016 submission came back from the FBI with an EDS. Every error
number in it still exists in 2019.1. The check must find each one at the same record (or,
for errors the FBI wrote with record number 0, in the same incident), given an agency file
that holds that agency's NIBRS start date. The one exception is 056 ("already on file"):
it refers to incidents the FBI held from earlier submissions, which only the history store
can know.
"""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from wibrs_check import engine
from wibrs_check.agencies import load_agencies
from wibrs_check.context import Context
from wibrs_check.readers.flatfile import read_flat
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

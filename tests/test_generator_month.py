"""The generator is the backbone: clean incidents raise no error, each injected error is found."""

import datetime as dt

import pandas as pd
import pytest

from wibrs_check.context import Context
from wibrs_check.generator.inject import build_month, load_injections, write_month
from wibrs_check.generator.profiles import PROFILES
from wibrs_check.runner import Options, build_report
from wibrs_check.rules.registry import all_rules
from wibrs_check import spec

CTX = Context(today=dt.date(2026, 8, 15))


@pytest.fixture(scope="module")
def month_report(tmp_path_factory):
    month = build_month(seed=7, oris=("WI0130100", "WI0400000", "WI0640000"), incidents_per_agency=len(PROFILES) + 5)
    paths = write_month(month, tmp_path_factory.mktemp("month"))
    return month, build_report(paths, CTX, Options())


def _key(frame: pd.DataFrame) -> pd.Series:
    return frame["file"].str.rsplit("/", n=1).str[-1] + "|" + frame["incident"]


def test_clean_incidents_raise_no_error(month_report):
    month, report = month_report
    errors = report.findings[report.findings["severity"] == "error"]
    clean_keys = set(month.clean_units["file"] + "|" + month.clean_units["incident"])
    on_clean = errors[_key(errors).isin(clean_keys)]
    assert on_clean.empty, on_clean[["file", "record", "code", "data_element", "value", "message"]].head(20).to_string()


def test_every_injected_error_is_found_at_its_record(month_report):
    month, report = month_report
    found = report.findings.assign(file=report.findings["file"].str.rsplit("/", n=1).str[-1])
    missing = []
    for row in month.expected.itertuples(index=False):
        hits = found[(found["file"] == row.file) & (found["code"] == row.code) & (found["incident"] == row.incident)]
        if pd.isna(row.record):
            hits = hits[hits["record"].isna()]
        else:
            hits = hits[hits["record"] == row.record]
        if row.data_element:
            hits = hits[hits["data_element"] == row.data_element]
        if hits.empty:
            missing.append((row.code, row.file, row.record, row.data_element))
    assert not missing, missing


# Codes the generator cannot express (it builds records from layouts), each tested directly instead.
NOT_INJECTABLE = {"051": "a record with an unknown segment level has no layout to build it from (tests/rules/test_structure.py)"}


def test_every_implemented_fbi_code_has_an_injection():
    injections = load_injections()
    implemented = {c for c, r in all_rules().items() if r.checks and c.isdigit() and not r.needs}
    assert sorted(implemented - set(injections) - set(NOT_INJECTABLE)) == []


def test_every_generator_offense_is_a_group_a_offense():
    assert set(PROFILES) == set(spec.group_a_offenses())

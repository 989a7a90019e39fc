"""Offense-code gap report: evidence per file, signals per agency over months, writers."""

from __future__ import annotations

import datetime as dt
import json
import random

import pandas as pd

from wibrs_check import engine, gaps
from wibrs_check.context import Context
from wibrs_check.generator import incidents as gen
from wibrs_check.generator import state_month as sm
from wibrs_check.readers.flatfile import read_flat_bytes

from state_month_run import small_month, small_month_result

TODAY = dt.date(2026, 8, 15)
ORI = "WI0130100"


def _promoter_with_juvenile_40a_arrestee(rng, number):
    """A 40B incident whose arrestee, 16, was charged with prostitution (40A): HT02's second kind."""
    inc = gen.group_a_incident("40B", rng, ORI, 2026, 7, number, arrest=True)
    for s in inc.of_level(6):
        s.values.update({"de45": "40A", "de47": "16", "de52": "H"})
    return inc


def _offender_age(inc, age):
    for s in inc.of_level(5):
        s.values["de37"] = age
    return inc


def test_evidence_is_the_trafficking_flags_definition_of_a_juvenile_provider():
    """The gap evidence counts the incidents HT01/HT02 flag, and only those, even when the
    HT codes are not selected (one definition of "juvenile provider", in rules/trafficking.py)."""
    rng = random.Random(5)
    incidents = [
        sm._juvenile_40a(rng, ORI, 2026, 7, 1),  # HT01
        _offender_age(sm._juvenile_40a(rng, ORI, 2026, 7, 2), "1517"),  # range under 18: HT01
        _offender_age(sm._juvenile_40a(rng, ORI, 2026, 7, 3), "1619"),  # range across 18: nothing
        _offender_age(sm._juvenile_40a(rng, ORI, 2026, 7, 4), "00"),  # unknown age: nothing
        _promoter_with_juvenile_40a_arrestee(rng, 5),  # HT02
        sm._juvenile_buyer(rng, ORI, 2026, 7, 6),  # a juvenile buyer: nothing
    ]
    lines = gen.to_lines(incidents)
    sub = read_flat_bytes(("\n".join(lines) + "\n").encode("ascii"), "agency.txt")
    flagged = engine.run(sub, Context(today=TODAY), select=("HT01", "HT02"))
    by_code = flagged.findings.groupby("code")["incident"].agg(lambda s: sorted(set(s))).to_dict()
    assert by_code == {"HT01": ["26-000001", "26-000002"], "HT02": ["26-000005"]}
    for select in (("HT01", "HT02"), ("204",)):
        sub = read_flat_bytes(("\n".join(lines) + "\n").encode("ascii"), "agency.txt")
        row = gaps.evidence(engine.run(sub, Context(today=TODAY), select=select)).iloc[0]
        assert (row["juvenile_40a"], row["juvenile_40bc"], row["juvenile_incidents"]) == (2, 1, 3), select
        assert row["juvenile_examples"].split() == [
            "agency.txt#26-000001", "agency.txt#26-000002", "agency.txt#26-000005"]


def test_month_label():
    out = gaps.month_label(pd.Series(["2026", "2026", "26", "2026"]), pd.Series(["07", "13", "07", "1"]))
    assert out.tolist() == ["2026-07", "unknown", "unknown", "2026-01"]


def _evidence(*incidents, select=("204",)):
    lines = gen.to_lines(list(incidents))
    sub = read_flat_bytes(("\n".join(lines) + "\n").encode("ascii"), "agency.txt")
    return gaps.evidence(engine.run(sub, Context(today=TODAY), select=select))


def test_evidence_counts_juvenile_provider_victim_and_ignores_juvenile_buyer():
    rng = random.Random(3)
    ev = _evidence(
        sm._juvenile_40a(rng, ORI, 2026, 7, 1),  # juvenile offender in a 40A incident
        sm._juvenile_40a(rng, ORI, 2026, 7, 2, arrestee=True),  # juvenile 40A arrestee
        sm._juvenile_victim_40c(rng, ORI, 2026, 7, 3),  # 40C with a 15-year-old 36B victim
        sm._juvenile_buyer(rng, ORI, 2026, 7, 4),  # look-alike: juvenile buyer
        gen.group_a_incident("40A", rng, ORI, 2026, 7, 5, arrest=False),  # adult 40A
        sm._rejected_trafficking(rng, ORI, 2026, 7, 6),  # 64A with an error
        gen.group_a_incident("64B", rng, ORI, 2026, 7, 7),
    )
    row = ev.iloc[0]
    assert (row["ori"], row["month"], row["format"]) == (ORI, "2026-07", "flat")
    assert row["prostitution_incidents"] == 5
    assert row["juvenile_40a"] == 2 and row["juvenile_40bc"] == 1 and row["juvenile_incidents"] == 3
    assert row["trafficking_incidents"] == 2 and row["trafficking_rejected"] == 1
    assert row["trafficking_error_codes"] == "204x1"
    assert row["juvenile_examples"].split() == ["agency.txt#26-000001", "agency.txt#26-000002", "agency.txt#26-000003"]
    assert row["legacy_records"] == 0


def test_evidence_counts_legacy_segments():
    rng = random.Random(4)
    inc = gen.group_a_incident("13B", rng, ORI, 2026, 7, 1)
    for s in inc.segments:
        s.length = sm.LEGACY_LENGTHS.get(s.level)
    ev = _evidence(inc, gen.group_a_incident("13B", rng, ORI, 2026, 7, 2))
    assert ev.iloc[0]["legacy_records"] == sum(1 for s in inc.segments if s.level in sm.LEGACY_LENGTHS)
    assert ev.iloc[0]["legacy_levels"] == "1 2 4 5"


def frame(*rows):
    base = {c: 0 for c in gaps.EVIDENCE_COLUMNS}
    base.update({"file": "f", "format": "flat", "legacy_levels": "", "juvenile_examples": "",
                 "trafficking_error_codes": "", "trafficking_examples": "", "units": 5, "records": 20})
    return pd.DataFrame([{**base, **r} for r in rows], columns=list(gaps.EVIDENCE_COLUMNS))


def codes(g, ori=None):
    g = g if ori is None else g[g["ori"] == ori]
    return sorted(g["code"])


def test_gap02_fires_only_without_64a_in_any_month():
    ev = frame({"ori": "A", "month": "2026-06", "juvenile_incidents": 2, "juvenile_40a": 2},
               {"ori": "A", "month": "2026-07"},
               {"ori": "B", "month": "2026-06", "juvenile_incidents": 1, "juvenile_40bc": 1},
               {"ori": "B", "month": "2026-07", "trafficking_incidents": 1})
    g = gaps.signals(ev)
    assert codes(g) == ["GAP02"]
    row = g.iloc[0]
    assert (row["ori"], row["months"], row["months_in_run"], row["count"]) == ("A", "2026-06", 2, 2)
    assert "2 incidents with juvenile prostitution evidence" in row["evidence"]
    assert "no 64A/64B incident in 2 months" in row["evidence"]
    assert row["severity"] == "flag" and "64A" in row["recommendation"]


def test_gap03_gap04_gap01_gap05():
    ev = frame({"ori": "T", "month": "2026-07", "trafficking_incidents": 3, "trafficking_rejected": 2,
                "trafficking_error_codes": "204x2 050x1", "trafficking_examples": "f#1 f#2"},
               {"ori": "L", "month": "2026-07", "legacy_records": 12, "legacy_levels": "1 4", "records": 40},
               {"ori": "S", "month": "2026-07", "format": "sbr", "sbr_return_a": 1, "sbr_ht_return": 0,
                "sbr_juvenile_arrests": 2, "sbr_flagged_juveniles": 2})
    g = gaps.signals(ev)
    assert codes(g, "T") == ["GAP03"] and codes(g, "L") == ["GAP04"] and codes(g, "S") == ["GAP01", "GAP05"]
    t = g[g["ori"] == "T"].iloc[0]
    assert t["count"] == 2 and "2 of 3 64A/64B incidents would be rejected; errors 204 (2), 050 (1)." == t["evidence"]
    assert t["examples"] == "f#1 f#2"
    assert g[g["ori"] == "L"].iloc[0]["evidence"].startswith("12 of 40 records")
    assert "without any Human Trafficking return" in g[(g["ori"] == "S") & (g["code"] == "GAP05")].iloc[0]["evidence"]


def test_gap06_needs_agencies_and_lists_each_missing_month():
    agencies = pd.DataFrame({"ori": ["A", "B", "C", "D"], "name": ["Alpha", "Beta", "Gamma", "Delta"],
                             "status": ["active", "active", "inactive", "active"], "covered_by": ["", "", "", "A"]})
    ev = frame({"ori": "A", "month": "2026-06"}, {"ori": "A", "month": "2026-07"}, {"ori": "B", "month": "2026-06"})
    assert codes(gaps.signals(ev)) == []  # without an agency file nobody is missing
    g = gaps.signals(ev, agencies)
    assert codes(g) == ["GAP06"]  # C is inactive, D reports through A
    row = g.iloc[0]
    assert (row["ori"], row["name"], row["months"], row["count"]) == ("B", "Beta", "2026-07", 1)
    assert "for 1 of 2 months" in row["evidence"]
    assert gaps.non_submitters(ev, agencies, ["2026-06", "2026-07", "2026-08"])["ori"].tolist() == ["B", "A", "B"]


def test_stray_month_does_not_open_a_month():
    ev = frame({"ori": "A", "month": "2026-07"}, {"ori": "B", "month": "unknown"})
    assert gaps.run_months(ev) == ["2026-07"]
    assert gaps.run_months(ev, ["2026-08"]) == ["2026-08"]


def test_writers():
    ev = frame({"ori": "A", "month": "2026-07", "juvenile_incidents": 1, "juvenile_40a": 1})
    g = gaps.signals(ev, months=["2026-07"])
    csv = gaps.render_csv(g)
    assert csv.splitlines()[0] == ",".join(gaps.GAP_COLUMNS)
    doc = json.loads(gaps.render_json(g, ["2026-07"]))
    assert doc["months"] == ["2026-07"] and doc["gaps"][0]["code"] == "GAP02"
    assert set(doc["columns"]) == set(gaps.GAP_COLUMNS) and doc["signals"]["GAP02"]["agencies"] == 1
    text = gaps.render_text(g, ["2026-07"])
    assert "GAP02" in text and "do:" in text
    assert "No gap signals" in gaps.render_text(g.iloc[0:0])


def test_gap_codes_are_catalogued_flags():
    from wibrs_check import spec

    catalog = spec.edit_catalog()
    for code in gaps.SIGNAL_CODES:
        assert catalog.loc[code, "severity"] == "flag"
        assert catalog.loc[code, "description"]
    assert catalog.loc["GAP06", "needs"] == "agency"


def test_generated_month_every_planted_gap_is_found_and_no_look_alike():
    built, result = small_month(), small_month_result()
    found = set(zip(result.gaps["ori"], result.gaps["code"]))
    expected = set(zip(built.expected_gaps["ori"], built.expected_gaps["code"]))
    assert expected <= found, expected - found
    assert not set(zip(built.must_not["ori"], built.must_not["code"])) & found
    assert result.months == ["2026-07"]


def test_gaps_command_text_and_json(tmp_path):
    from click.testing import CliRunner

    from wibrs_check.cli import main

    built = small_month()
    gap02 = built.expected_gaps.loc[built.expected_gaps["code"] == "GAP02", "ori"].iloc[0]
    files = [str(p) for p in built.paths if p.name.startswith(gap02)]
    runner = CliRunner()
    out = runner.invoke(main, ["gaps", *files, "--agencies", str(built.agency_file), "--select", "0,2,SBR,IO",
                               "--today", "2026-08-15", "--format", "json", "-j", "2", "--no-progress"])
    assert out.exit_code == 1, out.output
    doc = json.loads(out.stdout)
    assert {(gap02, "GAP02")} == {(g["ori"], g["code"]) for g in doc["gaps"] if g["code"] != "GAP06"}
    assert len([g for g in doc["gaps"] if g["code"] == "GAP06"]) == 23  # every other agency sent nothing
    assert doc["months"] == ["2026-07"]


def test_gap04_names_what_the_short_layouts_leave_out_and_is_not_an_error():
    ev = frame({"ori": "L", "month": "2026-07", "records": 40, "legacy_records": 12, "legacy_levels": "1 4"})
    row = gaps.signals(ev).query("code == 'GAP04'").iloc[0]
    assert row["evidence"] == ("12 of 40 records use the short 2019.1 layout of segment level(s) 1, 4, so the "
                               "records system does not send cargo theft / LEOKA (officer activity and assignment).")
    assert row["recommendation"].startswith("Not an error") and "pre-2019" not in row["recommendation"] + row["title"]

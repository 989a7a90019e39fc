"""Trafficking flags HT01-HT03: juvenile providers hidden as prostitution, and trafficking
incidents that will be rejected. Ages, ranges and special codes; the juvenile buyer; the
finding-level HT03 and the engine's post-pass; a generated month with planted cases and
look-alikes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from wibrs_check import engine, spec
from wibrs_check.context import Context
from wibrs_check.rules import persons
from wibrs_check.rules.registry import FINDINGS_PHASE, all_rules, findings_rule
from wibrs_check.rules.trafficking import age_classes
from wibrs_check.testing import check, fired, submission

H = {"incident": "26-000101"}
ADMIN = (1, {**H, "de3_date": "20260701", "de3_hour": "22", "de4": "N"})


def offense(code: str, **extra):
    values = {**H, "de6": code, "de7": "C", "de8_1": "N", "de9": "14", "de8a_1": "88", **extra}
    if code in ("11A", "11B", "11C", "11D", "64A", "64B"):
        values.setdefault("de13_1", "40")
    return (2, values)


def society_victim(*codes: str):
    return (4, {**H, "de23": "001", **{f"de24_{k}": c for k, c in enumerate(codes, 1)}, "de25": "S"})


def person_victim(code: str, age: str, seq: str = "002", **extra):
    values = {**H, "de23": seq, "de24_1": code, "de25": "I", "de26": age, "de27": "F", "de28": "W",
              "de29": "N", "de30": "R", "de34_1": "01", "de35_1": "AQ", **extra}
    if code in ("11A", "11B", "11C", "11D", "64A", "64B"):
        values.setdefault("de33_1", "N")
    return (4, values)


def offender(age: str, seq: str = "01", sex: str = "F"):
    return (5, {**H, "de36": seq, "de37": age, "de38": sex, "de39": "W", "de39a": "N"})


def arrestee(age: str, charge: str, seq: str = "01", disposition: str | None = None):
    if disposition is None:
        years = (int(age[:2]) + int(age[2:])) // 2 if len(age) == 4 and age.isdigit() else int(age) if age.isdigit() else 99
        disposition = "H" if 0 < years < 18 else ""
    return (6, {**H, "de40": seq, "de41": "A26-000101" + seq, "de42": "20260702", "de43": "T", "de44": "N",
                "de45": charge, "de46_1": "01", "de47": age, "de48": "F", "de49": "W", "de50": "N", "de51": "R",
                "de52": disposition})


def prostitution(offender_age: str = "16", *more):
    """A 40A incident: admin (1), offense (2), society victim (3), offender (4), more..."""
    return submission(ADMIN, offense("40A"), society_victim("40A"), offender(offender_age), *more)


def errors(sub) -> list[str]:
    found = engine.run(sub, strict_rules=True).findings
    return sorted(found.loc[found["severity"] == "error", "code"])


def detail(sub, code: str) -> str:
    found = check(sub, code)
    assert len(found) == 1, found
    return found["message"].iloc[0]


# ---------------------------------------------------------------------------------------
# Ages


def test_age_classes_ranges_and_special_codes():
    values = pd.Series(["16", "17", "18", "99", "00", "", "1517", "1619", "1820", "1715", "0016", "NN", "NB", "BB", " 16"])
    typed = persons.typed_age(values, frozenset({"NN", "NB", "BB"}))
    got = age_classes(typed)
    assert got["juvenile"].tolist() == [True, True, False, False, False, False, True, False, False, False, False, True, True, True, False]
    assert got["adult"].tolist() == [False, False, True, True, False, False, False, False, True, False, False, False, False, False, False]
    assert got["age_text"].tolist()[:8] == ["age 16", "age 17", "age 18", "age 99", "age 00 (unknown)", "age blank",
                                            "age range 15-17", "age range 16-19"]
    assert got["age_text"].iloc[12] == "age NB (1-6 days old)"


def test_letter_codes_are_not_ages_of_offenders():
    typed = persons.typed_age(pd.Series(["NN", "BB"]))  # offenders and arrestees have no letter codes
    assert not age_classes(typed)["juvenile"].any()


# ---------------------------------------------------------------------------------------
# HT01: 40A with a juvenile offender or arrestee


def test_HT01_fires_on_40a_offender_aged_16():
    sub = prostitution("16")
    assert fired(sub, "HT01") == [(4, "37")]
    assert "offender 01 age 16" in detail(sub, "HT01")
    assert errors(sub) == []


def test_HT01_fires_on_arrestee_whose_age_range_is_under_18():
    sub = prostitution("00", arrestee("1517", "40A"))
    assert fired(sub, "HT01") == [(5, "47")]
    assert "arrestee 01 age range 15-17, arrested for 40A" in detail(sub, "HT01")
    assert errors(sub) == []


def test_HT01_is_one_finding_per_incident_naming_all_evidence():
    sub = prostitution("16", arrestee("16", "40A"))
    assert fired(sub, "HT01") == [(4, "37")]
    assert detail(sub, "HT01").endswith("(offender 01 age 16; arrestee 01 age 16, arrested for 40A)")


@pytest.mark.parametrize("age", ["18", "30", "99", "00", "1619", "1820"])
def test_HT01_does_not_fire_on_adult_unknown_or_straddling_ages(age):
    assert fired(prostitution(age), "HT01") == []


def test_HT01_does_not_fire_on_offender_letter_code():
    sub = prostitution("NB")  # invalid for an offender: the FBI edit reports it, not the flag
    assert fired(sub, "HT01") == []
    assert "556" in errors(sub)


def test_HT01_does_not_fire_when_the_incident_already_holds_64A():
    sub = submission(ADMIN, offense("40A"), offense("64A"), society_victim("40A"), person_victim("64A", "16"),
                     offender("16"))
    assert fired(sub, "HT01") == []


def test_juvenile_buyer_alone_is_not_a_provider():
    """A 40C incident whose only juvenile is the buyer (offender and arrestee aged 16)."""
    sub = submission(ADMIN, offense("40C"), society_victim("40C"), offender("16", sex="M"), arrestee("16", "40C"))
    assert errors(sub) == []
    assert fired(sub, "HT01") == []
    assert fired(sub, "HT02") == []


def test_juvenile_buyer_of_an_adult_provider_is_not_flagged():
    """40A + 40C: the adult is the provider, the 17-year-old arrested for 40C the buyer."""
    sub = submission(ADMIN, offense("40A"), offense("40C"), society_victim("40A", "40C"),
                     offender("24"), offender("17", seq="02", sex="M"), arrestee("17", "40C"))
    assert errors(sub) == []
    assert fired(sub, "HT01") == []
    assert fired(sub, "HT02") == []


def test_juvenile_arrested_for_buying_in_a_40a_only_incident_is_not_flagged():
    """No 40C offense segment, but the 16-year-old offender was arrested for 40C: the buyer."""
    sub = prostitution("16", arrestee("16", "40C"))
    assert fired(sub, "HT01") == []
    assert fired(sub, "HT02") == []


def test_HT01_fires_on_40a_arrestee_even_when_the_incident_holds_40C():
    sub = submission(ADMIN, offense("40A"), offense("40C"), society_victim("40A", "40C"),
                     offender("16"), offender("40", seq="02", sex="M"), arrestee("16", "40A"))
    assert fired(sub, "HT01") == [(7, "47")]


# ---------------------------------------------------------------------------------------
# HT02: 40B/40C with a juvenile provider elsewhere in the record


def test_HT02_fires_on_40c_with_a_juvenile_statutory_rape_victim():
    sub = submission(ADMIN, offense("40C"), offense("36B"), society_victim("40C"), person_victim("36B", "15"),
                     offender("35", sex="M"))
    assert fired(sub, "HT02") == [(5, "26")]
    assert "victim 002 age 15, victim of 36B" in detail(sub, "HT02")
    assert errors(sub) == []


def test_HT02_fires_on_40b_with_a_victim_whose_age_range_is_under_18():
    sub = submission(ADMIN, offense("40B"), offense("11D"), society_victim("40B"), person_victim("11D", "1416"),
                     offender("35", sex="M"))
    assert fired(sub, "HT02") == [(5, "26")]
    assert "victim 002 age range 14-16, victim of 11D" in detail(sub, "HT02")


def test_HT02_fires_on_a_juvenile_arrested_for_40a_in_a_buyer_incident():
    sub = submission(ADMIN, offense("40C"), society_victim("40C"), offender("40", sex="M"), offender("16", seq="02"),
                     arrestee("16", "40A"))
    assert fired(sub, "HT02") == [(6, "47")]
    assert "arrestee 01 age 16, arrested for 40A" in detail(sub, "HT02")
    assert errors(sub) == []


def test_HT02_fires_on_a_juvenile_recorded_as_victim_of_the_purchase():
    """The agency put the juvenile in as a person victim of the 40C: the FBI rejects that
    (465), and the flag says where the juvenile belongs."""
    sub = submission(ADMIN, offense("40C"), society_victim("40C"), person_victim("40C", "15"), offender("35", sex="M"))
    assert fired(sub, "HT02") == [(4, "26")]
    assert detail(sub, "HT02").endswith("(victim 002 age 15, victim of 40C)")
    assert "465" in errors(sub)


def test_HT01_fires_on_a_juvenile_recorded_as_victim_of_the_40a():
    sub = submission(ADMIN, offense("40A"), person_victim("40A", "1517", seq="001"), offender("00"))
    assert fired(sub, "HT01") == [(3, "26")]
    assert detail(sub, "HT01").endswith("(victim 001 age range 15-17, victim of 40A)")
    assert fired(sub, "HT02") == []


def test_a_victim_of_both_a_sex_offense_and_the_purchase_is_named_once():
    sub = submission(ADMIN, offense("40C"), offense("36B"), society_victim("40C"),
                     person_victim("36B", "15", de24_2="40C"), offender("35", sex="M"))
    assert detail(sub, "HT02").endswith("(victim 002 age 15, victim of 36B)")


@pytest.mark.parametrize("age", ["25", "00", "1619"])
def test_HT02_does_not_fire_on_an_adult_or_unknown_victim_of_the_purchase(age):
    sub = submission(ADMIN, offense("40C"), society_victim("40C"), person_victim("40C", age), offender("35", sex="M"))
    assert fired(sub, "HT02") == []


@pytest.mark.parametrize("age,shown", [("NB", "age NB (1-6 days old)"), ("BB", "age BB"), ("0917", "age range 09-17")])
def test_HT02_counts_special_codes_and_ranges_under_18_and_says_so(age, shown):
    sub = submission(ADMIN, offense("40C"), offense("11A"), society_victim("40C"), person_victim("11A", age),
                     offender("35", sex="M"))
    assert fired(sub, "HT02") == [(5, "26")]
    assert f"(victim 002 {shown}" in detail(sub, "HT02")


@pytest.mark.parametrize("age", ["25", "00", "1619"])
def test_HT02_does_not_fire_on_adult_or_unknown_victim(age):
    sub = submission(ADMIN, offense("40B"), offense("11D"), society_victim("40B"), person_victim("11D", age),
                     offender("35", sex="M"))
    assert fired(sub, "HT02") == []


def test_HT02_does_not_fire_on_a_juvenile_victim_of_a_non_sex_offense():
    sub = submission(ADMIN, offense("40C"), offense("13B", de13_1="40"), society_victim("40C"),
                     person_victim("13B", "15", de33_1="N"), offender("35", sex="M"))
    assert fired(sub, "HT02") == []


def test_HT02_does_not_fire_on_a_sex_offense_without_prostitution():
    sub = submission(ADMIN, offense("36B"), person_victim("36B", "15", seq="001"), offender("35", sex="M"))
    assert fired(sub, "HT02") == []


# ---------------------------------------------------------------------------------------
# HT03: trafficking incident with errors (finding-level rule)


def trafficking(code: str = "64A", injury: str = "N"):
    return submission(ADMIN, offense(code), person_victim(code, "16", seq="001", de33_1=injury), offender("30", sex="M"))


def test_HT03_fires_on_a_64A_incident_with_an_error():
    sub = trafficking(injury="Q")
    assert fired(sub, "HT03") == [(2, "6")]
    assert detail(sub, "HT03").endswith("(its errors: 404)")


def test_HT03_fires_on_64B_too():
    assert fired(trafficking("64B", injury="Q"), "HT03") == [(2, "6")]


def test_HT03_does_not_fire_on_a_clean_64A_incident():
    sub = trafficking()
    assert errors(sub) == []
    assert fired(sub, "HT03") == []


def test_HT03_does_not_fire_on_a_prostitution_incident_with_errors():
    sub = submission(ADMIN, offense("40A"), society_victim("40A"), offender("30"),
                     (4, {**H, "de23": "002", "de24_1": "40A", "de25": "Q"}))
    assert errors(sub)
    assert fired(sub, "HT03") == []


def test_HT03_reads_every_rule_even_when_selected_alone():
    result = engine.run(trafficking(injury="Q"), select=("HT03",), strict_rules=True)
    assert result.findings["code"].tolist() == ["HT03"]  # the 404 it read is not reported


def test_HT03_does_not_see_ignored_errors():
    result = engine.run(trafficking(injury="Q"), ignore=("404",), strict_rules=True)
    assert "HT03" not in set(result.findings["code"])


def test_HT03_is_a_finding_level_rule():
    assert all_rules()["HT03"].phase == FINDINGS_PHASE
    assert all_rules()["HT01"].phase != FINDINGS_PHASE


def test_findings_rule_refuses_a_code_with_record_level_checks():
    with pytest.raises(ValueError):
        findings_rule("HT01")(lambda sub, ctx, found: None)


# ---------------------------------------------------------------------------------------
# Catalog and summary


def test_codes_are_catalogued_as_flags_with_short_titles():
    catalog = spec.edit_catalog()
    for code in ("HT01", "HT02", "HT03"):
        row = catalog.loc[code]
        assert row["severity"] == "flag"
        assert len(row["title"]) <= 79
        assert all_rules()[code].documentation()


def test_agency_summary_counts_flags():
    sub = prostitution("16")
    result = engine.run(sub)
    summary = engine.agency_summary(sub, result.findings)
    row = summary.set_index("ori").loc["WI0130100"]
    assert row["flags"] == 1
    assert row["ht_flags"] == 1
    assert row["rejected"] == 0  # a flag does not reject the incident


def test_agency_summary_counts_trafficking_flags_per_agency():
    other = {"ori": "WI0400000"}
    sub = submission(ADMIN, offense("40A"), society_victim("40A"), offender("16"),
                     (1, {**other, **ADMIN[1], "incident": "26-000102"}),
                     (2, {**other, **offense("40A")[1], "incident": "26-000102"}),
                     (4, {**other, **society_victim("40A")[1], "incident": "26-000102"}),
                     (5, {**other, **offender("30")[1], "incident": "26-000102"}))
    summary = engine.agency_summary(sub, engine.run(sub).findings).set_index("ori")
    assert summary["ht_flags"].to_dict() == {"WI0130100": 1, "WI0400000": 0}


# ---------------------------------------------------------------------------------------
# A generated Wisconsin month with planted cases and look-alikes, as flat files and as XML

KEY = ["file", "record", "incident", "code", "data_element"]


def _ht_rows(findings: pd.DataFrame) -> set[tuple]:
    flags = findings[findings["code"].str.startswith("HT")]
    return set(flags[KEY].astype(str).itertuples(index=False, name=None))


@pytest.fixture(scope="module")
def planted_month(tmp_path_factory):
    from wibrs_check.generator.inject import build_month, write_month
    from wibrs_check.generator.inject_trafficking import plant_lookalikes
    from wibrs_check.generator.xml_writer import write_xml
    from wibrs_check.readers.flatfile import read_flat
    from wibrs_check.runner import Options, build_report

    month = build_month(seed=19, oris=("WI0130100", "WI0400000", "WI0640000"), incidents_per_agency=30,
                        codes=("HT01", "HT02", "HT03"))
    lookalikes = plant_lookalikes(month, seed=19)
    paths = write_month(month, tmp_path_factory.mktemp("ht_month"))
    xml_paths = [write_xml(read_flat(path), path.with_suffix(".xml")) for path in paths]
    ctx = Context(today=dt.date(2026, 8, 15))

    def findings(files):
        report = build_report(files, ctx, Options())
        return report.findings.assign(file=report.findings["file"].str.rsplit("/", n=1).str[-1])

    flat = findings(paths)
    xml = findings(xml_paths)
    return month, lookalikes, flat, xml.assign(file=xml["file"].str.replace(".xml", ".txt", regex=False))


def test_exactly_the_planted_cases_are_flagged(planted_month):
    """Every planted case at its record and data element, and not one HT flag more."""
    month, _, found, _ = planted_month
    planted = month.expected[month.expected["code"].str.startswith("HT")]
    assert set(planted["code"]) == {"HT01", "HT02", "HT03"}
    assert len(planted) == 7
    assert _ht_rows(found) == set(planted[KEY].astype(str).itertuples(index=False, name=None))


def test_the_xml_month_gives_the_same_flags_and_messages(planted_month):
    _, _, flat, xml = planted_month
    columns = [*KEY, "message"]
    flags = [f[f["code"].str.startswith("HT")][columns].sort_values(KEY).reset_index(drop=True) for f in (flat, xml)]
    assert len(flags[0]) == 7
    pd.testing.assert_frame_equal(flags[0], flags[1])


def test_no_lookalike_and_no_clean_incident_is_flagged(planted_month):
    from wibrs_check.generator.inject_trafficking import LOOKALIKES

    month, lookalikes, found, xml = planted_month
    assert len(lookalikes) == len(LOOKALIKES) == 8
    for frame in (found, xml):
        flags = frame[frame["code"].str.startswith("HT")]
        assert not _keys(flags).isin(set(_keys(lookalikes))).any(), flags
        clean = set(month.clean_units["file"] + "|" + month.clean_units["incident"])
        assert not _keys(flags).isin(clean).any(), flags


def _keys(frame: pd.DataFrame) -> pd.Series:
    return frame["file"] + "|" + frame["incident"]


def test_planted_juvenile_cases_and_lookalikes_are_otherwise_clean(planted_month):
    month, lookalikes, found, _ = planted_month
    juvenile = month.expected[month.expected["code"].isin(["HT01", "HT02"])]
    keys = set(_keys(juvenile)) | set(_keys(lookalikes))
    bad = found[_keys(found).isin(keys) & (found["severity"] != "flag")]
    assert bad.empty, bad[["file", "incident", "code", "message"]]


def test_planted_messages_name_the_person_and_age(planted_month):
    _, _, found, _ = planted_month
    juvenile = found[found["code"].isin(["HT01", "HT02"])]
    assert len(juvenile) == 5
    assert juvenile["message"].str.contains(r"\((?:offender|arrestee|victim) \d+ age (?:range )?\d", regex=True).all()
    assert juvenile["message"].str.contains("64A").all()

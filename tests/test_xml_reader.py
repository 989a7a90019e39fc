"""The NIBRS XML reader builds the same model as the flat-file reader (issue 8).

Covers: the HI burglary pair (flat vs XML), every IEPD sample, untrusted input (XXE, billion
laughs, external DTD), reader problems (malformed, old namespace, extensions, unmapped
elements, values that do not fit), XSD validation, and XML written by our writer read back
to the flat model.
"""

from __future__ import annotations

import random
import re
import socket
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wibrs_check import engine, spec
from wibrs_check.generator import incidents as gen
from wibrs_check.generator.profiles import PROFILES
from wibrs_check.generator.records import format_record
from wibrs_check.generator.xml_writer import to_xml, to_xml_documents, write_xml
from wibrs_check.readers import xml as xml_reader
from wibrs_check.readers.flatfile import UnreadableInput, read_flat, read_flat_bytes
from wibrs_check.readers.xml import (merge_xsd_problems, read_xml, read_xml_bytes, safe_parser_options,
                                     validate_against_xsd)
from wibrs_check.testing import lines as record_lines

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLES = SHARED / "samples"
IEPD = SHARED / "reference" / "nibrs-iepd-2019.1"
XSD_DIR = IEPD / "base-xsd"
needs_samples = pytest.mark.skipif(not (SAMPLES / "HI_2019-11_burglary.xml").exists(), reason="needs ../shared/samples")
needs_iepd = pytest.mark.skipif(not (IEPD / "iep-sample").exists(), reason="needs the NIBRS IEPD in ../shared/reference")

XML_CODES = [f"XML{n:02d}" for n in range(1, 13)]
# Columns that legitimately differ between the two formats.
RECORD_COLUMNS = ["record", "level", "action", "sub_month", "sub_year", "city", "ori", "incident", "non_ascii",
                  "unit", "unit_kind"]


@pytest.fixture(autouse=True)
def xml_codes_catalogued(monkeypatch):
    """Until own_codes_xml.csv is part of the catalog everywhere, add it for these tests."""
    if set(XML_CODES) <= set(spec.edit_catalog().index):
        yield
        return
    original = spec.own_codes
    monkeypatch.setattr(spec, "own_codes",
                        lambda: pd.concat([original(), spec.read_table("own_codes_xml.csv")], ignore_index=True))
    spec.edit_catalog.cache_clear()
    yield
    spec.edit_catalog.cache_clear()


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything tries to open a network connection."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def problems(sub) -> pd.DataFrame:
    found = sub.extra.get("reader_problems")
    return found if found is not None else xml_reader.problems_frame()


def codes(sub) -> list[str]:
    return problems(sub)["code"].tolist()


def frame_differences(a, b, ignore=("seg_length",)) -> set[tuple[int, str, str, str]]:
    """(level, column, flat value, xml value) of every cell that differs, ignoring ``ignore``."""
    out = set()
    for level in spec.LEVELS:
        fa, fb = a.frames[level], b.frames[level]
        assert list(fa.columns) == list(fb.columns), level
        assert list(fa.index) == list(fb.index), level
        for column in fa.columns:
            if column in ignore:
                continue
            differ = (fa[column] != fb[column]).to_numpy()
            for x, y in zip(fa[column][differ], fb[column][differ]):
                out.add((level, column, x, y))
    return out


def assert_same_model(flat, xml, ignore=("seg_length",)):
    assert frame_differences(flat, xml, ignore) == set()
    pd.testing.assert_frame_equal(flat.records[RECORD_COLUMNS], xml.records[RECORD_COLUMNS])
    for level in spec.LEVELS:
        assert list(flat.frames[level].dtypes) == list(xml.frames[level].dtypes)
        assert flat.frames[level].index.dtype == xml.frames[level].index.dtype
    xml.check_accounting()


def comparable_findings(found: pd.DataFrame) -> pd.DataFrame:
    return found.drop(columns=["file", "line"]).sort_values(["code", "record", "column"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# The HI burglary pair

# What the two sample files say differently (their content, not the readers): the XML copy
# was written from another version of the incident.
HI_CONTENT_DIFFERENCES = {
    (level, column, "11", "02") for level in (1, 2, 3, 4, 5) for column in ("sub_month",)
} | {
    (level, column, "2019", "2016") for level in (1, 2, 3, 4, 5) for column in ("sub_year",)
} | {
    (1, "de3_hour", "14", "02"),  # 2 pm in the flat file, T02:00:00 in the XML
    (1, "de2a", "N", ""),  # cargo theft N; the XML has no OffenseCargoTheftIndicator
    (2, "de7", "C", "A"),  # completed; the XML says OffenseAttemptedIndicator true
    (2, "de11", "F", ""),  # forced entry; the XML has no OffenseEntryPoint
    (3, "de15_2", "17", "16"),  # stolen jewelry; the XML's second stolen item is household goods
}


def corrected_hi_xml() -> bytes:
    """The HI XML with its content brought in line with the flat file."""
    text = (SAMPLES / "HI_2019-11_burglary.xml").read_text(encoding="utf-8")
    edits = [
        ("<cjis:MessageImplementationVersion>4.2<", "<cjis:MessageImplementationVersion>2019<"),
        ("<nc:YearMonthDate>2016-02</nc:YearMonthDate>", "<nc:YearMonthDate>2019-11</nc:YearMonthDate>"),
        ("<nc:DateTime>2019-07-13T02:00:00</nc:DateTime>", "<nc:DateTime>2019-07-13T14:00:00</nc:DateTime>"),
        ("<cjis:IncidentReportDateIndicator>false</cjis:IncidentReportDateIndicator>",
         "<cjis:IncidentReportDateIndicator>false</cjis:IncidentReportDateIndicator>"
         "<j:OffenseCargoTheftIndicator>false</j:OffenseCargoTheftIndicator>"),
        ("<j:OffenseAttemptedIndicator>true</j:OffenseAttemptedIndicator>",
         "<j:OffenseEntryPoint><j:PassagePointMethodCode>F</j:PassagePointMethodCode></j:OffenseEntryPoint>"
         "<j:OffenseAttemptedIndicator>false</j:OffenseAttemptedIndicator>"),
        ("<j:ItemCategoryNIBRSPropertyCategoryCode>16<", "<j:ItemCategoryNIBRSPropertyCategoryCode>17<"),
    ]
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text.encode("utf-8")


@needs_samples
def test_hi_burglary_pair_differs_only_where_the_sample_files_say_different_things():
    flat = read_flat(SAMPLES / "HI_2019-11_burglary.txt")
    xml = read_xml(SAMPLES / "HI_2019-11_burglary.xml")
    assert frame_differences(flat, xml) == HI_CONTENT_DIFFERENCES
    assert xml.records["level"].tolist() == flat.records["level"].tolist() == list("123345")
    # The offense segment of the flat file is the legacy 63-character layout; XML is always 2019.
    assert flat.frames[2]["seg_length"].tolist() == ["0063"]
    assert xml.frames[2]["seg_length"].tolist() == ["0071"]
    assert codes(xml) == ["XML10"]  # the message says IEPD version 4.2


@needs_samples
def test_hi_burglary_corrected_xml_gives_the_flat_model_and_the_same_findings(tmp_path):
    path = tmp_path / "HI_2019-11_burglary.xml"
    path.write_bytes(corrected_hi_xml())
    flat = read_flat(SAMPLES / "HI_2019-11_burglary.txt")
    xml = read_xml(path)
    assert problems(xml).empty
    assert_same_model(flat, xml)
    flat_found = engine.run(flat, strict_rules=True).findings
    xml_found = engine.run(xml, strict_rules=True).findings
    pd.testing.assert_frame_equal(comparable_findings(flat_found), comparable_findings(xml_found))


@needs_samples
def test_hi_burglary_records_point_at_the_xml_elements_and_hold_fixed_width_text():
    path = SAMPLES / "HI_2019-11_burglary.xml"
    xml = read_xml(path)
    source = path.read_text(encoding="utf-8").splitlines()
    starts = {"1": "<nibrs:Report", "2": "<j:Offense", "3": "<nc:Item", "4": "<j:Victim", "5": "<j:Subject"}
    for level, line in zip(xml.records["level"], xml.records["line"]):
        assert source[line - 1].strip().startswith(starts[level]), (level, line)
    for level, raw, declared, actual in zip(xml.records["level"], xml.records["raw"],
                                            xml.records["length_declared"], xml.records["length_actual"]):
        assert declared == actual == len(raw) == spec.current_length(int(level))
    admin = xml.frames[1].iloc[0].to_dict()
    assert xml.records["raw"].iloc[0] == format_record(1, {k: v for k, v in admin.items()})


# ---------------------------------------------------------------------------------------
# The IEPD's own samples

IEP_EXPECTED = {
    "nibrs_AllFields_Sample.xml": dict(levels="12333334456", actions={"I"}, problems=[]),
    "nibrs_GroupAIncident_Sample.xml": dict(levels="12333333445", actions={"I"}, problems=[]),
    # An R (replace) is read as I; the file itself puts its XML declaration after a comment.
    "nibrs_GroupAReplace_Sample.xml": dict(levels="12333333445", actions={"I"}, problems=["XML11"]),
    "nibrs_GroupBArrest_Sample.xml": dict(levels="7", actions={"A"}, problems=[]),
    "nibrs_GroupBArrestDelete_Sample.xml": dict(levels="7", actions={"D"}, problems=[]),
    "nibrs_IncidentDelete_Sample.xml": dict(levels="1", actions={"D"}, problems=[]),
    "nibrs_ZeroReport_Sample.xml": dict(levels="0", actions={"A"}, problems=[]),
}


@needs_iepd
def test_every_iep_sample_is_listed():
    assert sorted(p.name for p in (IEPD / "iep-sample").glob("*.xml")) == sorted(IEP_EXPECTED)


@needs_iepd
@pytest.mark.parametrize("name", sorted(IEP_EXPECTED))
def test_iep_sample_reads_completely(name):
    sub = read_xml(IEPD / "iep-sample" / name)
    expected = IEP_EXPECTED[name]
    assert "".join(sub.records["level"]) == expected["levels"]
    assert set(sub.records["action"]) == expected["actions"]
    assert codes(sub) == expected["problems"]
    assert sub.unplaced.empty
    sub.check_accounting()
    assert (sub.records["ori"] == "WVNDX0100").all()
    assert set(sub.records["sub_year"] + sub.records["sub_month"]) == {"201602"}


@needs_iepd
def test_all_fields_sample_maps_every_element():
    sub = read_xml(IEPD / "iep-sample" / "nibrs_AllFields_Sample.xml")
    admin = sub.frames[1].iloc[0]
    assert (admin["incident"], admin["de3_date"], admin["de3_hour"], admin["de4"], admin["de5"], admin["de2a"]) == \
        ("54236732", "20160219", "10", "A", "20160225", "Y")
    offense = sub.frames[2].iloc[0]
    assert offense[["de6", "de7", "de8_1", "de9", "de10", "de11", "de12_1", "de13_1", "de13auto_1", "de8a_1"]].tolist() == \
        ["240", "A", "N", "58", "01", "F", "N", "11", "A", "88"]
    prop = sub.frames[3]
    assert prop["de14"].tolist() == ["1", "2", "3", "4", "5"]  # NONE, BURNED, COUNTERFEITED, DESTROYED, RECOVERED
    recovered = prop.iloc[4]
    assert [recovered[f"de15_{k}"] for k in range(1, 5)] == ["01", "01", "03", "10"]
    assert recovered["de16_4"] == "000012000" and recovered["de17_4"] == "20160224"
    assert recovered["de19"] == "41"  # ItemQuantity of the recovered automobile (03) only
    assert recovered[["de20_1", "de21_1", "de22_1"]].tolist() == ["X", "000000001500", "XX"]
    officer, baby = sub.frames[4].iloc[0], sub.frames[4].iloc[1]
    assert officer[["de23", "de24_1", "de25", "de26", "de31_1", "de32", "de33_1", "de34_1", "de35_1"]].tolist() == \
        ["001", "240", "L", "32", "01", "C", "N", "01", "AQ"]
    assert officer[["de25a", "de25b", "de25c"]].tolist() == ["10", "G", "WVNDX01"]  # LEOKA
    assert baby[["de23", "de26", "de35_1", "de25a"]].tolist() == ["002", "BB", "ST", ""]
    offender = sub.frames[5].iloc[0]
    assert offender[["de36", "de37", "de38", "de39", "de39a"]].tolist() == ["01", "2530", "F", "W", "N"]
    arrestee = sub.frames[6].iloc[0]
    assert arrestee[["de40", "de41", "de42", "de43", "de44", "de45", "de46_1", "de46auto_1", "de46_2",
                     "de46auto_2", "de47", "de52"]].tolist() == \
        ["01", "12345", "20160228", "O", "N", "64A", "12", "", "13", "A", "25", "H"]


@needs_iepd
def test_replace_sample_is_read_as_an_incident_report_and_remembers_the_r():
    sub = read_xml(IEPD / "iep-sample" / "nibrs_GroupAReplace_Sample.xml")
    reports = sub.extra["xml_reports"]
    assert reports[["category", "action_sent", "action", "first_rid", "records"]].values.tolist() == [["A", "R", "I", 0, 11]]
    assert sub.frames[2]["de9"].tolist() == ["16"]
    found = problems(sub)
    assert found[["rid", "line", "code"]].values.tolist() == [[-1, 18, "XML11"]]


@needs_iepd
def test_zero_report_and_deletes_fill_the_flat_keys():
    zero = read_xml(IEPD / "iep-sample" / "nibrs_ZeroReport_Sample.xml").frames[0].iloc[0]
    assert zero[["incident", "zero_month", "zero_year", "action"]].tolist() == ["000000000000", "02", "2016", "A"]
    delete = read_xml(IEPD / "iep-sample" / "nibrs_IncidentDelete_Sample.xml").frames[1].iloc[0]
    assert delete[["action", "incident", "de3_date", "de3_hour"]].tolist() == ["D", "020160005029", "20160216", "10"]
    arrest_delete = read_xml(IEPD / "iep-sample" / "nibrs_GroupBArrestDelete_Sample.xml").frames[7].iloc[0]
    assert arrest_delete[["action", "incident", "de40", "de42", "de45"]].tolist() == ["D", "12345", "01", "20160228", ""]


# ---------------------------------------------------------------------------------------
# Untrusted input

def _document(body: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
            f'<nibrs:Submission xmlns:nibrs="http://fbi.gov/cjis/nibrs/2019">{body}</nibrs:Submission>\n').encode()


def _assert_refused(sub, secret: str | None = None):
    found = problems(sub)
    assert found["code"].tolist() == ["XML06"]
    assert found["rid"].tolist() == [-1]
    assert len(sub.records) == 0
    if secret:
        everything = found.to_string() + " ".join(sub.records["raw"])
        assert secret not in everything


def test_xxe_file_entity_is_refused_and_the_file_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42")
    data = _document("<nibrs:Report>&x;</nibrs:Report>",
                     f'<!DOCTYPE nibrs:Submission [<!ENTITY x SYSTEM "file://{secret}">]>\n')
    sub = read_xml_bytes(data)
    _assert_refused(sub, "TOP-SECRET-42")


def test_xxe_network_entity_is_refused_without_a_connection(no_network):
    data = _document("<nibrs:Report>&x;</nibrs:Report>",
                     '<!DOCTYPE nibrs:Submission [<!ENTITY x SYSTEM "http://127.0.0.1:9/steal">]>\n')
    sub = read_xml_bytes(data)
    _assert_refused(sub)
    assert no_network == []


def test_billion_laughs_is_refused_quickly():
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{"&lol%s;" % ("" if i == 1 else i - 1) * 10}">' for i in range(1, 10))
    data = _document("<nibrs:Report>&lol9;</nibrs:Report>", f"<!DOCTYPE lolz [{entities}]>\n")
    started = time.perf_counter()
    sub = read_xml_bytes(data)
    assert time.perf_counter() - started < 2
    _assert_refused(sub)


def test_external_dtd_is_refused_and_not_loaded(tmp_path, no_network):
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY x "FROM-THE-DTD">')
    for system_id in (f"file://{dtd}", "http://127.0.0.1:9/evil.dtd"):
        data = _document("<nibrs:Report>&x;</nibrs:Report>", f'<!DOCTYPE nibrs:Submission SYSTEM "{system_id}">\n')
        _assert_refused(read_xml_bytes(data), "FROM-THE-DTD")
    assert no_network == []


def test_parameter_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("PARAM-SECRET")
    data = _document("<nibrs:Report/>", f'<!DOCTYPE r [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>\n')
    _assert_refused(read_xml_bytes(data), "PARAM-SECRET")


def test_doctype_after_a_huge_prolog_is_still_refused_and_never_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("DEEP-SECRET")
    padding = "<!--" + "x" * (1 << 20) + "-->\n"
    data = _document("<nibrs:Report>&x;</nibrs:Report>",
                     padding + f'<!DOCTYPE nibrs:Submission [<!ENTITY x SYSTEM "file://{secret}">]>\n')
    _assert_refused(read_xml_bytes(data), "DEEP-SECRET")


def test_parser_settings_alone_never_expand_an_external_entity(tmp_path):
    from lxml import etree

    secret = tmp_path / "secret.txt"
    secret.write_text("RAW-PARSER-SECRET")
    data = f'<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]><r>&x;</r>'.encode()
    root = etree.fromstring(data, etree.XMLParser(**safe_parser_options()))
    assert b"RAW-PARSER-SECRET" not in etree.tostring(root)


# ---------------------------------------------------------------------------------------
# Reader problems


def _month(seed: int = 3, oris=("WI0130100",), per_agency: int = 4, group_b: int = 1) -> list:
    rng = random.Random(seed)
    incidents = []
    for ori in oris:
        incidents += gen.agency_month(rng, ori, 2026, 7, per_agency, group_b=group_b)
        incidents.append(gen.zero_report(ori, 2026, 7))
    return incidents


def test_malformed_xml_keeps_the_reports_before_the_error():
    data = to_xml(_month())
    text = data.decode()
    second = text.index("<nibrs:Report>", text.index("<nibrs:Report>") + 1)
    cut = text.index("<j:Offense", second) + 20
    sub = read_xml_bytes(text[:cut].encode() + b"<<<")
    found = problems(sub)
    assert found["code"].tolist() == ["XML01"]
    assert found["rid"].tolist() == [-1]
    assert found["line"].iloc[0] > text[:second].count("\n")
    first_report = sub.extra["xml_reports"]
    assert len(first_report) == 1 and len(sub.records) == first_report["records"].iloc[0] > 0
    sub.check_accounting()


@pytest.mark.parametrize("garbage", [b"", b"<", b"not xml at all", b"\x00\xff\xfe<a>", b"<a><b></a>",
                                     "<a>\u00e9</a>".encode("latin-1")])
def test_garbage_never_raises(garbage):
    sub = read_xml_bytes(garbage)
    sub.check_accounting()
    assert set(codes(sub)) <= {"XML01", "XML04"}


@pytest.mark.parametrize("version", ["4.0", "4.2"])
def test_older_iepd_namespace_is_reported_once_and_nothing_else_is_checked(version):
    data = to_xml(_month(per_agency=1, group_b=0)).replace(
        b"http://fbi.gov/cjis/nibrs/2019", f"http://fbi.gov/cjis/nibrs/{version}".encode())
    sub = read_xml_bytes(data)
    found = problems(sub)
    assert found["code"].tolist() == ["XML02"]
    assert found["value"].tolist() == [f"http://fbi.gov/cjis/nibrs/{version}"]
    assert found["rid"].tolist() == [-1]
    assert len(sub.records) == 0
    sub.check_accounting()
    assert engine.run(sub, strict_rules=True).findings["code"].tolist() == ["XML02"]


@pytest.mark.parametrize("version, reported", [("2019.1", []), ("2019", []), ("4.2", ["XML10"])])
def test_message_implementation_version_2019_1_is_this_iepd(version, reported):
    data = to_xml(_month(per_agency=1, group_b=0)).decode().replace(
        "<cjis:MessageImplementationVersion>2019<", f"<cjis:MessageImplementationVersion>{version}<")
    assert [c for c in codes(read_xml_bytes(data.encode())) if c == "XML10"] == reported


def test_state_extension_element_is_ignored_and_reported_on_its_segment():
    data = to_xml(_month(per_agency=1, group_b=0)).decode()
    extension = ('<wi:Victim xmlns:wi="http://doj.wi.gov/wibrs/extension/1.0">'
                 '<wi:CaseNote>seen by patrol</wi:CaseNote></wi:Victim>')
    data = data.replace("<nibrs:OffenseUCRCode>", extension + "<nibrs:OffenseUCRCode>", 1)
    sub = read_xml_bytes(data.encode())
    found = problems(sub)
    assert found["code"].tolist() == ["XML03"]
    offense_rid = sub.frames[2].index[0]
    assert found["rid"].tolist() == [offense_rid]
    assert found["value"].tolist() == ["Victim"]
    # the extension's "Victim" did not become a victim segment
    assert len(sub.frames[4]) == len(read_xml_bytes(to_xml(_month(per_agency=1, group_b=0))).frames[4])


def test_unmapped_element_is_reported_with_its_line():
    data = to_xml(_month(per_agency=1, group_b=0)).decode()
    data = data.replace("<j:VictimCategoryCode>", "<j:VictimFavouriteColourCode>blue</j:VictimFavouriteColourCode>"
                        "<j:VictimCategoryCode>", 1)
    sub = read_xml_bytes(data.encode())
    found = problems(sub)
    assert found["code"].tolist() == ["XML04"]
    line = found["line"].iloc[0]
    assert "VictimFavouriteColourCode" in data.splitlines()[line - 1]
    assert sub.records.loc[found["rid"].iloc[0], "level"] == "4"


def test_value_too_long_is_cut_to_the_field_and_reported():
    data = to_xml(_month(per_agency=1, group_b=0)).decode()
    number = re.search(r"<nc:Incident>\s*<nc:ActivityIdentification>\s*<nc:IdentificationID>([^<]+)<", data).group(1)
    data = data.replace(f">{number}<", ">ABCDEFGHIJKLMNOP<", 1)
    sub = read_xml_bytes(data.encode())
    found = problems(sub)
    assert found[["code", "column", "value"]].values.tolist() == [["XML07", "incident", "ABCDEFGHIJKLMNOP"]]
    assert sub.records["incident"].iloc[0] == "ABCDEFGHIJKL"


def test_more_values_than_the_segment_holds_are_reported():
    data = to_xml(_month(per_agency=1, group_b=0)).decode()
    forces = "".join(f"<j:OffenseForce><j:ForceCategoryCode>{c}</j:ForceCategoryCode></j:OffenseForce>"
                     for c in ("11", "12", "13", "14"))
    data = re.sub(r"<j:OffenseForce>.*?</j:OffenseForce>\s*", "", data, count=0, flags=re.DOTALL)
    data = data.replace("<j:OffenseAttemptedIndicator>", forces + "<j:OffenseAttemptedIndicator>", 1)
    sub = read_xml_bytes(data.encode())
    found = problems(sub)
    assert found[["code", "column", "value"]].values.tolist() == [["XML08", "de13_1", "14"]]
    offense = sub.frames[2].iloc[0]
    assert [offense[f"de13_{k}"] for k in (1, 2, 3)] == ["11", "12", "13"]


def test_broken_reference_is_reported():
    data = to_xml(_month(per_agency=1, group_b=0)).decode()
    data = data.replace('<j:Victim s:ref="Victim1"/>', '<j:Victim s:ref="NoSuchVictim"/>', 1)
    sub = read_xml_bytes(data.encode())
    assert "XML09" in codes(sub)
    assert problems(sub).loc[problems(sub)["code"] == "XML09", "value"].tolist()[0] == "NoSuchVictim"


def test_unknown_report_category_goes_to_unplaced():
    data = to_xml(_month(per_agency=1, group_b=0)).replace(b"ZERO REPORT", b"SUMMARY REPORT")
    sub = read_xml_bytes(data)
    assert sub.unplaced["reason"].tolist() == ["unknown report category 'SUMMARY REPORT'"]
    assert codes(sub) == ["XML12"]
    assert problems(sub)["rid"].tolist() == sub.unplaced.index.tolist()
    assert sub.records.loc[sub.unplaced.index[0], "unit_kind"] == "U"
    sub.check_accounting()


def test_empty_submission_has_no_reader_problem_and_reports_an_empty_file():
    sub = read_xml_bytes(_document(""))
    assert "reader_problems" not in sub.extra and len(sub.records) == 0
    found = engine.run(sub, strict_rules=True).findings
    assert "IO06" in found["code"].tolist()


def test_non_ascii_text_is_marked_like_the_flat_reader_marks_it():
    data = to_xml(_month(per_agency=1, group_b=0)).decode().replace(">WI0130100<", ">WI013\u00e9100<")
    sub = read_xml_bytes(data.encode())
    assert sub.records["non_ascii"].any()
    assert "WI013?100" in set(sub.records["ori"])


def test_reader_problems_become_findings_with_catalog_severity():
    data = to_xml(_month(per_agency=1, group_b=0)).decode()
    data = data.replace("<j:VictimCategoryCode>", "<j:Unknown>1</j:Unknown><j:VictimCategoryCode>", 1)
    data = data.replace("<cjis:MessageImplementationVersion>2019<", "<cjis:MessageImplementationVersion>4.2<")
    sub = read_xml_bytes(data.encode(), source="t.xml")
    found = engine.run(sub, select=("XML",), strict_rules=True).findings
    assert sorted(zip(found["code"], found["severity"])) == [("XML04", "warning"), ("XML10", "warning")]
    victim = found[found["code"] == "XML04"].iloc[0]
    assert victim["level"] == "4" and victim["value"] == "Unknown" and victim["message"].startswith(
        spec.edit_catalog().loc["XML04", "title"])
    assert "line " in victim["message"]


def test_every_xml_code_is_catalogued_and_registered():
    from wibrs_check.rules.registry import all_rules

    catalog = spec.read_table("own_codes_xml.csv")
    assert catalog["code"].tolist() == XML_CODES
    assert list(catalog.columns) == list(spec.read_table("own_codes.csv").columns)
    rules = all_rules()
    for code in XML_CODES:
        assert rules[code].checks and rules[code].documentation()
        assert rules[code].severity in {"error", "warning"}


# ---------------------------------------------------------------------------------------
# XSD validation


@needs_iepd
def test_iep_samples_are_valid_against_the_schema():
    for path in sorted((IEPD / "iep-sample").glob("*.xml")):
        assert validate_against_xsd(path, XSD_DIR).empty, path.name


@needs_samples
@needs_iepd
def test_xsd_violations_carry_lines_and_attach_to_records(no_network):
    path = SAMPLES / "HI_2019-11_burglary.xml"
    found = validate_against_xsd(path, XSD_DIR)
    assert set(found["code"]) == {"XML05"}
    assert found["line"].tolist() == [82, 187, 392, 543, 548, 550, 574]
    assert "'88'" in found["detail"].iloc[0] and "{" not in found["detail"].iloc[0].split("set")[0]
    sub = merge_xsd_problems(read_xml(path), found)
    xsd = problems(sub)[problems(sub)["code"] == "XML05"]
    assert xsd["rid"].tolist() == [0] * 7  # all inside the one report: its first record
    assert no_network == []


@needs_iepd
def test_schema_imports_never_go_to_the_network(tmp_path, no_network):
    import shutil

    copy = tmp_path / "base-xsd"
    shutil.copytree(XSD_DIR, copy)
    schema = copy / "nibrs" / "2019" / "nibrs.xsd"
    schema.chmod(0o644)
    schema.write_text(schema.read_text().replace('schemaLocation="nibrs-codes.xsd"',
                                                 'schemaLocation="http://127.0.0.1:9/nibrs-codes.xsd"'))
    found = validate_against_xsd(IEPD / "iep-sample" / "nibrs_ZeroReport_Sample.xml", copy)
    assert found["code"].tolist() == ["XML05"] and "not validated" in found["detail"].iloc[0]
    assert no_network == []


def test_missing_schema_folder_is_a_single_clear_problem(tmp_path):
    found = validate_against_xsd(tmp_path / "x.xml", tmp_path)
    assert found["code"].tolist() == ["XML05"] and "no NIBRS 2019 exchange schema" in found["detail"].iloc[0]


@needs_iepd
def test_written_reports_are_schema_valid(tmp_path):
    rng = random.Random(11)
    incidents = [gen.group_a_incident(o, rng, "WI0130100", 2026, 7, i, arrest=True) for i, o in enumerate(PROFILES)]
    incidents += [gen.group_b_arrest(rng, "WI0130100", 2026, 7, 1), gen.zero_report("WI0130100", 2026, 7)]
    for n, document in enumerate(to_xml_documents(incidents)):
        path = tmp_path / f"r{n}.xml"
        path.write_bytes(document)
        found = validate_against_xsd(path, XSD_DIR)
        assert found.empty, (n, found["detail"].tolist())


# ---------------------------------------------------------------------------------------
# Written XML read back


def test_generated_month_written_as_xml_reads_back_to_the_flat_model(tmp_path):
    rng = random.Random(2026)
    incidents = []
    for ori in gen.WI_ORIS[:3]:
        incidents += gen.agency_month(rng, ori, 2026, 7, len(PROFILES), group_b=3)
        incidents += [gen.group_a_incident(o, rng, ori, 2026, 7, 700 + i, arrest=True) for i, o in enumerate(PROFILES)]
        incidents.append(gen.zero_report(ori, 2026, 7))
    records = gen.to_lines(incidents)
    flat = read_flat_bytes(("\n".join(records) + "\n").encode())
    path = write_xml(incidents, tmp_path / "month.xml")
    xml = read_xml(path)
    assert problems(xml).empty
    assert_same_model(flat, xml)
    flat_found = engine.run(flat, strict_rules=True).findings
    xml_found = engine.run(xml, strict_rules=True).findings
    pd.testing.assert_frame_equal(comparable_findings(flat_found), comparable_findings(xml_found))


def _hdr(**values):
    return {"ori": "WI0130100", "incident": "26-000001", "sub_month": "07", "sub_year": "2026", **values}


TRICKY = [
    (1, _hdr(de3_date="20260704", de3_report="R", de4="A", de5="20260706", de2a="Y", city="MILW")),
    (2, _hdr(de6="13A", de7="A", de8_1="A", de8_2="D", de9="06", de12_1="J", de13_1="11", de13auto_1="A",
             de13_2="40", de8a_1="12", de8a_2="99", city="MILW")),
    (2, _hdr(de6="35A", de7="C", de8_1="N", de9="13", de12_1="P", de8a_1="88", city="MILW")),
    (2, _hdr(de6="220", de7="C", de8_1="N", de9="20", de10="03", de11="N", de8a_1="88", city="MILW")),
    # drugs only, ahead of a segment with items: must keep its place
    (3, _hdr(de14="6", de15_1="10", de20_1="E", de21_1="000000028500", de22_1="GM", de20_2="A",
             de21_2="000000000250", de22_2="OZ", de20_3="X", city="MILW")),
    # the drug slot first, then other property
    (3, _hdr(de14="7", de15_1="10", de16_1="000000150", de15_2="03", de16_2="000012000", de15_3="37",
             de16_3="000030000", de18="02", de20_1="U", de21_1="000000001000", de22_1="XX", city="MILW")),
    (3, _hdr(de14="5", de15_1="03", de16_1="000009000", de17_1="20260705", de19="01", city="MILW")),
    (3, _hdr(de14="1", city="MILW")),
    (4, _hdr(de23="001", de24_1="13A", de24_2="220", de25="L", de26="2530", de27="M", de28="W", de29="N", de30="R",
             de31_1="02", de31_2="08", de33_1="B", de33_2="L", de34_1="01", de35_1="AQ", de34_2="02", de35_2="ST",
             de25a="01", de25b="F", de25c="WI0130200", city="MILW")),
    (4, _hdr(de23="002", de24_1="13A", de25="I", de26="NB", de27="F", de28="U", de29="U", de30="U",
             de31_1="10", de33_1="N", de34_1="01", de35_1="CH", city="MILW")),
    (4, _hdr(de23="003", de24_1="35A", de25="S", city="MILW")),
    (5, _hdr(de36="01", de37="00", de38="M", de39="W", de39a="H", city="MILW")),
    (5, _hdr(de36="02", de37="99", de38="F", de39="B", de39a="N", city="MILW")),
    (6, _hdr(de40="01", de41="A26-1", de42="20260705", de43="T", de44="M", de45="13A", de46_1="12", de46auto_1="A",
             de46_2="01", de47="17", de48="M", de49="W", de50="N", de51="N", de52="R", city="MILW")),
    (6, _hdr(de40="02", de41="A26-2", de42="20260706", de43="S", de44="C", de45="220", de46_1="01",
             de47="2025", de48="F", de49="A", de50="U", de51="R", city="MILW")),
    (1, _hdr(incident="26-000002", action="D", de3_date="20250101")),
    (7, {"ori": "WI0130100", "incident": "B26-9", "action": "A", "de40": "01", "de42": "20260703", "de43": "O",
         "de45": "90D", "de46_1": "01", "de47": "BB", "de48": "U", "de49": "U", "de50": "U", "de51": "U"}),
    (7, {"ori": "WI0130100", "incident": "B26-8", "action": "D", "de42": "20260701"}),
    (0, {"ori": "WI0130200", "incident": "000000000000", "action": "A", "zero_month": "07", "zero_year": "2026"}),
]


def test_tricky_records_round_trip_exactly():
    records = record_lines(TRICKY)
    flat = read_flat_bytes(("\n".join(records) + "\n").encode())
    xml = read_xml_bytes(to_xml(records))
    assert problems(xml).empty
    assert_same_model(flat, xml)
    # and one report per document reads back the same
    documents = to_xml_documents(flat)
    assert len(documents) == flat.records["unit"].nunique()


def test_legacy_lengths_are_written_as_the_2019_layout():
    records = record_lines([(1, _hdr(de3_date="20260701", de4="N"), 87),
                            (2, _hdr(de6="13B", de7="C", de9="20", de8a_1="88"), 63),
                            (4, _hdr(de23="001", de24_1="13B", de25="I", de26="30"), 129),
                            (5, _hdr(de36="01", de37="30"), 45)])
    flat = read_flat_bytes(("\n".join(records) + "\n").encode())
    xml = read_xml_bytes(to_xml(records))
    assert frame_differences(flat, xml, ignore=()) == {
        (1, "seg_length", "0087", "0088"), (2, "seg_length", "0063", "0071"),
        (4, "seg_length", "0129", "0141"), (5, "seg_length", "0045", "0046")}


def test_reading_a_large_file_streams_report_by_report():
    rng = random.Random(5)
    incidents = []
    for ori in gen.WI_ORIS:
        incidents += gen.agency_month(rng, ori, 2026, 7, 40, group_b=2)
    data = to_xml(incidents)
    xml = read_xml_bytes(data)
    assert len(xml.records) == sum(len(i.segments) for i in incidents)
    assert xml.extra["xml_reports"]["records"].sum() == len(xml.records)
    assert np.all(np.diff(xml.records["line"].to_numpy()) > 0)


def test_unreadable_path_raises_the_readers_input_error(tmp_path):
    with pytest.raises(UnreadableInput):
        read_xml(tmp_path / "missing.xml")
    with pytest.raises(UnreadableInput):
        read_xml(tmp_path)


# ---------------------------------------------------------------------------------------
# Any bytes in: a model and reader problems out, never a traceback

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_VALID = to_xml(_month(seed=9, per_agency=2, group_b=1))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(0, len(_VALID)), junk=st.binary(max_size=40), keep_tail=st.booleans())
def test_mangled_xml_never_raises(cut, junk, keep_tail):
    data = _VALID[:cut] + junk + (_VALID[cut:] if keep_tail else b"")
    sub = read_xml_bytes(data)
    sub.check_accounting()
    assert set(codes(sub)) <= set(XML_CODES)
    assert (sub.records["length_actual"] == sub.records["raw"].str.len()).all()


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300))
def test_random_bytes_never_raise(data):
    sub = read_xml_bytes(data)
    sub.check_accounting()

"""Hostile and wrong inputs (issue 22, and "wrong inputs must be refused" of issue 18).

Each test feeds the exact input that broke the tool before the fix: it must now give a clear
finding or message, never a traceback, a hang, a lost record or a path outside the folder.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from wibrs_check.cli import main
from wibrs_check.generator.records import format_record

SBR_HEADER = "ori,year,month,form,line,reported,unfounded,actual,cleared,cleared_under_18,sex,age_group,count"
FLAT = [
    format_record(1, {"incident": "26-1", "de3_date": "20260701", "de3_hour": "10", "de4": "N"}),
    format_record(2, {"incident": "26-1", "de6": "13B", "de7": "C", "de8_1": "N", "de9": "20", "de13_1": "40",
                      "de8a_1": "88"}),
    format_record(4, {"incident": "26-1", "de23": "001", "de24_1": "13B", "de25": "I", "de26": "30", "de27": "F",
                      "de28": "W", "de29": "N", "de30": "R", "de33_1": "M", "de34_1": "01", "de35_1": "AQ"}),
    format_record(5, {"incident": "26-1", "de36": "01", "de37": "31", "de38": "M", "de39": "W", "de39a": "N"}),
]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def flat_text(records=FLAT, newline="\n") -> str:
    return newline.join(records) + newline


def xml_bytes(records=FLAT) -> bytes:
    from wibrs_check.generator.xml_writer import to_xml

    return to_xml(list(records))


def sbr_row(ori="WI0420300", reported="5", **kw) -> str:
    values = dict(ori=ori, year="2026", month="07", form="A", line="6", reported=reported, unfounded="0",
                  actual=reported, cleared="0", cleared_under_18="0", sex="", age_group="", count="")
    values.update(kw)
    return ",".join(values[c] for c in SBR_HEADER.split(","))


# ---------------------------------------------------------------------------------------
# Crashes


def test_sbr_count_of_2_to_the_63_is_a_finding_naming_line_and_column(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("\n".join([SBR_HEADER, sbr_row(), sbr_row(line="7", reported="9223372036854775808", actual="0")]) + "\n")
    other = tmp_path / "other.txt"
    other.write_text(flat_text())
    result = run("check", path, other, "--format", "json", "--today", "2026-08-01")
    assert "Traceback" not in result.output and result.exit_code == 1, result.output
    doc = json.loads(result.output)
    assert {f["path"] for f in doc["files"]} == {str(path), str(other)}  # the other file's report is kept
    big = [f for f in doc["findings"] if f["code"] == "SBR01"]
    assert [(f["file"], f["line"], f["column"], f["value"]) for f in big] == [
        (str(path), 3, "reported", "9223372036854775808")]
    assert "too large" in big[0]["message"] + big[0].get("detail", "")


def test_eds_of_non_ascii_values_is_written_as_ascii(tmp_path):
    path = tmp_path / "accent.csv"
    path.write_text("\n".join([SBR_HEADER, sbr_row(ori="WIé420300")]) + "\n", encoding="utf-8")
    out = tmp_path / "out.eds"
    result = run("check", path, "--format", "eds", "-o", out, "--today", "2026-08-01")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    warnings = out.with_name("out.eds.warnings.eds").read_bytes()
    assert warnings.isascii() and b"WI?420300" in warnings
    assert all(len(line) == 146 for line in warnings.decode("ascii").split("\r\n")[:-1])
    assert out.read_bytes().isascii()


def test_batch_eds_of_xml_element_with_non_ascii_name(tmp_path):
    folder = tmp_path / "month"
    folder.mkdir()
    xml = xml_bytes().replace(b"</nibrs:Report>", "<nc:Größe>1</nc:Größe></nibrs:Report>".encode(), 1)
    (folder / "WI.xml").write_bytes(xml)
    result = run("batch", folder, "-o", tmp_path / "out", "--format", "eds", "--today", "2026-08-01", "-j", "1")
    assert "Traceback" not in result.output, result.output
    warnings = (tmp_path / "out" / "findings.warnings.eds").read_bytes()
    assert warnings.isascii() and b"GR??E" in warnings.upper()


def test_csv_outputs_neutralise_formulas(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("\n".join([SBR_HEADER, sbr_row(ori='=HYPERLINK("http://x")')]) + "\n")
    out = tmp_path / "findings.csv"
    result = run("check", path, "--format", "csv", "-o", out, "--today", "2026-08-01")
    assert result.exit_code == 1, result.output
    cells = [c for row in csv.reader(io.StringIO(out.read_text())) for c in row]
    assert "=HYPERLINK" in out.read_text()
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    batch_out = tmp_path / "b"
    run("batch", path, "-o", batch_out, "--today", "2026-08-01", "-j", "1")
    for name in ("summary.csv", "findings.csv", "gaps.csv"):
        cells = [c for row in csv.reader(io.StringIO((batch_out / name).read_text())) for c in row]
        assert not any(c.startswith(("=", "+", "@")) for c in cells), name


# ---------------------------------------------------------------------------------------
# Flat files: line endings, truncation, encodings


def test_cr_terminated_file_with_one_stray_lf_keeps_every_record():
    from wibrs_check.readers.flatfile import read_flat_bytes

    data = bytearray(flat_text(FLAT + FLAT[:2], "\r").encode())
    data[20] = 10  # one stray line feed inside the first record
    sub = read_flat_bytes(bytes(data), "cr.txt")
    sub.check_accounting()
    assert sub.accounting()["records_read"] == 6
    assert sub.records["non_ascii"].tolist() == [True] + [False] * 5  # the stray LF is reported, in place


def test_truncated_flat_file_says_so_once(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_bytes(flat_text().encode()[:-15])  # cut inside the last record's data
    result = run("check", path, "--format", "json", "--today", "2026-08-01")
    doc = json.loads(result.output)
    last = [f for f in doc["findings"] if f["record"] == 4]
    assert [f["code"] for f in last] == ["IO07"], last
    assert "ends inside record 4: it looks truncated" in last[0]["message"]
    assert doc["files"][0]["records_read"] == 4 and doc["files"][0]["records_unplaced"] == 1
    # a file that ends with a line break is not truncated, however short its last record
    whole = tmp_path / "short.txt"
    whole.write_bytes(flat_text().encode()[:-15] + b"\n")
    doc = json.loads(run("check", whole, "--format", "json", "--today", "2026-08-01").output)
    assert "IO07" not in {f["code"] for f in doc["findings"]}


@pytest.mark.parametrize("encoding, bom", [("utf-16", ""), ("utf-16-le", ""), ("utf-8", "\ufeff")])
def test_utf16_and_bom_exports_are_decoded_checked_and_warned(tmp_path, encoding, bom):
    path = tmp_path / "export.txt"
    path.write_bytes((bom + flat_text()).encode(encoding))
    result = run("check", path, "--format", "json", "--today", "2026-08-01")
    doc = json.loads(result.output)
    codes = [f["code"] for f in doc["findings"]]
    assert codes == ["IO08"], result.output
    assert doc["files"][0]["records_read"] == 4


# ---------------------------------------------------------------------------------------
# XML


XSD = Path(__file__).resolve().parents[2] / "shared" / "reference" / "nibrs-iepd-2019.1" / "base-xsd"


def _with_late_doctype(data: bytes) -> bytes:
    declaration, rest = data.split(b"\n", 1)
    rest = rest.replace(b"<nc:IdentificationID>WI0130100</nc:IdentificationID>",
                        b"<nc:IdentificationID>&ori;</nc:IdentificationID>", 1)
    return (declaration + b"\n<!--" + b"x" * (1 << 20) + b"-->\n"
            + b'<!DOCTYPE nibrs:Submission [<!ENTITY ori "WI0130100">]>\n' + rest)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_late_or_utf16_doctype_is_refused_also_with_xsd_validation(tmp_path, encoding):
    if not XSD.is_dir():
        pytest.skip(f"{XSD} is not available")
    data = _with_late_doctype(xml_bytes())
    if encoding != "utf-8":  # BOM-less UTF-16, with the DOCTYPE near the top
        data = data.replace(b"\n<!--" + b"x" * (1 << 20) + b"-->", b"").decode().replace(
            "encoding='UTF-8'", "encoding='UTF-16'").encode(encoding)
    path = tmp_path / "late.xml"
    path.write_bytes(data)
    result = run("check", path, "--format", "json", "--xsd-dir", XSD, "--today", "2026-08-01")
    assert "Traceback" not in result.output and result.exit_code == 1, result.output
    doc = json.loads(result.output)
    assert [f["code"] for f in doc["findings"]] == ["XML06"]


def test_xsd_validation_failure_is_a_finding(monkeypatch, tmp_path):
    from lxml import etree

    from wibrs_check.readers import xml as xml_reader

    class Broken:
        def validate(self, doc):
            raise etree.XMLSchemaValidateError("Internal error")

    monkeypatch.setattr(xml_reader, "_schema", lambda *args: Broken())
    monkeypatch.setattr(xml_reader, "_find_exchange_schema", lambda folder: folder / "nibrs.xsd")
    problems = xml_reader.validate_against_xsd(xml_bytes(), tmp_path)
    assert problems["code"].tolist() == ["XML05"] and "could not be completed" in problems["detail"][0]


def test_report_in_a_foreign_namespace_is_listed_not_dropped():
    from wibrs_check.readers.xml import read_xml_bytes

    data = xml_bytes(FLAT + FLAT).decode()
    second = data.index("<nibrs:Report>", data.index("<nibrs:Report>") + 1)
    data = data[:second] + '<nibrs:Report xmlns:nibrs="http://example.com/other">' + data[second + 14:]
    sub = read_xml_bytes(data.encode(), "two.xml")
    sub.check_accounting()
    assert len(sub.unplaced) == 1 and "http://example.com/other" in sub.unplaced["reason"].iloc[0]
    assert "XML12" in set(sub.extra["reader_problems"]["code"])


def test_zero_records_from_a_wrong_namespace_document_is_an_error(tmp_path):
    data = xml_bytes().replace(b"http://fbi.gov/cjis/nibrs/2019", b"http://example.com/nibrs/4.2").replace(
        b">2019</cjis:MessageImplementationVersion>", b">4.2</cjis:MessageImplementationVersion>")
    path = tmp_path / "wrong.xml"
    path.write_bytes(data)
    result = run("check", path, "--format", "json", "--today", "2026-08-01")
    doc = json.loads(result.output)
    assert result.exit_code == 1, result.output
    assert any(f["severity"] == "error" for f in doc["findings"])


def test_300000_unknown_xml_elements_give_one_finding_per_kind(tmp_path):
    from wibrs_check.readers.xml import read_xml_bytes

    junk = b"<junk/>" * 300_000 + b"".join(b"<odd%d/>" % i for i in range(150))
    data = xml_bytes().replace(b"</nibrs:ReportHeader>", b"</nibrs:ReportHeader>" + junk, 1)
    sub = read_xml_bytes(data, "junk.xml")
    problems = sub.extra["reader_problems"]
    assert len(problems) <= 102
    junk_rows = problems[problems["value"] == "junk"]
    assert len(junk_rows) == 1 and "300,000 times in this file" in junk_rows["detail"].iloc[0]
    assert (problems["value"] == "(other elements)").sum() == 1
    sub.check_accounting()


def test_100000_unknown_sbr_columns_give_one_finding(tmp_path):
    header = SBR_HEADER + "," + ",".join(f"x{i}" for i in range(100_000))
    row = sbr_row() + "," * 100_000
    path = tmp_path / "wide.csv"
    path.write_text(header + "\n" + row + "\n")
    doc = json.loads(run("check", path, "--format", "json", "--today", "2026-08-01").output)
    unknown = [f for f in doc["findings"] if f["code"] == "SBR18"]
    assert len(unknown) == 1 and "100,000" in unknown[0]["message"]

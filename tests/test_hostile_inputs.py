"""Hostile and wrong inputs (issue 22, and "wrong inputs must be refused" of issue 18).

Each test feeds the exact input that broke the tool before the fix: it must now give a clear
finding or message, never a traceback, a hang, a lost record or a path outside the folder.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from conftest import shared_file
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
    doc = json.loads(result.stdout)
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
    doc = json.loads(result.stdout)
    last = [f for f in doc["findings"] if f["record"] == 4]
    assert [f["code"] for f in last] == ["IO07"], last
    assert "ends inside record 4: it looks truncated" in last[0]["message"]
    assert doc["files"][0]["records_read"] == 4 and doc["files"][0]["records_unplaced"] == 1
    # a file that ends with a line break is not truncated, however short its last record
    whole = tmp_path / "short.txt"
    whole.write_bytes(flat_text().encode()[:-15] + b"\n")
    doc = json.loads(run("check", whole, "--format", "json", "--today", "2026-08-01").stdout)
    assert "IO07" not in {f["code"] for f in doc["findings"]}


def test_a_last_record_without_its_trailing_blanks_is_not_taken_for_a_cut(tmp_path):
    """The FBI's test file ends in an arrestee segment that stops after its last required
    field, with no line break: trailing blanks dropped, not a cut-off file (IO02, not IO07)."""
    sample = shared_file("samples", "NIBRS_Test_Sample.txt")
    doc = json.loads(run("check", sample, "--format", "json", "--select", "IO").stdout)
    assert [(f["code"], f["record"]) for f in doc["findings"]] == [("IO02", 6)]
    assert doc["files"][0]["records_unplaced"] == 0


@pytest.mark.parametrize("encoding, bom", [("utf-16", ""), ("utf-16-le", ""), ("utf-8", "\ufeff")])
def test_utf16_and_bom_exports_are_decoded_checked_and_warned(tmp_path, encoding, bom):
    path = tmp_path / "export.txt"
    path.write_bytes((bom + flat_text()).encode(encoding))
    result = run("check", path, "--format", "json", "--today", "2026-08-01")
    doc = json.loads(result.stdout)
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
    doc = json.loads(result.stdout)
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
    doc = json.loads(result.stdout)
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
    doc = json.loads(run("check", path, "--format", "json", "--today", "2026-08-01").stdout)
    unknown = [f for f in doc["findings"] if f["code"] == "SBR18"]
    assert len(unknown) == 1 and "100,000" in unknown[0]["message"]


# ---------------------------------------------------------------------------------------
# Wrong inputs are refused, not checked (issue 18)


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


NOT_SUBMISSIONS = {
    "report.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Kids [] >>\nendobj\n", "a PDF"),
    "letter.docx": (_docx(), "a Word document"),
    "notes.txt": (b"Friday. Called the sheriff about the July file.\nResend after the fix.\n", "free text"),
    "export.txt": ("Incident list for July\r\nno NIBRS here\r\n".encode("utf-16"), "UTF-16 text"),
    "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "a Word document"),
}


@pytest.mark.parametrize("name", sorted(NOT_SUBMISSIONS))
def test_check_refuses_what_is_not_a_submission(tmp_path, name):
    data, looks = NOT_SUBMISSIONS[name]
    path = tmp_path / name
    path.write_bytes(data)
    result = run("check", path)
    assert result.exit_code == 2, result.output
    assert f"not a submission: looks like {looks}" in result.stderr
    assert "051" not in result.output and "058" not in result.output


def test_batch_lists_non_submissions_with_the_skipped_files_never_as_agencies(tmp_path):
    folder = tmp_path / "month"
    folder.mkdir()
    for name, (data, _) in NOT_SUBMISSIONS.items():
        (folder / name).write_bytes(data)
    (folder / "WI0130100_2026-07.txt").write_text(flat_text())
    out = tmp_path / "out"
    result = run("batch", folder, "-o", out, "-j", "1", "--today", "2026-08-01")
    assert "Traceback" not in result.output, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(Path(x["path"]).name for x in summary["skipped_files"]) == sorted(NOT_SUBMISSIONS)
    for entry in summary["skipped_files"]:
        assert entry["reason"].startswith(f"not a submission: looks like {NOT_SUBMISSIONS[Path(entry['path']).name][1]}")
    assert [a["ori"] for a in summary["agencies"]] == ["WI0130100"]
    assert "paths found: 6: 1 checked, 0 unreadable, 5 skipped" in result.output


def test_zip_members_are_checked_and_names_never_used_as_paths(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("WI0130100_2026-07.txt", flat_text())
        z.writestr("../../escape.txt", flat_text())
        z.writestr("notes.txt", "Friday. Nothing to see.\n")
        z.writestr("bomb.txt", b"0" * (3 << 20))
        z.writestr("inner.zip", _docx())
    path = tmp_path / "month.zip"
    path.write_bytes(buffer.getvalue())
    from wibrs_check.readers import archive

    members = list(archive.zip_members(path, max_member_bytes=1 << 20))
    assert [m.label for m in members] == ["WI0130100_2026-07.txt", "../../escape.txt", "notes.txt", "bomb.txt",
                                          "inner.zip"]
    assert "zip bomb" in members[3].problem and "inside the zip" in members[4].problem
    result = run("check", path, "--format", "json", "--today", "2026-08-01")
    doc = json.loads(result.stdout)
    assert {f["path"] for f in doc["files"]} == {f"{path}:WI0130100_2026-07.txt", f"{path}:../../escape.txt",
                                                 f"{path}:bomb.txt"}
    assert {f["path"]: f["message"] for f in doc["unreadable_files"]}[f"{path}:notes.txt"].endswith(
        "not a submission: looks like free text")
    assert not (tmp_path.parent / "escape.txt").exists() and not (Path.cwd() / "escape.txt").exists()


def test_zip_limits_count_and_total(tmp_path):
    from wibrs_check.readers import archive

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(5):
            z.writestr(f"f{i}.txt", b"0" * 1000)
    members = list(archive.zip_members(buffer.getvalue(), max_members=3, max_total_bytes=2500))
    assert [m.data is not None for m in members] == [True, True, False, False, False]
    assert "together" in members[2].problem and "more than 3 files" in members[3].problem
    with pytest.raises(archive.ArchiveError):
        list(archive.zip_members(b"PK\x03\x04 not really a zip"))


def test_batch_on_a_missing_path_is_a_usage_error_writing_nothing(tmp_path):
    out = tmp_path / "out"
    result = run("batch", tmp_path / "no-such-month", "-o", out)
    assert result.exit_code == 2 and "no such file or folder" in result.output
    assert not out.exists()


def test_check_on_a_folder_says_to_use_batch(tmp_path):
    result = run("check", tmp_path)
    assert result.exit_code == 2 and f"wibrs-check batch {tmp_path}" in result.output


# ---------------------------------------------------------------------------------------
# Special files, outputs, paths


def test_fifo_is_refused_by_check_and_accounted_by_batch(tmp_path):
    fifo = tmp_path / "p.txt"
    os.mkfifo(fifo)
    result = run("check", fifo)  # blocked forever before the fix
    assert result.exit_code == 2 and "named pipe" in result.stderr
    (tmp_path / "WI0130100_2026-07.txt").write_text(flat_text())
    out = tmp_path.parent / (tmp_path.name + "-out")
    result = run("batch", tmp_path, "-o", out, "-j", "1", "--today", "2026-08-01")
    summary = json.loads((out / "summary.json").read_text())
    assert [(Path(x["path"]).name, x["reason"]) for x in summary["skipped_files"]] == [
        ("p.txt", "a named pipe (FIFO), not a regular file")]


def test_outputs_that_cannot_be_written_are_usage_errors_before_the_run(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text(flat_text())
    result = run("check", path, "-o", "/nonexistent/out.txt")
    assert result.exit_code == 2 and "does not exist" in result.output and "Traceback" not in result.output
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run("batch", path, "-o", blocker / "out")
    assert result.exit_code == 2 and "is a file, not a folder" in result.output
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        result = run("batch", path, "-o", locked / "out")
        assert result.exit_code == 2 and "not writable" in result.output


def test_batch_reports_unreadable_and_empty_files_whatever_the_extension(tmp_path):
    folder = tmp_path / "month"
    folder.mkdir()
    (folder / "empty.xml").write_bytes(b"")
    (folder / "empty.csv").write_bytes(b"")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "WI0130100_2026-07.txt").write_text(flat_text())
    out = tmp_path / "out"
    result = run("batch", folder, "-o", out, "-j", "1", "--today", "2026-08-01")
    summary = json.loads((out / "summary.json").read_text())
    assert {Path(x["path"]).name: x["reason"] for x in summary["skipped_files"]} == {
        "loop.txt": "broken or looping symbolic link"}
    no_agency = {Path(x["path"]).name: x["findings"] for x in summary["files_without_agency"]}
    assert set(no_agency) == {"empty.xml", "empty.csv"} and all("IO06" in v for v in no_agency.values())
    assert "paths found: 4: 3 checked, 0 unreadable, 1 skipped" in result.output


def test_a_named_file_of_paths_is_not_a_list_file(tmp_path):
    named = tmp_path / "WI0960000_2026-07.txt"
    named.write_text("/etc\n")
    from wibrs_check import batch

    got = batch.collect_inputs([named])
    assert got.paths == [] and [x["reason"] for x in got.skipped] == ["not a submission: looks like free text"]
    assert [p.name for p in batch.collect_inputs(["@" + str(named)]).paths] != []  # explicit @: read as a list


def test_links_out_of_the_month_folder_are_not_followed(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n" + FLAT[0] + "\n")
    folder = tmp_path / "month"
    folder.mkdir()
    (folder / "passwd.txt").symlink_to(outside)
    (folder / "WI0130100_2026-07.txt").write_text(flat_text())
    (folder / "inside.txt").symlink_to(folder / "WI0130100_2026-07.txt")
    out = tmp_path / "out"
    result = run("batch", folder, "-o", out, "-j", "1", "--today", "2026-08-01")
    summary = json.loads((out / "summary.json").read_text())
    assert {Path(x["path"]).name: x["reason"] for x in summary["skipped_files"]} == {
        "passwd.txt": "symbolic link to outside the folder (not followed)",
        "inside.txt": "the same file as one already checked (checked once)"}
    assert "paths found: 3: 1 checked, 0 unreadable, 2 skipped" in result.output
    everything = "".join(p.read_text() for p in out.iterdir()) + result.output
    assert "root:x" not in everything


def test_escape_sequences_never_reach_the_terminal(tmp_path):
    path = tmp_path / "esc.csv"
    path.write_text("\n".join([SBR_HEADER, sbr_row(ori="WI\x1b[2J0420300")]) + "\n")
    result = run("check", path, "--today", "2026-08-01")
    assert "\x1b" not in result.output and "WI?[2J0420300" in result.output
    result = run("batch", path, "-o", tmp_path / "out", "-j", "1", "--today", "2026-08-01")
    assert "\x1b" not in result.output
    odd_name = tmp_path / "odd\x1b]0;pwned\x07.txt"
    odd_name.write_text("Friday. notes\n")
    result = run("check", odd_name)
    assert result.exit_code == 2 and "\x1b" not in result.output and "\x07" not in result.output

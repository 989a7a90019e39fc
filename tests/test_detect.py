"""Format detection by content and read_any dispatch (issue 8)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from wibrs_check.generator.records import format_record
from wibrs_check.readers import detect
from wibrs_check.readers.detect import UnsupportedFormat, detect_format, detect_format_bytes, read_any
from wibrs_check.readers.flatfile import UnreadableInput

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
needs_samples = pytest.mark.skipif(not (SAMPLES / "HI_2019-11_burglary.xml").exists(), reason="needs ../shared/samples")

FLAT_RECORD = format_record(0, {"incident": "000000000000", "zero_month": "07", "zero_year": "2026", "action": "A"})
EDS_RECORD = ("2026070000012IWI013010026-000001  1   13B   " + " " * 6 + "008053" + " " * 12).ljust(146)
XML_DOC = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
           b'<nibrs:Submission xmlns:nibrs="http://fbi.gov/cjis/nibrs/2019"/>\n')


@pytest.mark.parametrize("head, expected", [
    (XML_DOC, "xml"),
    (b"\xef\xbb\xbf" + XML_DOC, "xml"),
    ("\ufeff<nibrs:Submission/>".encode("utf-16-le"), "xml"),
    (b"\r\n  \n\t<!-- a comment first --><a/>", "xml"),
    (FLAT_RECORD.encode() + b"\n", "flat"),
    (b"\n\n   \n" + FLAT_RECORD.encode() + b"\r\n", "flat"),
    (b"00881I112019    HI0020000", "flat"),
    (b"ori,form,line,column,count\nWI0130100,A,1,2,0\n", "sbr"),
    (b'"ORI","Year","Month","Line","Count"\n', "sbr"),
    (b"ORI;form\n", "unknown"),
    (b"0088Z bad level\n", "unknown"),
    (b"hello world\n", "unknown"),
    (b"", "unknown"),
    (b"   \n\n", "unknown"),
    (EDS_RECORD.encode() + b"\r\n" + EDS_RECORD.encode() + b"\r\n", "eds"),
    (b"              999999999                       FBI PROCESSED ON 03/23/16\r\n", "eds"),
    # a flat record has its action letter at position 6, so 146 characters alone are not an EDS
    (("0146" + "1I" + "x" * 140).encode() + b"\n", "flat"),
])
def test_detect_format_by_first_bytes(head, expected):
    assert detect_format_bytes(head) == expected


def test_detect_format_reads_files_not_names(tmp_path):
    xml = tmp_path / "submission.txt"
    xml.write_bytes(XML_DOC)
    flat = tmp_path / "submission.xml"
    flat.write_text(FLAT_RECORD + "\n")
    assert detect_format(xml) == "xml"
    assert detect_format(flat) == "flat"
    assert detect_format(tmp_path / "missing") == "unknown"
    assert detect_format(tmp_path) == "unknown"


@needs_samples
def test_detect_real_samples():
    assert detect_format(SAMPLES / "HI_2019-11_burglary.txt") == "flat"
    assert detect_format(SAMPLES / "HI_2019-11_burglary.xml") == "xml"
    assert detect_format(SAMPLES / "VTUCR0001_20200420_NIBRS_010.txt") == "flat"


@needs_samples
def test_read_any_dispatches_by_content():
    flat = read_any(SAMPLES / "HI_2019-11_burglary.txt")
    xml = read_any(SAMPLES / "HI_2019-11_burglary.xml")
    assert (flat.format, xml.format) == ("flat", "xml")
    assert flat.records["level"].tolist() == xml.records["level"].tolist()


def test_read_any_xml_and_flat_without_samples(tmp_path):
    xml = tmp_path / "a"
    xml.write_bytes(XML_DOC)
    flat = tmp_path / "b"
    flat.write_text(FLAT_RECORD + "\n")
    assert read_any(xml).format == "xml"
    sub = read_any(flat)
    assert sub.format == "flat" and sub.records["level"].tolist() == ["0"]


def test_read_any_unknown_content_goes_to_the_flat_reader(tmp_path):
    # Unknown content that may be damaged records is read as a flat file; free text is
    # refused (issue 18: "not a submission: looks like free text").
    odd = tmp_path / "odd.dat"
    odd.write_text("0088Z bad level\n")
    sub = read_any(odd)
    assert sub.format == "flat" and len(sub.unplaced) == 1
    notes = tmp_path / "notes.dat"
    notes.write_text("hello world\n")
    with pytest.raises(UnreadableInput, match="not a submission: looks like free text"):
        read_any(notes)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert len(read_any(empty).records) == 0


def test_read_any_missing_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableInput):
        read_any(tmp_path / "missing.txt")


def _sbr_file(tmp_path) -> Path:
    path = tmp_path / "return_a.csv"
    path.write_text("ori,form,line,reported\nWI0130100,A,1,3\n")
    return path


def test_read_any_sbr_without_a_reader_is_unsupported(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "wibrs_check.readers.sbr", None)  # as if the module did not exist
    with pytest.raises(UnsupportedFormat, match="SBR"):
        read_any(_sbr_file(tmp_path))


def test_read_any_sbr_uses_the_sbr_reader_when_installed(tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("wibrs_check.readers.sbr")
    fake.read_sbr = lambda path: calls.append(Path(path)) or "sbr-submission"
    monkeypatch.setitem(sys.modules, "wibrs_check.readers.sbr", fake)
    path = _sbr_file(tmp_path)
    assert read_any(path) == "sbr-submission"
    assert calls == [path]


def test_detect_module_imports_no_sbr_reader_eagerly():
    # Not reloaded: a reload makes new exception classes, and modules imported earlier would
    # then raise classes that other tests' ``except`` clauses no longer match.
    assert "read_sbr" not in vars(detect)


def test_an_error_data_set_is_refused_with_a_clear_message(tmp_path):
    from wibrs_check.readers.flatfile import UnreadableInput
    from wibrs_check.report.eds import trailer

    path = tmp_path / "reply.eds"
    path.write_text(EDS_RECORD + "\r\n" + trailer("07/15/2026") + "\r\n")
    assert detect_format(path) == "eds"
    with pytest.raises(UnreadableInput, match="FBI Error Data Set"):
        read_any(path)


@needs_samples
def test_the_fbi_error_data_set_sample_is_recognised():
    assert detect_format(SAMPLES / "fbi-processed" / "MN_2016-02_fbi_eds.txt") == "eds"
    assert detect_format(SAMPLES / "fbi-processed" / "MN_2016-02_submission.txt") == "flat"


def test_check_refuses_an_error_data_set_with_exit_2_and_names_the_file_once(tmp_path):
    from click.testing import CliRunner

    from wibrs_check.cli import main
    from wibrs_check.report.eds import trailer

    path = tmp_path / "reply.txt"
    path.write_text(EDS_RECORD + "\r\n" + trailer("07/15/2026") + "\r\n")
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert result.stderr.count(str(path)) == 1 and "not a submission" in result.stderr


SERVICE_RESPONSE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    '<ns2:SubmitNibrsNIEMDocumentResponse xmlns:ns2="http://ws.nibrs.cjis.fbi.gov/">'
    '<return>accepted</return></ns2:SubmitNibrsNIEMDocumentResponse></soap:Body></soap:Envelope>\n'
)


def test_check_refuses_an_fbi_web_service_response_as_not_a_submission(tmp_path):
    from click.testing import CliRunner

    from wibrs_check.cli import main

    path = tmp_path / "reply.xml"
    path.write_text(SERVICE_RESPONSE)
    assert detect_format(path) == "response"
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert result.stderr.count(str(path)) == 1 and "not a submission" in result.stderr


def test_a_submission_mentioning_no_response_element_is_still_xml():
    assert detect_format_bytes(b'<?xml version="1.0"?><nibrs:Submission xmlns:nibrs="x"/>') == "xml"

import json

from click.testing import CliRunner

from wibrs_check.cli import main
from wibrs_check.generator.records import format_record
from conftest import shared_file

CLEAN = [
    format_record(1, {"incident": "26-1", "de3_date": "20260701", "de3_hour": "10", "de4": "N"}),
    format_record(2, {"incident": "26-1", "de6": "13B", "de7": "C", "de8_1": "N", "de9": "20", "de13_1": "40", "de8a_1": "88"}),
    format_record(4, {"incident": "26-1", "de23": "001", "de24_1": "13B", "de25": "I", "de26": "30", "de27": "F", "de28": "W",
                      "de29": "N", "de30": "R", "de33_1": "M", "de34_1": "01", "de35_1": "AQ"}),
    format_record(5, {"incident": "26-1", "de36": "01", "de37": "31", "de38": "M", "de39": "W", "de39a": "N"}),
]


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_exit_0_on_clean_file(tmp_path):
    path = tmp_path / "clean.txt"
    path.write_text("\n".join(CLEAN) + "\n")
    result = run("check", str(path), "--today", "2026-08-01", "--select", "0,1,IO")
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_exit_1_on_errors_and_json_output(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("\n".join([CLEAN[0].replace("N", "X", 1)[:48] + "X" + CLEAN[0][49:]] + CLEAN[1:]) + "\n")
    result = run("check", str(path), "--format", "json", "--today", "2026-08-01", "--select", "104")
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    assert [f["code"] for f in doc["findings"]] == ["104"]


def test_exit_2_and_no_traceback_on_missing_file(tmp_path):
    result = run("check", str(tmp_path / "missing.txt"))
    assert result.exit_code == 2
    assert "cannot read" in result.output and "Traceback" not in result.output


def test_rules_lists_every_catalogued_number():
    result = run("rules")
    assert result.exit_code == 0
    assert "303 FBI edit numbers: " in result.output and "0 not yet implemented" in result.output


def test_every_catalogued_code_has_a_status_other_than_not_implemented():
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(run("rules", "--format", "csv").output)))
    assert len(rows) > 303
    assert [r["code"] for r in rows if r["status"] == "not yet implemented"] == []
    statuses = {r["code"]: r["status"] for r in rows}
    assert statuses["IO01"].startswith("reported for each file that cannot be read")
    assert statuses["GAP02"].startswith("agency-level signal")


def test_rules_code_prints_documentation():
    result = run("rules", "170")
    assert result.exit_code == 0
    assert "status: implemented" in result.output and "submission" in result.output


def test_eds_output_writes_companion_warning_set(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text(CLEAN[0] + "\n")
    out = tmp_path / "out.eds"
    result = run("check", str(path), "--format", "eds", "-o", str(out), "--today", "2026-08-01")
    assert result.exit_code == 1
    assert all(len(line) == 146 for line in out.read_text().split("\r\n")[:-1])
    assert (tmp_path / "out.eds.warnings.eds").exists()


def test_real_samples_finish_without_traceback():
    for name in ("VTUCR0001_20200420_NIBRS_010.txt", "NIBRS_Test_Sample.txt", "HI_2019-11_burglary.txt"):
        result = run("check", str(shared_file("samples", name)), "--format", "json")
        assert result.exit_code in (0, 1), (name, result.output[-2000:])
        doc = json.loads(result.output)
        assert doc["files"][0]["records_read"] == doc["files"][0]["records_placed"] + doc["files"][0]["records_unplaced"]


def test_flat_and_xml_files_are_checked_in_one_call():
    flat = shared_file("samples", "HI_2019-11_burglary.txt")
    xml = shared_file("samples", "HI_2019-11_burglary.xml")
    result = run("check", str(flat), str(xml), "--format", "json")
    assert result.exit_code in (0, 1), result.output[-2000:]
    doc = json.loads(result.output)
    assert [f["format"] for f in doc["files"]] == ["flat", "xml"]


def test_xsd_dir_reports_schema_violations_with_lines():
    xml = shared_file("samples", "HI_2019-11_burglary.xml")
    xsd = shared_file("reference", "nibrs-iepd-2019.1", "base-xsd")
    result = run("check", str(xml), "--format", "json", "--select", "XML05", "--xsd-dir", str(xsd))
    doc = json.loads(result.output)
    assert result.exit_code == 1 and doc["findings"]
    assert all(f["code"] == "XML05" and f["line"] for f in doc["findings"])

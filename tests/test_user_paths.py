"""The clerk's, the vendor's and the analyst's paths through the command line (issue 18):
each test runs the command with the exact input that went wrong."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wibrs_check.cli import main
from wibrs_check.generator.records import format_record

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_submissions" / "wibrs" / "WI0130100_2026-07.txt"
SBR_SAMPLE = ROOT / "sample_submissions" / "sbr" / "WI_SBR_2026-07_planted.csv"

# A Group B arrest for 90I (runaway), which the FBI no longer takes.
RUNAWAY = format_record(7, {"action": "A", "incident": "26-B1", "de40": "01", "de42": "20260705", "de43": "O",
                            "de45": "90I", "de46_1": "01", "de47": "15", "de48": "F", "de49": "W", "de50": "N",
                            "de51": "R", "de52": "H"})


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


@pytest.fixture(autouse=True)
def no_settings(monkeypatch):
    monkeypatch.setenv("WIBRS_CHECK_CONFIG", "none")


# ---------------------------------------------------------------------------------------
# The vendor's CI gate


@pytest.mark.parametrize("option,value", [("--select", "9999"), ("--select", "4,XYZ"), ("--ignore", "12O1"),
                                          ("--select", "io02")])
def test_unknown_select_or_ignore_code_is_a_usage_error_naming_it(option, value):
    result = run("check", SAMPLE, option, value, "--format", "json")
    assert result.exit_code == 2, result.output
    bad = [c for c in value.split(",") if c not in ("4",)]
    assert all(c in result.stderr for c in bad) and option in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output
    if value == "io02":
        assert "did you mean IO02?" in result.stderr


def test_known_codes_and_prefixes_still_run():
    result = run("check", SAMPLE, "--select", "0,IO", "--ignore", "058", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    assert {f["code"] for f in json.loads(result.stdout)["findings"]} <= {c for c in ("050", "075", "070", "IO02")} | {
        f["code"] for f in json.loads(result.stdout)["findings"] if f["code"].startswith(("0", "IO"))}


def test_unknown_code_in_the_settings_file_is_a_usage_error_naming_file_and_code(tmp_path, monkeypatch):
    settings = tmp_path / "wibrs-check.toml"
    settings.write_text('select = ["0", "X99"]\n')
    monkeypatch.setenv("WIBRS_CHECK_CONFIG", str(settings))
    result = run("check", SAMPLE)
    assert result.exit_code == 2 and "X99" in result.stderr and str(settings) in result.stderr
    batch = run("batch", SAMPLE, "-o", tmp_path / "out", "--no-progress")
    assert batch.exit_code == 2 and "X99" in batch.stderr and not (tmp_path / "out").exists()


@pytest.mark.parametrize("name,check", [
    ("errors.csv", lambda text: text.startswith("file,record,line,")),
    ("errors.json", lambda text: json.loads(text)["tool"] == "wibrs-check"),
    ("out.eds", lambda text: all(len(line) == 146 for line in text.split("\r\n")[:-1])),
    ("report.html", lambda text: text.startswith("<!DOCTYPE html>") and "Findings by agency" in text),
    ("out.sarif", lambda text: json.loads(text)["version"] == "2.1.0"),
    ("out.junit.xml", lambda text: text.lstrip().startswith("<?xml") and "<testsuite" in text),
    ("out.txt", lambda text: text.startswith("wibrs-check report")),
])
def test_output_extension_picks_the_format(tmp_path, name, check):
    out = tmp_path / name
    result = run("check", SAMPLE, "-o", out)
    assert result.exit_code == 1, result.output  # the bundled sample has planted errors
    assert check(out.read_text(encoding="utf-8")), out.read_text()[:300]
    if name.endswith(".eds"):
        assert (tmp_path / "out.eds.warnings.eds").exists()


def test_format_option_wins_over_the_extension(tmp_path):
    out = tmp_path / "errors.csv"
    run("check", SAMPLE, "-o", out, "--format", "json")
    assert json.loads(out.read_text())["findings"]


def test_check_writes_several_formats_into_a_folder(tmp_path):
    out = tmp_path / "reports"
    result = run("check", SAMPLE, "--format", "csv,json,html", "-o", out)
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir()) == ["findings.csv", "findings.json", "report.html"]
    rows = list(csv.DictReader(io.StringIO((out / "findings.csv").read_text())))
    assert len(rows) == len(json.loads((out / "findings.json").read_text())["findings"]) > 0


def test_several_formats_without_a_folder_or_an_unknown_format_are_usage_errors(tmp_path):
    assert run("check", SAMPLE, "--format", "csv,json").exit_code == 2
    bad = run("check", SAMPLE, "--format", "csv,pdf", "-o", tmp_path / "x")
    assert bad.exit_code == 2 and "pdf" in bad.stderr and not (tmp_path / "x").exists()


def test_the_settings_file_in_use_is_named_on_stderr_and_in_json(tmp_path, monkeypatch):
    parent = tmp_path / "projects"
    (parent / "agency").mkdir(parents=True)
    (parent / "pyproject.toml").write_text('[tool.wibrs-check]\nselect = ["058"]\n')
    shutil.copy(SAMPLE, parent / "agency" / "month.txt")
    monkeypatch.delenv("WIBRS_CHECK_CONFIG")
    monkeypatch.chdir(parent / "agency")
    result = run("check", "month.txt", "--format", "json")
    settings = str((parent / "pyproject.toml").resolve())
    assert f"settings from {settings}" in result.stderr
    doc = json.loads(result.stdout)
    assert doc["settings_file"] == settings and {f["code"] for f in doc["findings"]} == {"058"}
    monkeypatch.setenv("WIBRS_CHECK_CONFIG", "none")
    plain = run("check", "month.txt", "--format", "json")
    assert "settings from" not in plain.stderr and json.loads(plain.stdout)["settings_file"] is None


def test_readme_says_the_bundled_sample_exits_1_and_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert "wibrs-check check sample_submissions/wibrs/WI0130100_2026-07.txt" in blocks[0]
    assert "pytest" in blocks[1]
    first_part = " ".join(readme[:readme.index(blocks[1])].split())
    assert "planted errors" in first_part and "exit status 1" in first_part
    # the clerk's path comes first, before the reference, the vendor's CI and the state's run
    clerk = readme.index("## Checking your agency's file")
    assert clerk < readme.index("## Using it") < readme.index("## CI and pre-commit")
    assert clerk < readme.index("## State monthly run")
    assert "-o report.html" in readme[clerk:readme.index("## Using it")]


# ---------------------------------------------------------------------------------------
# The clerk's report


def test_check_format_html_writes_the_one_file_report(tmp_path):
    result = run("check", SAMPLE, "--format", "html")
    assert result.exit_code == 1
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and "WI0130100_2026-07.txt" in page
    assert 'id="by-agency"' in page and 'id="code-058"' in page and "<script" not in page


def _text(*paths, extra=()):
    result = run("check", *paths, "--today", "2026-08-15", *extra)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


INTERNAL = re.compile(r"\bunits?\b|ht_flags|level S\b|\bDE \w|top_errors|\bpos \d")


def test_text_report_findings_first_then_not_checked_folded_per_need():
    text = _text(SAMPLE)
    assert text.index("Findings") < text.index("By agency") < text.index("Not checked")
    not_checked = text[text.index("Not checked"):].splitlines()
    assert any(re.fullmatch(r"  \d+ edits need earlier submissions: give --history", line) for line in not_checked)
    assert any(re.fullmatch(r"  \d+ edits need an agency master file: give --agencies FILE", line)
               for line in not_checked)
    assert not any(re.search(r"\b0\d\d \d{3} \d{3}\b", line) for line in not_checked)  # no lists of codes


@pytest.mark.parametrize("paths", [(SAMPLE,), (SBR_SAMPLE,), (SAMPLE, SBR_SAMPLE)])
def test_text_report_fits_80_columns_and_has_no_internal_words(paths):
    text = _text(*paths)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert not INTERNAL.search(text), INTERNAL.search(text).group(0)


def test_each_finding_names_the_field_in_words_and_says_what_to_do(tmp_path):
    path = tmp_path / "victim.txt"
    lines = SAMPLE.read_text().splitlines()
    path.write_text("\n".join(lines) + "\n")
    text = _text(path)
    assert "month of submission = '06/2026'" in text and "arrest date = '20260710'" in text
    assert "What to do: Every segment in one submission must carry the same month" in text
    assert "incident date = '19900105'" in text


def test_victims_relationship_is_named_in_words_not_de_35(tmp_path):
    from test_cli import CLEAN

    path = tmp_path / "relationship.txt"
    path.write_text("\n".join([CLEAN[0], CLEAN[1], CLEAN[2].replace("01AQ", "01ZZ"), CLEAN[3]]) + "\n")
    text = _text(path)
    assert "relationship of victim to offender = 'ZZ'" in " ".join(text.split())
    assert "DE 35" not in text and "What to do: A field on the victim segment" in text


def test_removed_code_90i_says_runaway_is_no_longer_group_b(tmp_path):
    path = tmp_path / "runaway.txt"
    path.write_text(RUNAWAY + "\n")
    text = _text(path)
    assert "Group B arrest 26-B1" in text and "UCR arrest offense code = '90I'" in text
    assert "90I (runaway) is no longer a Group B offense" in " ".join(text.split())
    rows = list(csv.DictReader(io.StringIO(run("check", path, "--format", "csv").stdout)))
    runaway = [r for r in rows if r["value"] == "90I"]
    assert runaway and runaway[0]["fix"].startswith("90I (runaway) is no longer a Group B offense")
    assert list(rows[0])[-1] == "fix"


def test_xml_findings_show_the_xml_line_and_element_not_flat_positions(tmp_path):
    from wibrs_check.generator.xml_writer import write_xml
    from wibrs_check.readers.flatfile import read_flat

    xml = write_xml(read_flat(SAMPLE), tmp_path / "month.xml")
    text = _text(xml)
    assert re.search(r"in XML line \d+ \((j:Arrestee|j:Victim|nibrs:Report|j:Offense)\)", text), text[:3000]
    assert "of the record:" not in text and not re.search(r"^\s+\|", text, re.MULTILINE)  # no flat excerpt
    assert max(len(line) for line in text.splitlines()) <= 80


# ---------------------------------------------------------------------------------------
# rules


def test_rules_status_column_is_never_cut_and_the_footer_counts_the_rows():
    text = run("rules").stdout.splitlines()
    header = text[0]
    start, end = header.index("status"), header.index("title")
    rows = [line for line in text[1:] if line[:5].strip() and re.match(r"\s*[0-9A-Z]{3,5}  ", line)]
    statuses = {line[:5].strip(): line[start:end].strip() for line in rows}
    long = {r["code"]: r["status"] for r in csv.DictReader(io.StringIO(run("rules", "--format", "csv").stdout))}
    assert statuses.keys() == long.keys()
    for code, short in statuses.items():
        assert short and rows[list(statuses).index(code)][end - 2:end] == "  "  # a gap: nothing runs on
        needs = re.findall(r"--agencies|--history", long[code])
        assert all(n in short for n in needs), (code, short, long[code])
    fbi = {c: s for c, s in statuses.items() if c.isdigit()}
    footer = next(line for line in text if line.startswith(f"{len(fbi)} FBI edit numbers:"))
    counted = dict((words, int(n)) for n, words in re.findall(r"(\d+) ([a-z ,]+?)(?:;|\.$)", footer.split(": ", 1)[1]))
    assert sum(counted.values()) == len(fbi)
    assert counted["checked only with outside data"] == sum(s.startswith(("needs", "not run")) for s in fbi.values()) > 0
    assert counted["checked in the file"] == sum(s == "implemented" for s in fbi.values())


# ---------------------------------------------------------------------------------------
# The analyst's progress line


def test_eta_waits_for_a_few_files_and_leaves_out_the_start_up():
    from wibrs_check.batch import ETA_SETTLE_FILES, eta_seconds

    # 435 files; the workers took 20 s to start, then one file a second.
    first = 20.0
    assert eta_seconds(1, 435, first, first) is None
    assert eta_seconds(2, 435, first, first + 1) is None  # used to promise hours here
    settled = eta_seconds(ETA_SETTLE_FILES, 435, first, first + ETA_SETTLE_FILES - 1)
    assert settled == pytest.approx(435 - ETA_SETTLE_FILES)
    assert eta_seconds(435, 435, first, 500.0) == 0.0


def test_progress_lines_say_estimating_until_the_eta_settles():
    from wibrs_check.batch import Progress
    from wibrs_check.runner import FilePart

    stream = io.StringIO()
    bar = Progress(40, mode=True, stream=stream)
    for _ in range(40):
        bar.advance(FilePart("x", file={"records_read": 10}))
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("checked 1/40") and lines[0].endswith("time left: estimating")
    assert [line for line in lines if line.startswith("checked 2/40")][0].endswith("time left: estimating")
    assert lines[-1].startswith("checked 40/40") and lines[-1].endswith("about 0:00:00 left")

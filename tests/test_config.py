"""Settings in pyproject.toml ([tool.wibrs-check]) or wibrs-check.toml; the command line wins."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from wibrs_check import config
from wibrs_check.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "sample_submissions" / "wibrs" / "WI0130100_2026-07.txt"
AGENCIES = Path(__file__).resolve().parent / "fixtures" / "agencies_small.csv"


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    monkeypatch.delenv(config.ENV, raising=False)


def test_found_upwards_in_pyproject_and_wibrs_check_toml(tmp_path):
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert config.load(deep) == config.Settings()
    (tmp_path / "pyproject.toml").write_text('[tool.wibrs-check]\nselect = ["4", "IO02"]\nstrict = true\njobs = 3\n')
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no table: passed over
    s = config.load(deep)
    assert (s.select, s.strict, s.jobs, s.source) == (("4", "IO02"), True, 3, tmp_path / "pyproject.toml")
    (tmp_path / "a" / "wibrs-check.toml").write_text('ignore = "1,IO05"\nagencies = "../agencies.csv"\n')
    s = config.load(deep)
    assert s.source == tmp_path / "a" / "wibrs-check.toml"
    assert s.ignore == ("1", "IO05") and s.select == () and s.strict is False  # the nearest file only
    assert Path(s.agencies) == tmp_path / "a" / ".." / "agencies.csv"  # relative to the settings file


def test_wibrs_check_toml_wins_in_one_folder_and_may_use_the_tool_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.wibrs-check]\nselect = ["4"]\n')
    (tmp_path / "wibrs-check.toml").write_text('[tool.wibrs-check]\nselect = ["5"]\n')
    assert config.load(tmp_path).select == ("5",)


@pytest.mark.parametrize("text, message", [
    ("selct = ['4']", "unknown setting(s) selct"),
    ("strict = 'yes'", "'strict' must be true or false"),
    ("jobs = 0", "'jobs' must be a whole number"),
    ("select = 4", "'select' must be a list of codes"),
    ("agencies = ''", "'agencies' must be the path"),
    ("select = [", "not valid TOML"),
])
def test_bad_settings_name_file_and_key(tmp_path, text, message):
    path = tmp_path / "wibrs-check.toml"
    path.write_text(text + "\n")
    with pytest.raises(config.ConfigError) as err:
        config.load(tmp_path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_command_line_overrides():
    s = config.Settings(select=("4",), ignore=("1",), agencies="a.csv", strict=True, jobs=4)
    r = config.resolve(settings=s)
    assert (r.select, r.ignore, r.agencies, r.strict, r.jobs) == (("4",), ("1",), "a.csv", True, 4)
    r = config.resolve(("5",), ("IO",), "b.csv", False, 1, settings=s)
    assert (r.select, r.ignore, r.agencies, r.strict, r.jobs) == (("5",), ("IO",), "b.csv", False, 1)


def test_environment_names_the_file_or_turns_settings_off(tmp_path, monkeypatch):
    other = tmp_path / "elsewhere.toml"
    other.write_text('select = ["IO"]\n')
    monkeypatch.setenv(config.ENV, str(other))
    assert config.load(tmp_path).select == ("IO",)
    (tmp_path / "wibrs-check.toml").write_text('select = ["4"]\n')
    monkeypatch.setenv(config.ENV, "none")
    assert config.load(tmp_path) == config.Settings()


def check(tmp_path, *args):
    shutil.copy(SAMPLE, tmp_path / "month.txt")
    return CliRunner().invoke(main, ["check", "month.txt", "--format", "json", "--today", "2026-08-15", *args])


def test_check_reads_settings_and_options_win(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.wibrs-check]\nselect = ["058"]\n')
    out = check(tmp_path)
    assert out.exit_code == 1
    assert {f["code"] for f in json.loads(out.stdout)["findings"]} == {"058"}
    out = check(tmp_path, "--select", "IO")
    assert out.exit_code == 0 and json.loads(out.stdout)["findings"] == []
    # strict from the settings, --no-strict on the command line
    (tmp_path / "pyproject.toml").write_text('[tool.wibrs-check]\nselect = ["IO"]\nstrict = true\n')
    assert check(tmp_path).exit_code == 0  # no warnings of IO codes in this file either way
    (tmp_path / "pyproject.toml").write_text('[tool.wibrs-check]\nselect = ["1"]\nstrict = true\n')
    strict = check(tmp_path)
    loose = check(tmp_path, "--no-strict")
    warnings = [f for f in json.loads(loose.stdout)["findings"] if f["severity"] == "warning"]
    assert loose.exit_code == (1 if any(f["severity"] == "error" for f in json.loads(loose.stdout)["findings"]) else 0)
    if warnings:
        assert strict.exit_code == 1


def test_check_agencies_setting_and_bad_settings_exit_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(AGENCIES, tmp_path / "agencies.csv")
    (tmp_path / "wibrs-check.toml").write_text('select = ["931"]\nagencies = "agencies.csv"\n')
    out = check(tmp_path)
    doc = json.loads(out.stdout)
    assert "931" not in {c["code"] for c in doc["not_checked"]}  # it ran: the agency file was given
    (tmp_path / "wibrs-check.toml").write_text('selekt = ["4"]\n')
    bad = check(tmp_path)
    assert bad.exit_code == 2 and "unknown setting(s) selekt" in bad.output and "Traceback" not in bad.output


def test_batch_takes_jobs_from_settings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "b.txt"):
        shutil.copy(SAMPLE, tmp_path / "in" / name)
    (tmp_path / "wibrs-check.toml").write_text('select = ["IO"]\njobs = 1\n')
    out = CliRunner().invoke(main, ["batch", "in", "-o", "out", "--no-progress"])
    assert out.exit_code == 0, out.output
    run = json.loads((tmp_path / "out" / "summary.json").read_text())["run"]
    assert run["jobs"] == 1 and run["workers"] == 1
    out = CliRunner().invoke(main, ["batch", "in", "-o", "out2", "--no-progress", "-j", "2"])
    assert json.loads((tmp_path / "out2" / "summary.json").read_text())["run"]["jobs"] == 2

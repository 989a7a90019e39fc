"""The precheck page in a real headless Chromium (Debian's chromium and chromedriver, via Selenium).

A person's path: pick a file in the file input, wait for the results, read a planted error and
its fix, download the CSV, then walk the sex-trafficking flowchart for a worked example by
clicking Yes and No. Nothing is downloaded at run time: Selenium is pointed at the installed
browser and driver (``.ci/run`` installs them when missing).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from wibrs_check.cli import main

from .conftest import EXAMPLES, SAMPLE, left_on_disk

CHROMIUM = os.environ.get("WIBRS_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("WIBRS_TEST_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip(f"needs Chromium and chromedriver ({CHROMIUM}, {CHROMEDRIVER}); .ci/run installs them",
                allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (the test extra)")
uvicorn = pytest.importorskip("uvicorn", reason="needs uvicorn (the web extra)")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from wibrs_check.web.app import WebSettings, create_app  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("web-work")


@pytest.fixture(scope="module")
def server(work):
    """``wibrs-check serve`` as it runs for real: uvicorn on a local port, in a thread."""
    port = free_port()
    config = uvicorn.Config(create_app(WebSettings(work_root=work)), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        if time.monotonic() > deadline:
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads):
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not fetch a driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--no-first-run",
                     "--window-size=1400,1800"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    yield driver
    driver.quit()


def wait_for_file(folder: Path, name: str, timeout: float = 30) -> Path:
    deadline = time.monotonic() + timeout
    target = folder / name
    while time.monotonic() < deadline:
        if target.exists() and not list(folder.glob("*.crdownload")):
            return target
        time.sleep(0.1)
    raise AssertionError(f"{name} was not downloaded; the folder holds {[p.name for p in folder.iterdir()]}")


def test_upload_see_the_planted_error_and_its_fix_then_download_the_csv(server, browser, downloads, work,
                                                                          monkeypatch):
    browser.get(server + "/")
    browser.find_element(By.ID, "file").send_keys(str(SAMPLE))
    browser.find_element(By.ID, "submit").click()
    WebDriverWait(browser, 120).until(ec.presence_of_element_located((By.ID, "results")))
    row = browser.find_element(By.CSS_SELECTOR, 'tr.finding[data-code="116"]')
    assert "116" in row.text and "error" in row.text
    fix = row.find_element(By.CSS_SELECTOR, "details.fix")
    assert not fix.find_element(By.TAG_NAME, "p").is_displayed()
    fix.find_element(By.TAG_NAME, "summary").click()
    assert "Remove the leading blanks." in fix.find_element(By.TAG_NAME, "p").text
    marked = browser.find_element(By.CSS_SELECTOR, "pre.record mark")
    assert marked.get_attribute("title") == "incident positions 26-37"

    browser.find_element(By.ID, "download-csv").click()
    csv_file = wait_for_file(downloads, "wibrs-check-findings.csv")
    monkeypatch.chdir(SAMPLE.parent)
    expected = CliRunner().invoke(main, ["check", SAMPLE.name, "--format", "csv"]).stdout
    assert csv_file.read_text(encoding="utf-8") == expected
    assert left_on_disk(work) == []


def test_walk_the_flowchart_for_a_worked_example(server, browser):
    cases = {c["case"]: c for c in yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))["cases"]}
    case = cases["example-7"]  # a buyer expecting a 16-year-old meets undercover officers
    browser.get(server + "/classify")
    for _ in range(10):
        if browser.find_elements(By.ID, "outcome"):
            break
        fact = browser.find_element(By.ID, "answer-yes").get_attribute("name")
        assert browser.find_element(By.CSS_SELECTOR, ".notes .help").text  # the flowchart's note for it
        browser.find_element(By.ID, "answer-yes" if case["answers"][fact] else "answer-no").click()
        WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.ID, "restart")))
    outcome = browser.find_element(By.ID, "outcome")
    assert outcome.get_attribute("data-verdict") == case["expected"] == "sex_trafficking_attempted"
    assert "attempted" in browser.find_element(By.ID, "verdict-label").text
    steps = browser.find_elements(By.CSS_SELECTOR, "#path li")
    assert [s.find_element(By.CLASS_NAME, "answer").text for s in steps] == ["yes", "no", "yes"]

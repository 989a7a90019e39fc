"""Shared pieces of the web tests: an app on a private upload folder, sample files, waiting for results."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
pytest.importorskip("multipart", reason="the web extra (python-multipart) is not installed")

from fastapi.testclient import TestClient  # noqa: E402

from wibrs_check.generator.records import format_record  # noqa: E402
from wibrs_check.web.app import WebSettings, create_app  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_submissions" / "wibrs" / "WI0130100_2026-07.txt"
SAMPLE_B = REPO / "sample_submissions" / "wibrs" / "WI0130200_2026-07.txt"
EXAMPLES = REPO / "sample_submissions" / "trafficking_cases.yaml"


@pytest.fixture
def work(tmp_path) -> Path:
    """The folder the app puts upload folders in: empty again after every request."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def make_client(work):
    clients = []

    def make(**settings) -> TestClient:
        client = TestClient(create_app(WebSettings(work_root=work, **settings)))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


def left_on_disk(work: Path, wait: float = 10.0) -> list[Path]:
    """What is still in the upload folder once running checks have ended (they remove their files)."""
    deadline = time.monotonic() + wait
    while True:
        left = sorted(work.rglob("*"))
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def wait_for_results(client: TestClient, location: str, timeout: float = 120.0):
    """Follow the results page as a browser without JavaScript would (it refreshes itself)."""
    deadline = time.monotonic() + timeout
    while True:
        page = client.get(location)
        if 'http-equiv="refresh"' not in page.text or time.monotonic() > deadline:
            return page
        time.sleep(0.1)


def upload_page(client: TestClient, *files: tuple[str, bytes], **fields):
    """Send files with the precheck form; the results page once the check is done."""
    sent = client.post("/check", files=[("file", (name, data)) for name, data in files], data=fields,
                       follow_redirects=False)
    if sent.status_code != 303:
        return sent
    return wait_for_results(client, sent.headers["location"])


def incident_records(number: str, *segments, ori: str = "WI0130100") -> list[str]:
    head = {"incident": number, "ori": ori}
    records = [(1, {**head, "de3_date": "20260701", "de3_hour": "22", "de4": "N"})]
    records += [(level, {**head, **values}) for level, values in segments]
    return [format_record(level, values) for level, values in records]


def prostitution_incident(number: str = "26-000001", ori: str = "WI0130100") -> list[str]:
    """A 40C (purchasing) incident whose 16-year-old was arrested for prostitution (40A)."""
    return incident_records(
        number,
        (2, {"de6": "40C", "de7": "C", "de8_1": "N", "de9": "14", "de8a_1": "88"}),
        (4, {"de23": "001", "de24_1": "40C", "de25": "S"}),
        (5, {"de36": "01", "de37": "40", "de38": "M", "de39": "W", "de39a": "N"}),
        (5, {"de36": "02", "de37": "16", "de38": "F", "de39": "W", "de39a": "N"}),
        (6, {"de40": "01", "de41": "A1", "de42": "20260702", "de43": "T", "de44": "N", "de45": "40A",
             "de46_1": "01", "de47": "16", "de48": "F", "de49": "W", "de50": "N", "de51": "R", "de52": "H"}),
        ori=ori,
    )

"""``wibrs-check serve`` as the README starts it: a real process, real HTTP, the settings file."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from click.testing import CliRunner

from wibrs_check.cli import main

from .conftest import REPO, SAMPLE


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """The command in its own process, with a settings file that selects codes 1xx and a token."""
    settings = tmp_path / "wibrs-check.toml"
    settings.write_text('select = ["1"]\n', encoding="utf-8")
    port = free_port()
    env = {**os.environ, "WIBRS_CHECK_CONFIG": str(settings), "WIBRS_CHECK_TOKEN": "t0ken",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen([sys.executable, "-c", "from wibrs_check.cli import main; main()", "serve",
                                "--port", str(port)], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(base + "/login", timeout=2)
            break
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("serve did not start: " + process.stdout.read().decode(errors="replace"))
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=30)


def test_serve_answers_on_localhost_with_the_settings_and_the_token(served, tmp_path, monkeypatch):
    files = {"file": (SAMPLE.name, SAMPLE.read_bytes())}
    assert httpx.post(served + "/api/v1/check", files=files, timeout=300).status_code == 401
    response = httpx.post(served + "/api/v1/check", files=files, headers={"Authorization": "Bearer t0ken"},
                          timeout=300)
    assert response.status_code == 200
    monkeypatch.chdir(tmp_path)
    (tmp_path / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    expected = CliRunner().invoke(main, ["check", SAMPLE.name, "--format", "json", "--select", "1"]).stdout
    got = response.json()
    assert got["findings"] == json.loads(expected)["findings"]
    assert got["findings"] and all(f["code"].startswith("1") for f in got["findings"])  # the settings file's select


def test_check_does_not_load_the_web_stack():
    probe = ("import sys; from wibrs_check.cli import main\n"
             "try:\n    main(['check', sys.argv[1], '--format', 'csv'])\nexcept SystemExit:\n    pass\n"
             "print('web loaded' if 'fastapi' in sys.modules or 'uvicorn' in sys.modules else 'web not loaded')")
    out = subprocess.run([sys.executable, "-c", probe, str(SAMPLE)], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300)
    assert out.stdout.strip().endswith("web not loaded")
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "--max-upload-mb" in help_text and "127.0.0.1" in help_text

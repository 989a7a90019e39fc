"""The wheel carries every data file the package reads at run time (templates, schema tables,
migrations, web assets), so an installed wibrs-check works away from the source tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_packaged_data_file_is_in_the_wheel(tmp_path):
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout: the list of package files is unknown")
    files = [p for p in tracked.stdout.splitlines() if (ROOT / p).is_file()]
    data = {p for p in files if p.startswith("wibrs_check/") and not p.endswith(".py")}
    # Build from a clean copy of the tracked files: a build folder or egg-info left in the
    # checkout would put files into the wheel that a fresh clone's build leaves out.
    source = tmp_path / "source"
    for name in files:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                            "-w", str(tmp_path), str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(tmp_path.glob("wibrs_check-*.whl"))
    inside = set(zipfile.ZipFile(wheel).namelist())
    assert data, "no data files found under wibrs_check"
    assert sorted(data - inside) == []

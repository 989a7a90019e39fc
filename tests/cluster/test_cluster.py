"""Batch and gaps on a Dask cluster: a LocalCluster of two workers, the real ``dask scheduler``
and two ``dask worker`` processes, a killed worker, paths the workers cannot see, --upload,
--commit from workers to PostgreSQL and the refusal of SQLite."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import dask
import pandas as pd
import pytest
from click.testing import CliRunner

from wibrs_check import batch, executors
from wibrs_check.agencies import load_agencies
from wibrs_check.cli import main
from wibrs_check.context import Context
from wibrs_check.runner import Options

from state_month_run import RULES, TODAY, small_month

SAMPLES = Path(__file__).resolve().parents[2] / "sample_submissions" / "wibrs"


def month_inputs(count: int = 8) -> list[Path]:
    """Flat, XML, SBR, the damaged files and the FBI EDS of the small month: every kind of input."""
    built = small_month()
    paths = built.paths
    picked = paths[:count] + [p for p in paths[count:] if p.suffix != ".txt" or "eds" in p.name]
    return list(dict.fromkeys(picked))


def assert_same_run(one: batch.BatchResult, two: batch.BatchResult) -> None:
    pd.testing.assert_frame_equal(one.report.findings, two.report.findings)
    pd.testing.assert_frame_equal(one.summary, two.summary)
    pd.testing.assert_frame_equal(one.gaps, two.gaps)
    pd.testing.assert_frame_equal(one.evidence, two.evidence)
    assert one.report.fatal == two.report.fatal and one.report.files == two.report.files
    assert one.stats["accounting"] == two.stats["accounting"]


@pytest.fixture(scope="module")
def local_cluster():
    with executors.open_cluster("local", 2) as cluster:
        yield cluster


def test_local_cluster_of_two_workers_equals_the_process_pool(local_cluster):
    built = small_month()
    ctx = Context(agencies=load_agencies(built.agency_file), today=TODAY)
    inputs = month_inputs() + [built.directory / "not-there.txt"]
    pool = batch.run_batch(inputs, ctx, Options(select=RULES), jobs=2, progress=False)
    dask_run = batch.run_batch(inputs, ctx, Options(select=RULES), progress=False, cluster=local_cluster)
    assert_same_run(pool, dask_run)
    assert dask_run.stats["workers"] == 2 and local_cluster.workers() == 2
    counts = dask_run.stats["accounting"]
    assert counts["given"] == len(inputs) == counts["checked"] + counts["unreadable"] + counts["not_checked"]
    assert counts["unreadable"] == 2 and counts["not_checked"] == 0  # the missing file and the FBI EDS
    assert len(dask_run.report.findings) > 0 and len(dask_run.gaps) > 0


@pytest.fixture(scope="module")
def real_cluster(tmp_path_factory):
    """`dask scheduler` and two `dask worker` processes on localhost (stopped afterwards). The
    workers run in a folder of their own, so a relative path means another file to them, as a
    path on a machine without the client's storage would."""
    base = tmp_path_factory.mktemp("dask")
    scheduler_file = base / "scheduler.json"
    elsewhere = base / "workers-folder"
    elsewhere.mkdir()
    procs = []
    logs = []

    def start(args: list[str], name: str) -> None:
        log = open(base / f"{name}.log", "w")
        logs.append(log)
        procs.append(subprocess.Popen([sys.executable, "-m", *args], stdout=log, stderr=subprocess.STDOUT, cwd=elsewhere))

    try:
        start(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
               "--scheduler-file", str(scheduler_file)], "scheduler")
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert scheduler_file.exists(), (base / "scheduler.log").read_text()
        address = json.loads(scheduler_file.read_text())["address"]
        for n in range(2):
            start(["distributed.cli.dask_worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                   "--name", f"w{n}", "--local-directory", str(base / f"w{n}")], f"worker{n}")
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        for log in logs:
            log.close()


def test_real_dask_scheduler_and_two_dask_worker_processes(real_cluster, tmp_path):
    """The CLI's output files on the real cluster equal those of the process pool."""
    built = small_month()
    inputs = [str(p) for p in month_inputs(6)]
    common = ["--agencies", str(built.agency_file), "--select", ",".join(RULES), "--today", TODAY.isoformat(),
              "--no-progress", "--format", "csv,eds"]
    on_pool = CliRunner().invoke(main, ["batch", *inputs, *common, "-j", "2", "-o", str(tmp_path / "pool")])
    on_dask = CliRunner().invoke(main, ["batch", *inputs, *common, "--scheduler", real_cluster,
                                        "-o", str(tmp_path / "dask")])
    assert on_pool.exit_code == on_dask.exit_code == 2, on_dask.output  # the damaged files make it 2
    assert f"on the Dask cluster {real_cluster}" in on_dask.output
    assert "files given" in on_dask.output and "not checked 0" in on_dask.output
    for name in ("summary.csv", "gaps.csv", "gaps.json", "findings.csv", "findings.eds", "findings.warnings.eds"):
        assert (tmp_path / "pool" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name
    pool_json = json.loads((tmp_path / "pool" / "summary.json").read_text())
    dask_json = json.loads((tmp_path / "dask" / "summary.json").read_text())
    for key in ("agencies", "totals", "files", "unreadable_files", "skipped_files", "not_checked"):
        assert pool_json[key] == dask_json[key], key
    assert dask_json["run"]["accounting"] == pool_json["run"]["accounting"]
    assert dask_json["run"]["workers"] == 2


def test_a_path_only_the_client_sees_is_not_checked_and_upload_sends_it(real_cluster, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(SAMPLES / "WI0130100_2026-07.txt", tmp_path / "WI0130100_2026-07.txt")
    relative = Path("WI0130100_2026-07.txt")  # the workers' folder has no such file
    ctx, options = Context(today=TODAY), Options(select=("IO", "0"))
    with executors.open_cluster(real_cluster, 2) as cluster:
        shared = batch.run_batch([relative], ctx, options, progress=False, cluster=cluster)
    lost = shared.report.fatal
    assert len(lost) == 1 and lost[0]["status"] == executors.NOT_CHECKED and lost[0]["path"] == str(relative)
    assert "not found by the worker" in lost[0]["message"] and "--upload" in lost[0]["message"]
    assert shared.stats["accounting"] == {"given": 1, "checked": 0, "unreadable": 0, "not_checked": 1}

    pool = batch.run_batch([relative], ctx, options, jobs=1, progress=False)
    with executors.open_cluster(real_cluster, 2, upload=True) as cluster:
        uploaded = batch.run_batch([relative], ctx, options, progress=False, cluster=cluster)
    assert_same_run(pool, uploaded)
    assert set(uploaded.report.findings["file"]) == {str(relative)} and len(uploaded.report.findings)
    assert {src for src, _ in uploaded.report.raw_records} == {str(relative)}


def _slow_files(tmp_path: Path, count: int) -> list[Path]:
    """Files that take a worker a few seconds each, so that one can be killed mid-file."""
    from wibrs_check.generator.inject import build_month, write_month

    built = build_month(seed=7, oris=("WI0130100",), year=2026, month=7, incidents_per_agency=900, codes=())
    first = write_month(built, tmp_path / "gen")[0]
    paths = []
    for n in range(count):
        path = tmp_path / f"file{n}.txt"
        shutil.copy(first, path)
        paths.append(path)
    return paths


def _kill_a_busy_worker(cluster, stop: threading.Event, killed: list) -> None:
    """Kill (SIGKILL) the process of the first worker seen checking a file."""
    client = cluster.client
    pids = client.run(os.getpid)
    while not stop.is_set() and not killed:
        for address, tasks in client.processing().items():
            if tasks and address in pids:
                time.sleep(0.5)  # well inside the file's check
                os.kill(pids[address], signal.SIGKILL)
                killed.append(address)
                return
        time.sleep(0.05)


@pytest.mark.parametrize("allowed_failures, outcome", [(3, "retried"), (0, "not checked")])
def test_a_killed_worker_loses_no_file(tmp_path, allowed_failures, outcome):
    paths = _slow_files(tmp_path, 3)
    with dask.config.set({"distributed.scheduler.allowed-failures": allowed_failures}):
        with executors.open_cluster("local", 2) as cluster:
            stop, killed = threading.Event(), []
            killer = threading.Thread(target=_kill_a_busy_worker, args=(cluster, stop, killed))
            killer.start()
            try:
                result = batch.run_batch(paths, Context(today=TODAY), Options(select=("IO", "058")), progress=False,
                                         cluster=cluster)
            finally:
                stop.set()
                killer.join(timeout=30)
    assert killed, "no worker was seen checking a file"
    counts = result.stats["accounting"]
    assert counts["given"] == 3 == counts["checked"] + counts["unreadable"] + counts["not_checked"]
    if outcome == "retried":
        assert counts == {"given": 3, "checked": 3, "unreadable": 0, "not_checked": 0}
        assert [f["path"] for f in result.report.files] == [str(p) for p in paths]
    else:
        # the file in hand and any the scheduler had queued on the same worker
        assert counts["not_checked"] >= 1 and counts["unreadable"] == 0
        for lost in result.report.fatal:
            assert lost["status"] == executors.NOT_CHECKED and "died" in lost["message"]
        assert [f["path"] for f in result.report.files + result.report.fatal] != []


def test_without_dask_the_option_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(executors.ClusterError, match=r"pip install 'wibrs-check\[dask\]'"):
        executors.open_cluster("local", 1)
    out = CliRunner().invoke(main, ["batch", str(SAMPLES), "--scheduler", "local", "--no-progress"])
    assert out.exit_code == 2 and "wibrs-check[dask]" in out.output


def test_commit_on_a_cluster_refuses_sqlite_and_needs_scheduler(tmp_path):
    from wibrs_check.history import open_store

    store = tmp_path / "history.sqlite"
    open_store(str(store), create=True).close()
    out = CliRunner().invoke(main, ["batch", str(SAMPLES), "--scheduler", "local", "-j", "1", "--history", str(store),
                                    "--commit", "--no-progress", "-o", str(tmp_path / "o")])
    assert out.exit_code == 2 and "a SQLite file is not shared" in out.output
    out = CliRunner().invoke(main, ["batch", str(SAMPLES), "--commit", "--no-progress", "-o", str(tmp_path / "o")])
    assert out.exit_code == 2 and "give --scheduler" in out.output


def test_commit_from_workers_writes_to_postgresql_one_transaction_per_file(tmp_path, pg_schema_url):
    from wibrs_check.history import open_store

    open_store(pg_schema_url, create=True).close()
    out = CliRunner().invoke(main, ["batch", str(SAMPLES), "--scheduler", "local", "-j", "2", "--history", pg_schema_url,
                                    "--commit", "--today", TODAY.isoformat(), "--no-progress", "-o", str(tmp_path / "o")])
    assert out.exit_code in (0, 1), out.output
    assert out.output.count("history: ") == 3  # one line per file, then the run
    with open_store(pg_schema_url, create=False) as store:
        runs = store.runs()
        counts = store.counts()
    assert len(runs) == 1 and counts["incidents"] > 0
    # the same files checked against the store now: their incidents are on file (056)
    again = CliRunner().invoke(main, ["batch", str(SAMPLES), "--scheduler", "local", "-j", "2", "--history",
                                      pg_schema_url, "--today", TODAY.isoformat(), "--no-progress",
                                      "-o", str(tmp_path / "again")])
    findings = pd.read_csv(tmp_path / "again" / "findings.csv", dtype=str)
    assert (findings["message"].str.contains("already on file")).any(), again.output


def test_gaps_on_a_local_cluster_equals_the_process_pool(tmp_path):
    built = small_month()
    inputs = [str(p) for p in month_inputs(6)]
    common = ["gaps", *inputs, "--agencies", str(built.agency_file), "--select", ",".join(RULES), "--today",
              TODAY.isoformat(), "--no-progress", "--format", "csv"]
    on_pool = CliRunner().invoke(main, common + ["-j", "2", "-o", str(tmp_path / "pool.csv")])
    on_dask = CliRunner().invoke(main, common + ["--scheduler", "local", "-j", "2", "-o", str(tmp_path / "dask.csv")])
    assert on_pool.exit_code == on_dask.exit_code, on_dask.output
    assert (tmp_path / "pool.csv").read_text() == (tmp_path / "dask.csv").read_text()
    assert len((tmp_path / "dask.csv").read_text().splitlines()) > 1


def test_cluster_tasks_are_groups_of_files_covering_every_file_once(tmp_path):
    """Each task is a group of files checked as joined models, as in the process pool."""
    from wibrs_check.executors import group_paths

    paths = []
    for n in range(12):
        path = tmp_path / f"f{n}.txt"
        path.write_bytes(b"x" * 1000)
        paths.append(path)
    groups = group_paths(paths, workers=2)
    assert [i for group in groups for i in group] == list(range(12))  # every file once, in order
    assert 1 < len(groups) < len(paths)

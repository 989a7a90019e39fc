"""Benchmark of the cluster run and of the split check (a script, not a test).

Two measurements, each run in a fresh Python subprocess so that every figure is that run's own:

* ``split``: one flat file of about 1,000,000 segments (the generated test file of
  ``tests/cluster/huge_file.py``, repeated with other ORIs until it is big enough), checked
  whole in one process, then in chunks of ``--chunk-mb`` on a process pool of ``--jobs``
  workers and on a Dask LocalCluster of ``--jobs`` workers. Reported: wall seconds, the peak
  resident memory (VmHWM) of the client process and the largest of a worker's, and whether
  the findings equal the unsplit check's row for row.
* ``cluster``: a generated state month (``generator.state_month``) through ``batch.run_batch``
  on the process pool and on ``--scheduler local``, with the same figures and an equality check
  of findings, summary and gap report.

Usage::

    python bench/bench_cluster.py split --segments 1000000 --chunk-mb 16 --jobs 2
    python bench/bench_cluster.py cluster --agencies 60 --jobs 2

Figures are recorded in bench/README.md ("Cluster and split").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for extra in (REPO, REPO / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))
TODAY = dt.date(2026, 8, 15)
WORK = Path(tempfile.gettempdir()) / "wibrs-bench-cluster"


def _vmhwm_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def build_big_file(segments: int) -> Path:
    """The generated file repeated with other ORIs (so its incidents stay distinct) to ``segments``."""
    from cluster.huge_file import build_huge_file

    target = WORK / f"master-{segments}.txt"
    if target.exists():
        return target
    WORK.mkdir(parents=True, exist_ok=True)
    seed_file = build_huge_file(WORK / "seed.txt")
    lines = [ln for ln in seed_file.read_text(encoding="latin-1").splitlines() if ln.strip()]
    out, written, tile = [], 0, 0
    while written < segments:
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        prefix = "W" + digits[tile // 36 % 36] + digits[tile % 36]  # ORI positions 17-19; 20-25 kept
        for line in lines[: segments - written]:
            out.append(line[:16] + prefix + line[19:])
        written = len(out)
        tile += 1
    target.write_text("\n".join(out) + "\n", encoding="latin-1", newline="")
    return target


# -- the measured runs (each in its own subprocess) -----------------------------------------


def run_split(mode: str, path: str, chunk_mb: float, jobs: int, out: str) -> dict:
    from wibrs_check import split
    from wibrs_check.context import Context
    from wibrs_check.runner import Options, check_file_part

    ctx, options = Context(today=TODAY), Options()
    started = time.perf_counter()
    worker_peak = 0.0
    if mode == "whole":
        part = check_file_part(Path(path), ctx, options)
    elif mode == "pool":
        part = split.check_split(Path(path), ctx, options, int(chunk_mb * 2**20), jobs=jobs)
        worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    else:
        from wibrs_check import executors

        with executors.open_cluster("local", jobs) as cluster:
            part = split.check_split(Path(path), ctx, options, int(chunk_mb * 2**20), cluster=cluster)
            worker_peak = max(cluster.client.run(_vmhwm_mib).values())
    seconds = time.perf_counter() - started
    with open(out, "wb") as handle:
        pickle.dump((part.findings, part.summary, part.file), handle)
    return {"mode": mode, "seconds": round(seconds, 1), "client_peak_mib": round(_vmhwm_mib()),
            "worker_peak_mib": round(worker_peak), "findings": len(part.findings),
            "records": part.file["records_read"]}


def run_month(mode: str, folder: str, agency_file: str, jobs: int, out: str) -> dict:
    from wibrs_check import batch, executors
    from wibrs_check.agencies import load_agencies
    from wibrs_check.context import Context
    from wibrs_check.runner import Options

    ctx = Context(agencies=load_agencies(agency_file), today=TODAY)
    started = time.perf_counter()
    if mode == "pool":
        result = batch.run_batch([folder], ctx, Options(), jobs=jobs, progress=False)
    else:
        with executors.open_cluster("local", jobs) as cluster:
            result = batch.run_batch([folder], ctx, Options(), progress=False, cluster=cluster)
    seconds = time.perf_counter() - started
    with open(out, "wb") as handle:
        pickle.dump((result.report.findings, result.summary, result.gaps), handle)
    return {"mode": mode, "seconds": round(seconds, 1), "client_peak_mib": round(_vmhwm_mib()),
            "worker_peak_mib": round(result.stats["worker_peak_rss_mib"]), "files": result.stats["files"],
            "records": int(sum(f["records_read"] for f in result.report.files)),
            "accounting": result.stats["accounting"]}


# -- the driver -----------------------------------------------------------------------------


def _subprocess(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, __file__, "_run", *args], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _same(first: str, second: str) -> bool:
    import pandas as pd

    a, b = (pickle.load(open(p, "rb")) for p in (first, second))
    try:
        for x, y in zip(a, b):
            if isinstance(x, pd.DataFrame):
                pd.testing.assert_frame_equal(x, y)
            else:
                assert x == y
    except AssertionError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["split", "cluster", "_run"])
    parser.add_argument("rest", nargs="*")
    parser.add_argument("--segments", type=int, default=1_000_000)
    parser.add_argument("--chunk-mb", type=float, default=16)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--agencies", type=int, default=60)
    parser.add_argument("--modes", default="")
    args = parser.parse_args()
    if args.what == "_run":
        kind, *rest = args.rest
        if kind == "split":
            mode, path, chunk_mb, jobs, out = rest
            print(json.dumps(run_split(mode, path, float(chunk_mb), int(jobs), out)))
        else:
            mode, folder, agency_file, jobs, out = rest
            print(json.dumps(run_month(mode, folder, agency_file, int(jobs), out)))
        return
    load = os.getloadavg()
    rows = []
    if args.what == "split":
        path = build_big_file(args.segments)
        size_mb = path.stat().st_size / 2**20
        modes = args.modes.split(",") if args.modes else ["whole", "pool", "dask"]
        for mode in modes:
            out = str(WORK / f"split-{mode}.pickle")
            row = _subprocess(["split", mode, str(path), str(args.chunk_mb), str(args.jobs), out])
            row["equal_to_whole"] = _same(str(WORK / "split-whole.pickle"), out) if mode != "whole" else True
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        print(f"\nsplit check of {path.name} ({size_mb:,.0f} MB, {rows[0]['records']:,} segments), chunks of "
              f"{args.chunk_mb} MB, {args.jobs} workers; load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    else:
        from wibrs_check.generator.state_month import build_state_month

        folder = WORK / f"month-{args.agencies}"
        if not folder.exists():
            build_state_month(folder, agencies=args.agencies)
        modes = args.modes.split(",") if args.modes else ["pool", "dask"]
        for mode in modes:
            out = str(WORK / f"month-{mode}.pickle")
            row = _subprocess(["month", mode, str(folder), str(folder / "agency_master.csv"), str(args.jobs), out])
            row["equal_to_pool"] = _same(str(WORK / "month-pool.pickle"), out) if mode != "pool" else True
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        print(f"\nbatch of a generated month ({rows[0]['files']} files, {rows[0]['records']:,} records), {args.jobs} "
              f"workers; load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    keys = [k for k in rows[0] if k not in ("accounting",)] + [k for k in rows[-1] if k.startswith("equal")]
    keys = list(dict.fromkeys(keys))
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row.get(k, "")) for k in keys) + " |")


if __name__ == "__main__":
    main()

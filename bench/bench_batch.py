"""Benchmark of ``wibrs-check batch`` on a generated Wisconsin month (a script, not a test).

The month (``wibrs_check.generator.state_month``): one file per agency of the Wisconsin
agency list (``shared/data/wi_agencies.csv`` when present, else 460 made-up agencies),
flat files for most incident-based agencies, NIBRS XML for some, zero reports for some,
one summary (SBR) CSV return per summary agency, some agencies sending nothing, and the
planted offense-code gaps. At least 400 files.

Each run is a fresh Python subprocess that calls ``batch.run_batch`` exactly as
``wibrs-check batch`` does (progress off) with ``--jobs`` 1 (checks in that process) and
with every core. The driver samples the resident memory of the run's whole process tree
(the run and its workers, from /proc) every 0.2 s; the run itself reports its own peak and
its workers' peaks (VmHWM).

Usage::

    python bench/bench_batch.py                      # generate (cached) and run 1 and all cores
    python bench/bench_batch.py --jobs 1 --jobs 2    # choose the worker counts
    python bench/bench_batch.py --dir DIR --agencies FILE   # an existing month
    python bench/bench_batch.py --json out.json

Figures are recorded in bench/README.md ("Batch: a state month").
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
AGENCY_LIST = REPO.parent / "shared" / "data" / "wi_agencies.csv"
TODAY = dt.date(2026, 8, 15)
SEED, YEAR, MONTH = 2026, 2026, 7


def _generator_hash() -> str:
    h = hashlib.sha1()
    pkg = REPO / "wibrs_check"
    for p in sorted((pkg / "generator").glob("*.py")) + [pkg / "schemas" / "layouts.csv"]:
        h.update(p.read_bytes())
    if AGENCY_LIST.exists():
        h.update(AGENCY_LIST.read_bytes())
    return h.hexdigest()[:10]


def generate(fresh: bool = False) -> tuple[Path, Path, dict]:
    """The month's folder (cached in the temp folder), its agency master file and its make-up."""
    from wibrs_check.generator.state_month import build_state_month

    directory = Path(tempfile.gettempdir()) / f"wibrs-bench-state-{SEED}-{_generator_hash()}"
    meta_path = directory / "bench_meta.json"
    if meta_path.exists() and not fresh:
        meta = json.loads(meta_path.read_text())
        return directory, directory / "agency_master.csv", meta
    t0 = time.perf_counter()
    if AGENCY_LIST.exists():
        built = build_state_month(directory, agencies=10_000, agency_list=AGENCY_LIST, seed=SEED, year=YEAR, month=MONTH)
    else:
        built = build_state_month(directory, agencies=460, seed=SEED, year=YEAR, month=MONTH)
    meta = {"files": len(built.paths), "formats": built.formats, "records": built.segments,
            "bytes": sum(p.stat().st_size for p in built.paths), "planted_gaps": len(built.expected_gaps),
            "agency_list": str(AGENCY_LIST) if AGENCY_LIST.exists() else "generated",
            "generated_seconds": round(time.perf_counter() - t0, 1)}
    meta_path.write_text(json.dumps(meta, indent=2))
    return directory, built.agency_file, meta


# ---------------------------------------------------------------------------------------
# The measured run (in a subprocess)


def _vm(field: str, pid: str = "self") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


MODES = ("grouped", "alone", "concatenated")
MODE_DOCS = {
    "grouped": "batch as shipped: each worker checks groups of files as joined models",
    "alone": "batch checking one file at a time (batch.run_batch(group=False))",
    "concatenated": "the month's flat files concatenated into one file, checked by one process",
}


def concatenated_file(directory: Path) -> Path:
    """Every flat file of the month, one after the other, as one file (cached beside the month)."""
    from wibrs_check.readers.detect import detect_format

    target = directory.parent / (directory.name + "-concatenated.txt")
    if not target.exists():
        pieces = []
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            if detect_format(path) == "flat":
                data = path.read_bytes()
                pieces.append(data if data.endswith(b"\n") else data + b"\n")
        target.write_bytes(b"".join(pieces))
    return target


def worker(directory: Path, agency_file: Path, jobs: int, mode: str = "grouped") -> None:
    from wibrs_check import batch
    from wibrs_check.agencies import load_agencies
    from wibrs_check.context import Context
    from wibrs_check.runner import Options

    ctx = Context(agencies=load_agencies(agency_file), today=TODAY)
    inputs = [concatenated_file(directory)] if mode == "concatenated" else [directory]
    t0 = time.perf_counter()
    result = batch.run_batch(inputs, ctx, Options(), jobs=jobs, progress=False, group=mode != "alone")
    seconds = time.perf_counter() - t0
    totals = batch.totals(result)
    print(json.dumps({
        "mode": mode, "jobs": jobs, "seconds": seconds, "files": result.stats["files"], "records": result.stats["records"],
        "files_per_second": result.stats["files"] / seconds, "records_per_second": result.stats["records"] / seconds,
        "run_peak_rss_mib": _vm("VmHWM"), "worker_peak_rss_mib": result.stats["worker_peak_rss_mib"],
        "workers": result.stats["workers"], "findings": len(result.report.findings),
        "unreadable": len(result.report.fatal), "gap_signals": totals["gap_signals"],
        "agencies_sent": totals["agencies_sent"], "agencies_nothing_sent": totals["agencies_nothing_sent"],
    }))


# ---------------------------------------------------------------------------------------
# Driver


def _tree_rss_mib(root: int) -> float:
    """Resident memory of ``root`` and all its descendants, in MiB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += _vm("VmRSS", str(pid))
        stack.extend(children.get(pid, []))
    return total


def _children_cpu() -> float:
    """User + system CPU seconds of every finished, waited-for descendant (workers included:
    each process adds its own waited-for children's time when it is waited for)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(directory: Path, agency_file: Path, jobs: int, mode: str = "grouped") -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--jobs", str(jobs), "--dir", str(directory),
           "--agencies", str(agency_file), "--mode", mode]
    load_before = os.getloadavg()
    cpu_before = _children_cpu()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss_mib(proc.pid))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"run with {jobs} job(s) failed:\n{err}")
    result = json.loads(out.strip().splitlines()[-1])
    result["tree_peak_rss_mib"] = round(peak[0], 1)
    # CPU seconds of the run and its workers (start-up and imports included): on a busy
    # machine wall time inflates and CPU time much less, so files per CPU-second compare.
    result["cpu_seconds"] = round(_children_cpu() - cpu_before, 1)
    result["files_per_cpu_second"] = round(result["files"] / result["cpu_seconds"], 3) if result["cpu_seconds"] else None
    result["load_before"] = [round(x, 2) for x in load_before]
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, action="append", help="worker counts to run (default: 1 and all cores)")
    parser.add_argument("--dir", type=Path, help="an existing month folder (default: generate one)")
    parser.add_argument("--agencies", type=Path, help="its agency master file")
    parser.add_argument("--fresh", action="store_true", help="regenerate the month")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--mode", action="append", choices=MODES,
                        help="grouped (default), alone, concatenated; repeat to run several (default: all three)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.dir, args.agencies, args.jobs[0], (args.mode or ["grouped"])[0])
        return
    from wibrs_check.batch import default_jobs

    if args.dir:
        directory, agency_file, meta = args.dir, args.agencies, {}
    else:
        directory, agency_file, meta = generate(args.fresh)
    print(f"month: {directory} {meta}", file=sys.stderr)
    cores = default_jobs()
    runs = []
    modes = args.mode or list(MODES)
    plan = [(mode, jobs) for mode in modes for jobs in ([1] if mode == "concatenated" else args.jobs or [cores])]
    for mode, jobs in plan:
        print(f"running {mode} with {jobs} worker(s) ...", file=sys.stderr, flush=True)
        r = measure(directory, agency_file, jobs, mode)
        print(f"  {r['files']} files, {r['records']:,} records in {r['seconds']:.1f} s: {r['files_per_second']:.2f} files/s, "
              f"{r['records_per_second']:,.0f} records/s; {r['cpu_seconds']:,.0f} CPU s; "
              f"peak RSS tree {r['tree_peak_rss_mib']:,.0f} MiB "
              f"(run {r['run_peak_rss_mib']:,.0f}, worker {r['worker_peak_rss_mib']:,.0f}); load {r['load_before']}",
              file=sys.stderr, flush=True)
        runs.append(r)
    document = {"date": dt.date.today().isoformat(), "cores": cores, "python": sys.version.split()[0],
                "month": meta, "runs": runs}
    print(json.dumps(document, indent=2))
    if args.json:
        args.json.write_text(json.dumps(document, indent=2))
    print("\n| mode | workers | files | segments (records) | seconds | files/s | segments/s | CPU s | files/CPU-s "
          "| peak RSS, all processes (MiB) | peak RSS per worker (MiB) | load before |", file=sys.stderr)
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |", file=sys.stderr)
    for r in runs:
        print(f"| {r['mode']} | {r['jobs']} | {r['files']} | {r['records']:,} | {r['seconds']:.1f} | {r['files_per_second']:.2f} | "
              f"{r['records_per_second']:,.0f} | {r['cpu_seconds']:,.0f} | {r['files_per_cpu_second']:.3f} | "
              f"{r['tree_peak_rss_mib']:,.0f} | "
              f"{r['worker_peak_rss_mib'] if r['workers'] else r['run_peak_rss_mib']:,.0f} | {r['load_before'][0]} |",
              file=sys.stderr)
    print_ratios(runs)


def print_ratios(runs: list[dict]) -> None:
    """Wall and CPU ratios between the modes measured in this run (same worker count)."""
    by = {(r["mode"], r["jobs"]): r for r in runs}
    lines = []
    for (mode, jobs), r in sorted(by.items()):
        for other in ("concatenated", "grouped"):
            base = by.get((other, 1)) if other == "concatenated" else by.get((other, jobs))
            if base is None or base is r or mode == other:
                continue
            lines.append(f"| {mode} ({jobs} worker(s)) / {other} | {r['seconds'] / base['seconds']:.2f} | "
                         f"{r['cpu_seconds'] / base['cpu_seconds']:.2f} |" if base["cpu_seconds"] else "")
    if lines:
        print("\n| ratio | wall | CPU |\n| --- | ---: | ---: |", file=sys.stderr)
        print("\n".join(line for line in lines if line), file=sys.stderr)
    for mode, doc in MODE_DOCS.items():
        print(f"* {mode}: {doc}", file=sys.stderr)


if __name__ == "__main__":
    main()

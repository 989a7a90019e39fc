"""Throughput and memory benchmark for wibrs-check (a script, not a test).

Three stages are timed on the same input, each in a fresh Python subprocess so that their
peak memory figures are separable and no stage warms the next one's heap:

  a  floor  read the bytes, find the line breaks with numpy, wrap the buffer as a pyarrow
            string array, and ``utf8_slice_codeunits`` every field of every record's layout.
            This is the least any vectorised reader must do; see bench/README.md.
  b  read   ``read_flat(path)``: the same plus blank lines, non-ASCII marking, header
            columns, units, pandas frames per level (the model every rule reads).
  c  check  ``read_flat(path)`` + ``engine.run(sub)`` with every registered rule.

Usage::

    python bench/bench.py                          # the HI large sample (if present)
    python bench/bench.py --generate               # a generated file of >= 1,000,000 segments
    python bench/bench.py --file X.txt --generate 200000 --repeat 1 --json out.json
    python bench/bench.py --generate --profile     # + where engine.run spends its time, per rule and view
    python bench/bench.py --generate --profile --cprofile   # + a cProfile of engine.run (slower)

Generated files are cached in the temp directory, keyed by size, seed and a hash of the
generator and layout sources, so a re-run does not pay for generation again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Measure the code in this checkout, whatever an editable install elsewhere points at.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
DEFAULT_FILE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "HI0020000_2019-07_large.txt"
DEFAULT_GENERATE = 1_000_000
# A fixed "today" so that date rules do not drift from run to run (generated data is 2026-07).
TODAY = dt.date(2026, 8, 15)
GEN_YEAR, GEN_MONTH, GEN_SEED = 2026, 7, 2026

STAGES = {
    "floor": "a: floor (bytes + line breaks + slice every field)",
    "read": "b: read_flat (model)",
    "check": "c: read_flat + engine.run (all rules)",
}


# ---------------------------------------------------------------------------------------
# Stages (run inside a worker subprocess)


def stage_floor(path: Path) -> int:
    """Bytes -> every field of every record as a pyarrow string array; returns segments.

    Same technique as ``readers/flatfile.py`` (its ``_line_starts`` is reused), minus what
    builds the model: no blank-line bookkeeping, no trimming of field values, no header
    frame, no units, no conversion to pandas.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from wibrs_check import spec
    from wibrs_check.readers.flatfile import _line_starts

    data = path.read_bytes()
    if not data:
        return 0
    buf = np.frombuffer(data, dtype=np.uint8)
    bad = (buf > 126) | ((buf < 32) & (buf != 10) & (buf != 13))
    if bad.any():  # pyarrow's slicing needs valid one-byte text, as in the reader
        buf = buf.copy()
        buf[bad] = ord("?")
    bounds = _line_starts(buf)
    large = len(buf) >= 2**31 - 1
    lines = pa.Array.from_buffers(
        pa.large_string() if large else pa.string(), len(bounds) - 1,
        [None, pa.py_buffer(bounds.astype(np.int64 if large else np.int32)), pa.py_buffer(buf)],
    )
    lines = pc.utf8_rtrim(lines, characters="\r\n")
    lengths = pc.utf8_length(lines).to_numpy(zero_copy_only=False)
    # The segment level is position 5; a line too short to hold it has no layout to slice.
    level = np.where(lengths >= 5, buf[np.minimum(bounds[:-1] + 4, len(buf) - 1)], 0)
    kept = []
    for lv in spec.LEVELS:
        picked = np.flatnonzero(level == ord(str(lv)))
        subset = lines.take(pa.array(picked, type=pa.int64()))
        kept += [pc.utf8_slice_codeunits(subset, f.start - 1, f.end) for f in spec.layout(lv)]
    return int((lengths > 0).sum())


def stage_read(path: Path) -> int:
    from wibrs_check.readers.flatfile import read_flat

    return len(read_flat(path).records)


def stage_check(path: Path) -> int:
    from wibrs_check import engine
    from wibrs_check.context import Context
    from wibrs_check.readers.flatfile import read_flat

    sub = read_flat(path)
    result = engine.run(sub, Context(today=TODAY), ignore=IGNORED)
    stage_check.last = result  # type: ignore[attr-defined]
    return len(sub.records)


STAGE_FUNCS = {"floor": stage_floor, "read": stage_read, "check": stage_check}

# Codes or prefixes left out of the check stage (--ignore), to measure what a family costs.
# Passed to the worker subprocesses through the environment.
IGNORED = tuple(c for c in os.environ.get("WIBRS_BENCH_IGNORE", "").split(",") if c)


def _warm_up() -> None:
    """Import everything and fill the spec caches on a tiny file, outside the timing."""
    from wibrs_check import engine
    from wibrs_check.context import Context
    from wibrs_check.generator.incidents import agency_month, to_lines, WI_ORIS
    from wibrs_check.readers.flatfile import read_flat_bytes
    import random

    lines = to_lines(agency_month(random.Random(1), WI_ORIS[0], GEN_YEAR, GEN_MONTH, 40))
    sub = read_flat_bytes(("\n".join(lines) + "\n").encode("ascii"), "<warm-up>")
    engine.run(sub, Context(today=TODAY))


def _memory_mib() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MiB.

    Linux's VmHWM/VmRSS from /proc belong to this process image only. ``ru_maxrss`` (the
    fallback elsewhere) survives fork+exec, so a worker would inherit its parent's peak.
    """
    try:
        status = Path("/proc/self/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        return peak, peak


def worker(stage: str, path: Path) -> None:
    _warm_up()
    import gc

    gc.collect()
    base = _memory_mib()[0]
    c0, t0 = time.process_time(), time.perf_counter()
    segments = STAGE_FUNCS[stage](path)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    out = {"stage": stage, "seconds": seconds, "cpu_seconds": cpu, "segments": segments,
           "rss_base_mib": base, "rss_peak_mib": _memory_mib()[1]}
    if stage == "check":
        result = stage_check.last  # type: ignore[attr-defined]
        out["findings"] = len(result.findings)
        out["rule_failures"] = result.rule_failures
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------
# Per-rule cost and cProfile (run inside a worker subprocess)


def profile_worker(path: Path, top: int, with_cprofile: bool) -> None:
    """One instrumented ``engine.run``: time per rule, per derived view, and the engine's own work.

    Rules run in engine order on one submission, as ``engine.run`` runs them, so a derived view
    (typed dates, long-form links, pandera failure cases ...) is built once by the first rule
    that asks for it. Its build time is reported under the view, and a rule's ``own`` time
    excludes the views it built.
    """
    import cProfile
    import io
    import pstats

    from wibrs_check import engine
    from wibrs_check import findings as findings_mod
    from wibrs_check.context import Context
    from wibrs_check.model import Submission
    from wibrs_check.readers.flatfile import read_flat

    _warm_up()
    ctx = Context(today=TODAY)
    sub = read_flat(path)

    clock = time.perf_counter
    views: dict[str, float] = {}
    view_total = [0.0]  # exclusive build time of every view so far
    stack: list[float] = []  # nested-build time to subtract, one entry per open build
    original_derived = Submission.derived

    def derived(self, key, build):
        if key in self._cache:
            return self._cache[key]

        def timed(s):
            stack.append(0.0)
            t0 = clock()
            try:
                return build(s)
            finally:
                elapsed = clock() - t0
                nested = stack.pop()
                views[key] = views.get(key, 0.0) + elapsed - nested
                view_total[0] += elapsed - nested
                if stack:
                    stack[-1] += elapsed

        return original_derived(self, key, timed)

    rules = {}
    wrapped = []

    def timing(rule, check):
        def timed_check(*args):  # (sub, ctx), or (sub, ctx, findings) for a finding-level rule
            v0, t0 = view_total[0], clock()
            try:
                return check(*args)
            finally:
                entry = rules.setdefault(rule.code, {"code": rule.code, "seconds": 0.0, "own": 0.0, "checks": len(rule.checks),
                                                     "module": check.__module__.rsplit(".", 1)[-1]})
                elapsed = clock() - t0
                entry["seconds"] += elapsed
                entry["own"] += elapsed - (view_total[0] - v0)

        timed_check.__name__ = check.__name__
        for name in ("rule_code", "rule_level", "rule_column", "rule_needs"):
            setattr(timed_check, name, getattr(check, name, None))
        return timed_check

    other: dict[str, float] = {}

    def timing_fn(module, name):
        fn = getattr(module, name)

        def timed_fn(*a, **k):
            t0 = clock()
            try:
                return fn(*a, **k)
            finally:
                other[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] = other.get(f"{module.__name__.rsplit('.', 1)[-1]}.{name}", 0.0) + clock() - t0

        return fn, timed_fn

    patched = [(m, n, *timing_fn(m, n)) for m, n in ((engine, "_normalise"), (engine, "_assemble"), (findings_mod, "validate"))]
    for rule in engine.selected_rules():
        wrapped.append((rule, list(rule.checks)))
        rule.checks[:] = [timing(rule, c) for c in rule.checks]
    Submission.derived = derived
    for m, n, _, timed_fn in patched:
        setattr(m, n, timed_fn)
    try:
        t0 = clock()
        result = engine.run(sub, ctx)
        run_seconds = clock() - t0
    finally:
        Submission.derived = original_derived
        for m, n, fn, _ in patched:
            setattr(m, n, fn)
        for rule, checks in wrapped:
            rule.checks[:] = checks

    cprofile_text = ""
    if with_cprofile:
        sub._cache.clear()
        profiler = cProfile.Profile()
        profiler.enable()
        engine.run(sub, ctx)
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(top * 3)
        cprofile_text = stream.getvalue()
    print(json.dumps({
        "segments": len(sub.records), "run_seconds": run_seconds, "findings": len(result.findings),
        "rule_failures": result.rule_failures,
        "rules": sorted(rules.values(), key=lambda c: -c["own"]),
        "views": dict(sorted(views.items(), key=lambda kv: -kv[1])), "other": other, "cprofile": cprofile_text,
    }))


# ---------------------------------------------------------------------------------------
# Input generation


def _generator_hash() -> str:
    h = hashlib.sha1()
    pkg = REPO / "wibrs_check"
    for p in sorted((pkg / "generator").glob("*.py")) + [pkg / "schemas" / "layouts.csv", pkg / "schemas" / "segment_lengths.csv"]:
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()[:10]


def generate(n: int, seed: int = GEN_SEED, fresh: bool = False) -> Path:
    """A clean Wisconsin month of at least ``n`` segments over WI_ORIS (cached in tmp)."""
    import random

    from wibrs_check.generator.incidents import WI_ORIS, agency_month, to_lines

    path = Path(tempfile.gettempdir()) / f"wibrs-bench-{n}-s{seed}-{_generator_hash()}.txt"
    if path.exists() and not fresh:
        return path
    # Segments per incident from a pilot month, then one agency_month per ORI sized to reach n.
    pilot = agency_month(random.Random(seed), WI_ORIS[0], GEN_YEAR, GEN_MONTH, 500)
    per_incident = sum(len(i.segments) for i in pilot) / len(pilot)
    incidents = math.ceil(n / len(WI_ORIS) / per_incident * 1.01)
    while True:
        rng = random.Random(seed)
        total = 0
        tmp = path.with_suffix(".part")
        with tmp.open("w", encoding="ascii") as out:
            for ori in WI_ORIS:
                lines = to_lines(agency_month(rng, ori, GEN_YEAR, GEN_MONTH, incidents))
                total += len(lines)
                out.write("\n".join(lines) + "\n")
        if total >= n:
            tmp.replace(path)
            return path
        incidents = math.ceil(incidents * n / total * 1.01)


# ---------------------------------------------------------------------------------------
# Driver


def _spawn(*args: str) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    if proc.returncode:
        raise SystemExit(f"worker {' '.join(args)} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _commit() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, cwd=REPO).stdout.strip()
        return sha + ("+dirty" if dirty else "")
    except OSError:
        return "unknown"


def bench_input(label: str, path: Path, repeat: int, stages: list[str], budget: float = 0.0) -> dict:
    size = path.stat().st_size
    out = {"input": label, "path": str(path), "bytes": size, "stages": {}}
    for stage in stages:
        runs = []
        for _ in range(repeat):
            runs.append(_spawn("--worker", stage, str(path)))
            print(f"  {label} {stage}: {runs[-1]['seconds']:.3f} s", file=sys.stderr)
            spent = sum(r["seconds"] for r in runs)
            if budget and spent + max(r["seconds"] for r in runs) > budget:
                break
        best = min(runs, key=lambda r: r["seconds"])
        out["stages"][stage] = {
            "seconds_best": best["seconds"], "seconds_all": [r["seconds"] for r in runs], "runs": len(runs),
            "cpu_seconds": min(r["cpu_seconds"] for r in runs),
            "segments": best["segments"], "rss_peak_mib": max(r["rss_peak_mib"] for r in runs),
            "rss_base_mib": min(r["rss_base_mib"] for r in runs),
            **({"findings": best["findings"], "rule_failures": best["rule_failures"]} if stage == "check" else {}),
        }
    # One segment count for every rate: the model's (non-blank records).
    segments = out["stages"].get("read", out["stages"].get("check", next(iter(out["stages"].values()))))["segments"]
    out["segments"] = segments
    for s in out["stages"].values():
        s["segments_per_second"] = segments / s["seconds_best"]
    st = out["stages"]
    if "floor" in st and "check" in st:
        out["ratio_check_to_floor"] = st["check"]["seconds_best"] / st["floor"]["seconds_best"]
        out["ratio_check_to_floor_cpu"] = st["check"]["cpu_seconds"] / st["floor"]["cpu_seconds"]
    if "floor" in st and "read" in st:
        out["ratio_read_to_floor"] = st["read"]["seconds_best"] / st["floor"]["seconds_best"]
    return out


def markdown(results: list[dict], meta: dict) -> str:
    lines = [
        f"wibrs-check benchmark, {meta['date']}, commit {meta['commit']}, {meta['cpus']} CPUs, "
        f"Python {meta['python']}, {meta['rules']} rules registered ({meta['rules_implemented']} with checks), "
        f"best of up to {meta['repeat']} runs, load average {meta['load_before']} before / {meta['load_after']} after"
        + (f"; check stage ignoring {', '.join(IGNORED)}" if IGNORED else ""),
        "",
        "| input | segments | MB | stage | runs | best s | CPU s | segments/s | segments/CPU-s | x floor | x floor (CPU) | peak RSS MiB | stage RSS MiB |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        floor = r["stages"].get("floor", {}).get("seconds_best")
        floor_cpu = r["stages"].get("floor", {}).get("cpu_seconds")
        for stage, s in r["stages"].items():
            ratio = f"{s['seconds_best'] / floor:.1f}" if floor else ""
            ratio_cpu = f"{s['cpu_seconds'] / floor_cpu:.1f}" if floor_cpu else ""
            lines.append(
                f"| {r['input']} | {r['segments']:,} | {r['bytes'] / 1e6:.1f} | {STAGES[stage]} | {s['runs']} | {s['seconds_best']:.3f} | {s['cpu_seconds']:.3f} | "
                f"{s['segments_per_second']:,.0f} | {r['segments'] / s['cpu_seconds']:,.0f} | {ratio} | {ratio_cpu} | {s['rss_peak_mib']:,.0f} | {s['rss_peak_mib'] - s['rss_base_mib']:,.0f} |"
            )
    for r in results:
        c = r["stages"].get("check")
        if c:
            lines.append("")
            lines.append(f"{r['input']}: {c['findings']:,} findings; rule failures: {c['rule_failures'] or 'none'}")
    lines.append("")
    for r in results:  # the targets of issue 15, measured in this run
        st, mib = r["stages"], r["bytes"] / 2**20
        parts = []
        for stage in ("read", "check"):
            if stage in st and "floor" in st:
                parts.append(f"{stage}/floor {st[stage]['seconds_best'] / st['floor']['seconds_best']:.2f} wall, "
                             f"{st[stage]['cpu_seconds'] / st['floor']['cpu_seconds']:.2f} CPU")
        if "read" in st and mib:
            parts.append(f"read peak RSS / file size {st['read']['rss_peak_mib'] / mib:.1f} "
                         f"(stage RSS / file size {(st['read']['rss_peak_mib'] - st['read']['rss_base_mib']) / mib:.1f})")
        if parts:
            lines.append(f"* {r['input']}: " + "; ".join(parts))
    return "\n".join(lines)


def profile_markdown(label: str, prof: dict, top: int) -> str:
    rule_total = sum(c["seconds"] for c in prof["rules"])
    own_total = sum(c["own"] for c in prof["rules"])
    view_total = sum(prof["views"].values())
    other = prof["other"]
    engine_own = other.get("engine._normalise", 0) + other.get("engine._assemble", 0)
    lines = [
        "",
        f"### Where engine.run spends its time: {label} ({prof['segments']:,} segments, {prof['findings']:,} findings)",
        "",
        f"engine.run {prof['run_seconds']:.2f} s = rule checks {own_total:.2f} s + derived views {view_total:.2f} s "
        f"+ engine (normalise {other.get('engine._normalise', 0):.2f} s, assemble {other.get('engine._assemble', 0):.2f} s, "
        f"findings.validate {other.get('findings.validate', 0):.2f} s) + loop {prof['run_seconds'] - rule_total - engine_own:.2f} s "
        f"over {len(prof['rules'])} rules.",
        "",
        "| rank | code | module | checks | own s | with views it built s | share of rule time |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for i, c in enumerate(prof["rules"][:top], 1):
        lines.append(f"| {i} | {c['code']} | {c['module']} | {c['checks']} | {c['own']:.3f} | {c['seconds']:.3f} | {c['own'] / own_total:.1%} |")
    lines += ["", "| derived view (built once, shared by rules) | s |", "| --- | ---: |"]
    lines += [f"| {k} | {v:.3f} |" for k, v in list(prof["views"].items())[:top]]
    if prof["rule_failures"]:
        lines.append("")
        lines += [f"* rule {k} raised {v}" for k, v in prof["rule_failures"].items()]
    if prof["cprofile"]:
        lines += ["", "<details><summary>cProfile of engine.run (cumulative)</summary>", "", "```", prof["cprofile"].strip(), "```", "</details>"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--file", type=Path, action="append", help=f"flat file to measure (repeatable; default {DEFAULT_FILE} if present)")
    ap.add_argument("--generate", type=int, nargs="?", const=DEFAULT_GENERATE, metavar="N",
                    help=f"measure a generated clean month of at least N segments (default N {DEFAULT_GENERATE:,}); "
                         "without --file only the generated file is measured")
    ap.add_argument("--fresh", action="store_true", help="regenerate even if a cached generated file exists")
    ap.add_argument("--repeat", type=int, default=3, help="runs per stage; the best is reported (default 3)")
    ap.add_argument("--stages", default="floor,read,check", help="comma-separated subset of floor,read,check")
    ap.add_argument("--ignore", default="", help="codes or prefixes to leave out of the check stage (comma-separated), "
                    "to measure what a rule family costs, e.g. --ignore 2,3,07,08")
    ap.add_argument("--profile", action="store_true", help="also time every rule, derived view and engine step in one instrumented engine.run per input")
    ap.add_argument("--cprofile", action="store_true", help="with --profile, also print a cProfile of engine.run (slow)")
    ap.add_argument("--stage-budget", type=float, default=120.0, metavar="S",
                    help="stop repeating a stage once another run would take its total past S seconds; 0 = always --repeat (default 120)")
    ap.add_argument("--top", type=int, default=10, help="rules listed by --profile (default 10)")
    ap.add_argument("--json", type=Path, help="also write all figures as JSON here")
    ap.add_argument("--worker", nargs=2, metavar=("STAGE", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--profile-worker", metavar="PATH", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.ignore:
        os.environ["WIBRS_BENCH_IGNORE"] = args.ignore

    if args.worker:
        return worker(args.worker[0], Path(args.worker[1]))
    if args.profile_worker:
        return profile_worker(Path(args.profile_worker), args.top, args.cprofile)

    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = set(stages) - set(STAGES)
    if unknown:
        ap.error(f"unknown stages {sorted(unknown)}")
    inputs: list[tuple[str, Path]] = []
    for f in args.file or ([] if args.generate else ([DEFAULT_FILE] if DEFAULT_FILE.exists() else [])):
        inputs.append((f.name, f))
    if args.generate or not inputs:
        n = args.generate or DEFAULT_GENERATE
        t0 = time.perf_counter()
        path = generate(n, fresh=args.fresh)
        print(f"generated input {path} ({time.perf_counter() - t0:.1f} s, not counted)", file=sys.stderr)
        inputs.append((f"generated {n:,}", path))

    from wibrs_check.rules.registry import all_rules

    rules = all_rules()
    meta = {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "commit": _commit(), "cpus": os.cpu_count(),
        "python": platform.python_version(), "repeat": args.repeat, "rules": len(rules),
        "rules_implemented": sum(1 for r in rules.values() if r.checks),
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    results = [bench_input(label, path, args.repeat, stages, args.stage_budget) for label, path in inputs]
    meta["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(markdown(results, meta))
    profiles = {}
    if args.profile:
        for label, path in inputs:
            cmd = ["--profile-worker", str(path), "--top", str(args.top)] + (["--cprofile"] if args.cprofile else [])
            profiles[label] = _spawn(*cmd)
            print(profile_markdown(label, profiles[label], args.top))
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "results": results, "profiles": profiles}, indent=2))


if __name__ == "__main__":
    main()

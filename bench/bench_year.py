"""Time ``wibrs-check report YEAR`` on a 12-month, 400-agency history store.

    python bench/bench_year.py --store /tmp/year400.sqlite3 --folder /tmp/year400 [--agencies 400]
        [--incidents 6] [--scale 1] [--repeat 3] [--postgres URL]

1. Unless the store already holds the generated year, writes a generated Wisconsin year
   (``wibrs_check.generator.year``: 12 monthly state files of ``--agencies`` incident-based
   agencies plus summary returns and a follow-up file), checks every file with every edit and
   commits it (timed: that is the cost of the monthly commits, not of the report).
2. ``--scale K`` (K > 1) adds K-1 copies of every received report under new keys (SQL
   INSERT ... SELECT), to time the report at a state's real volume (Wisconsin sends about
   30 incidents per agency and month) without checking that many files.
3. Times the report (read the store, every table, every format) ``--repeat`` times and
   prints the median, with the store's row count and the load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402

from wibrs_check import history  # noqa: E402
from wibrs_check.generator.year import build_year  # noqa: E402
from wibrs_check.history import models as m  # noqa: E402
from wibrs_check.year import build  # noqa: E402
from wibrs_check.year.output import FORMATS, write  # noqa: E402

AS_OF, BEFORE = dt.date(2027, 3, 12), dt.date(2027, 1, 31)
COPIED = ("run_id", "file", "ori", "kind", "unit_date", "month", "sub_month", "accepted", "errors", "warnings", "flags",
          "offenses", "victims_64a", "victims_64b", "received_at", "removed_at")


def received(store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(m.ReceivedUnit.__table__)).scalar_one())


def scale(store, times: int) -> None:
    columns = ", ".join(COPIED)
    with store.engine.begin() as conn:
        for copy in range(1, times):
            conn.execute(text(f"INSERT INTO received_units ({columns}, key) SELECT {columns}, key || '-{copy}' "
                              "FROM received_units WHERE key NOT LIKE '%-%-%'"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", help="SQLite file (default: a temporary one)")
    parser.add_argument("--postgres", help="a PostgreSQL URL instead of --store")
    parser.add_argument("--folder", help="where the generated files go (default: a temporary folder)")
    parser.add_argument("--agencies", type=int, default=400)
    parser.add_argument("--incidents", type=int, default=6)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = args.postgres or args.store or str(Path(tempfile.mkdtemp()) / "year.sqlite3")
    folder = Path(args.folder or tempfile.mkdtemp())
    with history.open_store(url) as store:
        if not received(store):
            start = time.perf_counter()
            build_year(folder, store, agencies=args.agencies, incidents=args.incidents)
            print(f"generated and committed the year ({args.agencies} agencies) in {time.perf_counter() - start:.0f} s")
        if args.scale > 1:
            scale(store, args.scale)
        rows = received(store)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            report = build(store, 2026, AS_OF, BEFORE)
            write(report, folder / "report", FORMATS)
            times.append(time.perf_counter() - start)
    agencies = report.tables["certification"]["ori"].nunique()
    print(f"report 2026 ({', '.join(FORMATS)}): median {statistics.median(times):.2f} s of {len(times)} "
          f"({', '.join(f'{t:.2f}' for t in times)}); {rows:,} received reports, {agencies} agencies; "
          f"{store.dialect}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

"""Several processes committing overlapping files to one PostgreSQL store at the same time:
no incident is lost and none is counted twice."""

from __future__ import annotations

import multiprocessing
import random

import pytest

from wibrs_check import history

ORI = "WI0130100"
# Three files sharing incidents: 1-12, 7-18, 13-24 (24 distinct incidents).
FILES = [range(1, 13), range(7, 19), range(13, 25)]


def _lines(numbers) -> list[str]:
    from wibrs_check.generator import incidents as gen

    return gen.to_lines([gen.group_a_incident("13A", random.Random(n), ORI, 2026, 7, n) for n in numbers])


def _commit(url: str, numbers: list[int], barrier) -> dict:
    """Check one file against the store, wait for the others, then commit it."""
    from wibrs_check import engine
    from wibrs_check.context import Context
    from wibrs_check.testing import submission

    from .conftest import TODAY, history_codes

    with history.open_store(url) as store:
        sub = submission(*_lines(numbers), source=f"file-{numbers[0]}.txt")
        codes = history_codes()
        result = engine.run(sub, Context(history=store, today=TODAY), codes)
        barrier.wait(timeout=120)  # every process has checked against the empty store; now all commit at once
        summary = history.commit_result(store, result, history.RunInfo())
    return {"added": summary.incidents_added, "already": summary.already_on_file}


def _worker(url, numbers, barrier, queue) -> None:
    try:
        queue.put(_commit(url, numbers, barrier))
    except Exception as exc:  # noqa: BLE001 - reported to the test
        queue.put({"error": f"{type(exc).__name__}: {exc}"})


def test_concurrent_commits_lose_nothing_and_count_nothing_twice(pg_schema_url):
    history.open_store(pg_schema_url).close()  # migrate once up front
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(len(FILES))
    queue = spawn.Queue()
    procs = [spawn.Process(target=_worker, args=(pg_schema_url, list(n), barrier, queue)) for n in FILES]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert not [r for r in results if "error" in r], results
    with history.open_store(pg_schema_url) as store:
        on_file = store.incidents_of([ORI])
        runs = store.runs()
    expected = {f"26-{n:06d}" for numbers in FILES for n in numbers}
    assert sorted(on_file["incident"]) == sorted(expected)  # each exactly once
    assert sum(r["added"] for r in results) == len(expected) == int(runs["incidents_added"].sum())
    sent = sum(len(n) for n in FILES)
    assert sum(r["already"] for r in results) + sum(r["added"] for r in results) == sent
    assert len(runs) == len(FILES)


@pytest.fixture(autouse=True)
def _needs_postgres():
    from .conftest import pg_url

    if not pg_url():
        pytest.skip("WIBRS_TEST_POSTGRES_URL is not set: the concurrency test needs PostgreSQL (bash .ci/postgres)")

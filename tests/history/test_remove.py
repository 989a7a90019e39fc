"""Issue 18: ``wibrs-check history remove FILE`` (or ``--ori --month``) takes back a commit."""

from __future__ import annotations

import random

from click.testing import CliRunner

from wibrs_check import history
from wibrs_check.cli import main
from wibrs_check.generator import incidents as gen

from .conftest import commit_records


def _lines(month: int, numbers, seed: int = 3, ori: str = "WI0130100") -> list[str]:
    rng = random.Random(seed)
    items = [gen.group_a_incident("13A", rng, ori, 2026, month, n, arrest=False) for n in numbers]
    items.append(gen.group_b_arrest(rng, ori, 2026, month, numbers[0]))
    return gen.to_lines(items)


def _remove(url: str, *args) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["history", "remove", *args, "--history", url])
    return result.exit_code, result.output


def test_remove_a_file_takes_back_everything_it_recorded(store_url):
    with history.open_store(store_url) as store:
        commit_records(store, *_lines(6, [1, 2]), source="month/june.txt")
        commit_records(store, *_lines(7, [3, 4, 5]), source="month/july.txt")
        before = store.counts()
    code, out = _remove(store_url, "july.txt")  # the name alone, when one committed file has it
    assert code == 0, out
    assert "removed month/july.txt: 3 incidents, 1 Group B arrests, 0 zero reports, 4 received reports" in out
    with history.open_store(store_url) as store:
        after = store.counts()
        assert (before["incidents"] - after["incidents"], before["group_b_arrests"] - after["group_b_arrests"]) == (3, 1)
        assert store.months()["month"].tolist() == ["2026-06"]
        assert sorted(store.incidents_of(["WI0130100"])["incident"]) == ["26-000001", "26-000002"]
        # the incidents can be committed again: no 056 any more
        _, result = commit_records(store, *_lines(7, [3, 4, 5]), source="month/july.txt")
        assert result.findings.empty


def test_remove_an_agency_month_leaves_other_agencies_and_months(store_url):
    with history.open_store(store_url) as store:
        commit_records(store, *_lines(7, [1, 2]), *_lines(7, [1], ori="WI0130200"), source="july.txt")
        commit_records(store, *_lines(6, [9]), source="june.txt")
    code, out = _remove(store_url, "--ori", "WI0130100", "--month", "2026-07")
    assert code == 0, out
    assert "removed WI0130100 2026-07: 2 incidents, 1 Group B arrests" in out
    with history.open_store(store_url) as store:
        months = store.months()[["ori", "month", "incidents"]].values.tolist()
    assert months == [["WI0130100", "2026-06", 1], ["WI0130200", "2026-07", 1]]


def test_dry_run_changes_nothing_and_unknown_file_is_a_usage_error(store_url):
    with history.open_store(store_url) as store:
        commit_records(store, *_lines(7, [1]), source="july.txt")
        before = store.counts()
    code, out = _remove(store_url, "july.txt", "--dry-run")
    assert code == 0 and "would remove july.txt: 1 incidents" in out
    code, out = _remove(store_url, "august.txt")
    assert code == 2 and "no committed file august.txt" in out
    with history.open_store(store_url) as store:
        assert store.counts() == before


def test_a_delete_the_file_applied_is_reported_as_not_undone(store_url):
    with history.open_store(store_url) as store:
        commit_records(store, *_lines(7, [1]), source="july.txt")
        first = _lines(7, [1])[0]
        commit_records(store, first[:5] + "D" + first[6:], source="delete.txt")
        assert store.counts()["incidents"] == 0
    code, out = _remove(store_url, "delete.txt")
    assert code == 0
    assert "1 delete(s) it applied are not undone" in out


def test_a_failure_during_remove_leaves_the_store_as_it_was(store, monkeypatch):
    import pytest

    from wibrs_check.history import remove as remove_mod

    commit_records(store, *_lines(7, [1, 2]), source="july.txt")
    before = store.counts()

    def broken(*args):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(remove_mod, "_redo_layouts", broken)  # after every delete was sent
    with pytest.raises(RuntimeError):
        remove_mod.remove(store, file="july.txt")
    assert store.counts() == before


def test_removing_the_first_month_moves_the_layout_month_and_removing_all_drops_it(store):
    from wibrs_check.history.remove import remove

    commit_records(store, *_lines(6, [1]), source="june.txt")
    commit_records(store, *_lines(7, [2]), source="july.txt")
    assert set(store.layouts(["WI0130100"])["first_month"]) == {"2026-06"}
    remove(store, file="june.txt")
    assert set(store.layouts(["WI0130100"])["first_month"]) == {"2026-07"}
    remove(store, file="july.txt")
    assert store.layouts(["WI0130100"]).empty

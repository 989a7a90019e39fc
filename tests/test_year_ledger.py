"""A report's standing as of a date (wibrs_check.year.ledger.standing), on the smallest rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from wibrs_check.year.ledger import LEDGER_COLUMNS, standing


def _rows(*copies) -> pd.DataFrame:
    """copies: (key, accepted, received day, removed day or None, errors)."""
    rows = []
    for number, (key, accepted, received, removed, errors) in enumerate(copies, start=1):
        rows.append({
            "id": number, "ori": "WI0130100", "kind": "A", "key": key, "unit_date": dt.date(2026, 3, 2),
            "month": "2026-03", "sub_month": "2026-03", "accepted": accepted, "errors": errors, "warnings": 0,
            "flags": "", "offenses": "64A", "victims_64a": 1, "victims_64b": 0,
            "received_at": pd.Timestamp(received, tz="UTC"),
            "removed_at": pd.Timestamp(removed, tz="UTC") if removed else pd.NaT, "file": "f.txt"})
    return pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))


def _status(rows, day) -> dict[str, str]:
    found = standing(rows, dt.date.fromisoformat(day))
    return dict(zip(found["key"], found["status"]))


def test_rejected_then_fixed_is_rejected_before_the_fix_and_accepted_after():
    rows = _rows(("1", False, "2026-04-10 12:00", None, "204"), ("1", True, "2026-06-10 12:00", None, ""))
    assert _status(rows, "2026-03-31") == {}
    assert _status(rows, "2026-04-10") == {"1": "rejected"}
    assert _status(rows, "2026-06-10") == {"1": "accepted"}
    fixed = standing(rows, dt.date(2026, 7, 1)).iloc[0]
    assert fixed["was_rejected"] and fixed["errors"] == ""


def test_a_duplicate_sent_after_acceptance_does_not_make_it_rejected():
    rows = _rows(("1", True, "2026-04-10 12:00", None, ""), ("1", False, "2026-05-10 12:00", None, "056"))
    assert _status(rows, "2026-06-01") == {"1": "accepted"}


def test_an_accepted_report_deleted_later_is_withdrawn_from_then_on():
    rows = _rows(("1", True, "2026-04-10 12:00", "2026-05-10 12:00", ""))
    assert _status(rows, "2026-05-09") == {"1": "accepted"}
    assert _status(rows, "2026-05-10") == {"1": "withdrawn"}


def test_deleted_and_sent_again_with_an_error_is_rejected():
    rows = _rows(("1", True, "2026-04-10 12:00", "2026-05-10 12:00", ""), ("1", False, "2026-05-10 12:00", None, "204"))
    assert _status(rows, "2026-05-11") == {"1": "rejected"}

"""Every history edit firing, and not firing, on the smallest records against a store.

The store is filled directly (rows as an earlier committed run leaves them); the records are
those of ``format_record`` (header: ORI WI0130100, submission 07/2026, action I). Each test
runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pytest

from wibrs_check.context import Context
from wibrs_check.testing import fired, submission

from .conftest import fired_with, put_arrest, put_incident, put_layout


def admin(incident="26-000001", date="20260705", action="I", length=None, **extra):
    values = {"incident": incident, "de3_date": date, "action": action, **extra}
    return (1, values, length) if length else (1, values)


def group_b(atn="B26-000001", date="20260704", seq="01", action="A"):
    return (7, {"incident": atn, "de40": seq, "de42": date, "action": action, "de45": "90G"})


def zero(month="07", year="2026", action="A"):
    return (0, {"incident": "000000000000", "zero_month": month, "zero_year": year, "action": action})


# -- 056 --------------------------------------------------------------------------------

def test_056_fires_on_incident_number_on_file_from_earlier_submission(store):
    put_incident(store, "26-000001", "2026-06-10")
    assert fired_with(store, "056", admin()) == [(1, "2")]


def test_056_does_not_fire_on_a_new_number(store):
    put_incident(store, "26-000001", "2026-06-10")
    assert fired_with(store, "056", admin("26-000002")) == []


def test_056_does_not_fire_after_a_delete_in_the_same_file(store):
    put_incident(store, "26-000001", "2026-06-10")
    assert fired_with(store, "056", admin(action="D", date="20260610"), admin()) == []


def test_056_fires_when_the_delete_comes_after_the_report(store):
    put_incident(store, "26-000001", "2026-06-10")
    assert fired_with(store, "056", admin(), admin(action="D", date="20260610")) == [(1, "2")]


def test_056_fires_when_the_delete_names_another_date(store):
    put_incident(store, "26-000001", "2026-06-10")
    assert fired_with(store, "056", admin(action="D", date="20260611"), admin(date="20260610")) == [(2, "2")]


def test_056_history_part_is_not_checked_without_a_store():
    sub = submission(admin())
    assert fired(sub, "056", ctx=Context()) == []


# -- 088 --------------------------------------------------------------------------------

def test_088_fires_on_group_b_number_of_incident_with_arrestee_on_file(store):
    put_incident(store, "B26-000001", "2026-06-10", arrestees=1)
    assert fired_with(store, "088", group_b()) == [(1, "41")]


def test_088_does_not_fire_when_incident_on_file_has_no_arrestee(store):
    put_incident(store, "B26-000001", "2026-06-10", arrestees=0)
    assert fired_with(store, "088", group_b()) == []


def test_088_fires_on_arrestee_segment_with_number_of_group_b_arrest_on_file(store):
    put_arrest(store, "26-000009", "2026-06-03")
    records = [admin("26-000009"), (6, {"incident": "26-000009", "de40": "01", "de42": "20260705"})]
    assert [r for r, _ in fired_with(store, "088", *records)] == [2]


def test_088_does_not_fire_on_arrestee_segment_with_a_new_number(store):
    put_arrest(store, "26-000008", "2026-06-03")
    records = [admin("26-000009"), (6, {"incident": "26-000009", "de40": "01", "de42": "20260705"})]
    assert fired_with(store, "088", *records) == []


# -- deletes without a date: 198, 199, 798, 799 ------------------------------------------

def test_198_fires_on_undated_delete_of_incident_older_than_two_years(store):
    put_incident(store, "26-000001", "2024-03-01")
    assert fired_with(store, "198", admin(action="D", date="")) == [(1, "3")]


def test_198_does_not_fire_when_incident_is_inside_the_window(store):
    put_incident(store, "26-000001", "2025-03-01")
    assert fired_with(store, "198", admin(action="D", date="")) == []


def test_199_fires_on_undated_delete_matching_two_incidents(store):
    put_incident(store, "26-000001", "2026-03-01")
    put_incident(store, "26-000001", "2026-05-01")
    assert fired_with(store, "199", admin(action="D", date="")) == [(1, "3")]


def test_199_does_not_fire_on_undated_delete_matching_one_incident(store):
    put_incident(store, "26-000001", "2026-03-01")
    assert fired_with(store, "199", admin(action="D", date="")) == []


def test_798_fires_on_undated_group_b_delete_of_old_arrest(store):
    put_arrest(store, "B26-000001", "2024-01-15")
    assert fired_with(store, "798", group_b(date="", action="D")) == [(1, "42")]


def test_798_does_not_fire_on_recent_arrest(store):
    put_arrest(store, "B26-000001", "2026-01-15")
    assert fired_with(store, "798", group_b(date="", action="D")) == []


def test_799_fires_on_undated_group_b_delete_matching_two_arrests(store):
    put_arrest(store, "B26-000001", "2026-01-15", seq="01")
    put_arrest(store, "B26-000001", "2026-01-15", seq="02")
    assert fired_with(store, "799", group_b(date="", seq="", action="D")) == [(1, "42")]


def test_799_does_not_fire_on_undated_group_b_delete_matching_one_arrest(store):
    put_arrest(store, "B26-000001", "2026-01-15")
    assert fired_with(store, "799", group_b(date="", seq="", action="D")) == []


# -- deletes of nothing: HS01, HS02 ------------------------------------------------------

def test_hs01_fires_on_delete_matching_no_incident_on_file(store):
    put_incident(store, "26-000001", "2026-06-10")
    assert fired_with(store, "HS01", admin(action="D", date="20260611")) == [(1, "3")]


def test_hs01_does_not_fire_on_delete_of_incident_on_file(store):
    put_incident(store, "26-000001", "2026-06-10")
    assert fired_with(store, "HS01", admin(action="D", date="20260610")) == []


def test_hs02_fires_on_group_b_delete_matching_no_arrest(store):
    put_arrest(store, "B26-000001", "2026-06-03")
    assert fired_with(store, "HS02", group_b(date="20260604", action="D")) == [(1, "42")]


def test_hs02_does_not_fire_on_group_b_delete_of_arrest_on_file(store):
    put_arrest(store, "B26-000001", "2026-06-03")
    assert fired_with(store, "HS02", group_b(date="20260603", action="D")) == []


# -- 759 --------------------------------------------------------------------------------

def test_759_fires_on_group_b_arrest_already_on_file(store):
    put_arrest(store, "B26-000001", "2026-06-03")
    assert fired_with(store, "759", group_b()) == [(1, "40")]


def test_759_does_not_fire_on_another_arrestee_of_the_arrest(store):
    put_arrest(store, "B26-000001", "2026-06-03")
    assert fired_with(store, "759", group_b(seq="02")) == []


def test_759_fires_when_the_delete_names_another_arrestee(store):
    put_arrest(store, "B26-000001", "2026-06-03", seq="01")
    put_arrest(store, "B26-000001", "2026-06-03", seq="02")
    assert fired_with(store, "759", group_b(date="20260603", seq="02", action="D"), group_b()) == [(2, "40")]


def test_759_does_not_fire_after_the_arrest_is_deleted_in_the_file(store):
    put_arrest(store, "B26-000001", "2026-06-03")
    assert fired_with(store, "759", group_b(date="20260603", action="D"), group_b()) == []


# -- zero reports: 028-031 ---------------------------------------------------------------

def test_028_fires_on_zero_report_for_month_with_incident_on_file(store):
    put_incident(store, "26-000001", "2026-07-02", sub_month="2026-07")
    assert fired_with(store, "028", zero()) == [(1, "zero_month")]


def test_028_fires_for_a_recovery_month_on_file(store):
    put_incident(store, "26-000001", "2026-05-02", activity="2026-05 2026-07")
    assert fired_with(store, "028", zero()) == [(1, "zero_month")]


def test_028_does_not_fire_on_zero_report_for_an_empty_month(store):
    put_incident(store, "26-000001", "2026-06-02")
    assert fired_with(store, "028", zero()) == []


def test_028_does_not_fire_when_the_file_deletes_the_incident(store):
    put_incident(store, "26-000001", "2026-07-02")
    assert fired_with(store, "028", admin(action="D", date="20260702"), zero()) == []


def test_029_fires_on_zero_report_for_month_with_group_b_arrest_on_file(store):
    put_arrest(store, "B26-000001", "2026-07-03")
    assert fired_with(store, "029", zero()) == [(1, "zero_month")]


def test_029_does_not_fire_for_arrest_of_another_month(store):
    put_arrest(store, "B26-000001", "2026-06-03")
    assert fired_with(store, "029", zero()) == []


def test_030_fires_on_zero_report_delete_for_month_with_incident(store):
    put_incident(store, "26-000001", "2026-07-02")
    assert fired_with(store, "030", zero(action="D")) == [(1, "zero_month")]


def test_030_does_not_fire_on_zero_report_delete_for_empty_month(store):
    assert fired_with(store, "030", zero(action="D")) == []


def test_031_fires_on_zero_report_delete_for_month_with_arrest(store):
    put_arrest(store, "B26-000001", "2026-07-03")
    assert fired_with(store, "031", zero(action="D")) == [(1, "zero_month")]


def test_031_does_not_fire_for_another_agency(store):
    put_arrest(store, "B26-000001", "2026-07-03", ori="WI0130200")
    assert fired_with(store, "031", zero(action="D")) == []


# -- 178, 284, 484, 584: older segment length after the switch ----------------------------

LAYOUTS = [("178", 1, 88, 87), ("284", 2, 71, 63), ("484", 4, 141, 129), ("584", 5, 46, 45)]


def _incident_with(level: int, legacy: int, date: str) -> list:
    records = [admin(date=date, length=legacy if level == 1 else None)]
    if level != 1:
        records.append((level, {"incident": "26-000001"}, legacy))
    return records


@pytest.mark.parametrize("code,level,current,legacy", LAYOUTS)
def test_layout_edit_fires_on_older_length_after_the_agency_switched(store, code, level, current, legacy):
    put_layout(store, level, current, "2026-05")
    expected_record = 1 if level == 1 else 2
    assert fired_with(store, code, *_incident_with(level, legacy, "20260705")) == [(expected_record, "length")]


@pytest.mark.parametrize("code,level,current,legacy", LAYOUTS)
def test_layout_edit_does_not_fire_for_data_dated_before_the_switch(store, code, level, current, legacy):
    put_layout(store, level, current, "2026-05")
    assert fired_with(store, code, *_incident_with(level, legacy, "20260420")) == []


def test_178_does_not_fire_for_an_agency_that_never_switched(store):
    put_layout(store, 1, 88, "2026-05", ori="WI0130200")
    assert fired_with(store, "178", *_incident_with(1, 87, "20260705")) == []

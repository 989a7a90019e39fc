"""Administrative segment edits (section 5.2.2): incident number, dates, clearance, cargo theft."""

from __future__ import annotations

from functools import cache

import pandas as pd

from .. import spec
from .base import carries, dates, submission_month_start, unit_of
from .registry import requires, rule

FIRST_NIBRS_DAY = pd.Timestamp(1991, 1, 1)


@cache
def cargo_theft_offenses() -> frozenset[str]:
    return frozenset(spec.read_table("cargo_theft_offenses.csv")["code"])


@cache
def hour_required_offenses() -> frozenset[str]:
    return frozenset(spec.read_table("incident_hour_required.csv")["offense"])


def _admin(sub) -> pd.DataFrame:
    return sub.frames[1]


def _reports(sub) -> pd.DataFrame:
    admin = _admin(sub)
    return admin[admin["action"] == "I"]


def _incident_number_frames(sub):
    """Incident numbers checked for format: administrative (I and D) segments."""
    return _admin(sub)


@rule("115", level=1, column="incident")
def incident_number_embedded_blank(sub, ctx):
    """The incident number (data element 2) has a blank between its first and last
    characters. It must be one run of characters, left-justified and padded with blanks on
    the right. Remove the inner blank (a hyphen may be used instead).
    """
    number = _incident_number_frames(sub)["incident"].str.strip()
    admin = _incident_number_frames(sub)
    return admin.index[number.str.contains(" ", regex=False).to_numpy()]


@rule("116", level=1, column="incident")
def incident_number_not_left_justified(sub, ctx):
    """The incident number (data element 2) starts with a blank in position 26. It must
    begin in the first position of the field and be padded with blanks on the right.
    """
    admin = _incident_number_frames(sub)
    return admin.index[admin["incident"].str.startswith(" ").to_numpy()]


@rule("117", level=1, column="incident")
def incident_number_bad_characters(sub, ctx):
    """The incident number (data element 2) may only hold capital letters A-Z, digits 0-9,
    hyphens and trailing blanks: 26-123-SC is fine, 26+123*sc is not. Remove or replace the
    other characters (lower-case letters must be capitals).
    """
    admin = _incident_number_frames(sub)
    bad = ~admin["incident"].str.strip().str.fullmatch(r"[A-Z0-9\- ]*")
    return admin.index[bad.to_numpy()]


def _offenses_per_unit(sub) -> pd.DataFrame:
    offenses = sub.frames[2]
    return pd.DataFrame({"unit": unit_of(sub, offenses).to_numpy(), "code": offenses["de6"].to_numpy()})


def _units_with_offense_in(sub, codes: frozenset[str]) -> set:
    per_unit = _offenses_per_unit(sub)
    return set(per_unit.loc[per_unit["code"].isin(sorted(codes)), "unit"])


@rule("119", level=1, column="de2a")
def cargo_theft_for_other_offenses(sub, ctx):
    """Cargo theft (data element 2A) may only be entered when the incident holds one of the
    15 offenses that can involve cargo: 120, 210, 220, 23D, 23F, 23H, 240, 26A, 26B, 26C,
    26E, 26F, 26G, 270 or 510. Otherwise leave data element 2A blank.

    The specification lists these offenses twice: the definition of data element 2A and its
    edit table name 15, the error list in section 5.2.2 leaves out 26F (identity theft) and
    26G (hacking). wibrs-check follows the data element definition (docs/spec-choices.md),
    so an identity theft with cargo theft N is accepted.
    """
    admin = _reports(sub)
    allowed = _units_with_offense_in(sub, cargo_theft_offenses())
    unit = unit_of(sub, admin)
    return admin.index[((admin["de2a"] != "") & ~unit.isin(allowed)).to_numpy()]


@rule("122", level=1, column="de2a")
def cargo_theft_missing(sub, ctx):
    """When the incident holds an offense that can involve cargo (120, 210, 220, 23D, 23F,
    23H, 240, 26A, 26B, 26C, 26E, 26F, 26G, 270, 510), cargo theft (data element 2A) must be Y
    or N. Enter Y if the theft was of goods in commercial shipment, otherwise N.

    An administrative segment sent in the short 87-character variant has no cargo theft
    field; that variant is valid in 2019.1, so it is not checked here. (Going back to 87
    after sending 88 is error 178.)
    """
    admin = _reports(sub)
    needed = _units_with_offense_in(sub, cargo_theft_offenses())
    unit = unit_of(sub, admin)
    blank = (admin["de2a"] == "") & carries(sub, admin, 1, "de2a")
    return admin.index[(blank & unit.isin(needed)).to_numpy()]


@rule("105", level=1, column="de3_date")
def date_after_today(sub, ctx):
    """A date on the administrative segment (incident date, data element 3, or exceptional
    clearance date, data element 5) lies after today. Dates cannot be in the future; correct
    the date.
    """
    admin = _admin(sub)
    today = pd.Timestamp(ctx.today)
    hits = []
    for column in ("de3_date", "de5"):
        late = (dates(admin[column]) > today).fillna(False)
        hits.append(pd.DataFrame({"column": column}, index=admin.index[late.to_numpy()]))
    return pd.concat(hits)


@rule("106", level=1, column="de3_hour")
def hour_required_for_officer_victim(sub, ctx):
    """When an officer (victim type L) is the victim of 09A, 13A, 13B or 13C, the incident
    hour in data element 3 must be entered (00-23); unknown (blank) is not accepted, because
    the FBI's officer-assault statistics report the time of day. Enter the hour.
    """
    victims = sub.frames[4]
    officer = victims["de25"] == "L"
    offense_hit = pd.Series(False, index=victims.index)
    for k in range(1, 11):
        offense_hit |= victims[f"de24_{k}"].isin(sorted(hour_required_offenses()))
    units = set(unit_of(sub, victims)[(officer & offense_hit).to_numpy()])
    admin = _reports(sub)
    return admin.index[(unit_of(sub, admin).isin(units) & (admin["de3_hour"] == "")).to_numpy()]


@rule("153", level=1, column="de4")
def not_applicable_with_clearance_date(sub, ctx):
    """Cleared exceptionally (data element 4) is N = not applicable, yet an exceptional
    clearance date (data element 5) is entered. Either remove the date or enter the
    exceptional clearance code (A-E) that applies.
    """
    admin = _reports(sub)
    return admin.index[((admin["de4"] == "N") & (admin["de5"] != "")).to_numpy()]


@rule("155", level=1, column="de5")
def clearance_before_incident(sub, ctx):
    """The exceptional clearance date (data element 5) is earlier than the incident date
    (data element 3). A case cannot be cleared before it happened: correct one of the dates.
    """
    admin = _reports(sub)
    early = (dates(admin["de5"]) < dates(admin["de3_date"])).fillna(False)
    return pd.DataFrame({"detail": "incident date " + admin.loc[early, "de3_date"]}, index=admin.index[early.to_numpy()])


@rule("156", level=1, column="de5")
def clearance_date_missing(sub, ctx):
    """The incident is cleared exceptionally (data element 4 is A, B, C, D or E) but the
    exceptional clearance date (data element 5) is blank. Enter the date it was cleared.
    """
    admin = _reports(sub)
    return admin.index[(admin["de4"].isin(["A", "B", "C", "D", "E"]) & (admin["de5"] == "")).to_numpy()]


@rule("170", level=1, column="de3_date")
def incident_after_submission_month(sub, ctx):
    """The incident date (data element 3) falls after the month and year of submission
    (positions 7-12): a July file cannot report an August incident. Correct the date, or send
    the incident with the month it belongs to.
    """
    admin = _reports(sub)
    month_start = submission_month_start(admin)
    next_month = month_start + pd.offsets.MonthBegin(1)
    late = (dates(admin["de3_date"]) >= next_month).fillna(False)
    return admin.index[late.to_numpy()]


@rule("172", level=1, column="de3_date")
def incident_before_1991(sub, ctx):
    """The incident date (data element 3) is before 1 January 1991, when the FBI began
    taking NIBRS data; such a date is almost always a typing error. Correct the year.
    """
    admin = _reports(sub)
    early = (dates(admin["de3_date"]) < FIRST_NIBRS_DAY).fillna(False)
    return admin.index[early.to_numpy()]


@rule("175", level=1, column="de3_date")
def base_date_not_computable(sub, ctx):
    """The month/year of submission (positions 7-12) or the incident date (data element 3)
    is not a valid date, so the time windows the FBI works with cannot be computed. Correct
    whichever is invalid (the value shown is the incident date).
    """
    admin = _reports(sub)
    month_ok = submission_month_start(admin).notna()
    date_ok = dates(admin["de3_date"]).notna()
    blank = admin["de3_date"] == ""  # a missing date is reported by 101 instead
    return admin.index[(~month_ok | (~date_ok & ~blank)).to_numpy()]


@rule("197", level=1, column="de3_date")
def delete_without_incident_date(sub, ctx):
    """A delete (action type D) of a Group A incident must carry the incident date (data
    element 3), so the FBI can find the incident to remove. Enter the original incident date.
    """
    admin = _admin(sub)
    return admin.index[((admin["action"] == "D") & (admin["de3_date"] == "")).to_numpy()]


requires("118", "agency")
requires("173", "agency")

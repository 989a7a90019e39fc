"""Arrestee segment edits (level 6, errors 6xx of spec 5.2.7) and structure error 071.

Single-field presence/code edits come from ``schemas/elements/level6.csv`` (including 654,
automatic indicator, and 667, sex must be M or F). Weapon and arrest-offense facts are in
``schemas/arrestee_weapons.csv`` and ``schemas/arrestee_offense_rules.csv``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .. import spec
from . import persons as p
from .registry import requires, rule

LEVEL = 6
EARLIEST_ARREST_YEAR = 1991  # spec 3.3.7, data element 42: "Year (YYYY): 1991-Current"

p.register_age_edits(LEVEL)
p.register_sequence_edits(LEVEL)
p.register_multivalue_edits(LEVEL)
p.register_identifier_edits(LEVEL)

requires("618", "agency")


def _arrestees(sub) -> pd.DataFrame:
    return p.segments(sub, LEVEL)


def _submission_month_end(frame: pd.DataFrame) -> pd.Series:
    """First day after the month of electronic submission of each record (NaT when unreadable)."""
    month = pd.to_numeric(frame["sub_month"], errors="coerce")
    year = pd.to_numeric(frame["sub_year"], errors="coerce")
    valid = month.between(1, 12) & year.between(1900, 9999)
    next_year = year + (month == 12)
    next_month = month % 12 + 1
    text = (next_year.where(valid).astype("Int64").astype(str).str.zfill(4)
            + next_month.where(valid).astype("Int64").astype(str).str.zfill(2) + "01")
    return p.dates(text.where(valid, ""))


@rule("605", level=LEVEL, column="de42")
def arrest_date_out_of_range(sub, ctx):
    """The arrest date (data element 42) cannot be after the month and year of the submission, cannot be in the
    future, and cannot be before 1991. Correct the date. (A date that is not a real calendar date is
    reported by the field check under the same number.)"""
    frame = _arrestees(sub)
    arrest = p.dates(frame["de42"])
    today = pd.Timestamp(ctx.today if isinstance(ctx.today, dt.date) else dt.date.today())
    after_month = arrest >= _submission_month_end(frame)
    future = arrest > today
    early = arrest.dt.year < EARLIEST_ARREST_YEAR
    return (after_month.fillna(False) | future.fillna(False) | early.fillna(False)) & arrest.notna()


@rule("655", level=LEVEL)
def automatic_needs_firearm(sub, ctx):
    """The automatic weapon indicator A (third character of data element 46) is only valid with a firearm:
    11, 12, 13, 14 or 15. An automatic weapon is a firearm by definition. Remove the A or correct the
    weapon code."""
    frame = _arrestees(sub)
    weapons = p.table("arrestee_weapons.csv")
    firearms = sorted(weapons.loc[weapons["automatic_allowed"] == "Y", "code"])
    parts = []
    for weapon, auto in zip(p.occurrences(LEVEL, "46"), [f"de46auto_{k}" for k in (1, 2)]):
        fail = (frame[auto] == "A") & ~frame[weapon].isin(firearms)
        parts.append(p.hits(frame.index[fail.to_numpy()], weapon, detail="automatic indicator A"))
    return pd.concat(parts)


def _juvenile(sub) -> tuple[pd.Series, pd.Series]:
    """(juvenile, adult) masks from the arrestee age, unknown ages being neither."""
    limits = p.table("person_age_limits.csv").set_index("edit").loc["652"]
    years = p.typed_ages(sub, LEVEL)["years"]
    juvenile = (years <= float(limits["max_age"])).fillna(False)
    adult = (years > float(limits["max_age"])).fillna(False)
    return juvenile, adult


@rule("652", level=LEVEL, column="de52")
def juvenile_needs_disposition(sub, ctx):
    """An arrestee whose age (data element 47) is under 18 needs the disposition of arrestee under 18 (data
    element 52): H = handled within department or R = referred. Enter it. This applies to a single age
    and to an age range lying wholly under 18 (such as 1416); a range reaching 18 or more whose average is
    under 18 is only warning 1640 (docs/spec-choices.md)."""
    frame = _arrestees(sub)
    juvenile, _ = _juvenile(sub)
    single_age = frame["de47"].str.fullmatch(r"\d\d").fillna(False).astype(bool)
    high = pd.to_numeric(frame["de47"].str.slice(2, 4).where(frame["de47"].str.fullmatch(r"\d{4}")), errors="coerce")
    juvenile_range = (high <= float(p.table("person_age_limits.csv").set_index("edit").loc["652", "max_age"])).fillna(False)
    return juvenile & (single_age | juvenile_range) & (frame["de52"] == "")


@rule("653", level=LEVEL, column="de52")
def adult_has_disposition(sub, ctx):
    """The juvenile disposition (data element 52) does not apply to an arrestee aged 18 or older. Leave it blank
    or correct the age (data element 47)."""
    frame = _arrestees(sub)
    _, adult = _juvenile(sub)
    return adult & (frame["de52"] != "")


@rule("656", level=LEVEL, column="de40")
def more_arrestees_than_offenders(sub, ctx):
    """An incident cannot have more arrestees than described offenders: each arrestee was one of the offenders,
    and offender number 00 (unknown) counts as none. Add offender segments for the arrested persons.
    Arrests added to an incident that is not in this file (action A) are not judged here."""
    frame = _arrestees(sub)
    offenders = p.segments(sub, 5)
    has_offenders = p.per_unit(frame, p.unit_count(sub, 5)) > 0
    known = offenders[(offenders["de36"] != "") & (offenders["de36"] != "00")].groupby("unit").size()
    allowed = p.per_unit(frame, known)
    rank = frame.reset_index().groupby("unit").cumcount().to_numpy() + 1
    fail = has_offenders & (rank > allowed)
    detail = np.char.add(allowed[fail].astype(int).astype(str), " offender(s) described")
    return p.hits(frame.index[fail], "de40", detail=detail, on_record=False)


@rule("665", level=LEVEL, column="de42")
def arrest_before_incident(sub, ctx):
    """A person cannot be arrested before the incident happened: the arrest date (data element 42) cannot be
    earlier than the incident date (data element 3). Correct either date."""
    frame = _arrestees(sub)
    arrest = p.dates(frame["de42"])
    incident = p.dates(p.admin_value(sub, frame, "de3_date").fillna(""))
    return (arrest < incident).fillna(False)


@rule("669", level=LEVEL)
def no_arrest_for_justifiable_homicide(sub, ctx):
    """An incident with 09C justifiable homicide cannot have arrestees: the person who killed justifiably is not
    arrested. Remove the arrestee segment, or correct the offense."""
    frame = _arrestees(sub)
    rules = p.table("arrestee_offense_rules.csv")
    barred = rules.loc[rules["arrestees_allowed"] == "N", "code"]
    offenses = p.unit_values(sub, 2, "de6")
    offenses = offenses[offenses["de6"].isin(barred)].drop_duplicates("unit")
    code = offenses.set_index("unit")["de6"].reindex(frame["unit"].to_numpy())
    fail = code.notna().to_numpy()
    out = p.hits(frame.index[fail], "", value=code[fail].to_numpy(dtype=object))
    out["data_element"] = "6"
    return out


@rule("670", level=LEVEL, column="de45")
def justifiable_homicide_arrest_offense(sub, ctx):
    """09C justifiable homicide is not a crime and cannot be the arrest offense (data element 45). Enter the
    offense the person was arrested for."""
    frame = _arrestees(sub)
    rules = p.table("arrestee_offense_rules.csv")
    return frame["de45"].isin(rules.loc[rules["arrest_offense_allowed"] == "N", "code"])


@rule("071", level=LEVEL, column="de42")
def arrest_on_or_before_clearance(sub, ctx):
    """When the incident is cleared exceptionally (data element 4 other than N), an arrestee segment of the
    incident report cannot have an arrest date (data element 42) on or before the exceptional clearance
    date (data element 5): an arrest clears the incident by arrest. Correct the dates or the clearance."""
    frame = _arrestees(sub)
    cleared_codes = sorted(spec.valid_codes("4") - {"N"})
    cleared = p.admin_value(sub, frame, "de4").isin(cleared_codes)
    clearance = p.dates(p.admin_value(sub, frame, "de5").fillna(""))
    arrest = p.dates(frame["de42"])
    return (frame["action"] == "I") & cleared & (arrest <= clearance).fillna(False)

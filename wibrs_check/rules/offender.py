"""Offender segment edits (level 5, errors 5xx of spec 5.2.6).

Single-field presence/code edits come from ``schemas/elements/level5.csv``. The edits that
compare an offender with the victims relate them through data element 34 on the victim
(see :func:`wibrs_check.rules.persons.victim_offenders`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import spec
from . import persons as p
from .registry import requires, rule

LEVEL = 5
UNKNOWN_OFFENDER = "00"
DESCRIPTORS = ("de37", "de38", "de39")

p.register_age_edits(LEVEL)
p.register_sequence_edits(LEVEL)
p.register_identifier_edits(LEVEL)

requires("584", "history")


def _offenders(sub) -> pd.DataFrame:
    return p.segments(sub, LEVEL)


def _cleared_exceptionally(sub, frame: pd.DataFrame) -> pd.Series:
    """True for records of incidents whose administrative segment has data element 4 = A-E."""
    cleared = sorted(spec.valid_codes("4") - {"N"})
    return p.admin_value(sub, frame, "de4").isin(cleared)


def _first_per_unit(frame: pd.DataFrame, mask: pd.Series) -> pd.Index:
    """The first record (lowest rid) of each unit whose records are all flagged by ``mask``."""
    units = frame.loc[mask, "unit"].unique()
    chosen = frame[frame["unit"].isin(units)]
    return pd.Index(chosen.reset_index().groupby("unit")["rid"].min().to_numpy(dtype=np.int64))


@rule("501", level=LEVEL)
def descriptors_required(sub, ctx):
    """For a known offender (data element 36 other than 00), age (37), sex (38) and race (39) must be entered.
    Use the 'unknown' codes (00, U, U) when they are not known."""
    frame = _offenders(sub)
    known = (frame["de36"] != "") & (frame["de36"] != UNKNOWN_OFFENDER)
    parts = [p.hits(frame.index[(known & (frame[c] == "")).to_numpy()], c) for c in DESCRIPTORS]
    return pd.concat(parts)


@rule("552", level=LEVEL)
def unknown_offender_has_details(sub, ctx):
    """Offender number 00 means nothing is known about the offenders, so age, sex, race and ethnicity (data
    elements 37, 38, 39, 39A) must be blank. Remove them, or give the offender a sequence number 01-99."""
    frame = _offenders(sub)
    unknown = frame["de36"] == UNKNOWN_OFFENDER
    parts = [p.hits(frame.index[(unknown & (frame[c] != "")).to_numpy()], c) for c in (*DESCRIPTORS, "de39a")]
    return pd.concat(parts)


@rule("555", level=LEVEL, column="de36")
def unknown_offender_with_others(sub, ctx):
    """Offender number 00 (unknown number of offenders) cannot be sent together with other offender segments
    in the same incident. Either send one segment with 00, or number every offender 01, 02 ..."""
    frame = _offenders(sub)
    several = p.per_unit(frame, p.unit_count(sub, LEVEL)) > 1
    return (frame["de36"] == UNKNOWN_OFFENDER) & several


@rule("557", level=LEVEL, column="de36")
def unknown_offender_cleared(sub, ctx):
    """An incident cleared exceptionally (data element 4 = A-E) must have an identified offender, so offender
    number 00 (unknown) is not allowed. Describe the offender, or remove the exceptional clearance."""
    frame = _offenders(sub)
    return (frame["de36"] == UNKNOWN_OFFENDER) & _cleared_exceptionally(sub, frame)


@rule("558", level=LEVEL, column="de37")
def cleared_needs_known_offender(sub, ctx):
    """When an incident is cleared exceptionally (data element 4 = A-E), at least one offender must have a known
    age, sex and race (not 00 / U / U). Complete one offender's description or remove the clearance.
    The first offender segment of the incident is flagged."""
    frame = _offenders(sub)
    known_units = frame.loc[p.known_descriptors(sub, LEVEL), "unit"].unique()
    mask = _cleared_exceptionally(sub, frame) & ~frame["unit"].isin(known_units)
    return _first_per_unit(frame, mask)


@rule("559", level=LEVEL, column="de36")
def justifiable_needs_known_offender(sub, ctx):
    """An incident with 09C justifiable homicide must describe the person who killed: at least one offender needs
    a known age, sex and race. Complete the offender's description. The first offender segment is flagged."""
    frame = _offenders(sub)
    offenses = p.unit_values(sub, 2, "de6")
    rules = p.table("arrestee_offense_rules.csv")
    justifiable = rules.loc[rules["arrestees_allowed"] == "N", "code"]
    units = offenses.loc[offenses["de6"].isin(justifiable), "unit"].unique()
    known_units = frame.loc[p.known_descriptors(sub, LEVEL), "unit"].unique()
    mask = frame["unit"].isin(units) & ~frame["unit"].isin(known_units)
    return _first_per_unit(frame, mask)


def _linked_ages(sub) -> pd.DataFrame:
    """Victim-offender links with both ages in years (NaN when unknown or not valid)."""
    links = p.victim_offenders(sub)
    links = links[links["offender_rid"] >= 0].copy()
    links["victim_years"] = p.typed_ages(sub, 4)["years"].reindex(links["rid"].to_numpy()).to_numpy()
    links["offender_years"] = p.typed_ages(sub, LEVEL)["years"].reindex(links["offender_rid"].to_numpy()).to_numpy()
    return links


@rule("550", level=LEVEL, column="de37")
def spouse_offender_age(sub, ctx):
    """An offender recorded as the spouse of a victim (relationship SE on the victim) cannot be younger than 13
    (data element 37). Correct the offender's age or the relationship."""
    table = p.table("person_relationships.csv")
    limits = table[table["min_age"] != ""].set_index("relationship")["min_age"].astype(float)
    links = _linked_ages(sub)
    links = links[links["relationship"].isin(limits.index)]
    young = links["offender_years"].to_numpy() < links["relationship"].map(limits).to_numpy()
    return pd.Index(np.unique(links.loc[young, "offender_rid"].to_numpy(dtype=np.int64)))


@rule("554", level=LEVEL, column="de37")
def relationship_age_mismatch(sub, ctx):
    """The ages must fit the relationship: a victim who is the offender's child (CH) or grandchild (GC) must be
    younger than the offender, a parent (PA) or grandparent (GP) older. Check the ages (data elements 26 and
    37) and the relationship (data element 35). Unknown ages are not judged."""
    table = p.table("person_relationships.csv")
    rules = table[table["victim_is"] != ""][["relationship", "victim_is"]]
    links = _linked_ages(sub).merge(rules, on="relationship")
    v, o = links["victim_years"], links["offender_years"]
    judged = v.notna() & o.notna()
    wrong = judged & (((links["victim_is"] == "younger") & (v >= o)) | ((links["victim_is"] == "older") & (v <= o)))
    fail = links[wrong.to_numpy()].drop_duplicates("offender_rid")
    victim = p.segments(sub, 4)["de23"].reindex(fail["rid"].to_numpy()).to_numpy(dtype=object)
    detail = "victim " + pd.Series(victim, dtype=object).astype(str) + " is " + fail["relationship"].astype(str).to_numpy()
    return p.hits(fail["offender_rid"], "de37", detail=detail.to_numpy())


@rule("560", level=LEVEL, column="de38")
def rape_offender_sex(sub, ctx):
    """For a victim of 11A rape, at least one offender related to the victim (data element 34, other than 00)
    must have a sex (data element 38) different from the victim's sex (data element 27). Correct the sex
    codes or the offense. The victim's first related offender is flagged."""
    victims = p.segments(sub, 4)
    rape = p.victim_offenses(sub)
    rape_victims = rape.loc[rape["offense"] == "11A", "rid"].unique()
    links = p.victim_offenders(sub)
    links = links[links["rid"].isin(rape_victims) & (links["offender_rid"] >= 0) & (links["offender"] != UNKNOWN_OFFENDER)].copy()
    links["victim_sex"] = victims["de27"].reindex(links["rid"].to_numpy()).to_numpy(dtype=object)
    links["offender_sex"] = _offenders(sub)["de38"].reindex(links["offender_rid"].to_numpy()).to_numpy(dtype=object)
    links = links[links["victim_sex"].isin(["M", "F"])]
    differs = links.assign(differs=links["offender_sex"] != links["victim_sex"]).groupby("rid")["differs"].any()
    same_only = differs.index[~differs.to_numpy()]
    fail = links[links["rid"].isin(same_only)].drop_duplicates("rid")
    return pd.Index(np.unique(fail["offender_rid"].to_numpy(dtype=np.int64)))

"""Data-quality warnings on victim segments (spec 5.2.10, 1401-1449).

Warnings are shown and counted but never reject an incident. Code lists: schemas/quality_*.csv.
"""

from __future__ import annotations

import pandas as pd

from .. import spec
from .quality import (
    age_warning, age_years, between, biased, first_hit, hits, live, offenders, offenses, param, param_int,
    param_list, relationships, value_warning, victim_offenses, victims_of,
)
from .registry import rule


def _victims(sub) -> pd.DataFrame:
    return sub.derived("quality:victims", lambda s: live(s, 4))


def _injury_and_weapons(sub, code: str) -> tuple[pd.DataFrame, pd.Series]:
    """Victims of ``code``'s offense whose offense shows only the listed weapons (at least one),
    and the first weapon of that offense for each victim."""
    frame = offenses(sub)
    frame = frame[frame["de6"].isin(param_list(code, "offenses")).to_numpy()]
    weapons = param_list(code, "weapons")
    only_listed = pd.Series(True, index=frame.index)
    for k in range(1, 4):
        column = frame[f"de13_{k}"]
        only_listed &= (column == "") | column.isin(weapons)
    fits = frame[(only_listed & (frame["de13_1"] != "")).to_numpy()].drop_duplicates("unit")
    victims = _victims(sub)
    victims = victims[victims.index.isin(victims_of(sub, param(code, "offenses")))]
    victims = victims[victims["unit"].isin(fits["unit"]).to_numpy()]
    weapon = pd.Series(fits["de13_1"].to_numpy(), index=fits["unit"].to_numpy())
    return victims, "weapon " + weapon.reindex(victims["unit"]).set_axis(victims.index)


@rule("1401", level=4)
def incest_without_family(sub, ctx):
    """The victim of incest (36A) is related to the offender(s) only outside the family
    (data element 35: acquaintance, friend, stranger ...). Incest is sexual intercourse
    between relatives who may not marry; without a family tie the offense is statutory rape
    (36B) or rape (11A). Check the offense and the relationship.
    """
    victims = victims_of(sub, param("1401", "offenses"))
    links = relationships(sub)
    links = links[links["rid"].isin(victims).to_numpy()]
    has_family = links.loc[links["relationship"].isin(param_list("1401", "family")).to_numpy(), "rid"].unique()
    outside = links[links["relationship"].isin(param_list("1401", "non_family")).to_numpy() & ~links["rid"].isin(has_family).to_numpy()]
    first = outside.sort_values(["rid", "k"]).drop_duplicates("rid")
    return pd.DataFrame({"column": first["column"].to_numpy()}, index=pd.Index(first["rid"].to_numpy(), name="rid"))


@rule("1402", level=4, column="de26")
def statutory_rape_victim_under_13(sub, ctx):
    """The victim of statutory rape (36B) is under 13 (data element 26). Statutory rape is
    intercourse with a person under the age of consent who agreed to it; a child under 13
    is generally not able to agree, which makes the offense rape (11A). Check the age and
    the offense.
    """
    return age_warning(sub, "1402")


@rule("1403", level=4)
def statutory_rape_family(sub, ctx):
    """The victim of statutory rape (36B) is a family member of the offender (data element
    35). Intercourse between relatives who may not marry is incest (36A), or rape (11A) if
    forced. Check the offense and the relationship.
    """
    victims = victims_of(sub, param("1403", "offenses"))
    links = relationships(sub)
    family = links[links["rid"].isin(victims).to_numpy() & links["relationship"].isin(param_list("1403", "family")).to_numpy()]
    first = family.sort_values(["rid", "k"]).drop_duplicates("rid")
    return pd.DataFrame({"column": first["column"].to_numpy()}, index=pd.Index(first["rid"].to_numpy(), name="rid"))


@rule("1404", level=4, column="de33_1")
def aggravated_assault_minor_injury(sub, ctx):
    """A victim of aggravated assault (13A) had only minor or no injury (data element 33:
    M or N), and the assault used only personal weapons (40) or none (99). Aggravated
    assault needs a weapon or a serious injury (broken bones, lost teeth, internal injury,
    severe cuts, unconsciousness); otherwise it is a simple assault (13B). Check the offense,
    the weapon and the injury.
    """
    victims, detail = _injury_and_weapons(sub, "1404")
    injuries = param_list("1404", "injuries")
    minor = pd.Series(True, index=victims.index)
    for k in range(1, 6):
        column = victims[f"de33_{k}"]
        minor &= (column == "") | column.isin(injuries)
    minor &= victims["de33_1"] != ""
    return hits(victims.index[minor.to_numpy()], "de33_1", detail)


@rule("1405", level=4)
def simple_assault_injury_without_weapon(sub, ctx):
    """A victim of simple assault (13B) had a minor injury (data element 33 = M), but the
    assault lists 99 = None as the weapon. Someone who was hurt was hit with something, at
    least hands or feet: enter 40 = Personal Weapons (or the weapon used).
    """
    victims, detail = _injury_and_weapons(sub, "1405")
    injuries = param_list("1405", "injuries")
    masks = {f"de33_{k}": victims[f"de33_{k}"].isin(injuries) for k in range(1, 6)}
    return first_hit(masks, victims.index, detail)


@rule("1407", level=4, column="de26")
def victim_all_unknown(sub, ctx):
    """The victim's age, sex and race (data elements 26, 27 and 28) are all unknown. The
    victim is usually known to the officer: enter what is known, and an age range (for
    example 2530) when the exact age is not known.
    """
    frame = _victims(sub)
    flagged = (
        frame["de26"].isin(param_list("1407", "age"))
        & frame["de27"].isin(param_list("1407", "sex"))
        & frame["de28"].isin(param_list("1407", "race"))
    )
    return hits(frame.index[flagged.to_numpy()], "de26")


@rule("1408", level=4, column="de26")
def property_crime_only_victim_young_child(sub, ctx):
    """The only victim of a property crime (data element 24) is under 7 years old (data
    element 26). Young children rarely own the property taken; the parent, household or
    business is usually the victim. Check the victim and the age.
    """
    frame = _victims(sub)
    counts = frame.groupby("unit").size()
    only = frame["unit"].map(counts) == 1
    young = between(age_years(frame["de26"]), 0, param_int("1408", "age_to"))
    table = spec.offenses()
    property_crimes = table.loc[table["crime_against"].isin(param_list("1408", "crime_against")), "code"].tolist()
    flagged = only & young & frame.index.isin(victims_of(sub, property_crimes))
    return hits(frame.index[flagged.to_numpy()], "de26")


@rule("1409", level=4, column="de31_1")
def officer_victim_without_officer_circumstance(sub, ctx):
    """The victim is a law enforcement officer (data element 25 = L) and the aggravated
    assault/homicide circumstances (data element 31) are entered, but neither is 02 = Assault
    on Law Enforcement Officer. Enter 02 as one of the circumstances, or check the victim type.
    """
    frame = _victims(sub)
    wanted = param_list("1409", "circumstance")
    entered_any = (frame["de31_1"] != "") | (frame["de31_2"] != "")
    has_02 = frame["de31_1"].isin(wanted) | frame["de31_2"].isin(wanted)
    flagged = frame["de25"].isin(param_list("1409", "victim_type")) & entered_any & ~has_02
    return hits(frame.index[flagged.to_numpy()], "de31_1")


@rule("1413", level=4)
def child_parent_small_age_gap(sub, ctx):
    """The victim is the offender's child, parent, grandparent, grandchild, step-parent,
    step-child or child of a boyfriend/girlfriend (data element 35: CH, PA, GP, GC, SP, SC,
    CF), yet their ages (data elements 26 and 37) differ by less than 11 years. Check the
    ages and the relationship (it may be entered the wrong way round).
    """
    frame = _victims(sub)
    links = relationships(sub)
    links = links[links["relationship"].isin(param_list("1413", "relationships")).to_numpy()]
    people = offenders(sub)[["unit", "de36", "age"]].rename(columns={"de36": "offender", "age": "offender_age"})
    pairs = links.merge(people, on=["unit", "offender"], how="inner")
    pairs["victim_age"] = age_years(frame["de26"]).reindex(pairs["rid"]).to_numpy()
    gap = (pairs["victim_age"] - pairs["offender_age"]).abs()
    close = pairs[(gap < param_int("1413", "min_gap")).fillna(False).to_numpy()]
    first = close.sort_values(["rid", "k"]).drop_duplicates("rid")
    detail = (
        "victim " + first["victim_age"].astype(int).astype(str)
        + ", offender " + first["offender"] + " " + first["offender_age"].astype(int).astype(str)
    )
    return pd.DataFrame(
        {"column": first["column"].to_numpy(), "detail": detail.to_numpy()},
        index=pd.Index(first["rid"].to_numpy(), name="rid"),
    )


@rule("1427", level=4, column="de25")
def society_victim_of_hate_crime(sub, ctx):
    """The victim is S = Society/Public (data element 25), yet the offense it is connected
    to has a bias motivation (data element 8A) other than 88 = None. A hate crime is aimed
    at a person, a business or an institution, not at society as a whole. Confirm the bias
    code and the victim type.
    """
    frame = _victims(sub)
    offense = offenses(sub)
    hate = offense.loc[biased(offense, param("1427", "no_bias")).to_numpy(), ["unit", "de6"]].drop_duplicates()
    links = victim_offenses(sub).merge(hate, left_on=["unit", "offense"], right_on=["unit", "de6"], how="inner")
    flagged = frame["de25"].isin(param_list("1427", "victim_type")) & frame.index.isin(links["rid"].unique())
    return hits(frame.index[flagged.to_numpy()], "de25")


@rule("1441", level=4, column="de26")
def victim_age_99(sub, ctx):
    """The victim's age (data element 26) is 99 = Over 98 Years Old. Agencies sometimes
    send 99 when they mean 00 = Unknown. If the age is not known, enter 00.
    """
    return value_warning(sub, "1441")


@rule("1449", level=4, column="de26")
def spouse_victim_under_18(sub, ctx):
    """The victim is 13 to 17 years old (data element 26) and is the spouse of an offender
    (data element 35 = SE). Marriage under 18 is rare; check the age and the relationship
    (a boyfriend/girlfriend is BG).
    """
    frame = _victims(sub)
    links = relationships(sub)
    spouses = links.loc[links["relationship"].isin(param_list("1449", "relationship")).to_numpy(), "rid"].unique()
    young = between(age_years(frame["de26"]), param_int("1449", "age_from"), param_int("1449", "age_to"))
    flagged = young & frame.index.isin(spouses)
    return hits(frame.index[flagged.to_numpy()], "de26")

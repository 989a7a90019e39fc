"""Data-quality warnings on offense segments (spec 5.2.10, 1201-1226 and 1303).

Warnings are shown and counted but never reject an incident. Code lists: schemas/quality_*.csv.
"""

from __future__ import annotations

import pandas as pd

from .quality import (
    biased, hits, live, offenses, param, param_int, param_list, units_with, value_warning, victim_offenses,
)
from .registry import rule


@rule("1201", level=2, column="de10")
def burglary_premises_look_like_location(sub, ctx):
    """A burglary at a hotel/motel (location 14) or a rental storage facility (location 19)
    shows 14, 19 or 99 as the number of premises entered (data element 10). That number
    looks like the location code or a filler was typed into the wrong field, and it inflates
    the count of rooms or units broken into. Enter how many rooms or storage units were
    actually entered (01-98).
    """
    frame = offenses(sub)
    flagged = (
        frame["de6"].isin(param_list("1201", "offenses"))
        & frame["de9"].isin(param_list("1201", "locations"))
        & frame["de10"].isin(param_list("1201", "premises"))
    )
    return hits(frame.index[flagged.to_numpy()], "de10")


@rule("1202", level=2)
def homicide_with_vehicle(sub, ctx):
    """A murder (09A) or negligent manslaughter (09B) lists 35 = Motor Vehicle/Vessel as the
    weapon (data element 13). Accidental traffic deaths are not homicides; a vehicle death
    belongs here only when it came from drunk driving, phone use or reckless driving. Check
    the offense, or remove the incident if it was a traffic accident.
    """
    return value_warning(sub, "1202")


@rule("1203", level=2)
def weapon_law_with_personal_weapons(sub, ctx):
    """A weapon law violation (520) lists 40 = Personal Weapons or 99 = None as the weapon
    (data element 13). A weapon law violation is about firearms, knives, explosives or other
    deadly weapons, so hands and feet or "no weapon" do not fit. Enter the weapon involved.
    """
    return value_warning(sub, "1203")


@rule("1204", level=4, column="de25")
def robbery_without_person_victim(sub, ctx):
    """A robbery (120) has only businesses or other non-person victims (data element 25).
    Robbery takes property by force or threat against a person, so the people threatened
    (the clerk, the teller) are victims too. Add a victim segment (type I or L) for each
    person force or threats were aimed at.
    """
    victims = live(sub, 4)
    links = victim_offenses(sub)
    robbed = links[links["offense"].isin(param_list("1204", "offenses")).to_numpy()].drop_duplicates("rid")
    robbed = robbed.assign(person=victims["de25"].reindex(robbed["rid"]).isin(param_list("1204", "person_victims")).to_numpy())
    per_unit = robbed.groupby("unit").agg(first=("rid", "min"), persons=("person", "any"))
    return hits(per_unit.loc[~per_unit["persons"], "first"], "de25")


@rule("1209", level=2)
def automatic_weapon(sub, ctx):
    """A weapon in data element 13 carries the automatic indicator A (for example 13A =
    automatic rifle). A firearm is automatic only if it fires more than one shot with a
    single pull of the trigger. Make sure it really was automatic; otherwise leave the
    indicator blank.
    """
    return value_warning(sub, "1209")


@rule("1220", level=2)
def bias_unknown(sub, ctx):
    """The bias motivation (data element 8A) is 99 = Unknown, which marks a suspected hate
    crime still under investigation. Once the investigation is done, resubmit the incident
    with 88 = None or with the bias code(s) that were found.
    """
    return value_warning(sub, "1220")


@rule("1221", level=2)
def several_bias_codes(sub, ctx):
    """The offense lists more than one bias motivation (data element 8A allows up to five).
    Multiple bias codes are possible but unusual; confirm each one is correct.
    """
    return value_warning(sub, "1221")


@rule("1222", level=2)
def murder_hate_crime(sub, ctx):
    """A murder (09A) carries a bias motivation (data element 8A) other than 88 = None, so it
    is counted as a hate-crime homicide. These are rare and closely reviewed; confirm the
    bias code.
    """
    return value_warning(sub, "1222")


@rule("1223", level=2)
def rape_hate_crime(sub, ctx):
    """A rape (11A) carries a bias motivation (data element 8A) other than 88 = None, so it
    is counted as a hate crime. Confirm the bias code.
    """
    return value_warning(sub, "1223")


@rule("1224", level=2)
def sodomy_hate_crime(sub, ctx):
    """A sodomy offense (11B) carries a bias motivation (data element 8A) other than
    88 = None, so it is counted as a hate crime. Confirm the bias code.
    """
    return value_warning(sub, "1224")


@rule("1225", level=2)
def object_assault_hate_crime(sub, ctx):
    """A sexual assault with an object (11C) carries a bias motivation (data element 8A)
    other than 88 = None, so it is counted as a hate crime. Confirm the bias code.
    """
    return value_warning(sub, "1225")


@rule("1226", level=2, column="de8a_1")
def several_hate_crime_offenses(sub, ctx):
    """More than one offense in the incident has a bias motivation (data element 8A) other
    than 88 = None, so the incident counts several hate-crime offenses. Confirm that each of
    these offenses really was motivated by bias. Shown once, on the first such offense.
    """
    frame = offenses(sub)
    flagged = frame[biased(frame, param("1226", "no_bias")).to_numpy()]
    per_unit = flagged.assign(rid=flagged.index).groupby("unit").agg(first=("rid", "min"), count=("rid", "size"))
    per_unit = per_unit[(per_unit["count"] >= param_int("1226", "min_offenses")).to_numpy()]
    detail = pd.Series(per_unit["count"].astype(str).to_numpy() + " offenses with a bias code", index=per_unit["first"].to_numpy())
    return hits(per_unit["first"], "de8a_1", detail)


@rule("1303", level=2, column="de6")
def larceny_with_burglary(sub, ctx):
    """The incident holds a burglary (220) and also a larceny-theft offense (23A-23H).
    Burglary is unlawful entry to commit a theft, so the theft is part of the burglary and
    is not reported on its own. Remove the larceny offense (keep its property on the
    burglary) unless it was a separate theft.
    """
    frame = offenses(sub)
    flagged = frame["de6"].isin(param_list("1303", "larceny")) & frame["unit"].isin(units_with(sub, param("1303", "burglary")))
    return hits(frame.index[flagged.to_numpy()], "de6")

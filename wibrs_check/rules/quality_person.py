"""Data-quality warnings on offender, arrestee and Group B arrest segments (spec 5.2.10,
1501-1741).

Warnings are shown and counted but never reject an incident. Code lists: schemas/quality_*.csv.
"""

from __future__ import annotations

from .quality import (
    age_warning, between, hits, juvenile_range_without_disposition, offenders, param_int, param_list,
    relationships, value_warning,
)
from .registry import rule


# Offenders -------------------------------------------------------------------------------


@rule("1501", level=5, column="de37")
def offender_under_3(sub, ctx):
    """The offender's age (data element 37) is 01 or 02. A toddler is almost never an
    offender; the offender sequence number (01, 02 ...) has probably been typed into the
    age. Enter the age, or 00 if it is unknown.
    """
    return age_warning(sub, "1501")


@rule("1508", level=5, column="de37")
def fondling_offender_under_13(sub, ctx):
    """An offender in a fondling incident (11D) is 1 to 12 years old (data element 37).
    Fondling is touching for sexual gratification; very young children are seldom reported
    as offenders. Check the age and the offense.
    """
    return age_warning(sub, "1508")


@rule("1509", level=5, column="de37")
def violent_crime_offender_under_11(sub, ctx):
    """An offender in an incident with a homicide (09A, 09B), rape (11A) or robbery (120) is
    under 11 years old (data element 37). Check the age.
    """
    return age_warning(sub, "1509")


@rule("1541", level=5, column="de37")
def offender_age_99(sub, ctx):
    """The offender's age (data element 37) is 99 = Over 98 Years Old. Agencies sometimes
    send 99 when they mean 00 = Unknown. If the age is not known, enter 00.
    """
    return value_warning(sub, "1541")


@rule("1549", level=5, column="de37")
def spouse_offender_under_18(sub, ctx):
    """The offender is 13 to 17 years old (data element 37) and a victim names this offender
    as spouse (data element 35 = SE). Marriage under 18 is rare; check the age and the
    relationship (a boyfriend/girlfriend is BG).
    """
    frame = offenders(sub)
    links = relationships(sub)
    spouses = links.loc[links["relationship"].isin(param_list("1549", "relationship")).to_numpy(), ["unit", "offender"]]
    keyed = frame[["unit", "de36"]].assign(rid=frame.index).merge(
        spouses.drop_duplicates(), left_on=["unit", "de36"], right_on=["unit", "offender"], how="inner")
    young = between(frame["age"], param_int("1549", "age_from"), param_int("1549", "age_to"))
    return hits(frame.index[young.to_numpy() & frame.index.isin(keyed["rid"])], "de37")


@rule("1607", level=5, column="de36")
def numbered_offender_all_unknown(sub, ctx):
    """The offender has a sequence number (01, 02 ...) but age, sex and race are all unknown
    (data elements 37-39 = 00, U, U). When nothing at all is known about the offender(s),
    send one offender segment with 00 = Unknown Offender and leave 37-39 blank. Keep the
    numbered segments if witnesses saw that many offenders.
    """
    frame = offenders(sub)
    flagged = (
        (frame["de36"] != "")
        & ~frame["de36"].isin(param_list("1607", "unknown_offender"))
        & frame["de37"].isin(param_list("1607", "age"))
        & frame["de38"].isin(param_list("1607", "sex"))
        & frame["de39"].isin(param_list("1607", "race"))
    )
    return hits(frame.index[flagged.to_numpy()], "de36")


# Arrestees (Group A) ------------------------------------------------------------------------


@rule("1601", level=6, column="de47")
def arrestee_under_3(sub, ctx):
    """The arrestee's age (data element 47) is 01, 02 or 03. Nobody that young is arrested;
    the arrestee sequence number has probably been typed into the age. Enter the age, or 00
    if it is unknown.
    """
    return age_warning(sub, "1601")


@rule("1608", level=6, column="de47")
def dui_arrestee_under_13(sub, ctx):
    """The arrestee is under 13 (data element 47) and the arrest offense (data element 45)
    is 90D = Driving Under the Influence. Check the age and the arrest offense.
    """
    return age_warning(sub, "1608")


@rule("1609", level=6, column="de47")
def violent_crime_arrestee_under_11(sub, ctx):
    """The arrestee is under 11 (data element 47) and was arrested for homicide (09A, 09B),
    rape (11A) or robbery (120) (data element 45). Check the age.
    """
    return age_warning(sub, "1609")


@rule("1640", level=6, column="de52")
def possible_juvenile_arrestee_without_disposition(sub, ctx):
    """The arrestee's age (data element 47) is a range that starts under 18 and ends at 18
    or over, with an average under 18 (for example 1619), yet the disposition of arrestee
    under 18 (data element 52) is blank. The arrestee is probably a juvenile: enter H
    (handled within the department) or R (referred to other authorities), or narrow the age.
    """
    return juvenile_range_without_disposition(sub, "1640", 6)


@rule("1641", level=6, column="de47")
def arrestee_age_99(sub, ctx):
    """The arrestee's age (data element 47) is 99 = Over 98 Years Old. Agencies sometimes
    send 99 when they mean 00 = Unknown. If the age is not known, enter 00.
    """
    return value_warning(sub, "1641")


# Group B arrests ----------------------------------------------------------------------------


@rule("1701", level=7, column="de47")
def group_b_arrestee_under_3(sub, ctx):
    """The Group B arrestee's age (data element 47) is 01 or 02. Nobody that young is
    arrested; the arrestee sequence number has probably been typed into the age. Enter the
    age, or 00 if it is unknown.
    """
    return age_warning(sub, "1701")


@rule("1708", level=7, column="de47")
def group_b_dui_arrestee_under_13(sub, ctx):
    """The Group B arrestee is under 13 (data element 47) and the arrest offense (data
    element 45) is 90D = Driving Under the Influence. Check the age and the arrest offense.
    """
    return age_warning(sub, "1708")


@rule("1740", level=7, column="de52")
def possible_juvenile_group_b_arrestee_without_disposition(sub, ctx):
    """The Group B arrestee's age (data element 47) is a range that starts under 18 and ends
    at 18 or over, with an average under 18 (for example 1619), yet the disposition of
    arrestee under 18 (data element 52) is blank. The arrestee is probably a juvenile:
    enter H or R, or narrow the age.
    """
    return juvenile_range_without_disposition(sub, "1740", 7)


@rule("1741", level=7, column="de47")
def group_b_arrestee_age_99(sub, ctx):
    """The Group B arrestee's age (data element 47) is 99 = Over 98 Years Old. Agencies
    sometimes send 99 when they mean 00 = Unknown. If the age is not known, enter 00.
    """
    return value_warning(sub, "1741")

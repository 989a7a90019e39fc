"""Offense segment edits (spec section 5.2.3, errors 201-284).

Which offense allows or needs what (weapon/force, criminal activity, cyberspace location,
premises entered, method of entry, completed-only, bias) is read from
``schemas/offense_attributes.csv``; weapon limits per offense from
``schemas/offense_weapon_rules.csv``; multi-value fields and their stand-alone codes from
``schemas/offense_multivalue.csv``. The single-field edits (201 always-mandatory fields, 204
invalid codes, 251, 255) are generated from ``schemas/elements/level2.csv`` by
``rules/elements.py``. Helpers here that describe the incident's offenses are shared with the
property and structure families.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from .. import spec
from ..model import Submission
from .base import unit_of
from .registry import requires, rule

OFFENSE = 2
ATTEMPTED, COMPLETED = "A", "C"
STOLEN, RECOVERED = "7", "5"


# ---------------------------------------------------------------------------------------
# Spec tables


def split(text: str) -> tuple[str, ...]:
    """A ';'-separated table cell as a tuple ('' -> ())."""
    return tuple(part for part in text.split(";") if part)


@cache
def attributes() -> pd.DataFrame:
    """schemas/offense_attributes.csv indexed by offense code."""
    return spec.read_table("offense_attributes.csv").set_index("code", drop=False)


@cache
def offenses_where(column: str, value: str = "Y") -> frozenset[str]:
    table = attributes()
    return frozenset(table.loc[table[column] == value, "code"])


@cache
def pairs(column: str, by_character: bool = False) -> frozenset[str]:
    """'offense|value' for every value listed in one column of offense_attributes.csv.

    Cells list values separated by ';' (or, with ``by_character``, one value per character,
    as in the criminal activity codes 'BCDEOPTU'). Rules test membership of
    ``de6 + '|' + field`` against this set, one vectorised isin per field.
    """
    out = set()
    for code, cell in attributes()[column].items():
        for value in (cell if by_character else split(cell)):
            out.add(f"{code}|{value}")
    return frozenset(out)


@cache
def weapon_rules() -> pd.DataFrame:
    return spec.read_table("offense_weapon_rules.csv")


@cache
def multivalue() -> pd.DataFrame:
    return spec.read_table("offense_multivalue.csv")


@cache
def property_losses() -> pd.DataFrame:
    """schemas/property_loss_offenses.csv: loss types each offense allows, attempted/completed."""
    return spec.read_table("property_loss_offenses.csv").set_index("offense", drop=False)


@cache
def property_offenses() -> frozenset[str]:
    """Offenses that take a property segment (kidnapping, crimes against property, drugs, gambling)."""
    return frozenset(property_losses()["offense"])


@cache
def loss_pairs() -> pd.DataFrame:
    """Long form of property_loss_offenses.csv: one row per (offense, A/C, allowed loss type)."""
    table = property_losses()
    rows = [
        (r.offense, ac, loss)
        for r in table.itertuples(index=False)
        for ac, cell in ((ATTEMPTED, r.attempted), (COMPLETED, r.completed))
        for loss in split(cell)
    ]
    return pd.DataFrame(rows, columns=["code", "ac", "loss"])


# ---------------------------------------------------------------------------------------
# Views of the submission shared by the offense, property and structure families


def offense_frame(sub: Submission) -> pd.DataFrame:
    """Offense segments with their unit, and whether the offense code is a Group A code."""

    def build(_):
        frame = sub.frames[OFFENSE]
        return frame.assign(unit=unit_of(sub, frame).to_numpy(), group_a=frame["de6"].isin(sorted(spec.group_a_offenses())))

    return sub.derived("offense_frame", build)


def unit_offenses(sub: Submission) -> pd.DataFrame:
    """One row per offense segment: rid, unit, code (DE 6) and ac (DE 7)."""

    def build(_):
        frame = offense_frame(sub)
        return pd.DataFrame({
            "rid": frame.index.to_numpy(), "unit": frame["unit"].to_numpy(),
            "code": frame["de6"].to_numpy(), "ac": frame["de7"].to_numpy(),
        })

    return sub.derived("unit_offenses", build)


def units_with(sub: Submission, codes, ac: str | None = None) -> pd.Index:
    """Units holding an offense segment whose code is in ``codes`` (and DE 7 equal to ``ac``)."""
    offenses = unit_offenses(sub)
    mask = offenses["code"].isin(sorted(codes))
    if ac is not None:
        mask &= offenses["ac"] == ac
    return pd.Index(offenses.loc[mask, "unit"].unique())


def units_with_other_than(sub: Submission, codes) -> pd.Index:
    """Units holding at least one offense segment whose code is not in ``codes``."""
    offenses = unit_offenses(sub)
    return pd.Index(offenses.loc[~offenses["code"].isin(sorted(codes)), "unit"].unique())


def columns_of(level: int, data_element: str) -> list[str]:
    """Layout columns of one data element in order (de15_1 ... de15_10)."""
    return [f.column for f in spec.layout(level) if f.data_element == data_element and "auto" not in f.column]


def hits_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate per-column hit frames (rid index, column ...) into one rule result."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({"column": pd.Series([], dtype=str)}, index=pd.Index([], name="rid", dtype=np.int64))
    out = pd.concat(parts)
    out.index.name = "rid"
    return out


def column_hits(frame: pd.DataFrame, mask: pd.Series, column: str, **extra) -> pd.DataFrame:
    picked = frame.index[mask.to_numpy()]
    return pd.DataFrame({"column": column, **extra}, index=pd.Index(picked, name="rid"))


# ---------------------------------------------------------------------------------------
# Incident number format, shared by every segment level that repeats DE 2


def register_incident_number_edits(level: int, embedded: str, left: str, characters: str) -> None:
    """Register the three incident-number format edits (x15, x16, x17) for one level."""

    def embedded_blank(sub, ctx):
        """The incident number (data element 2) has a blank between its first and last
        characters. It must be one run of characters, left-justified and padded with blanks
        on the right. Remove the inner blank (a hyphen may be used instead); every segment
        of the incident must carry the same number as its administrative segment.
        """
        number = sub.frames[level]["incident"]
        return number.str.strip().str.contains(" ", regex=False)

    def not_left_justified(sub, ctx):
        """The incident number (data element 2) starts with a blank in position 26. It must
        begin in the first position of the field and be padded with blanks on the right.
        """
        number = sub.frames[level]["incident"]
        return number.str.startswith(" ") & (number.str.strip() != "")

    def bad_characters(sub, ctx):
        """The incident number (data element 2) may only hold capital letters A-Z, digits 0-9,
        hyphens and trailing blanks: 26-123-SC is fine, 26+123*sc is not. Remove or replace
        the other characters (lower-case letters must be capitals).
        """
        number = sub.frames[level]["incident"]
        return ~number.str.strip().str.fullmatch(r"[A-Z0-9\- ]*")

    for code, func in ((embedded, embedded_blank), (left, not_left_justified), (characters, bad_characters)):
        func.__name__ = f"{func.__name__}_level{level}"
        rule(code, level=level, column="incident")(func)


register_incident_number_edits(OFFENSE, "215", "216", "217")


# ---------------------------------------------------------------------------------------
# Single-segment edits


def _offenses(sub) -> pd.DataFrame:
    return offense_frame(sub)


@rule("202", level=OFFENSE, column="de10")
def premises_not_numeric(sub, ctx):
    """Number of premises entered (data element 10) must be a two-digit number from 01 to
    99, with a leading zero below 10 (for example 03). Letters, blanks inside the field or
    00 are not accepted. Enter the number of rooms, units or storage compartments entered.
    """
    value = _offenses(sub)["de10"]
    return (value != "") & ~value.str.fullmatch(r"0[1-9]|[1-9][0-9]")


@rule("205", level=OFFENSE, column="de9")
def cyberspace_not_allowed(sub, ctx):
    """Location type 58 = Cyberspace (data element 9) is only accepted for offenses that can
    be committed online: fraud, extortion, counterfeiting, embezzlement, stolen property,
    vandalism, pornography, bribery, gambling, intimidation, drug and weapon offenses, human
    trafficking and prostitution. For this offense enter the physical location instead.
    """
    frame = _offenses(sub)
    return frame["group_a"] & (frame["de9"] == "58") & ~frame["de6"].isin(sorted(offenses_where("cyberspace")))


def _multi_value_hits(sub, duplicate: bool) -> pd.DataFrame:
    frame = _offenses(sub)
    parts = []
    for row in multivalue().itertuples(index=False):
        columns = split(row.columns)
        if duplicate:
            for j, later in enumerate(columns):
                for earlier in columns[:j]:
                    mask = (frame[later] != "") & (frame[later] == frame[earlier])
                    parts.append(column_hits(frame, mask, later))
        else:
            exclusive = split(row.exclusive_codes)
            for column in columns:
                others = np.logical_or.reduce(
                    [(frame[o] != "") & (frame[o] != frame[column]) for o in columns if o != column])
                parts.append(column_hits(frame, frame[column].isin(exclusive) & others, column))
    return hits_frame(parts)


@rule("206", level=OFFENSE)
def duplicate_code_in_offense_field(sub, ctx):
    """A field that holds several codes (offender suspected of using, bias motivation,
    criminal activity/gang information, weapon/force) repeats the same code. Each code may
    appear once per offense segment: remove the repeated one.
    """
    return _multi_value_hits(sub, duplicate=True)


@rule("207", level=OFFENSE)
def exclusive_code_combined(sub, ctx):
    """A code that must stand alone was entered together with other codes in the same field:
    N = Not applicable (offender suspected of using), 88 = None or 99 = Unknown (bias
    motivation), N = None/unknown (gang information) or 99 = None (weapon/force). Either
    remove the stand-alone code or remove the other codes.
    """
    return _multi_value_hits(sub, duplicate=False)


@rule("219", level=OFFENSE, data_element="12")
def activity_not_allowed(sub, ctx):
    """The criminal activity/gang code (data element 12) does not fit the offense. Criminal
    activity codes B, C, D, E, O, P, T, U belong to counterfeiting, stolen property, drug,
    gambling equipment, pornography and weapon law offenses; gang codes J, G, N to homicide,
    kidnapping, sex offenses, robbery and assaults; A, F, I, S to animal cruelty (720). Use a
    code that belongs to this offense, or leave the field blank where it is not needed.
    """
    frame = _offenses(sub)
    allowed = sorted(pairs("activity_codes", by_character=True))
    known = sorted(spec.valid_codes("12"))
    parts = []
    for column in columns_of(OFFENSE, "12"):
        fits = (frame["de6"] + "|" + frame[column]).isin(allowed)
        parts.append(column_hits(frame, frame["group_a"] & frame[column].isin(known) & ~fits, column))
    return hits_frame(parts)


@rule("220", level=OFFENSE, column="de12_1")
def activity_missing(sub, ctx):
    """Criminal activity/gang information (data element 12) is required for counterfeiting
    (250), stolen property (280), drug offenses (35A, 35B), gambling equipment (39C),
    pornography (370), weapon law violations (520) and animal cruelty (720). Enter up to three
    codes describing what the offenders were doing (for example P = Possessing/Concealing).
    """
    frame = _offenses(sub)
    empty = np.logical_and.reduce([frame[c] == "" for c in columns_of(OFFENSE, "12")])
    return frame["de6"].isin(sorted(offenses_where("activity_required"))) & empty


@rule("221", level=OFFENSE, column="de13_1")
def weapon_missing(sub, ctx):
    """Type of weapon/force involved (data element 13) is required for homicides, kidnapping,
    forcible sex offenses, robbery, aggravated and simple assault, extortion, weapon law
    violations and human trafficking. Enter the weapon or force used, 40 = Personal weapons
    for hands and fists, or 99 = None when no weapon or force was used.
    """
    frame = _offenses(sub)
    empty = np.logical_and.reduce([frame[c] == "" for c in columns_of(OFFENSE, "13")])
    return frame["de6"].isin(sorted(offenses_where("weapon"))) & empty


@rule("222", level=OFFENSE)
def weapon_not_allowed(sub, ctx):
    """Type of weapon/force involved (data element 13) was entered for an offense that does
    not report it. Only homicides, kidnapping, forcible sex offenses, robbery, aggravated and
    simple assault, extortion, weapon law violations and human trafficking carry a weapon.
    Leave the weapon fields blank for this offense.
    """
    frame = _offenses(sub)
    other = frame["group_a"] & ~frame["de6"].isin(sorted(offenses_where("weapon")))
    return hits_frame([column_hits(frame, other & (frame[c] != ""), c) for c in columns_of(OFFENSE, "13")])


def _premises_allowed(frame: pd.DataFrame) -> pd.Series:
    return (frame["de6"] + "|" + frame["de9"]).isin(sorted(pairs("premises_locations")))


@rule("252", level=OFFENSE, column="de10")
def premises_not_allowed(sub, ctx):
    """Number of premises entered (data element 10) is only reported for a burglary (220)
    at a hotel/motel (location 14) or rental storage facility (location 19), where it counts
    the rooms or units entered. Leave it blank for other offenses and locations, or correct
    the offense or location.
    """
    frame = _offenses(sub)
    return (frame["de10"] != "") & ~_premises_allowed(frame)


@rule("257", level=OFFENSE, column="de10")
def premises_missing(sub, ctx):
    """A burglary (220) at a hotel/motel (location 14) or rental storage facility (location
    19) must report the number of premises entered (data element 10): the number of rooms,
    units or compartments broken into, 01-99.
    """
    frame = _offenses(sub)
    return (frame["de10"] == "") & _premises_allowed(frame)


@rule("253", level=OFFENSE, column="de11")
def entry_missing(sub, ctx):
    """A burglary (220) must report the method of entry (data element 11): F = Force or
    N = No force. Enter how the burglar got into the structure.
    """
    frame = _offenses(sub)
    return frame["de6"].isin(sorted(offenses_where("method_of_entry"))) & (frame["de11"] == "")


@rule("254", level=OFFENSE, column="de11")
def entry_not_allowed(sub, ctx):
    """Method of entry (data element 11) is only reported for burglary (220). Leave it
    blank for this offense, or correct the offense code if this was a burglary.
    """
    frame = _offenses(sub)
    return frame["group_a"] & ~frame["de6"].isin(sorted(offenses_where("method_of_entry"))) & (frame["de11"] != "")


@rule("256", level=OFFENSE, column="de7")
def must_be_completed(sub, ctx):
    """Homicides (09A, 09B, 09C) and assaults (13A, 13B, 13C) are always reported as
    C = Completed (data element 7). An attempted murder is reported as an aggravated assault
    (13A), completed. Change A to C.
    """
    frame = _offenses(sub)
    return frame["de6"].isin(sorted(offenses_where("completed_only"))) & (frame["de7"] == ATTEMPTED)


def _weapon_rule_hits(sub, code: str) -> pd.DataFrame:
    frame = _offenses(sub)
    parts = []
    for row in weapon_rules()[lambda t: t["edit"] == code].itertuples(index=False):
        weapons = list(split(row.weapons))
        applies = frame["group_a"] if row.offenses == "*" else frame["de6"].isin(split(row.offenses))
        for k, column in enumerate(columns_of(OFFENSE, "13"), start=1):
            value = frame[column]
            listed = value.isin(weapons)
            hit = (value != "") & (listed if row.fires_when == "in" else ~listed)
            if row.automatic_only == "Y":
                auto = frame[f"de13auto_{k}"]
                hit &= auto == "A"
                parts.append(column_hits(frame, applies & hit, column, value=(value + auto)[applies & hit]))
            else:
                parts.append(column_hits(frame, applies & hit, column))
    return hits_frame(parts)


@rule("258", level=OFFENSE, data_element="13")
def automatic_not_firearm(sub, ctx):
    """The automatic weapon indicator A (third character of data element 13) was entered
    with a weapon that is not a firearm. Only 11 = Firearm, 12 = Handgun, 13 = Rifle,
    14 = Shotgun and 15 = Other firearm can be automatic. Remove the A or correct the weapon.
    """
    return _weapon_rule_hits(sub, "258")


@rule("265", level=OFFENSE, data_element="13")
def simple_assault_weapon(sub, ctx):
    """A simple assault (13B) involves no weapon beyond 40 = Personal weapons, 90 = Other,
    95 = Unknown or 99 = None (data element 13). Any other weapon makes the assault
    aggravated: correct the offense to 13A, or correct the weapon.
    """
    return _weapon_rule_hits(sub, "265")


@rule("267", level=OFFENSE, data_element="13")
def homicide_without_weapon(sub, ctx):
    """A homicide (09A, 09B, 09C) cannot have weapon/force 99 = None (data element 13): some
    weapon or force caused the death. Enter it, or 95 = Unknown if it is not known.
    """
    return _weapon_rule_hits(sub, "267")


@rule("269", level=OFFENSE, data_element="13")
def simple_assault_with_firearm(sub, ctx):
    """A simple assault (13B) was reported with a firearm (weapon 11-15, data element 13).
    An assault with a firearm is an aggravated assault: report it as 13A.
    """
    return _weapon_rule_hits(sub, "269")


@rule("264", level=OFFENSE, column="de6")
def group_b_offense(sub, ctx):
    """The offense code (data element 6) is a Group B offense (90A-90Z). Offense segments
    only hold Group A offenses; Group B offenses are reported only as Group B arrest reports
    (level 7) when someone is arrested. Remove the segment or correct the code.
    """
    return _offenses(sub)["de6"].isin(sorted(spec.group_b_offenses()))


@rule("270", level=OFFENSE, data_element="8A")
def justifiable_homicide_bias(sub, ctx):
    """A justifiable homicide (09C) is not a crime, so it cannot be bias motivated: bias
    motivation (data element 8A) must be 88 = None, and only that one code. Correct the
    bias motivation.
    """
    frame = _offenses(sub)
    applies = frame["de6"].isin(sorted(offenses_where("bias_none")))
    columns = columns_of(OFFENSE, "8A")
    parts = [column_hits(frame, applies & (frame[columns[0]] != "") & (frame[columns[0]] != "88"), columns[0])]
    parts += [column_hits(frame, applies & (frame[c] != ""), c) for c in columns[1:]]
    return hits_frame(parts)


# ---------------------------------------------------------------------------------------
# Edits across the offense segments of one incident


@rule("262", level=OFFENSE, column="de6")
def duplicate_offense(sub, ctx):
    """Two offense segments of the incident have the same offense code (data element 6).
    Report each offense once per incident, however many victims it had; link every victim
    to it instead. Remove the repeated segment.
    """
    frame = _offenses(sub)
    return (frame["de6"] != "") & frame.duplicated(["unit", "de6"], keep="first")


@rule("263", level=OFFENSE, column="de6")
def more_than_ten_offenses(sub, ctx):
    """An incident can carry at most 10 offense segments. Report the 10 most serious
    offenses and drop the rest; the records shown are the 11th and later.
    """
    frame = _offenses(sub)
    return frame.groupby("unit").cumcount() >= 10


@rule("266", level=OFFENSE, column="de6")
def other_offense_with_justifiable_homicide(sub, ctx):
    """A justifiable homicide (09C) must be the only offense of its incident. The offense
    shown was sent in the same incident: report it in a separate incident with its own
    incident number.
    """
    frame = _offenses(sub)
    alone = sorted(offenses_where("alone"))
    units = units_with(sub, alone)
    return frame["unit"].isin(units) & ~frame["de6"].isin(alone)


@rule("268", level=OFFENSE, column="de6")
def larceny_with_stolen_vehicle(sub, ctx):
    """A larceny offense (23A-23H) is in an incident whose stolen property (loss type 7)
    includes a motor vehicle (03 automobiles, 05 buses, 24 other motor vehicles,
    28 recreational vehicles, 37 trucks), but no other crime against property such as motor
    vehicle theft (240) was reported. A stolen vehicle is a 240: add that offense, or correct
    the property description.
    """
    from .property_views import property_items, vehicle_codes

    frame = _offenses(sub)
    table = spec.offenses()
    larceny = table.loc[table["family"] == "Larceny/Theft Offenses", "code"]
    other_property = table.loc[(table["crime_against"] == "Property") & ~table["code"].isin(larceny), "code"]
    items = property_items(sub)
    stolen_vehicle = items.loc[(items["loss"] == STOLEN) & items["description"].isin(sorted(vehicle_codes())), "unit"]
    explained = units_with(sub, other_property)
    return frame["de6"].isin(larceny) & frame["unit"].isin(stolen_vehicle) & ~frame["unit"].isin(explained)


requires("284", "history")

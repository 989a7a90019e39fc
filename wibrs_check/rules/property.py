"""Property segment edits (spec section 5.2.4, errors 301-392).

Spec facts come from tables: ``schemas/property_description_rules.csv`` (zero and fixed
values, vehicle codes, drug descriptions), ``schemas/property_illogical_descriptions.csv``
(Table 3-27, edit 390), ``schemas/property_drug_measurements.csv`` (measurement categories,
NP = number of plants), ``schemas/property_loss_offenses.csv`` (loss types per offense) and
``schemas/offense_attributes.csv`` (which offense is the drug offense, the vehicle-theft
offense). Single-field edits (301 for always-mandatory fields, 304, invalid dates under 305)
are generated from ``schemas/elements/level3.csv``.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from .. import spec
from .base import dates, on_unit_admin, submission_month_start
from .offense import (
    COMPLETED, RECOVERED, STOLEN, column_hits, columns_of, hits_frame, loss_pairs, offenses_where,
    property_offenses, register_incident_number_edits, unit_offenses, units_with, units_with_other_than,
)
from .property_views import (
    PROPERTY, description_rules, descriptions_where, property_frame, property_items, vehicle_codes,
)
from .registry import rule

NONE, SEIZED, UNKNOWN = "1", "6", "8"
NO_DETAILS = (NONE, UNKNOWN)  # loss types whose segment carries no property details
DETAILS = ("2", "3", "4", RECOVERED, SEIZED, STOLEN)  # loss types that need property details
UNKNOWN_COUNT = "00"
OVER_3_DRUG_TYPES, UNKNOWN_DRUG = "X", "U"
NOT_REPORTED, NO_QUANTITY = "XX", "000000001000"
ZERO_VALUE = "000000000"
DRUG_SLOTS = range(1, 4)  # suspected drug type / quantity / measurement occurrences
DETAIL_ELEMENTS = ("15", "16", "17", "18", "19", "20", "21", "22")


# ---------------------------------------------------------------------------------------
# Spec tables


def role(name: str) -> str:
    (code,) = descriptions_where("role", name)
    return code


@cache
def blank_value_accepted() -> frozenset[str]:
    """Descriptions whose value may be left blank (zero required or optional)."""
    table = description_rules()
    return frozenset(table.loc[table["zero_value"] != "", "code"])


@cache
def fixed_value_descriptions() -> frozenset[str]:
    """Descriptions whose value is fixed (88 = Pending inventory: $1), checked by 353."""
    table = description_rules()
    return frozenset(table.loc[table["fixed_value"] != "", "code"])


@cache
def illogical_pairs() -> frozenset[str]:
    table = spec.read_table("property_illogical_descriptions.csv")
    return frozenset(table["offense"] + "|" + table["description"])


@cache
def illogical_offenses() -> frozenset[str]:
    return frozenset(spec.read_table("property_illogical_descriptions.csv")["offense"])


@cache
def measurements() -> pd.DataFrame:
    return spec.read_table("property_drug_measurements.csv").set_index("code", drop=False)


def narcotics() -> frozenset[str]:
    return offenses_where("drugs", "narcotics")


def drug_equipment() -> frozenset[str]:
    return offenses_where("drugs", "equipment")


def vehicle_theft() -> frozenset[str]:
    return offenses_where("vehicle_counts")


# ---------------------------------------------------------------------------------------
# Views


def item_hits(items: pd.DataFrame, mask: pd.Series, element: str, **extra) -> pd.DataFrame:
    """Hits on item rows: rid index, column de<element>_<k>."""
    picked = items[mask.to_numpy()]
    column = f"de{element}_" + picked["k"].astype(str)
    return pd.DataFrame({"column": column.to_numpy(), **{k: np.asarray(v)[mask.to_numpy()] for k, v in extra.items()}},
                        index=pd.Index(picked["rid"].to_numpy(), name="rid"))


def segment_has(sub, descriptions) -> pd.Series:
    """Per property segment: whether any of its descriptions is in ``descriptions``."""
    frame = property_frame(sub)
    return np.logical_or.reduce([frame[c].isin(sorted(descriptions)) for c in columns_of(PROPERTY, "15")])


def count_of(frame: pd.DataFrame, columns, values) -> pd.Series:
    return sum(frame[c].isin(sorted(values)).astype(int) for c in columns)


def filled(frame: pd.DataFrame, columns) -> pd.Series:
    return sum((frame[c] != "").astype(int) for c in columns)


def detail_columns(elements=DETAIL_ELEMENTS) -> list[str]:
    return [c for e in elements for c in columns_of(PROPERTY, e)]


register_incident_number_edits(PROPERTY, "315", "316", "317")


# ---------------------------------------------------------------------------------------
# 301 conditional mandatories, 302 numeric format, 305 date range, 306 duplicates


@rule("301", level=PROPERTY)
def conditional_field_missing(sub, ctx):
    """A property field that the other entries make mandatory is blank:
    the value (data element 16) of a described item (blank is accepted only for the codes
    that take a zero value, for pending inventory and for drugs); the date recovered
    (data element 17) of each item of a recovered (loss type 5) segment; the suspected drug
    type (data element 20) of drugs (10) seized (loss type 6) in a drug/narcotic violation.
    Enter the missing value.
    """
    items = property_items(sub)
    described = (items["description"] != "") & items["loss"].isin(DETAILS)
    exempt = sorted(blank_value_accepted() | fixed_value_descriptions() | {role("drugs")})
    no_value = described & (items["value"] == "") & ~items["description"].isin(exempt)
    no_date = described & (items["loss"] == RECOVERED) & (items["date"] == "")
    frame = property_frame(sub)
    no_drug = (
        frame["unit"].isin(units_with(sub, narcotics())) & (frame["de14"] == SEIZED)
        & segment_has(sub, {role("drugs")}) & (filled(frame, columns_of(PROPERTY, "20")) == 0)
    )
    return hits_frame([item_hits(items, no_value, "16"), item_hits(items, no_date, "17"),
                       column_hits(frame, no_drug, "de20_1")])


@rule("302", level=PROPERTY)
def not_numeric(sub, ctx):
    """A numeric property field holds something other than digits, or is not zero-filled on
    the left: value of property (data element 16) is nine digits (000000250 for $250), the
    numbers of stolen and recovered vehicles (18, 19) two digits (01), and the estimated drug
    quantity (21) twelve digits, nine for whole units and three for thousandths
    (000000028500 for 28.5). Re-enter the number in that form.
    """
    frame = property_frame(sub)
    parts = []
    for column in columns_of(PROPERTY, "16"):
        bad = (frame[column] != "") & ~frame[column].str.fullmatch(r"\d{9}")
        parts.append(column_hits(frame, bad, column))
    for column in columns_of(PROPERTY, "18") + columns_of(PROPERTY, "19"):
        bad = (frame[column] != "") & ~frame[column].str.fullmatch(r"\d{2}")
        parts.append(column_hits(frame, bad, column))
    for column in columns_of(PROPERTY, "21"):
        # Whole units (9) then thousandths (3); either part may be left blank.
        padded = frame[column].str.pad(12, side="right")
        bad = (frame[column] != "") & ~padded.str.fullmatch(r"(\d{9}| {9})(\d{3}| {3})")
        parts.append(column_hits(frame, bad, column))
    return hits_frame(parts)


@rule("305", level=PROPERTY)
def date_recovered_out_of_range(sub, ctx):
    """The date recovered (data element 17) is after the month of submission or before the
    incident date on the administrative segment. Property cannot be recovered before the
    incident happened nor after the month the file reports. Correct the date (an invalid
    calendar date is reported under this number too).
    """
    items = property_items(sub)
    frame = property_frame(sub)
    month_end = (submission_month_start(frame) + pd.offsets.MonthEnd(0)).reindex(items["rid"]).to_numpy()
    incident = dates(on_unit_admin(sub, frame, "de3_date")).reindex(items["rid"]).to_numpy()
    recovered = dates(items["date"]).to_numpy()
    late = recovered > month_end
    early = recovered < incident
    mask = pd.Series(late | early, index=items.index)
    detail = np.where(late, "after the month of submission", "before the incident date")
    return item_hits(items, mask, "17", detail=pd.Series(detail, index=items.index))


def _drug_categories(frame: pd.DataFrame, k: int) -> pd.Series:
    return frame[f"de22_{k}"].map(measurements()["category"]).fillna("")


@rule("306", level=PROPERTY)
def duplicate_code_in_property_field(sub, ctx):
    """The same code appears twice in one property segment: a property description (data
    element 15) may be used once per segment (put the combined value on one entry), and a
    suspected drug type (data element 20) once, unless the two entries are measured in
    different ways (for example by weight and by dosage units). U = Unknown may only be
    entered once. Remove or merge the repeated entry.
    """
    frame = property_frame(sub)
    parts = []
    descriptions = columns_of(PROPERTY, "15")
    for j, later in enumerate(descriptions):
        for earlier in descriptions[:j]:
            parts.append(column_hits(frame, (frame[later] != "") & (frame[later] == frame[earlier]), later))
    for j in DRUG_SLOTS:
        for i in range(1, j):
            later, earlier = frame[f"de20_{j}"], frame[f"de20_{i}"]
            ci, cj = _drug_categories(frame, i), _drug_categories(frame, j)
            measured_apart = (ci != "") & (cj != "") & (ci != cj) & (later != UNKNOWN_DRUG)
            parts.append(column_hits(frame, (later != "") & (later == earlier) & ~measured_apart, f"de20_{j}"))
    return hits_frame(parts)


# ---------------------------------------------------------------------------------------
# Values


@rule("351", level=PROPERTY, data_element="16")
def zero_value_not_allowed(sub, ctx):
    """The value of property (data element 16) is zero, but only credit/debit cards (09),
    nonnegotiable instruments (22), documents (48), identity documents (65), identity (66) and
    other (77) can have a zero value. Enter the value in whole dollars; if it is unknown, enter
    1 (000000001).
    """
    items = property_items(sub)
    mask = (items["description"] != "") & (items["value"] == ZERO_VALUE) & ~items["description"].isin(sorted(blank_value_accepted()))
    return item_hits(items, mask, "16")


@rule("353", level=PROPERTY, data_element="16")
def pending_inventory_value(sub, ctx):
    """Property described as 88 = Pending inventory must have the value 1 (000000001) until
    the inventory is done; then send the real descriptions and values. Correct the value or
    the description.
    """
    items = property_items(sub)
    fixed = description_rules()["fixed_value"]
    fixed = fixed[fixed != ""]
    required = items["description"].map(fixed)
    mask = required.notna() & (items["value"] != required)
    return item_hits(items, mask, "16")


@rule("354", level=PROPERTY, data_element="16")
def value_without_description(sub, ctx):
    """A value of property (data element 16) was entered without a property description
    (data element 15) in the same position. Enter the description that goes with the value,
    or remove the value.
    """
    items = property_items(sub)
    return item_hits(items, (items["value"] != "") & (items["description"] == ""), "16")


@rule("391", level=PROPERTY, data_element="16")
def value_must_be_zero(sub, ctx):
    """Credit/debit cards (09), nonnegotiable instruments (22), personal or business documents
    (48), identity documents (65) and identity (66) have no dollar value in NIBRS: their value
    (data element 16) must be zero (or blank). Enter 000000000, or correct the description.
    """
    items = property_items(sub)
    required = sorted(descriptions_where("zero_value", "required"))
    mask = items["description"].isin(required) & (items["value"] != "") & (items["value"] != ZERO_VALUE)
    return item_hits(items, mask, "16")


# ---------------------------------------------------------------------------------------
# Loss type and the details it needs


@rule("352", level=PROPERTY)
def details_with_no_loss(sub, ctx):
    """Loss type 8 = Unknown, or 1 = None, carries no property details: data elements 15-22
    must be blank. The one exception: with 1 = None in a drug/narcotic violation (35A) the
    suspected drug type (data element 20) is reported. Remove the details, or correct the
    loss type.
    """
    frame = property_frame(sub)
    drug_case = frame["unit"].isin(units_with(sub, narcotics())) & (frame["de14"] == NONE)
    parts = []
    for element in DETAIL_ELEMENTS:
        columns = columns_of(PROPERTY, element)
        applies = frame["de14"].isin(NO_DETAILS)
        if element == "20":
            applies &= ~drug_case
        first = frame[columns].ne("").idxmax(axis=1).where(frame[columns].ne("").any(axis=1))
        mask = applies & first.notna()
        parts.append(pd.DataFrame({"column": first[mask].to_numpy()}, index=frame.index[mask.to_numpy()]))
    return hits_frame(parts)


@rule("372", level=PROPERTY, column="de14")
def details_all_blank(sub, ctx):
    """Loss types 2 (burned), 3 (counterfeited/forged), 4 (destroyed/damaged/vandalized),
    5 (recovered), 6 (seized) and 7 (stolen) describe property, but every property detail of
    the segment (data elements 15-22) is blank. Enter what was burned, stolen, seized ... with
    its value, or use loss type 1 = None / 8 = Unknown.
    """
    frame = property_frame(sub)
    return frame["de14"].isin(DETAILS) & (filled(frame, detail_columns()) == 0)


@rule("375", level=PROPERTY, column="de15_1")
def description_missing(sub, ctx):
    """A segment with loss type 2, 3, 4, 5, 6 or 7 needs at least one property description
    (data element 15), and none was entered. Enter the description of each item next to its
    value. When every detail (data elements 15-22) is blank, 372 is raised as well: both
    conditions hold, and the FBI reports each.
    """
    frame = property_frame(sub)
    no_description = filled(frame, columns_of(PROPERTY, "15")) == 0
    return frame["de14"].isin(DETAILS) & no_description


@rule("376", level=PROPERTY, column="de14")
def duplicate_loss_type(sub, ctx):
    """Two property segments of the incident have the same loss type (data element 14).
    Put all property of one loss type (for example everything stolen) into one segment,
    up to ten descriptions, and remove the second segment.
    """
    frame = property_frame(sub)
    return (frame["de14"] != "") & frame.duplicated(["unit", "de14"], keep="first")


@rule("355", level=PROPERTY, data_element="17")
def date_without_recovery(sub, ctx):
    """A date recovered (data element 17) is only entered in a segment with loss type
    5 = Recovered. Move the recovered items to a loss type 5 segment, or remove the date.
    """
    items = property_items(sub)
    return item_hits(items, (items["date"] != "") & (items["loss"] != RECOVERED), "17")


@rule("356", level=PROPERTY, data_element="17")
def date_without_item(sub, ctx):
    """A date recovered (data element 17) was entered where the property description (15)
    or its value (16) is blank. Each recovery date belongs to a described item with its
    value: enter them, or remove the date.
    """
    items = property_items(sub)
    no_value = (items["value"] == "") & ~items["description"].isin(sorted(blank_value_accepted()))
    mask = (items["date"] != "") & ((items["description"] == "") | no_value)
    return item_hits(items, mask, "17")


# ---------------------------------------------------------------------------------------
# Motor vehicles


def _vehicle_context(sub):
    frame = property_frame(sub)
    completed_theft = frame["unit"].isin(units_with(sub, vehicle_theft(), COMPLETED))
    return frame, completed_theft


@rule("357", level=PROPERTY, column="de18")
def stolen_count_not_allowed(sub, ctx):
    """The number of stolen motor vehicles (data element 18) is only entered in the stolen
    property segment (loss type 7) of an incident with a completed motor vehicle theft (240).
    Remove the number, or correct the loss type or offense.
    """
    frame, completed_theft = _vehicle_context(sub)
    return (frame["de18"] != "") & ~((frame["de14"] == STOLEN) & completed_theft)


@rule("358", level=PROPERTY, column="de18")
def stolen_count_missing(sub, ctx):
    """A completed motor vehicle theft (240) needs the number of stolen motor vehicles (data
    element 18) in its stolen property segment (loss type 7): 01-99, or 00 if unknown.
    """
    frame, completed_theft = _vehicle_context(sub)
    return (frame["de14"] == STOLEN) & completed_theft & (frame["de18"] == "")


@rule("359", level=PROPERTY, column="de15_1")
def vehicle_count_without_vehicle(sub, ctx):
    """A number of stolen or recovered motor vehicles (data element 18 or 19) is entered in
    a motor vehicle theft (240), but none of the property descriptions is a vehicle
    (03 automobiles, 05 buses, 24 other motor vehicles, 28 recreational vehicles, 37 trucks).
    Describe the vehicles, or remove the count.
    """
    frame = property_frame(sub)
    counted = frame["de18"].str.fullmatch(r"0[1-9]|[1-9]\d") | frame["de19"].str.fullmatch(r"0[1-9]|[1-9]\d")
    theft = frame["unit"].isin(units_with(sub, vehicle_theft()))
    return counted & theft & ~segment_has(sub, vehicle_codes())


@rule("360", level=PROPERTY, column="de19")
def recovered_count_not_allowed(sub, ctx):
    """The number of recovered motor vehicles (data element 19) is only entered in the
    recovered property segment (loss type 5) of an incident with a completed motor vehicle
    theft (240). Remove the number, or correct the loss type or offense.
    """
    frame, completed_theft = _vehicle_context(sub)
    return (frame["de19"] != "") & ~((frame["de14"] == RECOVERED) & completed_theft)


@rule("361", level=PROPERTY, column="de19")
def recovered_count_missing(sub, ctx):
    """Vehicles were recovered (loss type 5 with a vehicle description) in a completed motor
    vehicle theft (240), but the number of recovered motor vehicles (data element 19) is
    blank. Enter 01-99, or 00 if unknown.
    """
    frame, completed_theft = _vehicle_context(sub)
    return (frame["de14"] == RECOVERED) & completed_theft & segment_has(sub, vehicle_codes()) & (frame["de19"] == "")


def _fewer_than_vehicle_codes(sub, loss: str, column: str) -> pd.Series:
    frame = property_frame(sub)
    number = pd.to_numeric(frame[column].where(frame[column].str.fullmatch(r"\d{2}")), errors="coerce")
    vehicles = count_of(frame, columns_of(PROPERTY, "15"), vehicle_codes())
    return (frame["de14"] == loss) & (frame[column] != UNKNOWN_COUNT) & (number < vehicles).fillna(False)


@rule("388", level=PROPERTY, column="de18")
def stolen_count_too_low(sub, ctx):
    """More vehicle descriptions (03, 05, 24, 28, 37) were entered as stolen than the number
    of stolen motor vehicles (data element 18). Two vehicle codes mean at least 2 vehicles.
    Correct the number (00 if unknown) or the descriptions.
    """
    return _fewer_than_vehicle_codes(sub, STOLEN, "de18")


@rule("389", level=PROPERTY, column="de19")
def recovered_count_too_low(sub, ctx):
    """More vehicle descriptions (03, 05, 24, 28, 37) were entered as recovered than the
    number of recovered motor vehicles (data element 19). Correct the number (00 if unknown)
    or the descriptions.
    """
    return _fewer_than_vehicle_codes(sub, RECOVERED, "de19")


# ---------------------------------------------------------------------------------------
# Drugs


def _drug_frame(sub):
    frame = property_frame(sub)
    narcotics_units = frame["unit"].isin(units_with(sub, narcotics()))
    seized_drugs = narcotics_units & (frame["de14"] == SEIZED) & segment_has(sub, {role("drugs")})
    return frame, narcotics_units, seized_drugs


@rule("362", level=PROPERTY, data_element="20")
def over_three_needs_two_more(sub, ctx):
    """Suspected drug type X = Over 3 drug types (data element 20) stands for the rest of
    the drugs: the two most important drugs must be entered as drug types 1 and 2, with X
    as the third. Enter the two other drug types.
    """
    frame = property_frame(sub)
    too_few = filled(frame, columns_of(PROPERTY, "20")) < 3
    return hits_frame([column_hits(frame, too_few & (frame[c] == OVER_3_DRUG_TYPES), c) for c in columns_of(PROPERTY, "20")])


@rule("363", level=PROPERTY)
def over_three_with_quantity(sub, ctx):
    """With drug type X = Over 3 drug types (data element 20) the quantity (21) and
    measurement (22) in the same position must be blank: X has no single quantity. Remove
    them.
    """
    frame = property_frame(sub)
    parts = []
    for k in DRUG_SLOTS:
        over = frame[f"de20_{k}"] == OVER_3_DRUG_TYPES
        parts += [column_hits(frame, over & (frame[c] != ""), c) for c in (f"de21_{k}", f"de22_{k}")]
    return hits_frame(parts)


@rule("364", level=PROPERTY)
def quantity_or_measurement_missing(sub, ctx):
    """Drugs seized (loss type 6, description 10) in a drug/narcotic violation (35A) need,
    for each suspected drug type (data element 20) other than X, both the estimated quantity
    (21) and the type of measurement (22). Enter the missing one; if the drugs are at the
    laboratory, enter quantity 000000001000 with measurement XX = Not reported.
    """
    frame, _, seized_drugs = _drug_frame(sub)
    parts = []
    for k in DRUG_SLOTS:
        typed = seized_drugs & (frame[f"de20_{k}"] != "") & (frame[f"de20_{k}"] != OVER_3_DRUG_TYPES)
        parts += [column_hits(frame, typed & (frame[c] == ""), c) for c in (f"de21_{k}", f"de22_{k}")]
    return hits_frame(parts)


@rule("365", level=PROPERTY, data_element="20")
def drug_type_without_seizure(sub, ctx):
    """A suspected drug type (data element 20) was entered, but it is only reported for a
    drug/narcotic violation (35A) with either drugs (description 10) seized (loss type 6) or
    loss type 1 = None. For drugs stolen, burned and so on in other offenses, leave data
    elements 20-22 blank.
    """
    frame, narcotics_units, seized_drugs = _drug_frame(sub)
    allowed = seized_drugs | (narcotics_units & (frame["de14"] == NONE))
    return hits_frame([column_hits(frame, ~allowed & (frame[c] != ""), c) for c in columns_of(PROPERTY, "20")])


def _needs_partners(sub, element: str, partners: tuple[str, str]) -> pd.DataFrame:
    frame = property_frame(sub)
    parts = []
    for k in DRUG_SLOTS:
        lonely = (frame[f"de{element}_{k}"] != "") & ((frame[f"de{partners[0]}_{k}"] == "") | (frame[f"de{partners[1]}_{k}"] == ""))
        parts.append(column_hits(frame, lonely, f"de{element}_{k}"))
    return hits_frame(parts)


@rule("366", level=PROPERTY, data_element="21")
def quantity_without_type(sub, ctx):
    """An estimated drug quantity (data element 21) was entered without the suspected drug
    type (20) and the type of measurement (22) in the same position. Enter both, or remove
    the quantity.
    """
    return _needs_partners(sub, "21", ("20", "22"))


@rule("368", level=PROPERTY, data_element="22")
def measurement_without_type(sub, ctx):
    """A type of drug measurement (data element 22) was entered without the suspected drug
    type (20) and the estimated quantity (21) in the same position. Enter both, or remove
    the measurement.
    """
    return _needs_partners(sub, "22", ("20", "21"))


@rule("367", level=PROPERTY, data_element="22")
def plants_for_wrong_drug(sub, ctx):
    """Measurement NP = Number of plants (data element 22) only fits drug types that grow as
    plants: E = Marijuana, G = Opium, K = Other hallucinogens. Measure this drug another way
    (weight, capacity or dosage units), or correct the drug type.
    """
    frame = property_frame(sub)
    table = measurements()
    plant_rules = table[table["drug_types"] != ""]
    parts = []
    for k in DRUG_SLOTS:
        measure = frame[f"de22_{k}"]
        allowed = measure.map(plant_rules["drug_types"])
        pair = measure + "|" + frame[f"de20_{k}"]
        ok = pair.isin([f"{m}|{d}" for m, types in plant_rules["drug_types"].items() for d in types])
        parts.append(column_hits(frame, allowed.notna() & ~ok, f"de22_{k}"))
    return hits_frame(parts)


@rule("384", level=PROPERTY, data_element="21")
def lab_pending_quantity(sub, ctx):
    """Measurement XX = Not reported (data element 22) means the drugs are at the laboratory;
    the quantity (21) in the same position must then be 000000001000 (none). Enter that
    quantity, and update both fields when the laboratory result comes back.
    """
    frame = property_frame(sub)
    parts = []
    for k in DRUG_SLOTS:
        wrong = (frame[f"de22_{k}"] == NOT_REPORTED) & (frame[f"de21_{k}"] != NO_QUANTITY)
        parts.append(column_hits(frame, wrong, f"de21_{k}"))
    return hits_frame(parts)


@rule("382", level=PROPERTY, data_element="15")
def drugs_without_drug_offense(sub, ctx):
    """Drugs/narcotics (description 10) with a blank value are only reported for drugs
    seized in a drug/narcotic violation (35A). In any other offense the drugs need a value
    (data element 16): enter it, or add the 35A offense.
    """
    items = property_items(sub)
    no_drug_offense = ~items["unit"].isin(units_with(sub, narcotics()))
    mask = (items["description"] == role("drugs")) & (items["value"] == "") & no_drug_offense
    return item_hits(items, mask, "15")


@rule("383", level=PROPERTY, data_element="16")
def drug_value_not_blank(sub, ctx):
    """When the incident's only offense is a drug/narcotic violation (35A), the seized drugs
    (description 10) have no dollar value: data element 16 must be blank. Remove the value.
    """
    items = property_items(sub)
    only_narcotics = items["unit"].isin(units_with(sub, narcotics())) & ~items["unit"].isin(
        units_with_other_than(sub, narcotics()))
    mask = (items["description"] == role("drugs")) & (items["value"] != "") & only_narcotics
    return item_hits(items, mask, "16")


@rule("387", level=PROPERTY, data_element="15")
def seized_description_wrong_drug_offense(sub, ctx):
    """Seized property (loss type 6) does not match the only drug offense: with a
    drug/narcotic violation (35A) alone, drug equipment (11) needs a drug equipment violation
    (35B) as well; with a drug equipment violation (35B) alone, drugs (10) need a 35A as
    well. Add the missing offense, or correct the description.
    """
    items = property_items(sub)
    seized = items["loss"] == SEIZED
    parts = []
    for offense, other, description in ((narcotics(), drug_equipment(), role("drug_equipment")),
                                        (drug_equipment(), narcotics(), role("drugs"))):
        alone = items["unit"].isin(units_with(sub, offense)) & ~items["unit"].isin(
            units_with(sub, property_offenses() - offense))
        parts.append(item_hits(items, seized & alone & (items["description"] == description), "15"))
    return hits_frame(parts)


@rule("392", level=PROPERTY, column="de20_1")
def drug_type_missing_with_no_loss(sub, ctx):
    """A drug/narcotic violation (35A) with property loss type 1 = None (nothing seized)
    must still report the suspected drug type (data element 20). Enter the drug type.
    Not required when the incident has another offense besides 35A, or another property
    segment with drugs (10) seized.
    """
    frame, _, seized_drugs = _drug_frame(sub)
    only_narcotics = frame["unit"].isin(units_with(sub, narcotics())) & ~frame["unit"].isin(
        units_with_other_than(sub, narcotics()))
    seized_elsewhere = frame["unit"].isin(frame.loc[seized_drugs, "unit"])
    no_type = filled(frame, columns_of(PROPERTY, "20")) == 0
    return only_narcotics & (frame["de14"] == NONE) & no_type & ~seized_elsewhere


# ---------------------------------------------------------------------------------------
# 390: property description illogical for the offense (Table 3-27)


def _units_bypassing_390(sub) -> pd.Index:
    """Incidents with several property offenses, one or more of them outside Table 3-27."""
    codes = unit_offenses(sub)[["unit", "code"]].drop_duplicates()
    codes = codes[codes["code"].isin(sorted(property_offenses()))]
    per_unit = codes.assign(unlisted=~codes["code"].isin(sorted(illogical_offenses()))).groupby("unit")["unlisted"]
    mixed = (per_unit.size() >= 2) & (per_unit.sum() >= 1)
    return mixed.index[mixed.to_numpy()]


@rule("390", level=PROPERTY, data_element="15")
def illogical_description(sub, ctx):
    """The property description (data element 15) does not make sense for the offenses it
    is reported under: structures cannot be taken in a burglary or motor vehicle theft;
    aircraft, vehicles, structures, watercraft or a person's identity cannot be pocket-picked,
    purse-snatched or shoplifted; vehicles cannot be stolen in a theft from a building,
    coin machine or motor vehicle or in another larceny (that is a motor vehicle theft, 240).
    Stolen or recovered property must fit at least one offense of the incident that reports
    such a loss; when no offense of the incident reports stolen or recovered property at all
    (for example stolen property with an arson only), the segment is shown with a blank value,
    as the FBI's own Error Data Set does next to 081 (docs/spec-choices.md).
    The edit is bypassed when the incident has two or more property offenses and one of them
    is not in the table (section 3.3.4.2.1): 220 with 290, or 23C with 280, is not judged.
    Correct the description or the offense.
    """
    items = property_items(sub)
    items = items[items["loss"].isin([STOLEN, RECOVERED]) & (items["description"] != "")]
    items = items[~items["unit"].isin(_units_bypassing_390(sub))]
    # Offenses of each unit that report this loss type when completed (Table 3-27 covers
    # stolen and recovered property).
    offenses = unit_offenses(sub)[["unit", "code"]].drop_duplicates()
    pairs = loss_pairs()
    reporting = offenses.merge(pairs[pairs["ac"] == COMPLETED][["code", "loss"]], on="code")
    per_segment = items[["rid", "unit", "loss"]].drop_duplicates().merge(reporting, on=["unit", "loss"], how="left")
    per_segment["reports"] = per_segment["code"].notna()
    per_segment["unlisted"] = per_segment["reports"] & ~per_segment["code"].isin(sorted(illogical_offenses()))
    summary = per_segment.groupby("rid")[["reports", "unlisted"]].sum()
    # Where the incident has no property offense at all, 076 reports the segment instead.
    with_property_offense = property_frame(sub)["unit"].isin(units_with(sub, property_offenses()))
    no_offense = summary.index[(summary["reports"] == 0).to_numpy() & with_property_offense.reindex(summary.index).to_numpy()]
    checked = summary.index[(summary["reports"] > 0) & (summary["unlisted"] == 0)]
    # A description fails when it is illogical for every reporting offense of the segment.
    candidates = items[items["rid"].isin(checked)].merge(per_segment[["rid", "code"]], on="rid")
    candidates["illogical"] = (candidates["code"] + "|" + candidates["description"]).isin(sorted(illogical_pairs()))
    verdict = candidates.groupby(["rid", "k"])["illogical"].all()
    failing = verdict[verdict].reset_index()
    parts = [pd.DataFrame({"column": ("de15_" + failing["k"].astype(str)).to_numpy()},
                          index=pd.Index(failing["rid"].to_numpy(), name="rid"))]
    parts.append(pd.DataFrame({"column": "de15_1", "value": ""}, index=pd.Index(np.asarray(no_offense), name="rid")))
    return hits_frame(parts)

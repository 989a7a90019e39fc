"""Structure edits that tie offenses to property (spec section 5.2.1: 072-074, 076-078, 080, 081, 084).

Which loss types each offense allows when attempted or completed, and which offenses let
property be recovered without being stolen in the same incident, is
``schemas/property_loss_offenses.csv`` (from the 077/078/081 lists of the specification);
the offenses that take a property segment at all are the offenses of that table.
"""

from __future__ import annotations

import pandas as pd

from .. import spec
from .base import unit_of
from .offense import (
    ATTEMPTED, COMPLETED, RECOVERED, STOLEN, loss_pairs, offense_frame, property_losses,
    property_offenses, unit_offenses, units_with,
)
from .property import role
from .property_views import property_frame, property_items, vehicle_codes
from .registry import rule

VICTIM = 4
SOCIETY_VICTIM = "S"


def _losses_sent(sub) -> pd.DataFrame:
    """Distinct (unit, loss) pairs of the property segments."""
    frame = property_frame(sub)
    return pd.DataFrame({"unit": frame["unit"].to_numpy(), "loss": frame["de14"].to_numpy()}).drop_duplicates()


def _offense_property_hits(sub, ac: str) -> pd.DataFrame:
    """Offense segments with DE 7 = ``ac`` whose incident has property segments, none of a
    loss type the offense allows (077 for attempted, 078 for completed). An incident with no
    property segment at all is reported by 074 instead."""
    offenses = offense_frame(sub)
    frame = property_frame(sub)
    pairs = loss_pairs()[lambda p: p["ac"] == ac]
    subject = offenses[(offenses["de7"] == ac) & offenses["de6"].isin(sorted(property_offenses()))
                       & offenses["unit"].isin(frame["unit"])]
    allowed = pd.DataFrame({"rid": subject.index.to_numpy(), "unit": subject["unit"].to_numpy(),
                            "code": subject["de6"].to_numpy()}).merge(pairs, on="code")
    fitting = allowed.merge(_losses_sent(sub), on=["unit", "loss"])["rid"]
    failing = subject[~subject.index.isin(fitting)]
    if failing.empty:
        return None
    sent_by_failing = frame[frame["unit"].isin(failing["unit"])].sort_values("de14").drop_duplicates(["unit", "de14"])
    losses_sent = sent_by_failing.groupby("unit")["de14"].agg(",".join)
    needed = pairs.groupby("code")["loss"].agg(" or ".join)
    state = "attempted" if ac == ATTEMPTED else "completed"
    detail = (
        "offense " + failing["de6"] + " " + state + " needs loss type " + failing["de6"].map(needed).astype(str)
        + "; sent: " + failing["unit"].map(losses_sent).fillna("").astype(str)
    )
    return pd.DataFrame({"value": failing["de6"].to_numpy(), "detail": detail.to_numpy(), "on_record": False},
                        index=pd.Index(failing.index, name="rid"))


@rule("072", level=3, data_element="15")
def recovered_not_stolen(sub, ctx):
    """Property reported as recovered (loss type 5) must also be reported as stolen (loss
    type 7) in the same incident, with the same property description (data element 15).
    Exceptions: counterfeiting/forgery (250) and stolen property offenses (280), where
    property can be recovered that was never stolen here, and vehicle parts (38) recovered
    from a stolen vehicle. Add the item to the stolen property, or correct the description.
    """
    items = property_items(sub)
    items = items[items["description"] != ""]
    stolen = items[items["loss"] == STOLEN]
    recovered = items[items["loss"] == RECOVERED]
    table = property_losses()
    exempt_units = units_with(sub, table.index[table["recovered_without_theft"] == "Y"])
    stolen_pairs = stolen[["unit", "description"]].drop_duplicates()
    was_stolen = recovered.index.isin(recovered.reset_index().merge(stolen_pairs, on=["unit", "description"])["index"])
    vehicle_units = stolen.loc[stolen["description"].isin(sorted(vehicle_codes())), "unit"]
    parts_of_vehicle = (recovered["description"] == role("vehicle_parts")) & recovered["unit"].isin(vehicle_units)
    failing = recovered[~was_stolen & ~parts_of_vehicle & ~recovered["unit"].isin(exempt_units)]
    return pd.DataFrame({"column": ("de15_" + failing["k"].astype(str)).to_numpy()},
                        index=pd.Index(failing["rid"].to_numpy(), name="rid"))


@rule("073", level=3, column="de19")
def more_recovered_than_stolen(sub, ctx):
    """The number of recovered motor vehicles (data element 19) is larger than the number
    of stolen motor vehicles (data element 18) of the same incident. Only vehicles reported
    stolen can be recovered: correct one of the two numbers (00 = unknown skips the check).
    """
    frame = property_frame(sub)
    def count(column):
        return pd.to_numeric(frame[column].where(frame[column].str.fullmatch(r"\d{2}") & (frame[column] != "00")),
                             errors="coerce")
    stolen = count("de18")
    unknown_units = frame.loc[frame["de18"] == "00", "unit"]
    stolen_by_unit = stolen.groupby(frame["unit"]).max()
    stolen_here = frame["unit"].map(stolen_by_unit).fillna(0)
    recovered = count("de19")
    return (recovered > stolen_here).fillna(False) & ~frame["unit"].isin(unknown_units)


UNKNOWN_VALUE = 1  # a value of 000000001 means "unknown"; it cannot be compared


@rule("084", level=3, data_element="16")
def recovered_value_above_stolen(sub, ctx):
    """The value of property recovered (loss type 5) may not exceed the value of the same
    property (same description, data element 15) stolen in the incident (loss type 7).
    Recovered vehicle parts (38) are compared with the value of the stolen vehicles. Not
    checked for counterfeiting/forgery (250) and stolen property offenses (280), where
    property can be recovered that was never stolen here, nor where a value is unknown (1).
    Correct the stolen or the recovered value.
    """
    items = property_items(sub)
    items = items[items["description"] != ""]
    amount = pd.to_numeric(items["value"].where(items["value"].str.fullmatch(r"\d+")), errors="coerce")
    items = items.assign(amount=amount, comparable=amount.notna() & (amount != UNKNOWN_VALUE))
    stolen = items[items["loss"] == STOLEN]
    recovered = items[items["loss"] == RECOVERED]
    table = property_losses()
    exempt_units = units_with(sub, table.index[table["recovered_without_theft"] == "Y"])

    def ceiling(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        grouped = frame.groupby(keys)
        return pd.DataFrame({"stolen_value": grouped["amount"].sum(), "stolen_known": grouped["comparable"].all()})

    per_item = ceiling(stolen, ["unit", "description"])
    vehicles = stolen[stolen["description"].isin(sorted(vehicle_codes()))].assign(description=role("vehicle_parts"))
    by_vehicle = ceiling(vehicles, ["unit", "description"])
    limits = pd.concat([per_item, by_vehicle]).groupby(level=[0, 1]).agg({"stolen_value": "sum", "stolen_known": "all"})
    totals = recovered.groupby(["unit", "description"]).agg(recovered_value=("amount", "sum"),
                                                             recovered_known=("comparable", "all"))
    compared = totals.join(limits, how="inner")
    over = compared[compared["recovered_known"] & compared["stolen_known"]
                    & (compared["recovered_value"] > compared["stolen_value"])].reset_index()
    over = over[~over["unit"].isin(exempt_units)]
    failing = recovered.merge(over, on=["unit", "description"])
    detail = ("recovered " + failing["recovered_value"].astype("int64").astype(str)
              + ", stolen " + failing["stolen_value"].astype("int64").astype(str))
    return pd.DataFrame({"column": ("de16_" + failing["k"].astype(str)).to_numpy(), "detail": detail.to_numpy()},
                        index=pd.Index(failing["rid"].to_numpy(), name="rid"))


@rule("074", level=2)
def property_segment_missing(sub, ctx):
    """The incident has an offense that always reports property (kidnapping/abduction, a
    crime against property, a drug/narcotic or gambling offense), but no property segment
    (level 3). Send a property segment: with the property involved, or loss type 1 = None /
    8 = Unknown when the offense was attempted or nothing was taken.
    """
    offenses = offense_frame(sub)
    needs = offenses[offenses["de6"].isin(sorted(property_offenses()))]
    missing = needs[~needs["unit"].isin(property_frame(sub)["unit"])].drop_duplicates("unit")
    return pd.DataFrame({"value": missing["de6"].to_numpy(), "on_record": False,
                         "detail": ("offense " + missing["de6"]).to_numpy()},
                        index=pd.Index(missing.index, name="rid"))


@rule("076", level=3, data_element="")
def property_segment_not_allowed(sub, ctx):
    """A property segment (level 3) was sent, but no offense of the incident reports
    property: only kidnapping/abduction, crimes against property, drug/narcotic and gambling
    offenses do. Remove the property segment, or add the offense it belongs to.
    """
    frame = property_frame(sub)
    units = unit_offenses(sub)
    with_property_offense = units.loc[units["code"].isin(sorted(property_offenses())), "unit"]
    return pd.DataFrame({"column": "de14", "data_element": ""},
                        index=frame.index[~frame["unit"].isin(with_property_offense).to_numpy()])


@rule("077", level=3, data_element="14")
def attempted_offense_loss_type(sub, ctx):
    """An offense that reports property was attempted (data element 7 = A), but no property
    segment of the incident has loss type 1 = None or 8 = Unknown. An attempt takes nothing:
    send a property segment with loss type 1 or 8 for it (a completed offense in the same
    incident keeps its own segment).
    """
    return _offense_property_hits(sub, ATTEMPTED)


@rule("078", level=3, data_element="14")
def completed_offense_loss_type(sub, ctx):
    """A completed offense has no property segment with a loss type that fits it: arson
    needs 2 = Burned, counterfeiting 3, 5 or 6, vandalism 4 = Destroyed/damaged, theft,
    fraud, robbery, extortion and embezzlement 5 or 7, drug offenses 1 or 6, gambling
    6 = Seized, stolen property offenses 1 or 5, burglary, bribery and kidnapping 1, 5, 7 or
    8. Send the property segment of the fitting loss type, or correct the offense.
    """
    return _offense_property_hits(sub, COMPLETED)


@rule("080", level=VICTIM, column="de25")
def society_offense_victims(sub, ctx):
    """When every offense of the incident is a crime against society (drugs, gambling,
    pornography, prostitution, weapon law violations, animal cruelty), the incident has one
    victim only, and it is S = Society/Public (data element 25). Remove the other victims
    and code the victim S.
    """
    victims = sub.frames[VICTIM]
    unit = unit_of(sub, victims)
    offenses = unit_offenses(sub)
    table = spec.offenses()
    society = table.loc[table["crime_against"] == "Society", "code"]
    is_society = offenses["code"].isin(society)
    all_society = is_society.groupby(offenses["unit"]).all()
    units = all_society.index[all_society.to_numpy()]
    applies = unit.isin(units)
    extra = unit.duplicated(keep="first")
    return applies & ((victims["de25"] != SOCIETY_VICTIM) | extra)


@rule("081", level=3, column="de14")
def loss_type_not_valid_for_offenses(sub, ctx):
    """The property loss type (data element 14) fits none of the incident's offenses as they
    were reported (attempted or completed): for example 7 = Stolen needs a completed theft,
    robbery, burglary, fraud, embezzlement, extortion, bribery or kidnapping; 2 = Burned a
    completed arson; 1 = None or 8 = Unknown an attempted offense (or a completed burglary,
    bribery, kidnapping, drug or stolen property offense). Correct the loss type or the
    offense's attempted/completed code.
    """
    frame = property_frame(sub)
    offenses = unit_offenses(sub)
    with_property_offense = offenses.loc[offenses["code"].isin(sorted(property_offenses())), "unit"]
    fitting = offenses.merge(loss_pairs(), on=["code", "ac"])[["unit", "loss"]].drop_duplicates()
    keyed = pd.DataFrame({"rid": frame.index.to_numpy(), "unit": frame["unit"].to_numpy(), "loss": frame["de14"].to_numpy()})
    fits = frame.index.isin(keyed.merge(fitting, on=["unit", "loss"])["rid"])
    known_loss = frame["de14"].isin(sorted(spec.valid_codes("14")))
    # Incidents with no property offense at all are reported by 076 instead.
    failing = known_loss & frame["unit"].isin(with_property_offense) & ~fits
    return pd.DataFrame({"column": "de14", "on_record": False}, index=frame.index[failing.to_numpy()])

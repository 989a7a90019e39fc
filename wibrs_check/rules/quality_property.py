"""Data-quality warnings on property segments (spec 5.2.10, 1302-1343).

Warnings are shown and counted but never reject an incident. Code lists: schemas/quality_*.csv.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .quality import (
    dollars, first_hit, hits, live, offenses, param_list, property_warning, units_with_all,
    value_thresholds, value_warning,
)
from .registry import rule


@rule("1302", level=3)
def arson_other_property_high_value(sub, ctx):
    """In an arson (200) the burned property (loss type 2) is coded 77 = Other with a value
    of $10,000 or more. Large losses are usually a building, vehicle or equipment that has
    its own description code. Describe the property with the specific codes (up to ten per
    property segment) and keep 77 for the small remainder.
    """
    return property_warning(sub, "1302")


@rule("1304", level=3)
def larceny_aircraft(sub, ctx):
    """A larceny-theft (23A-23H) reports 01 = Aircraft as stolen property (data element 15).
    Aircraft are almost never taken in a simple theft. Check the property description and
    the offense.
    """
    return property_warning(sub, "1304")


@rule("1305", level=3)
def coin_machine_improbable_property(sub, ctx):
    """A theft from a coin-operated machine (23E) reports stolen property that cannot come
    out of such a machine (data element 15), for example vehicles, firearms, livestock,
    structures, building materials or identity documents. Check the property description
    and the offense.
    """
    return property_warning(sub, "1305")


@rule("1306", level=3)
def larceny_structure(sub, ctx):
    """A larceny-theft (23A-23H) reports a structure (29-33: dwellings, commercial,
    industrial or public buildings) as stolen property (data element 15). Buildings are
    rarely stolen; theft from a building is 23D with the items taken as the property.
    Check the property description.
    """
    return property_warning(sub, "1306")


@rule("1307", level=3)
def property_description_99(sub, ctx):
    """Data element 15 (property description) is 99, a special code the FBI keeps in reserve
    for tracking theft fads and does not use now (it also fails the valid-code edit). Enter
    the description that fits, or 77 = Other.
    """
    return value_warning(sub, "1307")


@rule("1308", level=3, column="de18")
def many_vehicles_stolen(sub, ctx):
    """The number of stolen motor vehicles (data element 18) is more than five. That is
    possible (a dealer's lot) but often a typing error or the value field entered in the
    wrong place. Verify the count.
    """
    return value_warning(sub, "1308")


@rule("1310", level=3)
def credit_card_stolen_in_fraud(sub, ctx):
    """A credit card/ATM fraud (26B) reports 09 = Credit/Debit Cards as stolen property
    (data element 15). The fraud offense counts the use of the card: report what was
    obtained with it (money, merchandise), not the card itself; a theft of the card is a
    separate larceny.
    """
    return property_warning(sub, "1310")


@rule("1312", level=3)
def vehicle_theft_radios(sub, ctx):
    """A theft from a motor vehicle (23F) or of motor vehicle parts/accessories (23G)
    reports 26 = Radios/TVs/VCRs as stolen. A radio built into the vehicle is a part or
    accessory (38); a portable radio, TV or player left in the car fits 23F. Check the
    offense and the property description.
    """
    return property_warning(sub, "1312")


@rule("1314", level=3, column="de14")
def drug_equipment_possessed_but_no_loss(sub, ctx):
    """A drug equipment violation (35B) has criminal activity P = Possessing/Concealing
    (data element 12), but its property segment says 1 = None in data element 14. Equipment
    someone possessed is normally seized (6) or recovered (5). Check the type of property
    loss.
    """
    frame = live(sub, 3)
    offense = offenses(sub)
    possessing = pd.Series(False, index=offense.index)
    for k in range(1, 4):
        possessing |= offense[f"de12_{k}"].isin(param_list("1314", "activity"))
    units = offense.loc[(offense["de6"].isin(param_list("1314", "offenses")) & possessing).to_numpy(), "unit"].unique()
    flagged = frame["de14"].isin(param_list("1314", "loss")) & frame["unit"].isin(units)
    return hits(frame.index[flagged.to_numpy()], "de14")


@rule("1316", level=3)
def drug_dosage_units(sub, ctx):
    """Crack, cocaine or marijuana (data element 20 = A, B or E) is measured in DU = Dosage
    Units (data element 22). These drugs are normally weighed (GM, KG, OZ, LB); marijuana
    plants can be counted with NP. Check the measurement and quantity.
    """
    frame = live(sub, 3)
    masks = {
        f"de22_{k}": frame[f"de20_{k}"].isin(param_list("1316", "drugs"))
        & frame[f"de22_{k}"].isin(param_list("1316", "measurement"))
        for k in range(1, 4)
    }
    return first_hit(masks, frame.index)


@rule("1342", level=3)
def property_value_over_threshold(sub, ctx):
    """A value of property (data element 16) is $1,000,000 or more. Such values are often a
    typing slip, such as cents entered as dollars ($12,000.99 sent as 001200099). Check the
    value; if it is right, nothing needs to change. (The FBI also has lower per-description
    thresholds it does not publish; a state can add its own in
    schemas/quality_value_thresholds.csv.)
    """
    frame = live(sub, 3)
    limits, default = value_thresholds()
    masks, limit_of = {}, {}
    for k in range(1, 11):
        limit = frame[f"de15_{k}"].map(limits).fillna(default).astype(float)
        masks[f"de16_{k}"] = (dollars(frame[f"de16_{k}"]) >= limit).fillna(False).astype(bool)
        limit_of[f"de16_{k}"] = limit
    found = first_hit(masks, frame.index)
    if not len(found):
        return found
    position = pd.Series(range(len(masks)), index=list(masks)).reindex(found["column"]).to_numpy()
    chosen = pd.DataFrame(limit_of).reindex(found.index).to_numpy()[np.arange(len(found)), position]
    found["detail"] = "threshold $" + pd.Series(chosen.astype(np.int64), index=found.index).astype(str)
    return found


@rule("1343", level=3)
def recovered_vehicle_never_stolen(sub, ctx):
    """The incident holds stolen property offenses (280) and a motor vehicle theft (240),
    and a vehicle (05, 24, 28 or 37) is recovered (loss type 5), but no property segment
    shows a vehicle stolen (loss type 7). If a vehicle was stolen, add the stolen vehicle
    too so both the theft and the recovery are counted.
    """
    frame = live(sub, 3)
    vehicles = param_list("1343", "vehicles")
    frame = frame[frame["unit"].isin(units_with_all(sub, param_list("1343", "offenses"))).to_numpy()]
    vehicle_any = pd.Series(False, index=frame.index)
    for k in range(1, 11):
        vehicle_any |= frame[f"de15_{k}"].isin(vehicles)
    stolen_units = frame.loc[(frame["de14"].isin(param_list("1343", "stolen")) & vehicle_any).to_numpy(), "unit"].unique()
    recovered = frame[(frame["de14"].isin(param_list("1343", "recovered")) & ~frame["unit"].isin(stolen_units)).to_numpy()]
    masks = {f"de15_{k}": recovered[f"de15_{k}"].isin(vehicles) for k in range(1, 11)}
    return first_hit(masks, recovered.index)

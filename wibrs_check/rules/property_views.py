"""The property segment as the offense and property edits both read it: the property
description table and the segment's views. Below both rule modules, so that neither imports the
other's rule module for a shared helper."""

from __future__ import annotations

from functools import cache

import pandas as pd

from .. import spec
from ..model import Submission
from .base import unit_of

PROPERTY = 3
SLOTS = range(1, 11)  # property description / value / date recovered occurrences


@cache
def description_rules() -> pd.DataFrame:
    return spec.read_table("property_description_rules.csv").set_index("code", drop=False)


@cache
def descriptions_where(column: str, value: str = "Y") -> frozenset[str]:
    table = description_rules()
    return frozenset(table.loc[table[column] == value, "code"])


def vehicle_codes() -> frozenset[str]:
    return descriptions_where("vehicle")


def property_frame(sub: Submission) -> pd.DataFrame:
    def build(_):
        frame = sub.frames[PROPERTY]
        return frame.assign(unit=unit_of(sub, frame).to_numpy())

    return sub.derived("property_frame", build)


def property_items(sub: Submission) -> pd.DataFrame:
    """Long form of the description/value/date triples: one row per occurrence k (1-10)
    with rid, unit, loss, k, description, value, date and their layout column names."""

    def build(_):
        frame = property_frame(sub)
        parts = []
        for k in SLOTS:
            parts.append(pd.DataFrame({
                "rid": frame.index.to_numpy(), "unit": frame["unit"].to_numpy(), "loss": frame["de14"].to_numpy(),
                "k": k, "description": frame[f"de15_{k}"].to_numpy(), "value": frame[f"de16_{k}"].to_numpy(),
                "date": frame[f"de17_{k}"].to_numpy(),
            }))
        items = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["rid", "unit", "loss", "k", "description", "value", "date"])
        items["k"] = items["k"].astype(int)
        return items.sort_values(["rid", "k"], kind="stable").reset_index(drop=True)

    return sub.derived("property_items", build)

"""Spec facts read from the CSV/YAML tables in ``wibrs_check/schemas``.

Everything the FBI specification fixes (field positions, segment lengths, valid codes,
offense attributes, the edit catalog) lives in those tables; this module only loads them,
once, and offers small typed accessors. Code elsewhere asks this module instead of
restating a fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import pandas as pd

LEVELS = (0, 1, 2, 3, 4, 5, 6, 7)
LEVEL_NAMES = {
    0: "zero report",
    1: "administrative",
    2: "offense",
    3: "property",
    4: "victim",
    5: "offender",
    6: "arrestee",
    7: "Group B arrest",
}
# Header columns every segment shares (positions 1-37).
HEADER_COLUMNS = ("seg_length", "seg_level", "action", "sub_month", "sub_year", "city", "ori", "incident")
# The FBI Error Data Set (spec 6.9): record length, and the ORI of its closing record.
EDS_RECORD_LENGTH = 146
EDS_TRAILER_ORI = "999999999"


def schema_path(name: str):
    return files("wibrs_check") / "schemas" / name


def read_table(name: str) -> pd.DataFrame:
    """Read one schema CSV with every cell as text (codes such as '01' keep their zeros)."""
    with schema_path(name).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class Field:
    level: int
    column: str
    data_element: str
    start: int  # 1-based, inclusive, as printed in the specification
    end: int
    description: str

    @property
    def width(self) -> int:
        return self.end - self.start + 1


@cache
def layout(level: int) -> tuple[Field, ...]:
    table = read_table("layouts.csv")
    rows = table[table["level"] == str(level)]
    return tuple(
        Field(level, r.column, r.data_element, int(r.start), int(r.end), r.description)
        for r in rows.itertuples(index=False)
    )


@cache
def field(level: int, column: str) -> Field:
    for candidate in layout(level):
        if candidate.column == column:
            return candidate
    raise KeyError(f"level {level} has no column {column!r}")


# The fields every segment starts with (for level 7, ``incident`` is the arrest transaction number).
_HEADER_COLUMNS = frozenset({"seg_length", "seg_level", "action", "sub_month", "sub_year", "city", "ori", "incident"})


@cache
def mandatory_end(level: int) -> int:
    """The last position of the fields a segment of ``level`` must always carry.

    A record that stops after this position lost at most optional trailing fields (often just
    blanks a records system dropped); one that stops before it cannot be a whole segment.
    """
    required = read_table(f"elements/level{level}.csv")
    columns = set(required.loc[required["mandatory"] == "always", "column"])
    header_end = max(f.end for f in layout(level) if f.column in _HEADER_COLUMNS)
    return max([header_end] + [f.end for f in layout(level) if f.column in columns])


def data_element_of(level: int, column: str) -> str:
    return field(level, column).data_element


@cache
def segment_lengths() -> pd.DataFrame:
    table = read_table("segment_lengths.csv")
    table["level"] = table["level"].astype(int)
    table["length"] = table["length"].astype(int)
    return table


@cache
def valid_lengths(level: int) -> frozenset[int]:
    table = segment_lengths()
    return frozenset(table.loc[table["level"] == level, "length"])


@cache
def current_length(level: int) -> int:
    table = segment_lengths()
    return int(table.loc[(table["level"] == level) & (table["generation"] == "extended"), "length"].iloc[0])


@cache
def length_generation() -> dict[tuple[int, int], str]:
    table = segment_lengths()
    return {(int(r.level), int(r.length)): r.generation for r in table.itertuples(index=False)}


@cache
def codes() -> pd.DataFrame:
    return read_table("codes.csv")


@cache
def valid_codes(data_element: str) -> frozenset[str]:
    table = codes()
    return frozenset(table.loc[table["data_element"] == data_element, "code"])


@cache
def code_label(data_element: str, code: str) -> str:
    table = codes()
    hit = table[(table["data_element"] == data_element) & (table["code"] == code)]
    return hit["description"].iloc[0] if len(hit) else ""


@cache
def offenses() -> pd.DataFrame:
    return read_table("offenses.csv").set_index("code", drop=False)


@cache
def group_a_offenses() -> frozenset[str]:
    table = offenses()
    return frozenset(table.loc[table["group"] == "A", "code"])


@cache
def group_b_offenses() -> frozenset[str]:
    table = offenses()
    return frozenset(table.loc[table["group"] == "B", "code"])


@cache
def edit_catalog() -> pd.DataFrame:
    """The edit catalog: every numbered FBI edit plus our own codes, one row per code."""
    table = read_table("edits.csv")
    own = own_codes()
    table = pd.concat([table, own], ignore_index=True)
    return table.set_index("code", drop=False)


@cache
def own_codes() -> pd.DataFrame:
    """Codes that are ours (reader findings, trafficking flags, gap and SBR signals).

    Each family keeps its codes in its own ``own_codes*.csv``; together they form one table.
    """
    names = sorted(p.name for p in schema_path("").iterdir() if p.name.startswith("own_codes") and p.name.endswith(".csv"))
    return pd.concat([read_table(name) for name in names], ignore_index=True)


def layout_generation(records: pd.DataFrame) -> pd.Series:
    """'extended' or 'short' for levels whose length tells the 2019.1 layout variant, else ''."""
    lengths = segment_lengths()
    choice_levels = lengths.loc[lengths["generation"] == "short", "level"].unique()
    table = lengths[lengths["level"].isin(choice_levels)].assign(level=lambda t: t["level"].astype(str))
    keyed = pd.DataFrame({"level": records["level"].astype(str),
                          "length": records["length_declared"].fillna(-1).astype(int)})
    merged = keyed.merge(table[["level", "length", "generation"]], on=["level", "length"], how="left")
    return pd.Series(merged["generation"].fillna("").to_numpy(), index=records.index)


def lay_out_record(level: int, values: dict[str, str], length: int | None = None) -> str:
    """One fixed-width record of ``level``: each value at its layout position, unknown columns
    raise, missing ones are blank; the segment length and level are filled in (a
    ``seg_length`` among ``values`` wins). ``length`` picks the declared segment length
    (for example 129 for an older victim segment); fields past it are left out."""
    length = length or current_length(level)
    fields = {f.column: f for f in layout(level)}
    unknown = set(values) - set(fields)
    if unknown:
        raise KeyError(f"level {level} has no columns {sorted(unknown)}")
    merged = {**values, "seg_length": f"{length:04d}", "seg_level": str(level)}
    if "seg_length" in values:
        merged["seg_length"] = values["seg_length"]
    chars = [" "] * max(length, max(f.end for f in fields.values()))
    for column, value in merged.items():
        f = fields[column]
        text = str(value)[: f.width].ljust(f.width)
        chars[f.start - 1 : f.end] = text
    return "".join(chars[:length])

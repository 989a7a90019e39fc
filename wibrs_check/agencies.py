"""The agency master file: one row per ORI the state program knows, read from CSV.

``load_agencies(path)`` reads the file into a DataFrame with our column names (see
``COLUMNS``). Header names are matched case-insensitively, blanks and hyphens count as
underscores, and the names used by the FBI Crime Data Explorer agency lists (for example
``agency_name``, ``counties``) are accepted as aliases. Other columns are ignored.

Only ``ori`` is required. A missing optional column is not an error: the edits that need it
report "not checked" (``unchecked_edits``). A file that cannot be used raises
:class:`AgencyFileError` naming the file, line and column, which the command line prints
without a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import numpy as np
import pandas as pd

# Our column names, in the order they are documented (schemas/README-groupb-zero-agency.md).
COLUMNS = (
    "ori", "name", "county", "nibrs_start_date", "status", "inactive_date",
    "covered_by", "covered_by_date", "federal",
)
DATE_COLUMNS = ("nibrs_start_date", "inactive_date", "covered_by_date")

# Accepted header names per column (after normalising case, blanks and hyphens).
ALIASES: dict[str, tuple[str, ...]] = {
    "ori": ("ori", "ori9", "agency_ori"),
    "name": ("name", "agency_name", "pub_agency_name"),
    "county": ("county", "counties", "county_name"),
    "nibrs_start_date": ("nibrs_start_date", "ibr_start_date", "nibrs_date"),
    "status": ("status", "agency_status"),
    "inactive_date": ("inactive_date", "ori_inactive_date"),
    "covered_by": ("covered_by", "covered_by_ori"),
    "covered_by_date": ("covered_by_date", "covered_date"),
    "federal": ("federal", "is_federal"),
}
# When there is no federal column, an agency type column (as in FBI agency lists, where the
# type of a federal agency is "Federal") tells which agencies are federal.
AGENCY_TYPE_HEADERS = ("agency_type", "agency_type_name")

STATUS_VALUES = {
    "active": "active", "inactive": "inactive", "historical": "historical",
    "covered": "covered", "covered_by": "covered", "deleted": "deleted", "delete": "deleted",
}
TRUE_WORDS = {"true", "t", "yes", "y", "1"}
FALSE_WORDS = {"false", "f", "no", "n", "0", ""}

# Which agency columns each edit reads; an edit runs when any one of its sets is present.
EDIT_COLUMNS: dict[str, tuple[frozenset[str], ...]] = {
    "059": (frozenset({"federal"}),),
    "093": (frozenset({"nibrs_start_date"}),),
    "096": (frozenset({"covered_by"}),),
    "118": (frozenset({"inactive_date"}),),
    "173": (frozenset({"nibrs_start_date"}),),
    "618": (frozenset({"inactive_date"}),),
    "718": (frozenset({"inactive_date"}),),
    "720": (frozenset({"nibrs_start_date"}),),
    "930": (frozenset({"status"}),),
    "931": (frozenset({"ori"}),),
    "932": (frozenset({"ori"}),),
    "933": (frozenset({"covered_by"}), frozenset({"status"})),
    "934": (frozenset({"status"}),),
}

_ORI = re.compile(r"[A-Z0-9]{9}")


class AgencyFileError(click.ClickException):
    """The agency master file cannot be used; the message names file, line and column."""

    def __init__(self, path, message: str, line: int | None = None, column: str | None = None):
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"agency file {where}: {message}")
        self.path, self.line, self.column = str(path), line, column


def _normal(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(header).strip().lower())


def load_agencies(path) -> pd.DataFrame:
    """Read a CSV agency master file into a DataFrame with the columns of ``COLUMNS`` it has.

    Text columns are stripped text, dates are ``datetime64`` (blank = NaT), ``federal`` is
    boolean and ``status`` is one of active, inactive, historical, covered, deleted or "".
    ``df.attrs["source"]`` holds the path and ``df.attrs["line"]`` the file line of each row.
    """
    path = Path(path)
    raw = _read_csv(path)
    headers = {_normal(h): h for h in raw.columns}
    picked: dict[str, str] = {}
    for column in COLUMNS:
        for alias in ALIASES[column]:
            if alias in headers:
                picked[column] = headers[alias]
                break
    if "ori" not in picked:
        raise AgencyFileError(path, f"no ORI column; the header must name one of {', '.join(ALIASES['ori'])}", line=1)
    lines = pd.Series(np.arange(len(raw)) + 2, index=raw.index)  # the header is line 1
    out = pd.DataFrame(index=raw.index)
    for column, source in picked.items():
        values = raw[source].fillna("").astype(str).str.strip()
        if column == "ori":
            out[column] = _ori(path, values.str.upper(), lines, source)
        elif column == "covered_by":
            out[column] = values.str.upper()
        elif column in DATE_COLUMNS:
            out[column] = _dates(path, values, lines, source)
        elif column == "status":
            out[column] = _status(path, values, lines, source)
        elif column == "federal":
            out[column] = _boolean(path, values, lines, source)
        else:
            out[column] = values
    if "federal" not in out.columns:
        type_header = next((headers[h] for h in AGENCY_TYPE_HEADERS if h in headers), None)
        if type_header is not None:
            out["federal"] = raw[type_header].fillna("").astype(str).str.strip().str.lower().eq("federal")
    out = out[[c for c in COLUMNS if c in out.columns]].reset_index(drop=True)
    out.attrs["source"] = str(path)
    out.attrs["line"] = lines.to_numpy()
    return out


def agency_columns_present(df: pd.DataFrame | None) -> set[str]:
    """The columns of ``COLUMNS`` this loaded agency file provides."""
    if df is None:
        return set()
    return {c for c in COLUMNS if c in df.columns}


def unchecked_edits(df: pd.DataFrame | None) -> dict[str, str]:
    """Edits that cannot run on this agency file, with what is missing (for "not checked")."""
    present = agency_columns_present(df)
    out = {}
    for code, options in EDIT_COLUMNS.items():
        if not any(option <= present for option in options):
            missing = " or ".join("/".join(sorted(o)) for o in options)
            out[code] = f"the agency file's {missing} column"
    return out


def has_columns(ctx, code: str) -> bool:
    """True when the context's agency file has what ``code`` needs (rules return nothing otherwise)."""
    if ctx is None or ctx.agencies is None:
        return False
    present = agency_columns_present(ctx.agencies)
    return any(option <= present for option in EDIT_COLUMNS[code])


def by_ori(df: pd.DataFrame) -> pd.DataFrame:
    """One row per ORI (the first one when the file lists an ORI twice), indexed by ORI."""
    return df.drop_duplicates("ori").set_index("ori", drop=False)


# ---------------------------------------------------------------------------------------
# Reading and validating


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise AgencyFileError(path, "file not found")
    if path.is_dir():
        raise AgencyFileError(path, "is a folder, not a CSV file")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True)
    except UnicodeDecodeError:
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="latin-1", skipinitialspace=True)
        except Exception as exc:  # noqa: BLE001 - reported to the user as a file problem
            raise AgencyFileError(path, f"cannot be read as CSV ({exc})") from None
    except pd.errors.EmptyDataError:
        raise AgencyFileError(path, "is empty; it needs a header line naming at least an ori column") from None
    except pd.errors.ParserError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise AgencyFileError(path, f"is not a well-formed CSV file ({exc})",
                              line=int(line.group(1)) if line else None) from None
    except OSError as exc:
        raise AgencyFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not len(raw.columns):
        raise AgencyFileError(path, "has no header line")
    return raw


def _first_bad(path, bad: pd.Series, values: pd.Series, lines: pd.Series, column: str, what: str):
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        count = int(bad.sum())
        more = f" ({count - 1} more rows have the same problem)" if count > 1 else ""
        raise AgencyFileError(path, f"{values.iloc[first]!r} {what}{more}", line=int(lines.iloc[first]), column=column)


def _ori(path, values: pd.Series, lines: pd.Series, column: str) -> pd.Series:
    _first_bad(path, values == "", values, lines, column, "is blank; every row needs the agency's ORI")
    shaped = values.str.fullmatch(_ORI.pattern).fillna(False).astype(bool)
    _first_bad(path, ~shaped, values, lines, column, "is not a nine-character ORI (letters A-Z and digits)")
    return values


def _dates(path, values: pd.Series, lines: pd.Series, column: str) -> pd.Series:
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    for fmt, pattern in (("%Y-%m-%d", r"\d{4}-\d{1,2}-\d{1,2}"), ("%Y%m%d", r"\d{8}"),
                         ("%m/%d/%Y", r"\d{1,2}/\d{1,2}/\d{4}")):
        shaped = values.str.fullmatch(pattern).fillna(False).astype(bool)
        if shaped.any():
            parsed[shaped] = pd.to_datetime(values[shaped], format=fmt, errors="coerce")
    bad = (values != "") & parsed.isna()
    _first_bad(path, bad, values, lines, column, "is not a date (use YYYY-MM-DD, YYYYMMDD or M/D/YYYY)")
    return parsed


def _status(path, values: pd.Series, lines: pd.Series, column: str) -> pd.Series:
    key = values.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    bad = (key != "") & ~key.isin(list(STATUS_VALUES))
    _first_bad(path, bad, values, lines, column,
               "is not a status (use active, inactive, historical, covered or deleted, or leave it blank)")
    return key.map(STATUS_VALUES).fillna("").astype(str)


def _boolean(path, values: pd.Series, lines: pd.Series, column: str) -> pd.Series:
    key = values.str.lower()
    bad = ~key.isin(sorted(TRUE_WORDS | FALSE_WORDS))
    _first_bad(path, bad, values, lines, column, "is not yes/no (use true/false, yes/no, y/n or 1/0)")
    return key.isin(sorted(TRUE_WORDS))

"""Zero report edits (section 5.2.9, level 0; 090-094 are also listed in 5.2.1).

Missing mandatory fields on zero reports that add (action A) come from
``schemas/elements/level0.csv`` (error 001); this module holds the rest. 093 and 096 need
the agency master file and live in ``reference.py``.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from .. import spec
from .base import dates
from .registry import requires, rule

FIRST_NIBRS_YEAR = 1991
ZERO_INCIDENT = "0" * 12
MONTHS = tuple(f"{m:02d}" for m in range(1, 13))


@cache
def conflict_sources() -> pd.DataFrame:
    """Which dated fields show activity that contradicts a zero report (028 / 029)."""
    return spec.read_table("groupb_zero_report_conflicts.csv")


def _zero(sub) -> pd.DataFrame:
    return sub.frames[0]


def _hits(frame: pd.DataFrame, mask: pd.Series, column: str, detail="") -> pd.DataFrame:
    mask = mask.fillna(False).astype(bool)
    out = pd.DataFrame({"column": column}, index=frame.index[mask.to_numpy()])
    if isinstance(detail, pd.Series):
        out["detail"] = detail[mask].to_numpy()
    elif detail:
        out["detail"] = detail
    return out


def zero_month_start(frame: pd.DataFrame) -> pd.Series:
    """First day of each zero report's month (positions 38-43); NaT when not a valid month."""
    valid = frame["zero_month"].isin(MONTHS) & frame["zero_year"].str.fullmatch(r"\d{4}").fillna(False)
    return dates((frame["zero_year"] + frame["zero_month"] + "01").where(valid, ""))


@rule("001", level=0)
def zero_report_field_missing_or_invalid(sub, ctx):
    """A zero report needs the ORI, the incident number (twelve zeros), the zero report month
    and year, and a valid month (01-12) and year of submission. A delete (action D) of a zero
    report needs the same keys to find the report. Fill in the field named in the finding.
    """
    frame = _zero(sub)
    deletes = frame[frame["action"] == "D"]
    missing = [_hits(deletes, deletes[c] == "", c) for c in ("ori", "incident", "zero_month", "zero_year")]
    month_bad = (frame["sub_month"] != "") & ~frame["sub_month"].isin(MONTHS)
    year = pd.to_numeric(frame["sub_year"].where(frame["sub_year"].str.fullmatch(r"\d{4}")), errors="coerce")
    year_bad = (frame["sub_year"] != "") & ~(year >= FIRST_NIBRS_YEAR)
    return pd.concat(missing + [_hits(frame, month_bad, "sub_month"), _hits(frame, year_bad, "sub_year")])


@rule("090", level=0, column="zero_month")
def zero_month_invalid(sub, ctx):
    """The zero report month (positions 38-39) must be a month, 01 through 12. Correct the
    month the agency had nothing to report for.
    """
    frame = _zero(sub)
    return (frame["zero_month"] != "") & ~frame["zero_month"].isin(MONTHS)


@rule("091", level=0, column="zero_year")
def zero_year_invalid(sub, ctx):
    """The zero report year (positions 40-43) must be four digits, and no earlier than 1991
    when NIBRS began. Correct the year.
    """
    frame = _zero(sub)
    value = frame["zero_year"]
    year = pd.to_numeric(value.where(value.str.fullmatch(r"\d{4}")), errors="coerce")
    return (value != "") & ~(year >= FIRST_NIBRS_YEAR)


@rule("092", level=0, column="incident")
def zero_incident_not_zeros(sub, ctx):
    """The incident number (positions 26-37) of a zero report must be twelve zeros
    (000000000000), not a case number, blanks or fewer zeros. Replace it with twelve zeros.
    """
    frame = _zero(sub)
    return (frame["incident"] != "") & (frame["incident"] != ZERO_INCIDENT)


@rule("094", level=0, column="zero_month")
def zero_month_after_submission(sub, ctx):
    """The zero report month and year (positions 38-43) cannot be later than the month and
    year of submission (positions 7-12): a month can only be reported as quiet once it is
    over or under way. Correct the zero report month/year or the submission month/year.
    """
    frame = _zero(sub)
    zero = zero_month_start(frame)
    submitted = dates(frame["sub_year"] + frame["sub_month"] + "01")
    return zero > submitted


def _activity(sub) -> pd.DataFrame:
    """Dated Group A / Group B activity in the file: edit, ori, month (YYYYMM), record, what."""
    pieces = []
    for source in conflict_sources().itertuples(index=False):
        frame = sub.frames[int(source.level)]
        if source.column not in frame.columns or not len(frame):
            continue
        frame = frame[frame["action"] == source.action]
        when = dates(frame[source.column])
        ok = when.notna()
        pieces.append(pd.DataFrame({
            "edit": source.edit,
            "file": sub.file_of(frame.index[ok.to_numpy()]),  # only the same file is compared
            "ori": frame["ori"][ok].to_numpy(),
            "month": when[ok].dt.strftime("%Y%m").to_numpy(),
            "record": sub.records["record"].reindex(frame.index[ok.to_numpy()]).to_numpy(),
            "what": source.what,
        }))
    if not pieces:
        return pd.DataFrame(columns=["edit", "file", "ori", "month", "record", "what"])
    out = pd.concat(pieces, ignore_index=True)
    return out.sort_values(["file", "record"]).drop_duplicates(["edit", "file", "ori", "month"], keep="first")


def _zero_against_activity(sub, edit: str) -> pd.DataFrame | None:
    frame = _zero(sub)
    adds = frame[frame["action"] == "A"]
    if not len(adds):
        return None
    activity = _activity(sub)
    activity = activity[activity["edit"] == edit]
    if not len(activity):
        return None
    keyed = pd.DataFrame({"rid": adds.index, "file": sub.file_of(adds.index), "ori": adds["ori"].to_numpy(),
                          "month": (adds["zero_year"] + adds["zero_month"]).to_numpy()})
    joined = keyed.merge(activity, on=["file", "ori", "month"], how="inner")
    if not len(joined):
        return None
    detail = joined["what"] + " (record " + joined["record"].astype("Int64").astype(str) + ")"
    return pd.DataFrame({"column": "zero_month", "detail": detail.to_numpy()}, index=pd.Index(joined["rid"], name="rid"))


@rule("028", level=0, column="zero_month")
def zero_report_with_group_a_in_file(sub, ctx):
    """A zero report (action A) says the agency had no crime, arrests or recovered property in
    its month, yet this same file holds Group A data for that agency and month: an incident
    dated in the month, property recovered in it, or an arrest made in it. The FBI refuses the
    zero report. Drop the zero report, or correct its month/year. Only this file is compared
    here; incidents accepted in earlier submissions need the history of earlier files.
    """
    return _zero_against_activity(sub, "028")


@rule("029", level=0, column="zero_month")
def zero_report_with_group_b_in_file(sub, ctx):
    """A zero report (action A) says the agency made no arrests in its month, yet this same file
    holds a Group B arrest report (action A) of that agency with an arrest date in the month.
    The FBI refuses the zero report. Drop the zero report, or correct its month/year. Only
    this file is compared here; arrests accepted earlier need the history of earlier files.
    """
    return _zero_against_activity(sub, "029")


# Deleting a zero report is refused when data for the month is already on the FBI's file.
for _code in ("030", "031"):
    requires(_code, "history")

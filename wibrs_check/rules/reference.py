"""Edits that compare the file with the agency master file (``--agencies``, ``ctx.agencies``).

ORI reference edits (5.2.1: 059, 930-934, 952), NIBRS start ("base") dates (093, 173, 720),
inactive dates (118, 618, 718) and covered-by status (096). The ORI edits are reported once
per submission unit (incident, Group B arrest or zero report), on its first record. An edit
whose agency column the file lacks returns nothing here and is listed by
``wibrs_check.agencies.unchecked_edits`` as not checked.

952 (shape of an ORI) needs no agency file and always runs; with an agency file it also
checks officer ORIs (25C) of the file's own state against the file.
"""

from __future__ import annotations

import pandas as pd

from .. import agencies as ag
from ..model import UNIT_GROUP_B, UNIT_INCIDENT, UNIT_ZERO
from .base import dates
from .registry import rule
from .zero_report import zero_month_start

AGENCY = ("agency",)
NCIC_ORI = r"[A-Z]{2}[A-Z0-9]{7}"


def _table(ctx) -> pd.DataFrame:
    return ag.by_ori(ctx.agencies)


def _lookup(ctx, oris: pd.Series, column: str) -> pd.Series:
    """The agency file's ``column`` for each ORI in ``oris`` (missing ORIs give NaN/NaT)."""
    table = _table(ctx)
    return pd.Series(table[column].reindex(oris.to_numpy()).to_numpy(), index=oris.index)


def _unit_firsts(sub) -> pd.DataFrame:
    """First record of every incident, Group B arrest and zero report."""
    r = sub.records
    r = r[r["unit_kind"].isin([UNIT_INCIDENT, UNIT_GROUP_B, UNIT_ZERO])]
    return r.groupby("unit", sort=False).head(1)


def _on_units(sub, mask_of_ori, detail: str | pd.Series = "") -> pd.DataFrame | None:
    firsts = _unit_firsts(sub)
    if not len(firsts):
        return None
    mask = mask_of_ori(firsts).fillna(False).astype(bool)
    out = pd.DataFrame({"column": "ori"}, index=firsts.index[mask.to_numpy()])
    if isinstance(detail, pd.Series):
        out["detail"] = detail.reindex(firsts.index)[mask].to_numpy()
    elif detail:
        out["detail"] = detail
    return out


def _day(stamp: pd.Series) -> pd.Series:
    return stamp.dt.strftime("%Y-%m-%d").fillna("")


# ---------------------------------------------------------------------------------------
# ORI reference data (5.2.1)


@rule("952", column="ori")
def ori_not_ncic_shape(sub, ctx):
    """The ORI (data element 1, positions 17-25) must be a nine-character NCIC ORI: two letters
    of the state code and seven capital letters or digits, for example WI0130100. Correct the
    ORI in your records system's agency settings.
    """
    return _on_units(sub, lambda firsts: (firsts["ori"] != "") & ~firsts["ori"].str.fullmatch(NCIC_ORI))


@rule("952", level=4, column="de25c")
def officer_ori_not_valid(sub, ctx):
    """The ORI of an officer from another jurisdiction (data element 25C on a victim segment)
    must be a nine-character NCIC ORI. With an agency master file, an officer ORI of the
    file's own state must also be listed in it. Correct the officer's agency ORI.
    """
    victims = sub.frames[4]
    value = victims["de25c"]
    entered = value != ""
    bad_shape = entered & ~value.str.fullmatch(NCIC_ORI).fillna(False).astype(bool)
    detail = pd.Series("", index=victims.index)
    unknown = pd.Series(False, index=victims.index)
    if ctx is not None and ctx.agencies is not None and len(ctx.agencies):
        listed = ctx.agencies["ori"]
        states = set(listed.str[:2])
        unknown = entered & ~bad_shape & value.str[:2].isin(sorted(states)) & ~value.isin(listed.tolist())
        detail = detail.mask(unknown, "not in the agency master file")
    hit = bad_shape | unknown
    return pd.DataFrame({"detail": detail[hit].to_numpy()}, index=victims.index[hit.to_numpy()])


@rule("932", column="ori", needs=AGENCY)
def ori_not_in_agency_file(sub, ctx):
    """The agency master file has no row for this ORI (data element 1), so the state program
    does not know the agency. Check that the records system sends the agency's own ORI; if it
    is right, ask the state program to add the agency.
    """
    listed = ctx.agencies["ori"].tolist()
    return _on_units(sub, lambda firsts: (firsts["ori"] != "") & ~firsts["ori"].isin(listed))


@rule("931", column="ori", needs=AGENCY)
def ori_listed_for_two_agencies(sub, ctx):
    """The agency master file lists this ORI on more than one row, for different agencies, so it
    cannot tell which agency sent the data. Check that the ORI is the agency's own, and ask
    the state program to correct the master file.
    """
    table = ctx.agencies
    if "name" in table.columns:
        names = table.groupby("ori")["name"].nunique()
        doubled = names.index[(names > 1).to_numpy()]
    else:
        doubled = table["ori"][table["ori"].duplicated()].unique()
    return _on_units(sub, lambda firsts: firsts["ori"].isin(list(doubled)))


def _status_is(sub, ctx, code: str, status: str):
    if not ag.has_columns(ctx, code) or "status" not in ctx.agencies.columns:
        return None
    return _on_units(sub, lambda firsts: _lookup(ctx, firsts["ori"], "status") == status)


@rule("930", column="ori", needs=AGENCY)
def ori_historical(sub, ctx):
    """The agency master file marks this ORI as historical (kept for reference only), so it can
    no longer send data. Confirm the ORI with the state program; the agency probably reports
    under a newer ORI.
    """
    return _status_is(sub, ctx, "930", "historical")


@rule("934", column="ori", needs=AGENCY)
def ori_deleted(sub, ctx):
    """The agency master file shows this ORI in delete status. Confirm with the state program
    that the ORI is right before sending data under it.
    """
    return _status_is(sub, ctx, "934", "deleted")


@rule("933", column="ori", needs=AGENCY)
def ori_covered_by_another_agency(sub, ctx):
    """The agency master file shows this ORI as covered by another agency (its crimes are
    reported by that agency), yet data was sent under it. Check that the data belongs to this
    ORI, or ask the state program to end the covered-by status if the agency now reports for
    itself.
    """
    if not ag.has_columns(ctx, "933"):
        return None

    def covered(firsts):
        mask = pd.Series(False, index=firsts.index)
        if "covered_by" in ctx.agencies.columns:
            mask |= _lookup(ctx, firsts["ori"], "covered_by").fillna("") != ""
        if "status" in ctx.agencies.columns:
            mask |= _lookup(ctx, firsts["ori"], "status") == "covered"
        return mask

    detail = None
    if "covered_by" in ctx.agencies.columns:
        firsts = _unit_firsts(sub)
        by = _lookup(ctx, firsts["ori"], "covered_by").fillna("")
        detail = ("covered by " + by).where(by != "", "")
    return _on_units(sub, covered, detail if detail is not None else "")


@rule("059", column="ori", needs=AGENCY)
def ori_state_differs(sub, ctx):
    """Every segment of a submission must come from agencies of one state: the first two
    letters of the ORI (data element 1) are the state code. The state is set by the first
    non-federal record of the file; federal agencies (marked in the agency master file) are
    exempt. Send each state's data in its own file, or correct the ORI.
    """
    if not ag.has_columns(ctx, "059"):
        return None
    firsts = _unit_firsts(sub)
    federal = _lookup(ctx, firsts["ori"], "federal").fillna(False).astype(bool)
    home = firsts.loc[~federal.to_numpy() & (firsts["ori"] != "").to_numpy(), "ori"]
    if not len(home):
        return None
    # each file's state: that of its first non-federal record (a joined model holds several files)
    states = home.str[:2].groupby(sub.file_of(home.index)).first()
    state = pd.Series(states.reindex(sub.file_of(firsts.index)).to_numpy(), index=firsts.index)
    detail = "the file's first record is from state " + state.fillna("")
    return _on_units(sub, lambda f: (f["ori"] != "") & state.notna() & (f["ori"].str[:2] != state)
                     & ~federal.reindex(f.index), detail)


# ---------------------------------------------------------------------------------------
# NIBRS start (base) date


@rule("173", level=1, column="de3_date", needs=AGENCY)
def incident_before_nibrs_start(sub, ctx):
    """The incident date (data element 3) is before the date the agency started NIBRS
    reporting (the agency master file's NIBRS start date); those months were already counted
    in Summary reporting. An older incident may only be sent when its exceptional clearance
    date (data element 5) is on or after the start date. Check the incident date.
    """
    if not ag.has_columns(ctx, "173"):
        return None
    admin = sub.frames[1]
    admin = admin[admin["action"] == "I"]
    start = _lookup(ctx, admin["ori"], "nibrs_start_date")
    start = pd.to_datetime(start)
    incident = dates(admin["de3_date"])
    cleared = dates(admin["de5"])
    hit = (incident < start) & ~(cleared >= start)
    hit = hit.fillna(False).astype(bool)
    return pd.DataFrame({"detail": ("agency's NIBRS start date " + _day(start))[hit].to_numpy()},
                        index=admin.index[hit.to_numpy()])


@rule("720", level=7, column="de42", needs=AGENCY)
def group_b_arrest_before_nibrs_start(sub, ctx):
    """A Group B arrest report added with action A cannot have an arrest date (data element 42)
    before the agency's base date, the date it started NIBRS reporting (agency master file).
    Check the arrest date.
    """
    if not ag.has_columns(ctx, "720"):
        return None
    arrests = sub.frames[7]
    arrests = arrests[arrests["action"] == "A"]
    start = pd.to_datetime(_lookup(ctx, arrests["ori"], "nibrs_start_date"))
    hit = (dates(arrests["de42"]) < start).fillna(False).astype(bool)
    return pd.DataFrame({"detail": ("agency's NIBRS start date " + _day(start))[hit].to_numpy()},
                        index=arrests.index[hit.to_numpy()])


@rule("093", level=0, column="zero_month", needs=AGENCY)
def zero_report_before_nibrs_start(sub, ctx):
    """The zero report month and year (positions 38-43) are before the month the agency began
    NIBRS reporting (agency master file), when it was not yet reporting incidents. Correct
    the zero report month/year.
    """
    if not ag.has_columns(ctx, "093"):
        return None
    zero = sub.frames[0]
    zero = zero[zero["action"] != "D"]
    start = pd.to_datetime(_lookup(ctx, zero["ori"], "nibrs_start_date"))
    start_month = start.dt.to_period("M").dt.start_time
    hit = (zero_month_start(zero) < start_month).fillna(False).astype(bool)
    return pd.DataFrame({"detail": ("agency's NIBRS start date " + _day(start))[hit].to_numpy()},
                        index=zero.index[hit.to_numpy()])


# ---------------------------------------------------------------------------------------
# Inactive date and covered-by status


def _on_or_after_inactive(sub, ctx, code: str, level: int, column: str, action: str):
    if not ag.has_columns(ctx, code):
        return None
    frame = sub.frames[level]
    frame = frame[frame["action"] == action]
    inactive = pd.to_datetime(_lookup(ctx, frame["ori"], "inactive_date"))
    hit = (dates(frame[column]) >= inactive).fillna(False).astype(bool)
    return pd.DataFrame({"detail": ("ORI inactive since " + _day(inactive))[hit].to_numpy()},
                        index=frame.index[hit.to_numpy()])


@rule("118", level=1, column="de3_date", needs=AGENCY)
def incident_after_inactive_date(sub, ctx):
    """The agency master file gives this ORI an inactive date, and the incident date (data
    element 3) is on or after it: no data dated from then on is accepted from the ORI. Check
    the incident date and which ORI the agency reports under now.
    """
    return _on_or_after_inactive(sub, ctx, "118", 1, "de3_date", "I")


@rule("618", level=6, column="de42", needs=AGENCY)
def arrestee_after_inactive_date(sub, ctx):
    """The agency master file gives this ORI an inactive date, and the arrest date (data
    element 42) on the arrestee segment is on or after it: no arrests dated from then on are
    accepted from the ORI. Check the arrest date and the ORI.
    """
    return _on_or_after_inactive(sub, ctx, "618", 6, "de42", "I")


@rule("718", level=7, column="de42", needs=AGENCY)
def group_b_after_inactive_date(sub, ctx):
    """The agency master file gives this ORI an inactive date, and the Group B arrest date
    (data element 42) is on or after it: no arrests dated from then on are accepted from the
    ORI. Check the arrest date and the ORI.
    """
    return _on_or_after_inactive(sub, ctx, "718", 7, "de42", "A")


@rule("096", level=0, column="zero_month", needs=AGENCY)
def zero_report_while_covered(sub, ctx):
    """The agency master file shows the agency in covered-by status (another agency reports
    its crimes) since before the zero report month, so a zero report from it contradicts
    that status. The FBI takes the agency out of covered-by status when it accepts such a
    report: confirm with the state program which is right. Without a covered-by date in the
    master file, any zero report of a covered agency is listed.
    """
    if not ag.has_columns(ctx, "096"):
        return None
    zero = sub.frames[0]
    zero = zero[zero["action"] != "D"]
    by = _lookup(ctx, zero["ori"], "covered_by").fillna("").astype(str)
    covered = by != ""
    if "covered_by_date" in ctx.agencies.columns:
        since = pd.to_datetime(_lookup(ctx, zero["ori"], "covered_by_date"))
        since_month = since.dt.to_period("M").dt.start_time
        covered &= since.isna() | (zero_month_start(zero) >= since_month).fillna(False)
    covered = covered.fillna(False).astype(bool)
    return pd.DataFrame({"detail": ("covered by " + by)[covered].to_numpy()}, index=zero.index[covered.to_numpy()])

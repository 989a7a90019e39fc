"""Edits that compare a file with earlier submissions (the history store, ``--history``).

Every check here has ``needs=("history",)``: without a history store the code is reported as
not checked (or, where a check of the same code reads the file alone, as checked within
the file only). The store holds what earlier committed runs accepted; see docs/history.md.

How a file is compared: a delete in the file (with its date; one without a date is refused
by 197/797 and removes nothing) removes what it names for the reports that follow it, so a
delete-and-resend passes 056 and 759 while a report sent before its delete is still a
duplicate, as the FBI reads a file in order. For the zero-report edits and 088 every delete
of the file counts. ``--commit`` applies the file's accepted deletes before adding its
accepted reports, which gives the same store. An XML report sent with action R (replace)
replaces what is on file and is never a duplicate of it.

All look-ups go through ``ctx.history`` once per submission (cached) and return frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .base import submission_month_start
from .registry import rule


class _Facts:
    """:mod:`.history_facts`, imported on first use: it imports the trafficking and zero-report
    rule modules, which then register their rules in the order :func:`load_all` gives."""

    def __getattr__(self, name: str):
        from . import history_facts as module

        return getattr(module, name)


facts = _Facts()

HISTORY = ("history",)
WINDOW_YEARS = 2
LEVEL_WORDS = {1: "administrative", 2: "offense", 4: "victim", 5: "offender"}
LAYOUT_EDITS = {1: "178", 2: "284", 4: "484", 5: "584"}


def _cached(sub, ctx, name: str, build):
    return sub.derived(f"history:{name}:{id(ctx.history)}", lambda _: build())


def _empty() -> None:
    return None


# ---------------------------------------------------------------------------------------
# What is on file, after this file's own deletes


def _incidents_on_file(sub, ctx) -> pd.DataFrame:
    """Incidents on file under the file's Group A numbers, as the store holds them."""
    ga = facts.group_a(sub)
    return _cached(sub, ctx, "incidents", lambda: ctx.history.incidents_on_file(ga[["ori", "incident"]]))


def _removed_by(on_file: pd.DataFrame, requests: pd.DataFrame, keys: list[str], date_on_file: str,
                date_sent: str) -> pd.Series:
    """For each row on file: the first record (rid) of this file that removes it, a delete
    with the matching date (and, for Group B, the arrestee sequence number when it names
    one) or an XML replace; NaN when nothing in the file removes it."""
    none = pd.Series(np.nan, index=on_file.index, dtype="float64")
    if not len(on_file) or not len(requests):
        return none
    deletes = requests[(requests["action"] == "D") & requests[date_sent].notna()]
    replaces = requests[requests["replace"].astype(bool)]
    marked = on_file.reset_index(drop=True).assign(_row=np.arange(len(on_file)))
    sent = deletes[keys + [date_sent, "rid"] + (["seq"] if "seq" in deletes and "seq" in on_file else [])]
    sent = sent.rename(columns={date_sent: date_on_file, "seq": "_seq_sent"})
    by_date = marked.merge(sent, on=keys + [date_on_file], how="inner")
    if "_seq_sent" in by_date:
        by_date = by_date[(by_date["_seq_sent"] == "") | (by_date["_seq_sent"] == by_date["seq"])]
    by_replace = marked.merge(replaces[keys + ["rid"]], on=keys, how="inner")
    both = pd.concat([by_date[["_row", "rid"]], by_replace[["_row", "rid"]]], ignore_index=True)
    first = both.groupby("_row")["rid"].min()
    out = pd.Series(first.reindex(np.arange(len(on_file))).to_numpy(dtype="float64"), index=on_file.index)
    return out


def _file_removes(on_file: pd.DataFrame, requests: pd.DataFrame, keys: list[str], date_on_file: str,
                  date_sent: str) -> pd.Series:
    """For each row on file: does a delete (with a date, matching) or a replace of the file remove it?"""
    return _removed_by(on_file, requests, keys, date_on_file, date_sent).notna()


def _still_there(hits: pd.DataFrame) -> pd.DataFrame:
    """Hits (a report's ``rid`` against a row on file with ``removed_by``) whose row is not
    removed by a delete earlier in the file: a delete after the report comes too late for it."""
    return hits[hits["removed_by"].isna() | (hits["removed_by"] > hits["rid"])]


def _arrests_remaining(sub, ctx, keys: pd.DataFrame, name: str) -> pd.DataFrame:
    def build():
        on_file = ctx.history.arrests_on_file(keys)
        gb = facts.group_b(sub)
        gone = _file_removes(on_file, gb, ["ori", "atn"], "arrest_date", "arrest_date")
        return on_file[~gone.to_numpy()]

    return _cached(sub, ctx, name, build)


def _hits(rids, column: str, detail=None, on_record: bool = True) -> pd.DataFrame:
    out = pd.DataFrame({"column": column}, index=pd.Index(np.asarray(rids, dtype=np.int64), name="rid"))
    if detail is not None:
        out["detail"] = np.asarray(detail, dtype=object)
    if not on_record:
        out["on_record"] = False
    return out


def _day(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%m/%d/%Y").fillna("no date")


# ---------------------------------------------------------------------------------------
# Group A incident numbers


@rule("056", level=1, column="incident", needs=HISTORY)
def incident_number_already_on_file(sub, ctx):
    """An incident report (action I) uses an incident number this agency already has on
    file from an earlier submission, so the FBI refuses it as a duplicate. If this is a
    correction of that incident, send a delete (action D with the original incident date)
    before the corrected report, in this file or an earlier one; if it is a different
    incident, give it a new, never-used number. The message names the submission month the
    number is on file from.
    """
    ga = facts.group_a(sub)
    reports = ga[(ga["action"] == "I") & ~ga["replace"].astype(bool) & (ga["incident"] != "")]
    reports = reports.drop_duplicates(["ori", "incident"], keep="first")  # later copies: the in-file 056
    on_file = _incidents_on_file(sub, ctx)
    if not len(reports) or not len(on_file):
        return _empty()
    on_file = on_file.assign(removed_by=_removed_by(on_file, ga, ["ori", "incident"], "incident_date", "incident_date"))
    hit = _still_there(reports[["rid", "ori", "incident"]].merge(on_file, on=["ori", "incident"], how="inner"))
    hit = hit.sort_values(["rid", "incident_date"]).drop_duplicates("rid")
    detail = ("already on file from the " + hit["sub_month"].astype(str) + " submission, incident date "
              + _day(hit["incident_date"]))
    return _hits(hit["rid"], "incident", detail)


@rule("088", level=7, column="incident", needs=HISTORY)
def arrest_number_used_by_earlier_reports(sub, ctx):
    """An arrest number clashes with an earlier submission: a Group B arrest report (level 7)
    uses as its arrest transaction number (data element 41) the incident number of a Group A
    incident with an arrestee already on file for the agency, or a Group A arrestee segment
    (level 6) carries the incident number of a Group B arrest already on file. The FBI keeps
    the two kinds of arrest apart by these numbers; renumber the new report.
    """
    pieces = []
    gb = facts.group_b(sub)
    adds = gb[(gb["action"] == "A") & (gb["atn"] != "")]
    if len(adds):
        # Look up the arrest numbers themselves: the incident on file need not be in this file.
        keys = adds[["ori", "atn"]].rename(columns={"atn": "incident"})
        on_file = _cached(sub, ctx, "incidents_for_088", lambda: ctx.history.incidents_on_file(keys))
        ga = facts.group_a(sub)
        on_file = on_file[~_file_removes(on_file, ga, ["ori", "incident"], "incident_date", "incident_date").to_numpy()]
        if len(on_file):
            with_arrest = on_file[on_file["arrestees"].astype(int) > 0][["ori", "incident", "sub_month"]]
            hit = adds[["rid", "ori", "atn"]].merge(with_arrest.drop_duplicates(["ori", "incident"]), left_on=["ori", "atn"],
                             right_on=["ori", "incident"], how="inner")
            pieces.append(_hits(hit["rid"], "incident",
                                "a Group A incident with an arrestee is on file under this number ("
                                + hit["sub_month"].astype(str) + " submission)"))
    arrestees = sub.frames[6]
    arrestees = arrestees[(arrestees["action"] == "I") & (arrestees["incident"] != "")]
    if len(arrestees):
        firsts = arrestees.assign(unit=sub.records["unit"].reindex(arrestees.index).to_numpy(), rid=arrestees.index)
        firsts = firsts.drop_duplicates("unit")
        keys = firsts[["ori", "incident"]].rename(columns={"incident": "atn"})
        arrests = _arrests_remaining(sub, ctx, keys, "arrests_for_088")
        if len(arrests):
            hit = firsts[["rid", "ori", "incident"]].merge(arrests.drop_duplicates(["ori", "atn"])[["ori", "atn", "sub_month"]],
                                                          left_on=["ori", "incident"],
                               right_on=["ori", "atn"], how="inner")
            pieces.append(_hits(hit["rid"], "incident", "a Group B arrest report is on file under this number ("
                                + hit["sub_month"].astype(str) + " submission)"))
    pieces = [p for p in pieces if len(p)]
    return pd.concat(pieces) if pieces else None


# ---------------------------------------------------------------------------------------
# Deletes without a date


def _window_start(frame: pd.DataFrame) -> pd.Series:
    return submission_month_start(frame) - pd.DateOffset(years=WINDOW_YEARS)


def _undated_deletes(frame: pd.DataFrame, date_column: str) -> pd.DataFrame:
    return frame[(frame["action"] == "D") & (frame[date_column] == "")]


@rule("198", level=1, column="de3_date", needs=HISTORY)
def delete_without_date_matches_old_incident(sub, ctx):
    """A delete (action D) came without its incident date (data element 3), and an incident
    on file with this number is dated more than two years before the month of submission.
    Without the date the FBI cannot tell which incident is meant. Enter the incident date of
    the incident you want deleted.
    """
    admin = _undated_deletes(sub.frames[1], "de3_date")
    on_file = _incidents_on_file(sub, ctx)
    if not len(admin) or not len(on_file):
        return None
    keyed = admin[["ori", "incident"]].assign(rid=admin.index, window=_window_start(admin).to_numpy())
    pairs = keyed.merge(on_file, on=["ori", "incident"], how="inner")
    old = pairs[pairs["incident_date"] < pairs["window"]].drop_duplicates("rid")
    return _hits(old["rid"], "de3_date", "incident on file dated " + _day(old["incident_date"]))


@rule("199", level=1, column="de3_date", needs=HISTORY)
def delete_without_date_matches_several_incidents(sub, ctx):
    """A delete (action D) came without its incident date (data element 3), and more than one
    incident on file has this incident number, so the FBI cannot tell which one to delete.
    Enter the incident date of the incident you want deleted.
    """
    admin = _undated_deletes(sub.frames[1], "de3_date")
    on_file = _incidents_on_file(sub, ctx)
    if not len(admin) or not len(on_file):
        return None
    counts = on_file.groupby(["ori", "incident"]).size().rename("matches").reset_index()
    keyed = admin[["ori", "incident"]].assign(rid=admin.index).merge(counts, on=["ori", "incident"], how="inner")
    several = keyed[keyed["matches"] > 1]
    return _hits(several["rid"], "de3_date", several["matches"].astype(str) + " incidents on file with this number")


@rule("798", level=7, column="de42", needs=HISTORY)
def group_b_delete_without_date_matches_old_arrest(sub, ctx):
    """A Group B delete (action D) came without its arrest date (data element 42), and an
    arrest report on file with this arrest transaction number (data element 41) is dated more
    than two years before the month of submission. Enter the arrest date of the report you
    want deleted.
    """
    frame = _undated_deletes(sub.frames[7], "de42")
    if not len(frame):
        return None
    on_file = ctx.history.arrests_on_file(frame[["ori", "incident"]].rename(columns={"incident": "atn"}))
    keyed = frame[["ori", "incident"]].rename(columns={"incident": "atn"}).assign(
        rid=frame.index, window=_window_start(frame).to_numpy())
    pairs = keyed.merge(on_file, on=["ori", "atn"], how="inner")
    old = pairs[pairs["arrest_date"] < pairs["window"]].drop_duplicates("rid")
    return _hits(old["rid"], "de42", "arrest on file dated " + _day(old["arrest_date"]))


@rule("799", level=7, column="de42", needs=HISTORY)
def group_b_delete_without_date_matches_several_arrests(sub, ctx):
    """A Group B delete (action D) came without its arrest date (data element 42), and more
    than one Group B arrest report on file has this arrest transaction number (data element
    41), so the FBI cannot tell which one to delete. Enter the arrest date.
    """
    frame = _undated_deletes(sub.frames[7], "de42")
    if not len(frame):
        return None
    keys = frame[["ori", "incident"]].rename(columns={"incident": "atn"})
    on_file = ctx.history.arrests_on_file(keys)
    counts = on_file.groupby(["ori", "atn"]).size().rename("matches").reset_index()
    keyed = keys.assign(rid=frame.index).merge(counts, on=["ori", "atn"], how="inner")
    several = keyed[keyed["matches"] > 1]
    return _hits(several["rid"], "de42", several["matches"].astype(str) + " arrest reports on file with this number")


@rule("HS01", level=1, column="de3_date", needs=HISTORY)
def delete_matches_no_incident_on_file(sub, ctx):
    """A delete (action D) names an incident number and date that match no incident on file,
    so it would remove nothing. Check the incident number and the original incident date;
    if the incident was never accepted, there is nothing to delete.
    """
    ga = facts.group_a(sub)
    deletes = ga[(ga["action"] == "D") & ga["incident_date"].notna()]
    if not len(deletes):
        return None
    on_file = _incidents_on_file(sub, ctx)
    found = deletes.merge(on_file[["ori", "incident", "incident_date"]].drop_duplicates(),
                          on=["ori", "incident", "incident_date"], how="left", indicator=True)
    missing = found[found["_merge"] == "left_only"]
    if len(on_file):
        dates_on_file = on_file.groupby(["ori", "incident"])["incident_date"].min().rename("other").reset_index()
        missing = missing.merge(dates_on_file, on=["ori", "incident"], how="left")
        detail = np.where(missing["other"].notna(), "the incident on file under this number is dated "
                          + _day(missing["other"]), "no incident on file under this number")
    else:
        detail = np.full(len(missing), "no incident on file under this number", dtype=object)
    return _hits(missing["rid"], "de3_date", detail)


@rule("HS02", level=7, column="de42", needs=HISTORY)
def group_b_delete_matches_no_arrest_on_file(sub, ctx):
    """A Group B delete (action D) names an arrest transaction number, arrest date (and
    arrestee sequence number, if given) that match no Group B arrest on file, so it would
    remove nothing. Check the numbers and the original arrest date.
    """
    gb = facts.group_b(sub)
    deletes = gb[(gb["action"] == "D") & gb["arrest_date"].notna()]
    if not len(deletes):
        return None
    on_file = ctx.history.arrests_on_file(deletes[["ori", "atn"]])
    pairs = deletes[["rid", "ori", "atn", "seq", "arrest_date"]].rename(columns={"seq": "seq_sent"}).merge(
        on_file[["ori", "atn", "seq", "arrest_date"]], on=["ori", "atn", "arrest_date"], how="inner")
    pairs = pairs[(pairs["seq_sent"] == "") | (pairs["seq_sent"] == pairs["seq"])]
    missing = deletes[~deletes["rid"].isin(pairs["rid"])]
    return _hits(missing["rid"], "de42", "no Group B arrest on file with this number and date")


# ---------------------------------------------------------------------------------------
# Group B arrests already on file


@rule("759", level=7, column="de40", needs=HISTORY)
def group_b_arrest_already_on_file(sub, ctx):
    """A Group B arrest report (action A) matches one already on file for the agency: the
    same arrest transaction number (data element 41) and arrestee sequence number (data
    element 40). If several people were arrested, give each its own sequence number; to
    correct an arrest already sent, delete it (action D with its arrest date) first.
    """
    gb = facts.group_b(sub)
    adds = gb[(gb["action"] == "A") & ~gb["replace"].astype(bool) & (gb["atn"] != "")]
    adds = adds.drop_duplicates(["ori", "atn", "seq"], keep="first")
    if not len(adds):
        return None
    on_file = ctx.history.arrests_on_file(adds[["ori", "atn"]])
    on_file = on_file.assign(removed_by=_removed_by(on_file, gb, ["ori", "atn"], "arrest_date", "arrest_date"))
    hit = _still_there(adds[["rid", "ori", "atn", "seq"]].merge(on_file, on=["ori", "atn", "seq"], how="inner"))
    hit = hit.drop_duplicates("rid")
    return _hits(hit["rid"], "de40", "arrest " + hit["atn"] + " arrestee " + hit["seq"] + " is on file from the "
                 + hit["sub_month"].astype(str) + " submission, arrest date " + _day(hit["arrest_date"]))


# ---------------------------------------------------------------------------------------
# Zero reports against data on file


def _activity_remaining(sub, ctx) -> pd.DataFrame:
    """(ori, month, kind) of data on file for the agencies that send zero reports in this file,
    after the file's own deletes: kind A = Group A incident activity, B = Group B arrest."""

    def build():
        zr = facts.zero(sub)
        oris = sorted(set(zr["ori"]) - {""})
        columns = ["ori", "month", "kind", "what"]
        if not oris:
            return pd.DataFrame(columns=columns)
        incidents = ctx.history.incidents_of(oris)
        ga = facts.group_a(sub)
        incidents = incidents[~_file_removes(incidents, ga, ["ori", "incident"], "incident_date", "incident_date").to_numpy()]
        long_a = incidents.assign(month=incidents["activity_months"].astype(str).str.split()).explode("month")
        long_a = long_a.dropna(subset=["month"])
        a = pd.DataFrame({"ori": long_a["ori"], "month": long_a["month"], "kind": "A",
                          "what": "incident " + long_a["incident"].astype(str)})
        arrests = ctx.history.arrests_of(oris)
        gb = facts.group_b(sub)
        arrests = arrests[~_file_removes(arrests, gb, ["ori", "atn"], "arrest_date", "arrest_date").to_numpy()]
        b = pd.DataFrame({"ori": arrests["ori"], "month": pd.to_datetime(arrests["arrest_date"]).dt.strftime("%Y-%m"),
                          "kind": "B", "what": "Group B arrest " + arrests["atn"].astype(str)})
        out = pd.concat([a, b], ignore_index=True)
        counts = out.groupby(["ori", "month", "kind"]).agg(what=("what", "first"), n=("what", "size")).reset_index()
        counts["what"] = np.where(counts["n"] > 1, counts["what"] + " and " + (counts["n"] - 1).astype(str) + " more",
                                  counts["what"])
        return counts[columns]

    return _cached(sub, ctx, "activity", build)


def _zero_against_file(sub, ctx, action: str, kind: str) -> pd.DataFrame | None:
    zr = facts.zero(sub)
    zr = zr[(zr["action"] == action) & (zr["zero_month"] != "")]
    if not len(zr):
        return None
    activity = _activity_remaining(sub, ctx)
    activity = activity[activity["kind"] == kind]
    hit = zr[["rid", "ori", "zero_month"]].merge(activity, left_on=["ori", "zero_month"], right_on=["ori", "month"],
                                                 how="inner")
    return _hits(hit["rid"], "zero_month", hit["what"] + " is on file for " + hit["zero_month"])


@rule("028", level=0, column="zero_month", needs=HISTORY)
def zero_report_with_group_a_on_file(sub, ctx):
    """A zero report (action A) says the agency had nothing to report in its month, but a
    Group A incident accepted from an earlier submission is on file for that month (dated in
    it, or with property recovered or an arrest made in it). The FBI refuses the zero report.
    Drop it, or correct its month and year.
    """
    return _zero_against_file(sub, ctx, "A", "A")


@rule("029", level=0, column="zero_month", needs=HISTORY)
def zero_report_with_group_b_on_file(sub, ctx):
    """A zero report (action A) says the agency had nothing to report in its month, but a
    Group B arrest accepted from an earlier submission is dated in that month. The FBI
    refuses the zero report. Drop it, or correct its month and year.
    """
    return _zero_against_file(sub, ctx, "A", "B")


@rule("030", level=0, column="zero_month", needs=HISTORY)
def zero_report_delete_with_group_a_on_file(sub, ctx):
    """A zero report is being deleted (action D), but the month already has a Group A incident
    on file, so the FBI refuses the delete. Review the month's records with the state UCR
    program instead of deleting the zero report.
    """
    return _zero_against_file(sub, ctx, "D", "A")


@rule("031", level=0, column="zero_month", needs=HISTORY)
def zero_report_delete_with_group_b_on_file(sub, ctx):
    """A zero report is being deleted (action D), but the month already has a Group B arrest
    on file, so the FBI refuses the delete. Review the month's records with the state UCR
    program instead of deleting the zero report.
    """
    return _zero_against_file(sub, ctx, "D", "B")


# ---------------------------------------------------------------------------------------
# Segment lengths: once an agency has sent the 2019 layout, it keeps to it


def _older_layout_after_switch(sub, ctx, level: int):
    legacy = facts.legacy_lengths()[level]
    r = sub.records
    segments = r[(r["level"] == str(level)) & (r["action"] == "I") & (r["length_declared"] == legacy)]
    if not len(segments):
        return None
    layouts = _cached(sub, ctx, "layouts", lambda: ctx.history.layouts(sorted(set(r["ori"]) - {""})))
    layouts = layouts[layouts["level"] == level] if len(layouts) else layouts
    if not len(layouts):
        return None
    admin = facts.group_a(sub).set_index("unit")
    incident_month = facts.month_text(admin["incident_date"].reindex(segments["unit"]).reset_index(drop=True))
    data_month = np.where(incident_month != "", incident_month, (segments["sub_year"] + "-" + segments["sub_month"]).to_numpy())
    keyed = pd.DataFrame({"rid": segments.index, "ori": segments["ori"].to_numpy(), "data_month": data_month})
    keyed = keyed.merge(layouts[["ori", "first_month", "length"]], on="ori", how="inner")
    late = keyed[keyed["data_month"] >= keyed["first_month"]]
    if not len(late):
        return None
    detail = ("the agency has sent " + late["length"].astype(int).map("{:04d}".format) + f" {LEVEL_WORDS[level]} "
              "segments since its " + late["first_month"] + " submission; data from " + late["data_month"]
              + f" must use that length too, not {legacy:04d}")
    return _hits(late["rid"], "seg_length", detail)


def _register_layout_edits() -> None:
    for level, code in LAYOUT_EDITS.items():
        word = LEVEL_WORDS[level]

        def check(sub, ctx, level=level):
            return _older_layout_after_switch(sub, ctx, level)

        check.__name__ = f"older_{word}_segment_length_after_switch"
        check.__doc__ = (
            f"The agency has already sent the longer 2019 {word} segment (level {level}) in an earlier "
            "submission, but this one uses the older, shorter length again for data dated on or after the "
            "month it switched. Once an agency reports the newer fields (cargo theft, bias motivations #2-#5, "
            "LEOKA, offender ethnicity), every later segment of that level must use the longer length; only "
            "incidents dated before the switch may still be sent in the old layout. Have your records system "
            "write the 2019 layout."
        )
        rule(code, level=level, column="seg_length", needs=HISTORY)(check)


_register_layout_edits()

"""Structure edits (section 5.2.1): how segments fit together into incidents and files."""

from __future__ import annotations

import pandas as pd

from .. import spec
from ..model import UNIT_INCIDENT
from .base import submission_month_start
from .registry import requires, rule

# Invalid values of a header field are reported under each level's "invalid data value" number.
INVALID_VALUE_EDIT = {0: "001", 1: "104", 2: "204", 3: "304", 4: "404", 5: "504", 6: "604", 7: "704"}
ACTIONS_BY_LEVEL = {0: {"A", "D"}, 1: {"I", "D"}, 7: {"A", "D"}} | {level: {"I"} for level in (2, 3, 4, 5, 6)}


def _group_a(sub) -> pd.DataFrame:
    r = sub.records
    return r[r["unit_kind"] == UNIT_INCIDENT]


@rule("050", column="seg_level")
def segments_out_of_level_order(sub, ctx):
    """The segments of one Group A incident must come in segment-level order: the
    administrative segment (1), then offenses (2), property (3), victims (4), offenders (5)
    and arrestees (6). The record shown is the first one that steps back to a lower level.
    Have your system write each incident's segments sorted by level.
    """
    r = _group_a(sub)
    level = r["level"].astype(int)
    previous = level.groupby(r["unit"]).shift()
    return r.index[(level < previous).fillna(False).to_numpy()]


@rule("051", column="seg_level", formats=("flat",))
def unknown_segment_level(sub, ctx):
    """Position 5 must hold a segment level 0 through 7. A record with any other value cannot
    be read as any segment, so wibrs-check lists it here and checks nothing else in it.
    Check the record's layout: usually a line was split or two records were joined.
    (XML reports that cannot be placed are reported under the XML codes instead, and a
    last record cut off by the end of the file under IO07.)
    """
    return sub.unplaced.index[sub.unplaced.index != sub.extra.get("truncated_rid", -1)]


@rule("055")
def incident_without_administrative_segment(sub, ctx):
    """A Group A incident must begin with its administrative segment (level 1). Segments of
    levels 2-6 were found whose incident number has no administrative segment directly before
    them. Send the incident whole, starting with the administrative segment; if the segments
    belong to an incident sent earlier, delete and resend that whole incident instead.
    """
    r = _group_a(sub)
    firsts = r.groupby("unit").head(1)
    return firsts.index[(firsts["level"] != "1").to_numpy()]


@rule("056", column="incident")
def incident_number_repeated_in_file(sub, ctx):
    """The same incident number (for the same ORI) is sent as a new incident report (action I)
    more than once in this file; the second copy would be refused as a duplicate. Give each
    incident its own number, or, to replace an incident, send a delete (D) before the resend.
    Within one file this is checked here; against incidents accepted in earlier months it
    needs the history of earlier submissions. A delete earlier in the same file clears the
    number, so delete, resend, delete, resend is allowed.
    """
    r = _group_a(sub)
    heads = r[(r["level"] == "1") & r["action"].isin(["I", "D"])]
    heads = heads[["ori", "incident", "action"]].assign(file=sub.file_of(heads.index))  # within one file
    # Each delete starts a new life of the incident number; a repeat only counts within one.
    deleted_before = (heads["action"] == "D").astype(int).groupby([heads["file"], heads["ori"], heads["incident"]]).cumsum()
    reports = heads.assign(life=deleted_before)[heads["action"] == "I"]
    repeated = reports.duplicated(["file", "ori", "incident", "life"], keep="first")
    return reports.index[repeated.to_numpy()]


@rule("058", column="sub_month")
def submission_month_differs(sub, ctx):
    """Every segment of a submission must carry the same month and year of submission
    (positions 7-12) as the first segment. Records that differ are listed; a file should hold
    one submission month only, so correct the month/year or split the file.
    """
    r = sub.records
    if not len(r):
        return None
    first = r[["sub_month", "sub_year"]].groupby(sub.file_of()).transform("first")  # each file's first record
    differs = ((r["sub_month"] != first["sub_month"]) | (r["sub_year"] != first["sub_year"])).to_numpy()
    said = first["sub_month"] + "/" + first["sub_year"]
    return pd.DataFrame({"value": (r["sub_month"] + "/" + r["sub_year"])[differs],
                         "detail": ("the file's first record says " + said)[differs]},
                        index=r.index[differs])


@rule("060", column="sub_month")
def submission_month_in_future(sub, ctx):
    """The month and year of submission (positions 7-12) is later than today's month, so the
    FBI would treat it as data for the future. Correct the submission month and year.
    """
    r = sub.records
    start = submission_month_start(r)
    this_month = pd.Timestamp(ctx.today.year, ctx.today.month, 1)
    late = (start > this_month).fillna(False)
    return pd.DataFrame({"value": (r["sub_month"] + "/" + r["sub_year"])[late]}, index=r.index[late.to_numpy()])


@rule("065", level=2, column="de6")
def offense_without_victim(sub, ctx):
    """Every offense in an incident must be linked to at least one victim: the offense code
    (data element 6) must appear in data element 24 of some victim segment of the same
    incident. Add the offense code to the victim it was committed against.
    """
    offenses = sub.frames[2]
    victims = sub.frames[4]
    units = sub.records["unit"]
    links = pd.concat(
        [pd.DataFrame({"unit": units.reindex(victims.index).to_numpy(), "code": victims[f"de24_{k}"].to_numpy()})
         for k in range(1, 11)], ignore_index=True)
    links = links[links["code"] != ""].drop_duplicates()
    keyed = pd.DataFrame({"unit": units.reindex(offenses.index).to_numpy(), "code": offenses["de6"].to_numpy(),
                          "rid": offenses.index})
    keyed = keyed[(offenses["action"] == "I").to_numpy() & (offenses["de6"] != "").to_numpy()]
    linked = keyed.merge(links, on=["unit", "code"], how="left", indicator=True)
    return pd.Index(linked.loc[linked["_merge"] == "left_only", "rid"].to_numpy())


MANDATORY_LEVELS = (1, 2, 4, 5)


@rule("075")
def incident_missing_mandatory_segment(sub, ctx):
    """A Group A incident report (action I) must hold at least one administrative (1),
    offense (2), victim (4) and offender (5) segment. The missing level is named in the
    message; add that segment (an unknown offender is sent as offender 00).
    """
    r = _group_a(sub)
    r = r[r["action"] == "I"]
    present = r.groupby(["unit", "level"]).size().unstack(fill_value=0)
    hits = []
    for level in MANDATORY_LEVELS:
        has = present[str(level)] if str(level) in present.columns else pd.Series(0, index=present.index)
        missing_units = has.index[(has == 0).to_numpy()]
        if len(missing_units):
            first = r[r["unit"].isin(missing_units)].groupby("unit").head(1)
            hits.append(pd.DataFrame({"rid": first.index, "detail": f"no {spec.LEVEL_NAMES[level]} segment (level {level})",
                                      "on_record": False, "value": str(level)}))
    return pd.concat(hits, ignore_index=True) if hits else None


@rule("088", column="incident")
def arrest_number_shared_by_group_a_and_b(sub, ctx):
    """For one agency, the incident number on a Group A arrestee segment (level 6) may not be
    the same as the arrest transaction number of a Group B arrest report (level 7). Within
    this file the clash is checked here; against earlier submissions it needs history. Give
    the Group B arrest its own arrest transaction number.
    """
    arrestees = sub.frames[6]
    group_b = sub.frames[7]
    if not len(arrestees) or not len(group_b):
        return None
    a_keys = set(zip(sub.file_of(arrestees.index), arrestees["ori"], arrestees["incident"]))  # within one file
    b_key = pd.Series(list(zip(sub.file_of(group_b.index), group_b["ori"], group_b["incident"])), index=group_b.index)
    return group_b.index[b_key.isin(a_keys).to_numpy()]


@rule("104", column="action")
def invalid_action_type(sub, ctx):
    """The segment action type (position 6) must be I (incident report) on Group A segments
    or D (delete) on an administrative segment; A (add) or D on Group B arrests and zero
    reports. Correct the action type.
    """
    return _bad_action(sub, 1)


def _bad_action(sub, level: int):
    frame = sub.frames[level]
    return frame.index[(~frame["action"].isin(sorted(ACTIONS_BY_LEVEL[level]))).to_numpy()]


def _register_action_checks() -> None:
    for level, code in INVALID_VALUE_EDIT.items():
        if level == 1:
            continue

        def check(sub, ctx, level=level):
            return _bad_action(sub, level)

        check.__name__ = f"invalid_action_type_level{level}"
        check.__doc__ = (
            f"The segment action type (position 6) of a {spec.LEVEL_NAMES[level]} segment must be one of "
            f"{', '.join(sorted(ACTIONS_BY_LEVEL[level]))}. Correct the action type."
        )
        rule(code, level=level, column="action")(check)


_register_action_checks()

for _code in ("178", "198", "199"):
    requires(_code, "history")

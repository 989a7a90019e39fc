"""Group B arrest report edits (section 5.2.8, level 7), and where Group B and zero-report
segments may sit in a file (section 4.5, reported as structure error 050).

Single-field edits (701 missing, 704 invalid code, 754 automatic indicator, 758 sex, 705
date format) come from ``schemas/elements/level7.csv``; this module holds the rest.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from .. import spec
from .base import dates, submission_month_start
from .registry import requires, rule

FIRST_NIBRS_YEAR = 1991
ADULT_AGE = 18


@cache
def automatic_weapons() -> frozenset[str]:
    """DE46 weapon codes that may carry the automatic indicator A (spec error 755)."""
    return frozenset(spec.read_table("groupb_automatic_weapons.csv")["code"])


def _arrests(sub) -> pd.DataFrame:
    return sub.frames[7]


def _reports(sub) -> pd.DataFrame:
    """Group B segments that carry data (everything but deletes, which carry only keys)."""
    frame = sub.frames[7]
    return frame[frame["action"] != "D"]


def _deletes(sub) -> pd.DataFrame:
    frame = sub.frames[7]
    return frame[frame["action"] == "D"]


def _hits(frame: pd.DataFrame, mask: pd.Series, column: str, detail: str | pd.Series = "") -> pd.DataFrame:
    mask = mask.fillna(False).astype(bool)
    out = pd.DataFrame({"column": column}, index=frame.index[mask.to_numpy()])
    if isinstance(detail, pd.Series):
        out["detail"] = detail[mask].to_numpy()
    elif detail:
        out["detail"] = detail
    return out


# ---------------------------------------------------------------------------------------
# Header and keys


@rule("701", level=7)
def delete_without_its_keys(sub, ctx):
    """A Group B delete (action D) must still name the report it deletes: the ORI (data
    element 1) and the arrest transaction number (data element 41) cannot be blank. Fill in
    the ORI and arrest transaction number of the arrest report you want removed. (A missing
    arrest date on a delete is error 797.)
    """
    frame = _deletes(sub)
    return pd.concat([_hits(frame, frame[c] == "", c) for c in ("ori", "incident")])


@rule("704", level=7)
def invalid_submission_month_or_year(sub, ctx):
    """The month of submission (positions 7-8) must be 01-12 and the year of submission
    (positions 9-12) four digits from 1991 on. Correct the header of the Group B arrest
    segment; usually every record of the file has the same wrong value.
    """
    frame = _arrests(sub)
    month_bad = (frame["sub_month"] != "") & ~frame["sub_month"].isin([f"{m:02d}" for m in range(1, 13)])
    year = pd.to_numeric(frame["sub_year"].where(frame["sub_year"].str.fullmatch(r"\d{4}")), errors="coerce")
    year_bad = (frame["sub_year"] != "") & ~(year >= FIRST_NIBRS_YEAR)
    return pd.concat([_hits(frame, month_bad, "sub_month"), _hits(frame, year_bad, "sub_year")])


@rule("702", level=7, column="de40")
def sequence_number_not_numeric(sub, ctx):
    """The arrestee sequence number (data element 40) must be two digits from 01 to 99, with
    a leading zero below 10 (for example 01, not 1 or 1 followed by a blank). Correct the
    number in the Group B arrest report.
    """
    frame = _arrests(sub)
    value = frame["de40"]
    return (value != "") & ~(value.str.fullmatch(r"\d\d").fillna(False) & (value != "00"))


@rule("751", level=7, column="de40")
def sequence_number_repeated(sub, ctx):
    """Within one Group B arrest report (same ORI and arrest transaction number, data element
    41) sent as an add (action A), each arrestee needs a different arrestee sequence number
    (data element 40). The second and later segments using the same number are listed. Number
    the arrestees 01, 02, ... or give each arrest its own transaction number. A delete of the
    arrest earlier in the same file clears it, so an arrest deleted and sent again is fine.
    """
    frame = sub.frames[7]
    sent = frame[frame["action"].isin(["A", "D"])]
    sent = sent[["ori", "incident", "action", "de40"]].assign(file=sub.file_of(sent.index))  # within one file
    # Each delete of the arrest transaction number starts a new life; repeats count within one.
    deleted_before = (sent["action"] == "D").astype(int).groupby([sent["file"], sent["ori"], sent["incident"]]).cumsum()
    adds = sent.assign(life=deleted_before)[(sent["action"] == "A") & (sent["de40"] != "")]
    repeated = adds.duplicated(["file", "ori", "incident", "de40", "life"], keep="first")
    return adds.index[repeated.to_numpy()]


# ---------------------------------------------------------------------------------------
# Arrest date


@rule("705", level=7, column="de42")
def arrest_date_out_of_range(sub, ctx):
    """The arrest date (data element 42) must be a real date (YYYYMMDD) no earlier than 1991,
    not after today and not after the month of submission: an arrest cannot be reported
    before it happens. Correct the arrest date or the month of submission.
    """
    frame = _arrests(sub)
    value = frame["de42"]
    when = dates(value)
    next_month = submission_month_start(frame) + pd.offsets.MonthBegin(1)
    today = pd.Timestamp(ctx.today)
    # Deletes are not held to the single-field date check, so their bad dates are caught here.
    malformed = (frame["action"] == "D") & (value != "") & when.isna()
    early = when.dt.year < FIRST_NIBRS_YEAR
    future = when > today
    after_month = when >= next_month
    detail = pd.Series("", index=frame.index)
    detail = detail.mask(after_month.fillna(False), "after the month of submission")
    detail = detail.mask(future.fillna(False), "later than today")
    detail = detail.mask(early.fillna(False), "before 1991")
    detail = detail.mask(malformed, "not a valid date")
    return _hits(frame, malformed | early | future | after_month, "de42", detail)


@rule("797", level=7, column="de42")
def delete_without_arrest_date(sub, ctx):
    """A Group B delete (action D) must carry the arrest date (data element 42) of the report
    being deleted, so the FBI can find it. Enter the arrest date of the original report.
    """
    frame = _deletes(sub)
    return frame["de42"] == ""


# ---------------------------------------------------------------------------------------
# Offense and weapons


@rule("760", level=7, column="de45")
def arrest_offense_not_group_b(sub, ctx):
    """A Group B arrest report (level 7) may only carry a Group B offense (90A-90Z) as the
    UCR arrest offense code (data element 45). An arrest for a Group A offense belongs on an
    arrestee segment (level 6) of that offense's incident report. Correct the offense code or
    report the arrest with its incident.
    """
    frame = _reports(sub)
    return frame["de45"].isin(sorted(spec.group_a_offenses()))


@rule("706", level=7, column="de46_2")
def weapon_repeated(sub, ctx):
    """Arrestee was armed with (data element 46) holds up to two weapons, and the second
    cannot repeat the first. The automatic indicator is a separate element, so 12A and 12
    are the same weapon code twice (as 606 judges it on Group A arrestees). Remove the
    duplicate entry.
    """
    frame = _reports(sub)
    return (frame["de46_2"] != "") & (frame["de46_1"] == frame["de46_2"])


@rule("707", level=7, column="de46_2")
def unarmed_with_weapon(sub, ctx):
    """01 = Unarmed in data element 46 (arrestee was armed with) means no weapon, so it
    cannot be entered together with a weapon code. Keep 01 alone, or list only the weapons.
    """
    frame = _reports(sub)
    both = (frame["de46_1"] != "") & (frame["de46_2"] != "")
    unarmed = (frame["de46_1"] == "01") | (frame["de46_2"] == "01")
    return both & unarmed & (frame["de46_1"] != frame["de46_2"])


@rule("755", level=7)
def automatic_non_firearm(sub, ctx):
    """The automatic indicator A after a weapon code in data element 46 says the weapon was an
    automatic firearm, so it is only allowed after the firearm codes 11-15. Remove the A or
    correct the weapon code.
    """
    frame = _reports(sub)
    firearms = sorted(automatic_weapons())
    return pd.concat([
        _hits(frame, (frame[f"de46auto_{k}"] == "A") & ~frame[f"de46_{k}"].isin(firearms), f"de46auto_{k}")
        for k in (1, 2)
    ])


# ---------------------------------------------------------------------------------------
# Age of arrestee and juvenile disposition


def _age_parts(frame: pd.DataFrame) -> pd.DataFrame:
    """Shape of each age of arrestee (data element 47): exact age, range bounds, average."""
    age = frame["de47"]
    exact = age.str.fullmatch(r"\d\d").fillna(False).astype(bool)
    four = age.str.fullmatch(r"\d{4}").fillna(False).astype(bool)
    low = pd.to_numeric(age.str[:2].where(four), errors="coerce")
    high = pd.to_numeric(age.str[2:4].where(four), errors="coerce")
    exact_value = pd.to_numeric(age.where(exact), errors="coerce")
    good_range = four & (low > 0) & (low < high)
    years = exact_value.where(exact, ((low + high) // 2).where(good_range))
    known = years.notna() & (years > 0)
    return pd.DataFrame({"age": age, "exact": exact, "four": four, "low": low, "high": high,
                         "years": years, "known": known}, index=frame.index)


@rule("708", level=7, column="de47")
def age_not_left_justified(sub, ctx):
    """An exact age of arrestee (data element 47) goes in the first two positions of the
    four-character field, with the last two blank. This age starts with a blank. Move the age
    to the left.
    """
    frame = _reports(sub)
    return frame["de47"].str.startswith(" ") & (frame["de47"].str.strip() != "")


@rule("709", level=7, column="de47")
def age_range_not_numeric(sub, ctx):
    """An age of arrestee (data element 47) longer than two characters is read as an age
    range, which must be four digits (for example 2530 for 25 to 30). Enter the range as four
    digits, or a single two-digit age.
    """
    frame = _reports(sub)
    parts = _age_parts(frame)
    return (parts["age"].str.len() > 2) & ~parts["four"] & ~parts["age"].str.startswith(" ")


@rule("710", level=7, column="de47")
def age_range_not_ascending(sub, ctx):
    """In an age range in data element 47 the first age must be lower than the second (2530,
    not 3025 or 2525). Correct the range, or enter a single age.
    """
    frame = _reports(sub)
    parts = _age_parts(frame)
    return parts["four"] & (parts["low"] > 0) & (parts["low"] >= parts["high"])


@rule("722", level=7, column="de47")
def age_range_starts_unknown(sub, ctx):
    """An age range in data element 47 cannot start with 00, which means the age is unknown.
    Enter the real lower age of the range, or 00 alone if the age is not known.
    """
    frame = _reports(sub)
    parts = _age_parts(frame)
    return parts["four"] & (parts["low"] == 0)


@rule("757", level=7, column="de47")
def exact_age_not_numeric(sub, ctx):
    """An exact age of arrestee (data element 47) must be two digits, 00 (unknown) to 99
    (over 98), with a leading zero below 10. The codes NN, NB and BB are for victims only.
    Correct the age.
    """
    frame = _reports(sub)
    parts = _age_parts(frame)
    short = (parts["age"] != "") & (parts["age"].str.len() <= 2) & ~parts["age"].str.startswith(" ")
    return short & ~parts["exact"]


@rule("752", level=7, column="de52")
def juvenile_without_disposition(sub, ctx):
    """When the arrestee's age (data element 47) is under 18, the disposition of arrestee
    under 18 (data element 52) must say whether the juvenile was handled within the
    department (H) or referred to other authorities (R). Enter the disposition. This applies
    to a single age and to an age range lying wholly under 18 (such as 1416); a range
    reaching 18 or more whose average is under 18 is only warning 1740
    (docs/spec-choices.md).
    """
    frame = _reports(sub)
    parts = _age_parts(frame)
    juvenile_range = parts["four"] & (parts["high"] < ADULT_AGE).fillna(False)
    return ((parts["exact"] | juvenile_range) & parts["known"] & (parts["years"] < ADULT_AGE)
            & (frame["de52"] == ""))


@rule("753", level=7, column="de52")
def adult_with_disposition(sub, ctx):
    """The disposition of arrestee under 18 (data element 52) applies only to juveniles, but
    the age of arrestee (data element 47; for a range, the average age) is 18 or more. Leave
    the disposition blank, or correct the age.
    """
    frame = _reports(sub)
    parts = _age_parts(frame)
    return parts["known"] & (parts["years"] >= ADULT_AGE) & (frame["de52"] != "")


# ---------------------------------------------------------------------------------------
# Arrest transaction number format (data element 41)


@rule("715", level=7, column="incident")
def transaction_number_inner_blanks(sub, ctx):
    """The arrest transaction number (data element 41) cannot contain blanks between its first
    and last characters; pad a shorter number with blanks on the right only. Remove the inner
    blanks.
    """
    frame = _arrests(sub)
    value = frame["incident"].str.strip()
    return value.str.contains(" ", regex=False) & ~frame["incident"].str.startswith(" ")


@rule("716", level=7, column="incident")
def transaction_number_leading_blank(sub, ctx):
    """The arrest transaction number (data element 41) must start in the first position of its
    field; it starts with a blank. Remove the leading blanks.
    """
    frame = _arrests(sub)
    return frame["incident"].str.startswith(" ") & (frame["incident"].str.strip() != "")


@rule("717", level=7, column="incident")
def transaction_number_bad_characters(sub, ctx):
    """The arrest transaction number (data element 41) may contain only capital letters A-Z,
    digits 0-9 and hyphens (11-123-SC is fine, 11+123*SC is not). Replace the other
    characters.
    """
    frame = _arrests(sub)
    return frame["incident"].str.contains(r"[^A-Z0-9\- ]", regex=True).fillna(False).astype(bool)


# ---------------------------------------------------------------------------------------
# Where Group B and zero-report segments may sit (spec 4.5)

_INTRUDER_LEVELS = ("0", "7")


@rule("050", column="seg_level")
def incident_interrupted_by_other_segments(sub, ctx):
    """Zero report (level 0) and Group B arrest (level 7) segments may not be placed between
    the segments of a Group A incident (spec section 4.5). The record shown is the incident
    segment that follows the interruption; the message names the record that sits inside the
    incident. Write Group B arrests and zero reports before or after whole incidents.
    """
    r = sub.records
    if not len(r):
        return None
    level = r["level"]
    group_a = level.isin(["1", "2", "3", "4", "5", "6"])
    # the file is part of the key: an incident never continues into the next file of a joined model
    key = (pd.Series(sub.file_of(), index=r.index).astype(str) + "\x1f" + r["ori"] + "\x1f" + r["incident"]
           + "\x1f" + r["action"]).where(group_a)
    previous_a_key = key.ffill().shift()
    interrupted = level.shift().isin(list(_INTRUDER_LEVELS))
    hit = group_a & (level != "1") & interrupted & (key == previous_a_key)
    hit = hit.fillna(False).astype(bool)
    if not hit.any():
        return None
    before = r["record"].shift()[hit]
    before_level = level.shift()[hit]
    names = before_level.map({"0": "zero report", "7": "Group B arrest"})
    detail = names + " segment at record " + before.astype("Int64").astype(str) + " sits inside this incident"
    return pd.DataFrame({"detail": detail.to_numpy()}, index=r.index[hit.to_numpy()])


# ---------------------------------------------------------------------------------------
# Edits that need the FBI's file of earlier Group B reports

for _code in ("759", "798", "799"):
    requires(_code, "history")

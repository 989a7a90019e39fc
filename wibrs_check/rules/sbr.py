"""Checks on summary (SBR) monthly returns: our SBR codes, plus the HT10 and GAP01 signals.

The SBR reader (``readers/sbr.py``) puts the rows it read in ``sub.extra["sbr"]`` (typed) and
``sub.extra["sbr_text"]`` (as sent). Each check here compares whole columns of those frames
and returns the failing rows as a DataFrame indexed by ``rid`` with ``column`` (the CSV
column in error), ``value`` (the cell as sent) and ``detail``. Every check returns nothing
for a submission that is not an SBR file. The forms, their lines and totals, the column
limits and the age groups are the tables ``schemas/sbr_forms.csv``, ``sbr_layout.csv`` and
``sbr_age_groups.csv``; ``docs/sbr.md`` describes the format.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..readers import sbr as tables
from .registry import rule

SBR_ONLY = ("sbr",)

# The two forms GAP01 pairs: the month's Return A must come with a Human Trafficking return.
RETURN_A = "A"
TRAFFICKING_RETURN = "HT"


def _rows(sub) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(typed, as-sent) rows of an SBR submission; None for any other submission."""
    if sub.format != tables.FORMAT:
        return None
    typed = sub.extra.get("sbr")
    text = sub.extra.get("sbr_text")
    if typed is None or text is None:
        return None
    return typed, text


def _present(sub, column: str) -> bool:
    header = sub.extra.get("sbr_header")
    if header is None:
        return False
    return bool(((header["column"] == column) & (header["status"] == "present")).any())


def _hits(index, column: str, value, detail="") -> pd.DataFrame:
    """Findings on the rows ``index``: the CSV column in error, the cell as sent, a detail."""
    index = pd.Index(np.asarray(index, dtype=np.int64), name="rid")

    def cells(x) -> np.ndarray:
        if isinstance(x, str):
            return np.full(len(index), x, dtype=object)
        values = x.reindex(index) if isinstance(x, pd.Series) else x
        return np.asarray(values, dtype=object).astype(str)

    if not len(index):
        return pd.DataFrame({"column": [], "value": [], "detail": [], "data_element": []}, index=index)
    return pd.DataFrame({"column": column, "value": cells(value), "detail": cells(detail), "data_element": ""},
                        index=index)


def _join(pieces: list[pd.DataFrame]) -> pd.DataFrame | None:
    pieces = [p for p in pieces if len(p)]
    return pd.concat(pieces) if pieces else None


def _num(series: pd.Series) -> pd.Series:
    """An Int64 count column as text for messages ('' where missing)."""
    return series.astype("string").fillna("").astype(str)


def _return_name(typed: pd.DataFrame) -> pd.Series:
    """'WI0420300 2026-07' for each row, for messages."""
    month = typed["month"].astype("string").fillna("?").str.zfill(2)
    return typed["ori"] + " " + typed["year"].astype("string").fillna("?") + "-" + month


# ---------------------------------------------------------------------------------------
# Counts


@rule("SBR01", formats=SBR_ONLY)
def count_not_a_whole_number(sub, ctx):
    """A count cell holds something other than a whole number.

    Every count on the summary forms (reported, unfounded, actual, cleared, cleared under 18,
    persons arrested) is a whole number; a blank cell counts as zero. Text, decimals,
    thousands separators or stray characters (a letter O for a zero) make the row
    impossible to add up. Write the number alone, in digits.
    """
    got = _rows(sub)
    if got is None:
        return None
    typed, text = got
    pieces = []
    for column in tables.count_columns():
        if not _present(sub, column):
            continue
        bad = typed[column].isna() & (text[column] != "")
        too_long = text.loc[bad, column].str.fullmatch(r"[+-]?\d+").fillna(False).astype(bool)
        detail = np.where(too_long, f"column {column}: more than 18 digits, too large to be a count",
                          f"column {column}")
        pieces.append(_hits(typed.index[bad.to_numpy()], column, text.loc[bad, column], detail))
    return _join(pieces)


@rule("SBR02", formats=SBR_ONLY)
def count_negative(sub, ctx):
    """A count is below zero.

    The forms count offenses and persons; none of their columns can be negative. A
    correction to an earlier month is made by sending that month again, not by a negative
    count in this one. Enter the count for this month (zero if none).
    """
    got = _rows(sub)
    if got is None:
        return None
    typed, text = got
    pieces = []
    for column in tables.count_columns():
        bad = (typed[column] < 0).fillna(False).astype(bool)
        pieces.append(_hits(typed.index[bad.to_numpy()], column, text.loc[bad, column], f"column {column}"))
    return _join(pieces)


def _offense_rows(typed: pd.DataFrame) -> pd.Series:
    return typed["kind"] == "offense"


@rule("SBR03", formats=SBR_ONLY)
def actual_not_reported_minus_unfounded(sub, ctx):
    """Actual offenses do not equal offenses reported minus unfounded.

    On Return A and the Human Trafficking return, column 'actual' is by definition the
    offenses reported (or known) less the ones found unfounded. A difference means one of the
    three counts is wrong. Recount the line and correct the wrong column.
    """
    got = _rows(sub)
    if got is None:
        return None
    typed, text = got
    expected = typed["reported"] - typed["unfounded"]
    bad = (_offense_rows(typed) & (typed["actual"] != expected).fillna(False)).astype(bool)
    detail = ("reported " + _num(typed["reported"]) + " - unfounded " + _num(typed["unfounded"])
              + " = " + _num(expected))
    return _hits(typed.index[bad.to_numpy()], "actual", text.loc[bad, "actual"], detail[bad])


@rule("SBR04", formats=SBR_ONLY)
def cleared_more_than_actual(sub, ctx):
    """More offenses are cleared than actually occurred on this line.

    Clearances this month can include offenses from earlier months, but the forms still
    cannot clear more offenses on a line than the line's actual count. Check that the
    clearances are on the right line and that the actual count is complete.
    """
    got = _rows(sub)
    if got is None:
        return None
    typed, text = got
    bad = (_offense_rows(typed) & (typed["cleared"] > typed["actual"]).fillna(False)).astype(bool)
    detail = "cleared " + _num(typed["cleared"]) + ", actual " + _num(typed["actual"])
    return _hits(typed.index[bad.to_numpy()], "cleared", text.loc[bad, "cleared"], detail[bad])


@rule("SBR05", formats=SBR_ONLY)
def cleared_under_18_more_than_cleared(sub, ctx):
    """Clearances involving only persons under 18 exceed all clearances on the line.

    The under-18 column counts a subset of the cleared column (offenses cleared with only
    juveniles involved), so it can never be larger. Move the count to the cleared column or
    correct it.
    """
    got = _rows(sub)
    if got is None:
        return None
    typed, text = got
    bad = (_offense_rows(typed) & (typed["cleared_under_18"] > typed["cleared"]).fillna(False)).astype(bool)
    detail = "cleared under 18 " + _num(typed["cleared_under_18"]) + ", cleared " + _num(typed["cleared"])
    return _hits(typed.index[bad.to_numpy()], "cleared_under_18", text.loc[bad, "cleared_under_18"], detail[bad])


@rule("SBR06", formats=SBR_ONLY)
def total_not_sum_of_lines(sub, ctx):
    """A total line does not equal the sum of the lines it totals.

    Return A totals (rape, robbery, assault, burglary, motor vehicle theft, grand total) and
    the Human Trafficking total add up their lines, column by column, as listed in
    schemas/sbr_forms.csv. A line that is not sent counts as zero. Recompute the total, or
    find the line whose count is wrong.
    """
    got = _rows(sub)
    if got is None:
        return None
    typed, text = got
    parts = tables.total_parts()
    rows = typed.reset_index()
    members = rows.merge(parts, left_on=["form", "line"], right_on=["form", "part"], how="inner")
    totals = rows.merge(parts[["form", "total"]].drop_duplicates(), left_on=["form", "line"],
                        right_on=["form", "total"], how="inner")
    if not len(totals):
        return None
    key = ["unit", "form", "total"]
    keyed = totals.set_index(key)
    parts_of = parts.groupby(["form", "total"])["part"].agg(", ".join)
    listed = parts_of.reindex(pd.MultiIndex.from_arrays([keyed.index.get_level_values("form"),
                                                         keyed.index.get_level_values("total")])).to_numpy()
    pieces = []
    for column in tables.columns_of("offense"):
        if column not in tables.count_columns() or not _present(sub, column):
            continue
        by_total = members.groupby(key)[column]
        expected = by_total.sum().reindex(keyed.index, fill_value=0)
        unknown = members[column].isna().groupby([members[k] for k in key]).any().reindex(keyed.index, fill_value=False)
        differs = pd.array(keyed[column].to_numpy(), dtype="Int64") != pd.array(expected.to_numpy(), dtype="Int64")
        bad = np.asarray(differs.fillna(False), dtype=bool) & ~unknown.to_numpy(dtype=bool)
        rids = keyed["rid"].to_numpy()[bad]
        sums = pd.Series(expected.to_numpy()[bad]).astype(str).to_numpy()
        detail = (f"{column}: lines " + pd.Series(listed[bad], dtype=str) + " add up to " + sums).to_numpy()
        pieces.append(_hits(rids, column, text.loc[rids, column].to_numpy(), detail))
    return _join(pieces)


# ---------------------------------------------------------------------------------------
# The header of each row: month, year, ORI, form, line, sex and age group


@rule("SBR07", formats=SBR_ONLY)
def month_or_year_not_valid(sub, ctx):
    """The month or year of the return is not valid.

    The month must be 1 to 12 (01-12) and the year four digits, 2013 or later: the
    Human Trafficking return and the three prostitution arrest lines this layout carries
    exist from January 2013. Correct the month or year on the row.
    """
    got = _rows(sub)
    if got is None:
        return None
    typed, text = got
    limits = tables.layout()
    pieces = []
    for column in ("year", "month"):
        if not _present(sub, column):
            continue
        row = limits.loc[column]
        shaped = text[column].str.fullmatch(row["pattern"]).fillna(False).astype(bool)
        low = (typed[column] < int(row["min"])).fillna(False) if row["min"] else False
        high = (typed[column] > int(row["max"])).fillna(False) if row["max"] else False
        bad = (~shaped | low | high).astype(bool)
        allowed = f"{row['min']} to {row['max']}" if row["max"] else f"four digits, {row['min']} or later"
        pieces.append(_hits(typed.index[bad.to_numpy()], column, text.loc[bad, column], f"{column} must be {allowed}"))
    return _join(pieces)


@rule("SBR08", formats=SBR_ONLY)
def month_in_future(sub, ctx):
    """The return is for a month that has not begun yet.

    A return counts what happened in a past month. A month after today's usually means a
    typing slip in the year (2062 for 2026) or the month. Correct the month and year.
    """
    got = _rows(sub)
    if got is None:
        return None
    typed, text = got
    valid = typed["year"].notna() & typed["month"].between(1, 12).fillna(False)
    period = typed["year"].fillna(0) * 100 + typed["month"].fillna(0)
    now = ctx.today.year * 100 + ctx.today.month
    bad = (valid & (period > now)).astype(bool)
    detail = _return_name(typed) + f" is after {ctx.today:%Y-%m}"
    return _hits(typed.index[bad.to_numpy()], "month", text.loc[bad, "month"], detail[bad])


@rule("SBR09", formats=SBR_ONLY)
def line_sent_twice(sub, ctx):
    """The same form line is sent more than once for one agency and month.

    An agency sends one return per month, so each line of each form (each sex and age group
    of an arrest line) appears once. A repeated line is usually a return sent twice or two
    exports concatenated; it would be counted twice. Remove the repeated row, or send a
    corrected return that holds each line once.
    """
    got = _rows(sub)
    if got is None:
        return None
    typed, text = got
    key = ["ori", "year", "month", "form", "line", "sex", "age_group"]
    frame = typed[key].astype("string").fillna("?")
    not_arrest = (typed["kind"] != "arrest").to_numpy()
    frame.loc[not_arrest, ["sex", "age_group"]] = ""  # offense rows have no sex or age group (SBR17)
    again = frame.duplicated(keep="first").to_numpy()
    if not again.any():
        return None
    first = typed.index.to_series().groupby([frame[c] for c in key], sort=False).transform("min")
    detail = "same line as record " + (first[again] + 1).astype(str)
    return _hits(typed.index[again], "line", text.loc[again, "line"], detail)


@rule("SBR10", formats=SBR_ONLY)
def ori_not_valid(sub, ctx):
    """The ORI is not nine characters: two letters, then seven letters or digits.

    The ORI names the agency the return belongs to (WI0420300). Without a well-formed ORI
    the return cannot be credited to anyone. Use the agency's ORI exactly as the state
    program assigned it, in capital letters.
    """
    got = _rows(sub)
    if got is None or not _present(sub, "ori"):
        return None
    typed, text = got
    pattern = tables.layout().loc["ori", "pattern"]
    bad = ~text["ori"].str.fullmatch(pattern).fillna(False).astype(bool)
    return _hits(typed.index[bad.to_numpy()], "ori", text.loc[bad, "ori"])


@rule("SBR11", needs=("agency",), formats=SBR_ONLY)
def ori_not_in_agency_file(sub, ctx):
    """The ORI is well formed but not in the agency master file.

    Returns are accepted only from agencies the state program knows. An unknown ORI is
    usually a typing slip or an ORI that has been retired. Check the ORI against the one
    the state program assigned to the agency.
    """
    got = _rows(sub)
    if got is None or ctx.agencies is None or not _present(sub, "ori"):
        return None
    typed, text = got
    pattern = tables.layout().loc["ori", "pattern"]
    shaped = text["ori"].str.fullmatch(pattern).fillna(False).astype(bool)
    known = set(ctx.agencies["ori"].astype(str).str.strip().str.upper())
    bad = (shaped & ~text["ori"].isin(known)).astype(bool)
    return _hits(typed.index[bad.to_numpy()], "ori", text.loc[bad, "ori"])


@rule("SBR12", formats=SBR_ONLY)
def form_not_known(sub, ctx):
    """The form named on the row is not one this layout knows.

    The form column must be A (Return A), HT (Human Trafficking return) or ASR (arrests,
    prostitution lines). Rows of other forms are not checked. Correct the form name.
    """
    got = _rows(sub)
    if got is None or not _present(sub, "form"):
        return None
    typed, text = got
    bad = typed["kind"] == ""
    return _hits(typed.index[bad.to_numpy()], "form", text.loc[bad, "form"])


@rule("SBR13", formats=SBR_ONLY)
def line_not_on_form(sub, ctx):
    """The line is not a line of the form named on the row.

    Each form has fixed lines (Return A 1a to 7c and GT, Human Trafficking 64A, 64B and GT,
    arrests 16a, 16b and 16c), listed in docs/sbr.md. A row on any other line is not
    counted. Correct the line, or leave out offenses the form does not collect.
    """
    got = _rows(sub)
    if got is None or not _present(sub, "line"):
        return None
    typed, text = got
    table = tables.forms()
    known = set(table["form"] + " " + table["line"])
    bad = ((typed["kind"] != "") & ~(typed["form"] + " " + typed["line"]).isin(known)).astype(bool)
    return _hits(typed.index[bad.to_numpy()], "line", text.loc[bad, "line"], "form " + typed.loc[bad, "form"])


@rule("SBR14", formats=SBR_ONLY)
def sex_or_age_group_not_valid(sub, ctx):
    """An arrest row has a sex or age group the arrest form does not use.

    Arrest counts are given by sex (M or F) and by the form's age groups: U10, 10-12, 13-14,
    15, 16, 17, 18 to 24 year by year, then 25-29 ... 60-64 and 65+. Correct the code.
    """
    got = _rows(sub)
    if got is None:
        return None
    typed, text = got
    arrest = typed["kind"] == "arrest"
    sexes = tables.layout().loc["sex", "codes"].split(";")
    pieces = []
    checks = (("sex", ~typed["sex"].isin(sexes), "use " + " or ".join(sexes)),
              ("age_group", ~typed["age_group"].isin(tables.age_groups()["code"].tolist()), "not an age group of the arrest form"))
    for column, wrong, detail in checks:
        if not _present(sub, column):
            continue
        bad = (arrest & wrong).astype(bool)
        pieces.append(_hits(typed.index[bad.to_numpy()], column, text.loc[bad, column], detail))
    return _join(pieces)


# ---------------------------------------------------------------------------------------
# The file's shape


@rule("SBR15", formats=SBR_ONLY)
def column_missing_from_header(sub, ctx):
    """The file's header has no column for a value this row needs.

    Every row needs ori, year, month, form and line; Return A and Human Trafficking rows
    also need reported, unfounded, actual, cleared and cleared_under_18; arrest rows need
    sex, age_group and count. Without the column the row cannot be checked. Add the column
    to the header (the names are listed in docs/sbr.md).
    """
    got = _rows(sub)
    header = sub.extra.get("sbr_header")
    if got is None or header is None:
        return None
    typed, _ = got
    missing = header.loc[header["status"] == "missing", "column"]
    scope = tables.layout()["applies_to"]
    pieces = []
    for column in missing:
        applies = scope[column]
        needs = typed.index if applies == "all" else typed.index[(typed["kind"] == applies).to_numpy()]
        pieces.append(_hits(needs, column, "", f"the header has no '{column}' column"))
    return _join(pieces)


@rule("SBR16", formats=SBR_ONLY)
def row_not_readable(sub, ctx):
    """The row could not be read: it has a different number of fields than the header, or
    its quotes are unbalanced.

    A missing or extra comma shifts every value after it, so none of the row's values can be
    trusted and the row was not checked. A number written with a thousands separator (1,204)
    is a common cause. Write the row with exactly one value per header column.
    """
    if sub.format != tables.FORMAT or not len(sub.unplaced):
        return None
    rids = sub.unplaced.index
    return _hits(rids, "", "", sub.unplaced["reason"])


@rule("SBR17", formats=SBR_ONLY)
def value_in_column_of_other_form(sub, ctx):
    """The row fills a column that its form does not have.

    Return A and Human Trafficking rows carry offense counts (reported ... cleared_under_18);
    arrest rows carry sex, age_group and count. A value in a column of the other kind is
    ignored, and usually means the row names the wrong form or the values slipped columns.
    Leave the column blank or correct the form.
    """
    got = _rows(sub)
    if got is None:
        return None
    typed, text = got
    scope = tables.layout()["applies_to"]
    pieces = []
    for kind in ("offense", "arrest"):
        rows = (typed["kind"] == kind).to_numpy()
        for column in scope.index[~scope.isin(["all", kind])]:
            bad = rows & (text[column] != "").to_numpy()
            pieces.append(_hits(typed.index[bad], column, text[column].to_numpy()[bad],
                                f"{column} is used only on {scope[column]} rows"))
    return _join(pieces)


@rule("SBR18", formats=SBR_ONLY)
def header_column_not_known(sub, ctx):
    """The header names a column wibrs-check does not know; its values were ignored.

    Only the columns listed in docs/sbr.md are read (a few other spellings such as
    sub_year or cleared_under18 are accepted). An extra column, a misspelt name or a column
    given twice is skipped. Remove it or correct its name.
    """
    if sub.format != tables.FORMAT:
        return None
    header = sub.extra.get("sbr_header")
    if header is None:
        return None
    odd = header[header["status"].isin(["unknown", "repeated"])]
    if not len(odd):
        return None
    # A header of thousands of odd columns gives one finding per status, with the count and
    # the first names, not one finding per column.
    pieces = []
    for status, group in odd.groupby("status", sort=False):
        what = "column given twice" if status == "repeated" else "not a column of the SBR layout"
        if len(group) <= _HEADER_EXAMPLES:
            hits = _hits(np.full(len(group), -1), "", group["header"].to_numpy(), what)
            hits["column"] = group["header"].to_numpy()
        else:
            first = ", ".join(group["header"].head(_HEADER_EXAMPLES))
            hits = _hits([-1], group["header"].iloc[0], first + ", ...",
                         f"{len(group):,} header columns: {what} (first: {first})")
        pieces.append(hits)
    return _join(pieces)


_HEADER_EXAMPLES = 5


# ---------------------------------------------------------------------------------------
# Trafficking evidence and gaps


def _role_rows(typed: pd.DataFrame, role: str) -> pd.Series:
    table = tables.forms()
    lines = set((table["form"] + " " + table["line"])[table["ht_role"] == role])
    return (typed["form"] + " " + typed["line"]).isin(lines)


@rule("HT10", formats=SBR_ONLY)
def juvenile_prostitution_arrests_without_trafficking(sub, ctx):
    """Persons under 18 were arrested for prostitution, but the same month's Human
    Trafficking return shows no actual commercial-sex trafficking offense.

    For UCR, anyone under 18 who performs a commercial sex act is a victim of sex
    trafficking (64A), whatever the charge and whether or not force was used. A juvenile
    arrested on the prostitution line (16a) is therefore evidence of a trafficking offense
    that should appear on the Human Trafficking return. Juvenile arrests for assisting or
    purchasing (16b, 16c) are not by themselves evidence and are not flagged. Review the
    cases and report the trafficking offenses on line 64A.
    """
    got = _rows(sub)
    if got is None:
        return None
    typed, text = got
    juvenile = set(tables.age_groups().query("juvenile == 'yes'")["code"])
    evidence = (_role_rows(typed, "juvenile_provider") & typed["age_group"].isin(juvenile)
                & (typed["count"] > 0).fillna(False)).astype(bool)
    if not evidence.any():
        return None
    trafficking = _role_rows(typed, "sex_trafficking") & (typed["actual"] > 0).fillna(False)
    with_trafficking = set(typed.loc[trafficking.to_numpy(), "unit"])
    flagged = evidence & ~typed["unit"].isin(with_trafficking)
    detail = (text.loc[flagged, "count"] + " juvenile(s) arrested for prostitution; no 64A offense on the "
              "Human Trafficking return for " + _return_name(typed)[flagged])
    return _hits(typed.index[flagged.to_numpy()], "count", text.loc[flagged, "count"], detail)


@rule("GAP01", formats=SBR_ONLY)
def return_a_without_trafficking_return(sub, ctx):
    """A Return A was sent for the month but no Human Trafficking return.

    The Human Trafficking return is due every month with Return A, with zeros when there
    were no trafficking offenses. A missing one often means the agency's records system
    cannot produce it, so trafficking goes uncounted. Send the Human Trafficking return
    (lines 64A, 64B and GT) with the month's Return A.
    """
    got = _rows(sub)
    if got is None:
        return None
    typed, text = got
    has_a = typed["form"] == RETURN_A
    units_ht = set(typed.loc[(typed["form"] == TRAFFICKING_RETURN).to_numpy(), "unit"])
    missing = has_a & ~typed["unit"].isin(units_ht)
    if not missing.any():
        return None
    first = typed[missing].reset_index().groupby("unit")["rid"].min().to_numpy()
    return _hits(first, "form", text.loc[first, "form"],
                 "no Human Trafficking return for " + _return_name(typed).loc[first])

"""The year's figures from the reports' standing (see :mod:`.ledger`).

Every table is a DataFrame whose columns are documented in :data:`.tables.COLUMNS`.

**Scorecard** (one row per agency and month of the year): reports are counted in their own
month (the incident date's month, the arrest date's, the zero report's or the summary
return's), whenever they were sent, so a corrected resubmission of a rejected March
incident makes March's score better. ``error_rate`` = reports still rejected / reports
received (accepted or rejected).

**FBI certification test**: a month passes when the agency had reports in it and its error
rate was under 4%; an agency meets the test at a month when that month and the two before
it pass (the two months before January come from the store's December and November). The
year's status is the test at the latest month for which the state has data: met (since the
first month of the unbroken run of months at which it was met) or not met.

**Trafficking figures**: incidents with a human trafficking offense, commercial sex acts
(64A) or involuntary servitude (64B), dated in the year: victims connected to the offense,
incidents and agencies, among accepted (processed successfully) and among still-rejected
incidents, as of a date; between two as-of dates, the change in the DOJ report's words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import select

from ..history import models as m
from ..rules.history_facts import generation_2019_lengths
from . import ledger
from .tables import frame

CERTIFICATION_RATE = 0.04  # the FBI's limit: an error rate under 4% ...
CERTIFICATION_MONTHS = 3  # ... for three consecutive months
OFFENSES = {"64A": "human trafficking, commercial sex acts", "64B": "human trafficking, involuntary servitude"}
JUVENILE_FLAGS = ("HT01", "HT02")
TOP_ERRORS = 3
LISTED_INCIDENTS = 20  # incident numbers named per agency in a follow-up row


@dataclass
class YearReport:
    year: int
    as_of: dt.date
    compare_as_of: dt.date | None
    through: str  # the latest month of the year with state data as of as_of
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)  # the DOJ report's change sentences


def build(history, year: int, as_of: dt.date | None = None, compare_as_of: dt.date | None = None,
          agencies: pd.DataFrame | None = None) -> YearReport:
    """Every table of the year report for ``year`` as of ``as_of`` (default: today)."""
    as_of = as_of or dt.date.today()
    months = ledger.year_months(year)
    window = ledger.year_months(year, before=CERTIFICATION_MONTHS - 1)
    rows = ledger.read(history, window)
    now = ledger.standing(rows, as_of)
    names = _names(agencies)
    sent = _months_sent(rows, as_of, window)
    score = scorecard(now, sent, window, names, agencies)
    with_cert = certification_by_month(score)
    state = state_months(with_cert[with_cert["month"].isin(months)])
    through = _through(state, months)
    report = YearReport(year, as_of, compare_as_of, through)
    report.tables["scorecard"] = frame("scorecard", with_cert[with_cert["month"].isin(months)])
    report.tables["state_months"] = frame("state_months", state)
    report.tables["certification"] = frame("certification", certification(with_cert, months, through, names))
    figures = [trafficking(now, months, as_of)]
    if compare_as_of is not None:
        figures.insert(0, trafficking(ledger.standing(rows, compare_as_of), months, compare_as_of))
    report.tables["trafficking"] = frame("trafficking", pd.concat(figures, ignore_index=True))
    report.tables["trafficking_months"] = frame("trafficking_months", trafficking_months(now, months, names))
    if compare_as_of is not None:
        change = trafficking_change(report.tables["trafficking"], year, compare_as_of, as_of)
        report.tables["trafficking_change"] = frame("trafficking_change", change)
        report.sentences = change["sentence"].tolist()
    report.tables["followup_juvenile_prostitution"] = frame("followup_juvenile_prostitution",
                                                            juvenile_prostitution(now, months, names))
    report.tables["followup_rejected_trafficking"] = frame("followup_rejected_trafficking",
                                                           rejected_trafficking(now, months, names))
    report.tables["followup_no_trafficking"] = frame("followup_no_trafficking", no_trafficking(now, months, names, agencies))
    report.tables["followup_sbr_no_ht"] = frame("followup_sbr_no_ht", sbr_without_ht(now, months, names))
    report.tables["followup_legacy_layout"] = frame("followup_legacy_layout",
                                                    legacy_layouts(history, months, as_of, names))
    return report


def _names(agencies: pd.DataFrame | None) -> pd.Series:
    if agencies is None or "name" not in agencies:
        return pd.Series(dtype=object)
    return agencies.drop_duplicates("ori").set_index("ori")["name"]


def _name(names: pd.Series, oris: pd.Series) -> np.ndarray:
    return oris.map(names).astype(object).fillna("").to_numpy() if len(names) else np.full(len(oris), "", dtype=object)


def _months_sent(rows: pd.DataFrame, as_of: dt.date, window: list[str]) -> pd.DataFrame:
    """(ori, month) of every month of submission an agency sent something for, by as_of."""
    sent = rows[(rows["received_at"] < ledger.end_of_day(as_of)) & rows["sub_month"].isin(window)]
    return sent[["ori", "sub_month"]].drop_duplicates().rename(columns={"sub_month": "month"})


# -- scorecard and certification -----------------------------------------------------------

def _top_errors(rejected: pd.DataFrame) -> pd.Series:
    """Per (ori, month): the most frequent error codes of the still-rejected reports, "056x3 ..."."""
    if not len(rejected):
        return pd.Series(dtype=object)
    codes = rejected.assign(code=rejected["errors"].str.split()).explode("code")
    codes = codes[codes["code"].notna() & (codes["code"] != "")]
    counted = codes.groupby(["ori", "month", "code"]).size().rename("n").reset_index()
    counted = counted.sort_values(["ori", "month", "n", "code"], ascending=[True, True, False, True])
    counted = counted.groupby(["ori", "month"]).head(TOP_ERRORS)
    counted["text"] = counted["code"] + "x" + counted["n"].astype(str)
    return counted.groupby(["ori", "month"])["text"].agg(" ".join)


def scorecard(now: pd.DataFrame, sent: pd.DataFrame, window: list[str], names: pd.Series,
              agencies: pd.DataFrame | None) -> pd.DataFrame:
    """One row per agency and month of ``window`` (see the module docstring)."""
    counted = now[now["status"].isin(["accepted", "rejected"]) & now["month"].isin(window)].copy()
    oris = set(counted["ori"]) | set(sent["ori"])
    if agencies is not None:
        oris |= set(agencies["ori"])
    grid = pd.MultiIndex.from_product([sorted(oris), window], names=["ori", "month"])
    accepted = counted["status"] == "accepted"
    rejected = counted["status"] == "rejected"
    per = counted.assign(
        received=1, accepted=accepted.astype(int), rejected=rejected.astype(int),
        incidents=(counted["kind"] == "A").astype(int), group_b=(counted["kind"] == "B").astype(int),
        zero_report=((counted["kind"] == "Z") & accepted).astype(int),
        summary_return=((counted["kind"] == "S") & accepted).astype(int),
        fixed=(accepted & counted["was_rejected"].astype(bool)).astype(int),
        ht_flags=counted["flags"].str.contains(r"\bHT\d", regex=True).astype(int),
        trafficking=(accepted & ledger.trafficking_mask(counted["offenses"])).astype(int),
    ).groupby(["ori", "month"])[["received", "accepted", "rejected", "incidents", "group_b", "zero_report",
                                  "summary_return", "fixed", "warnings", "ht_flags", "trafficking"]].sum()
    out = per.reindex(grid, fill_value=0)
    out["top_errors"] = _top_errors(counted[rejected]).reindex(out.index).fillna("")
    out["error_rate"] = np.where(out["received"] > 0, out["rejected"] / out["received"].where(out["received"] > 0, 1), 0.0)
    out["sent"] = out.index.isin(pd.MultiIndex.from_frame(sent[["ori", "month"]])) if len(sent) else False
    out = out.reset_index()
    out["agency"] = _name(names, out["ori"])
    out["zero_report"] = out["zero_report"] > 0
    out["summary_return"] = out["summary_return"] > 0
    out["error_rate"] = out["error_rate"].round(6)
    return out


def certification_by_month(score: pd.DataFrame) -> pd.DataFrame:
    """The scorecard with ``passes`` (reports and error rate under 4%) and ``certified``
    (this month and the two before pass)."""
    out = score.sort_values(["ori", "month"]).reset_index(drop=True)
    out["passes"] = (out["received"] > 0) & (out["error_rate"] < CERTIFICATION_RATE)
    # passing months in a row: a running count that restarts at each agency and failing month
    restart = (~out["passes"]) | (out["ori"] != out["ori"].shift())
    out["months_passing_in_a_row"] = out["passes"].astype(int).groupby(restart.cumsum()).cumsum().astype(int)
    out["certified"] = out["months_passing_in_a_row"] >= CERTIFICATION_MONTHS
    return out


def _through(state: pd.DataFrame, months: list[str]) -> str:
    with_data = state.loc[state["received"] > 0, "month"]
    return str(with_data.max()) if len(with_data) else months[-1]


def certification(score: pd.DataFrame, months: list[str], through: str, names: pd.Series) -> pd.DataFrame:
    """Per agency: the certification test at ``through`` (met / not met, since when)."""
    upto = score[score["month"] <= through]
    last = upto[upto["month"] == through].set_index("ori")
    year = upto[upto["month"].isin(months)]
    # the first month of the unbroken run of certified months that ends at `through`
    broken = year[~year["certified"]].groupby("ori")["month"].max()
    first_certified = year[year["certified"]].groupby("ori")["month"].min()
    after_break = year[year["certified"]].merge(broken.rename("broken"), left_on="ori", right_index=True, how="left")
    after_break = after_break[after_break["broken"].isna() | (after_break["month"] > after_break["broken"])]
    since = after_break.groupby("ori")["month"].min()
    out = pd.DataFrame(index=last.index)
    out["met"] = last["certified"]
    out["certification"] = np.where(out["met"], "met", "not met")
    out["since"] = since.reindex(out.index).where(out["met"], "").fillna("")
    out["months_passing_in_a_row"] = last["months_passing_in_a_row"]
    out["months_certified"] = year.groupby("ori")["certified"].sum().reindex(out.index).fillna(0).astype(int)
    out["first_certified"] = first_certified.reindex(out.index).fillna("")
    totals = year.groupby("ori")[["received", "rejected"]].sum().reindex(out.index, fill_value=0)
    out["received"] = totals["received"]
    out["rejected"] = totals["rejected"]
    out["error_rate"] = np.where(totals["received"] > 0, totals["rejected"] / totals["received"].clip(lower=1), 0.0).round(6)
    out["months_not_sent"] = year[~year["sent"]].groupby("ori")["month"].agg(" ".join).reindex(out.index).fillna("")
    out["through"] = through
    out = out.reset_index()
    out["agency"] = _name(names, out["ori"])
    return out


def state_months(score: pd.DataFrame) -> pd.DataFrame:
    """Per month: the state's totals of the scorecard."""
    sums = score.groupby("month")[["received", "accepted", "rejected", "incidents", "group_b", "fixed", "warnings",
                                   "ht_flags", "trafficking"]].sum()
    sums["agencies_sent"] = score[score["sent"]].groupby("month").size().reindex(sums.index, fill_value=0)
    sums["agencies_with_reports"] = score[score["received"] > 0].groupby("month").size().reindex(sums.index, fill_value=0)
    sums["zero_reports"] = score.groupby("month")["zero_report"].sum()
    sums["agencies_certified"] = score.groupby("month")["certified"].sum()
    sums["error_rate"] = np.where(sums["received"] > 0, sums["rejected"] / sums["received"].clip(lower=1), 0.0).round(6)
    return sums.reset_index()


# -- trafficking ---------------------------------------------------------------------------

def _dated_in(now: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    return now[(now["kind"] == "A") & now["month"].isin(months)]


def trafficking(now: pd.DataFrame, months: list[str], as_of: dt.date) -> pd.DataFrame:
    """Victims, incidents and agencies per offense (64A, 64B) and standing, as of a date."""
    incidents = _dated_in(now, months)
    rows = []
    for offense in OFFENSES:
        has = incidents[ledger.has_code(incidents["offenses"], offense)]
        victims = f"victims_{offense.lower()}"
        for status in ("accepted", "rejected"):
            chosen = has[has["status"] == status]
            rows.append({"as_of": as_of.isoformat(), "offense": offense, "description": OFFENSES[offense],
                         "status": status, "victims": int(chosen[victims].sum()), "incidents": len(chosen),
                         "agencies": int(chosen["ori"].nunique())})
        ever = has[has["was_rejected"].astype(bool) & has["status"].isin(["accepted", "rejected"])]
        rows.append({"as_of": as_of.isoformat(), "offense": offense, "description": OFFENSES[offense],
                     "status": "rejected at least once", "victims": int(ever[victims].sum()), "incidents": len(ever),
                     "agencies": int(ever["ori"].nunique())})
        fixed = ever[ever["status"] == "accepted"]
        rows.append({"as_of": as_of.isoformat(), "offense": offense, "description": OFFENSES[offense],
                     "status": "rejected, then accepted", "victims": int(fixed[victims].sum()),
                     "incidents": len(fixed), "agencies": int(fixed["ori"].nunique())})
    return pd.DataFrame(rows)


def trafficking_months(now: pd.DataFrame, months: list[str], names: pd.Series) -> pd.DataFrame:
    """Accepted trafficking incidents and victims per agency and month."""
    incidents = _dated_in(now, months)
    incidents = incidents[(incidents["status"] == "accepted") & ledger.trafficking_mask(incidents["offenses"])]
    out = incidents.assign(
        incidents_64a=ledger.has_code(incidents["offenses"], "64A").astype(int),
        incidents_64b=ledger.has_code(incidents["offenses"], "64B").astype(int),
    ).groupby(["ori", "month"])[["incidents_64a", "victims_64a", "incidents_64b", "victims_64b"]].sum().reset_index()
    out["agency"] = _name(names, out["ori"])
    return out


def change_phrase(before: int, after: int) -> str:
    """The change from ``before`` to ``after`` as the DOJ report words it ("increased 56%")."""
    if before == after:
        return "did not change"
    if before == 0:
        return f"rose from 0 to {after}"
    percent = round(abs(after - before) * 100 / before)
    return f"{'increased' if after > before else 'decreased'} {percent}%"


MEASURES = (("victims", "victims of {what}"), ("incidents", "incidents involving {what}"),
            ("agencies", "agencies reporting {what} incidents"))
WHAT = {"64A": "sex trafficking", "64B": "labor trafficking (involuntary servitude)"}


def trafficking_change(figures: pd.DataFrame, year: int, before: dt.date, after: dt.date) -> pd.DataFrame:
    """Accepted victims, incidents and agencies at two as-of dates and the change in words."""
    accepted = figures[figures["status"] == "accepted"].set_index(["as_of", "offense"])
    rows = []
    for offense in OFFENSES:
        for measure, wording in MEASURES:
            first = int(accepted.loc[(before.isoformat(), offense), measure])
            second = int(accepted.loc[(after.isoformat(), offense), measure])
            phrase = change_phrase(first, second)
            what = wording.format(what=WHAT[offense])
            sentence = (f"Between {before:%m/%d/%Y} and {after:%m/%d/%Y} the number of {year} {what} processed "
                        f"successfully {phrase} ({first} to {second}).")
            rows.append({"offense": offense, "measure": measure, "before_as_of": before.isoformat(), "before": first,
                         "after_as_of": after.isoformat(), "after": second, "change": phrase, "sentence": sentence})
    return pd.DataFrame(rows)


# -- follow-up lists -----------------------------------------------------------------------

def _list(values: pd.Series) -> str:
    shown = sorted(set(values))
    more = len(shown) - LISTED_INCIDENTS
    return " ".join(shown[:LISTED_INCIDENTS]) + (f" (+{more} more)" if more > 0 else "")


def juvenile_prostitution(now: pd.DataFrame, months: list[str], names: pd.Series) -> pd.DataFrame:
    """Agencies whose incidents of the year carry a juvenile-prostitution flag (HT01/HT02)."""
    incidents = _dated_in(now, months)
    incidents = incidents[incidents["status"].isin(["accepted", "rejected"])]
    flagged = incidents[ledger.has_code(incidents["flags"], JUVENILE_FLAGS[0])
                        | ledger.has_code(incidents["flags"], JUVENILE_FLAGS[1])]
    trafficking_oris = set(incidents.loc[(incidents["status"] == "accepted")
                                         & ledger.trafficking_mask(incidents["offenses"]), "ori"])
    out = flagged.groupby("ori").agg(incidents=("key", "size"), incident_numbers=("key", _list),
                                     months=("month", lambda s: " ".join(sorted(set(s))))).reset_index()
    codes = flagged.assign(code=flagged["flags"].str.split()).explode("code")
    codes = codes[codes["code"].isin(JUVENILE_FLAGS)].drop_duplicates(["ori", "code"]).sort_values(["ori", "code"])
    out["flags"] = out["ori"].map(codes.groupby("ori")["code"].agg(" ".join)).fillna("")
    out["reports_64a"] = out["ori"].isin(trafficking_oris)
    out["agency"] = _name(names, out["ori"])
    out["what_to_do"] = ("Ask the agency whether these prostitution incidents with a juvenile are sex trafficking: "
                         "for UCR anyone under 18 paid for a sex act is a 64A victim. Resubmit them with 64A.")
    return out


def rejected_trafficking(now: pd.DataFrame, months: list[str], names: pd.Series) -> pd.DataFrame:
    """Trafficking incidents of the year that are rejected and not fixed, with their errors."""
    incidents = _dated_in(now, months)
    out = incidents[(incidents["status"] == "rejected") & ledger.trafficking_mask(incidents["offenses"])].copy()
    out = out.rename(columns={"key": "incident"})
    out["first_rejected"] = out["first_rejected_at"].dt.strftime("%Y-%m-%d")
    out["last_sent"] = out["last_received_at"].dt.strftime("%Y-%m-%d")
    out["agency"] = _name(names, out["ori"])
    out["what_to_do"] = "Fix error(s) " + out["errors"].str.replace(" ", ", ") + (
        " and send the incident again; until then it is in no count.")
    return out.sort_values(["ori", "month", "incident"])


def no_trafficking(now: pd.DataFrame, months: list[str], names: pd.Series, agencies: pd.DataFrame | None) -> pd.DataFrame:
    """Incident-based agencies (and, with an agency file, agencies that sent nothing) without
    a single trafficking incident, accepted or rejected, dated in the year."""
    reports = now[now["month"].isin(months) & now["status"].isin(["accepted", "rejected"])]
    incidents = reports[reports["kind"] == "A"]
    with_64 = set(incidents.loc[ledger.trafficking_mask(incidents["offenses"]), "ori"])
    per = incidents.groupby("ori").agg(incidents=("key", "size"), months_with_incidents=("month", "nunique"))
    per = per[~per.index.isin(with_64)]
    if agencies is not None:
        silent = sorted(set(agencies["ori"]) - set(reports["ori"]))
        per = pd.concat([per, pd.DataFrame({"incidents": 0, "months_with_incidents": 0},
                                           index=pd.Index(silent, name="ori"))])
    out = per.reset_index().rename(columns={"index": "ori"})
    out["agency"] = _name(names, out["ori"])
    out["what_to_do"] = np.where(
        out["incidents"] > 0,
        "Confirm the records system can code 64A/64B and that staff know the UCR definition of trafficking.",
        "Sent no reports this year: confirm it reports, or who reports for it.")
    return out.sort_values(["incidents", "ori"], ascending=[False, True])


def sbr_without_ht(now: pd.DataFrame, months: list[str], names: pd.Series) -> pd.DataFrame:
    """Summary (SBR) agencies with monthly returns that hold no Human Trafficking form."""
    returns = now[(now["kind"] == "S") & now["month"].isin(months) & now["status"].isin(["accepted", "rejected"])]
    returns = returns.assign(with_ht=ledger.has_code(returns["offenses"], "HT"))
    per = returns.groupby("ori").agg(returns=("key", "size"), returns_with_ht=("with_ht", "sum"))
    missing = returns[~returns["with_ht"]].groupby("ori")["month"].agg(lambda s: " ".join(sorted(s)))
    per["months_without_ht"] = missing.reindex(per.index).fillna("")
    per = per[per["returns_with_ht"] < per["returns"]].reset_index()
    per["never_sent_ht"] = per["returns_with_ht"] == 0
    per["agency"] = _name(names, per["ori"])
    per["what_to_do"] = ("Remind the agency that a Human Trafficking return (64A, 64B; zeros when there were none) "
                         "goes with every month's Return A.")
    return per.sort_values(["never_sent_ht", "ori"], ascending=[False, True])


def legacy_layouts(history, months: list[str], as_of: dt.date, names: pd.Series) -> pd.DataFrame:
    """Agencies whose files of the year used the older segment lengths (latest commit of each file)."""
    table = m.RunAgency.__table__
    query = select(table.c.id, table.c.ori, table.c.month, table.c.file, table.c.layout, table.c.committed_at).where(
        table.c.month.in_(months))
    with history.engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(query).all(), columns=["id", "ori", "month", "file", "layout", "committed_at"])
    rows["committed_at"] = pd.to_datetime(rows["committed_at"], utc=True)
    rows = rows[rows["committed_at"] < ledger.end_of_day(as_of)].sort_values("id")
    rows = rows.drop_duplicates(["file", "ori", "month"], keep="last")
    legacy = rows[rows["layout"].fillna("").str.contains("short|legacy")]  # "legacy": months stored before the rename
    out = legacy.groupby("ori").agg(months_legacy=("month", lambda s: " ".join(sorted(set(s)))),
                                    last_legacy_month=("month", "max")).reset_index()
    out["last_month_sent"] = out["ori"].map(rows.groupby("ori")["month"].max())
    out["still_legacy"] = out["last_legacy_month"] == out["last_month_sent"]
    out["agency"] = _name(names, out["ori"])
    wanted = ", ".join(f"level {level} {length}" for level, length in sorted(generation_2019_lengths().items()))
    out["what_to_do"] = f"Ask the records-system vendor to send the 2019 segment lengths ({wanted})."
    return out.sort_values(["still_legacy", "ori"], ascending=[False, True])

"""Offense-code gap report: agency by agency, where trafficking is not being coded.

The signals are those of the design note (``shared/design/domain.md``, "Offense-code gaps").
They are about an agency over one or more months, not about a record, so they are kept out
of the findings frame: :func:`signals` returns a frame of its own (``GAP_COLUMNS``), with
its own writers (:func:`render_text`, :func:`render_csv`, :func:`render_json`).

Two steps, so that a batch never holds a file's model longer than it checks it:

1. :func:`evidence` reads one checked file (model and findings) and returns a few counts per
   agency and month (``EVIDENCE_COLUMNS``). A batch worker computes it next to the checks and
   sends only that small frame back.
2. :func:`signals` adds the evidence of every file up per agency, over every month given,
   and raises the signals (codes catalogued in ``schemas/own_codes_gap.csv``, plus GAP01
   from ``schemas/own_codes_sbr.csv``):

   ======  ===============================================================================
   GAP01   summary agency: months with a Return A but no Human Trafficking return
   GAP02   juvenile-prostitution evidence, but no 64A/64B incident in any month given
   GAP03   64A/64B incidents that would be rejected for errors
   GAP04   records in the short 2019.1 layouts (no cargo theft, bias #2-#5, LEOKA or ethnicity)
   GAP05   summary agency: juveniles arrested for prostitution in a month with no 64A counted
   GAP06   an agency of the agency master file that sent nothing at all for a month
   ======  ===============================================================================

Juvenile-prostitution evidence in incident data (flat or XML), per Group A incident, is
what the trafficking flags HT01 and HT02 look for, read from the same function
(:func:`wibrs_check.rules.trafficking.juvenile_provider_evidence`), so the gap report and
the flags always agree on who is a juvenile provider and which ages count: a 40A incident
with a juvenile provider (``juvenile_40a``), or a 40B/40C incident with one
(``juvenile_40bc``). It is computed even when the HT codes are not selected for the run.

A file's reports count for the month most of that agency's reports in the file carry (one
stray record with another month does not open a month of its own). The months of a run are
the months counted this way.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd

from . import spec
from .agencies import by_ori
from .model import UNIT_GROUP_B, UNIT_INCIDENT, UNIT_SBR, UNIT_ZERO

EXAMPLES = 5  # incident numbers kept per agency and signal as examples
UNKNOWN_MONTH = "unknown"

SIGNAL_CODES = ("GAP01", "GAP02", "GAP03", "GAP04", "GAP05", "GAP06")

# One row per (file, ori): what the signals need, already counted.
EVIDENCE_COLUMNS = (
    "file", "format", "ori", "month",
    "records", "units", "incidents", "legacy_records", "legacy_levels",
    "prostitution_incidents", "juvenile_40a", "juvenile_40bc", "juvenile_incidents",
    "juvenile_examples", "ht_flags",
    "trafficking_incidents", "trafficking_rejected", "trafficking_error_codes", "trafficking_examples",
    "incidents_rejected",
    "sbr_return_a", "sbr_ht_return", "sbr_juvenile_arrests", "sbr_64a_actual", "sbr_flagged_juveniles",
)
_COUNT_COLUMNS = tuple(c for c in EVIDENCE_COLUMNS if c not in (
    "file", "format", "ori", "month", "legacy_levels", "juvenile_examples", "trafficking_error_codes",
    "trafficking_examples"))

GAP_COLUMNS = ("ori", "name", "code", "severity", "title", "months", "months_in_run", "count",
               "evidence", "recommendation", "examples")
GAP_COLUMN_DOCS = {
    "ori": "ORI of the agency the signal is about",
    "name": "agency name from the agency master file (blank without --agencies)",
    "code": "signal code (GAP01-GAP06), catalogued with the edits: wibrs-check rules CODE",
    "severity": "always 'flag': a signal for the state program to follow up, not an error",
    "title": "what the signal means, in a line",
    "months": "the months (YYYY-MM, space-separated) in which the evidence was seen",
    "months_in_run": "how many months the run covered",
    "count": "the main evidence count (incidents, records, juveniles or months, see evidence)",
    "evidence": "the evidence counts in plain words",
    "recommendation": "what to do about it, in plain words",
    "examples": "up to five incident numbers (file#incident) to look at first",
}


# ---------------------------------------------------------------------------------------
# Step 1: evidence of one checked file


def month_label(year: pd.Series, month: pd.Series) -> pd.Series:
    """'YYYY-MM' for a four-digit year and a month 1-12, else 'unknown'."""
    y = pd.to_numeric(pd.Series(year, dtype="str").str.strip(), errors="coerce")
    m = pd.to_numeric(pd.Series(month, dtype="str").str.strip(), errors="coerce")
    good = (y >= 1900) & (y <= 2999) & (m >= 1) & (m <= 12)
    label = y.fillna(0).astype(int).astype(str).str.zfill(4) + "-" + m.fillna(0).astype(int).astype(str).str.zfill(2)
    return label.where(good.fillna(False), UNKNOWN_MONTH)


def _incident_evidence(sub, units: pd.DataFrame) -> pd.DataFrame:
    """Per unit: prostitution and trafficking offenses held, and juvenile-provider evidence.

    The evidence is the trafficking flags' own (:func:`wibrs_check.rules.trafficking.juvenile_provider_evidence`),
    read whether or not HT01/HT02 were selected for the run, so "juvenile provider" has one
    definition in the tool: its rows marked HT01 are 40A incidents, those marked HT02 are
    40B/40C incidents.
    """
    columns = ["prostitution", "trafficking", "juvenile_40a", "juvenile_40bc", "juvenile"]
    if not (units["unit_kind"] == UNIT_INCIDENT).any():  # an SBR return or Group B only: nothing to read
        return pd.DataFrame(False, index=units.index, columns=columns)
    from .rules import trafficking as ht

    held = ht.offense_flags(sub).reindex(units.index, fill_value=False)
    providers = ht.juvenile_provider_evidence(sub)
    out = pd.DataFrame(index=units.index)
    out["prostitution"] = held[[ht.PROVIDING, ht.PROMOTING, ht.PURCHASING]].any(axis=1)
    out["trafficking"] = held[list(ht.TRAFFICKING)].any(axis=1)
    for column, code in (("juvenile_40a", "HT01"), ("juvenile_40bc", "HT02")):
        out[column] = out.index.isin(providers.loc[providers["code"] == code, "unit"].unique())
    out["juvenile"] = out["juvenile_40a"] | out["juvenile_40bc"]
    return out


def _sbr_evidence(sub) -> pd.DataFrame:
    """Per SBR unit (agency-month return): Return A / HT return sent, juvenile 16a arrests, 64A."""
    typed = sub.extra.get("sbr")
    columns = ["sbr_return_a", "sbr_ht_return", "sbr_juvenile_arrests", "sbr_64a_actual"]
    if typed is None or not len(typed):
        return pd.DataFrame(columns=columns)
    from .readers import sbr as tables

    forms = tables.forms()
    roles = dict(zip(forms["form"] + " " + forms["line"], forms["ht_role"]))
    role = (typed["form"].astype(str) + " " + typed["line"].astype(str)).map(roles).fillna("")
    juvenile_groups = set(tables.age_groups().query("juvenile == 'yes'")["code"])
    count = pd.to_numeric(typed["count"], errors="coerce").fillna(0).clip(lower=0)
    actual = pd.to_numeric(typed["actual"], errors="coerce").fillna(0).clip(lower=0)
    frame = pd.DataFrame({
        "unit": typed["unit"].to_numpy(),
        "sbr_return_a": (typed["form"] == "A").to_numpy(),
        "sbr_ht_return": (typed["form"] == "HT").to_numpy(),
        "sbr_juvenile_arrests": np.where((role == "juvenile_provider") & typed["age_group"].isin(juvenile_groups),
                                         count, 0),
        "sbr_64a_actual": np.where(role == "sex_trafficking", actual, 0),
    })
    return frame.groupby("unit").agg(sbr_return_a=("sbr_return_a", "any"), sbr_ht_return=("sbr_ht_return", "any"),
                                     sbr_juvenile_arrests=("sbr_juvenile_arrests", "sum"),
                                     sbr_64a_actual=("sbr_64a_actual", "sum"))


def _examples(incidents: pd.Series, file: str) -> str:
    names = [f"{file}#{i}" for i in pd.unique(incidents.astype(str)) if i][:EXAMPLES]
    return " ".join(names)


def _left_out(levels: list[str]) -> str:
    """What the short layouts of ``levels`` leave out, in words (from segment_lengths.csv)."""
    lengths = spec.segment_lengths()
    short = lengths[lengths["generation"] == "short"]
    short = short.set_index(short["level"].astype(str))
    items = [short.loc[lv, "leaves_out"] for lv in levels if lv in short.index]
    return " / ".join(items) if items else "the extended fields"


def evidence(result) -> pd.DataFrame:
    """Counts per (file, ORI) of a checked file (an ``engine.Result``), for :func:`signals`.

    A result of several files checked as one model (``model.join``) gives each file's rows
    exactly as checking it alone would: every count is taken within its file."""
    sub, found = result.submission, result.findings
    records = sub.records
    if not len(records):
        return pd.DataFrame(columns=list(EVIDENCE_COLUMNS))
    from .engine import unit_firsts

    sources = sub.sources()
    firsts = unit_firsts(sub)[["ori", "unit_kind", "action", "incident", "sub_year", "sub_month"]].copy()
    firsts["file"] = unit_firsts(sub)["file"].to_numpy() if sub.files is not None else 0
    firsts["month"] = month_label(firsts["sub_year"], firsts["sub_month"]).to_numpy()
    errors = found[found["severity"] == "error"]
    error_units = set(errors["unit"].dropna().astype(int))
    firsts["rejected"] = firsts.index.isin(sorted(error_units))
    received = firsts["unit_kind"].isin([UNIT_INCIDENT, UNIT_GROUP_B, UNIT_ZERO, UNIT_SBR])
    firsts["received"] = received
    group_a = (firsts["unit_kind"] == UNIT_INCIDENT) & (firsts["action"] != "D")
    firsts["group_a"] = group_a
    inc = _incident_evidence(sub, firsts)
    for column in inc.columns:
        firsts[column] = inc[column] & group_a
    sbr = _sbr_evidence(sub)
    for column in ("sbr_return_a", "sbr_ht_return"):
        firsts[column] = sbr[column].reindex(firsts.index).fillna(False).astype(bool) if len(sbr) else False
    for column in ("sbr_juvenile_arrests", "sbr_64a_actual"):
        firsts[column] = sbr[column].reindex(firsts.index).fillna(0).astype(int) if len(sbr) else 0
    firsts["sbr_flagged_juveniles"] = np.where(firsts["sbr_64a_actual"] == 0, firsts["sbr_juvenile_arrests"], 0)

    # The month of an agency in this file: the one most of its reports carry.
    known = firsts[firsts["month"] != UNKNOWN_MONTH]
    mode = known.groupby(["file", "ori"])["month"].agg(lambda m: m.value_counts().index[0])
    recs = records.assign(gen=spec.layout_generation(records), file=sub.file_of())
    record_counts = recs.groupby(["file", "ori"]).size()
    legacy = recs[recs["gen"] == "short"]
    found_file = found["file"].astype(str).to_numpy()
    rows = []
    for (position, ori), units in firsts.groupby(["file", "ori"], sort=True):
        file = sources[position]
        short = file.replace("\\", "/").rsplit("/", 1)[-1]
        t = units[units["trafficking"]]
        t_errors = errors[errors["unit"].isin(t.index[t["rejected"]])]
        mine = legacy[(legacy["file"] == position) & (legacy["ori"] == ori)]
        rows.append({
            "file": file, "format": sub.format, "ori": ori, "month": mode.get((position, ori), UNKNOWN_MONTH),
            "records": int(record_counts.get((position, ori), 0)),
            "units": int(units["received"].sum()),
            "incidents": int(units["group_a"].sum()),
            "legacy_records": len(mine),
            "legacy_levels": " ".join(sorted(set(mine["level"].astype(str)))),
            "prostitution_incidents": int(units["prostitution"].sum()),
            "juvenile_40a": int(units["juvenile_40a"].sum()),
            "juvenile_40bc": int(units["juvenile_40bc"].sum()),
            "juvenile_incidents": int(units["juvenile"].sum()),
            "juvenile_examples": _examples(units.loc[units["juvenile"], "incident"], short),
            "ht_flags": int(found.loc[(found_file == file) & (found["ori"] == ori).to_numpy(), "code"].str.startswith("HT").sum()),
            "trafficking_incidents": len(t),
            "trafficking_rejected": int(t["rejected"].sum()),
            "trafficking_error_codes": " ".join(f"{c}x{n}" for c, n in t_errors["code"].value_counts().head(5).items()),
            "trafficking_examples": _examples(t.loc[t["rejected"], "incident"], short),
            "incidents_rejected": int((units["group_a"] & units["rejected"]).sum()),
            "sbr_return_a": int(units["sbr_return_a"].sum()),
            "sbr_ht_return": int(units["sbr_ht_return"].sum()),
            "sbr_juvenile_arrests": int(units["sbr_juvenile_arrests"].sum()),
            "sbr_64a_actual": int(units["sbr_64a_actual"].sum()),
            "sbr_flagged_juveniles": int(units["sbr_flagged_juveniles"].sum()),
        })
    return pd.DataFrame(rows, columns=list(EVIDENCE_COLUMNS))


evidence.by_file = True  # handles a joined result (runner.check_parts_grouped splits its rows by file)


def empty_evidence() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="int64" if c in _COUNT_COLUMNS else "str") for c in EVIDENCE_COLUMNS})


# ---------------------------------------------------------------------------------------
# Step 2: signals over every file and month


def run_months(ev: pd.DataFrame, months: tuple[str, ...] | list[str] | None = None) -> list[str]:
    """The months of a run: those given, else every month some agency's reports carry."""
    if months:
        return sorted(set(months))
    return sorted(set(ev["month"]) - {UNKNOWN_MONTH}) if len(ev) else []


def expected_agencies(agencies: pd.DataFrame | None, month: str) -> pd.DataFrame:
    """Agencies of the master file that should send something for ``month`` (YYYY-MM).

    Left out: status inactive, historical, deleted or covered; an agency covered by another
    ORI (it reports through that one); an agency whose inactive date is before the month.
    """
    if agencies is None or not len(agencies):
        return pd.DataFrame(columns=["ori", "name"])
    a = agencies.drop_duplicates("ori")
    keep = pd.Series(True, index=a.index)
    if "status" in a:
        keep &= ~a["status"].isin(["inactive", "historical", "deleted", "covered"])
    if "covered_by" in a:
        keep &= a["covered_by"].fillna("") == ""
    if "inactive_date" in a and month != UNKNOWN_MONTH:
        start = pd.Timestamp(month + "-01")
        keep &= ~(a["inactive_date"].notna() & (a["inactive_date"] < start))
    out = a[keep]
    names = out["name"] if "name" in out else pd.Series("", index=out.index)
    return pd.DataFrame({"ori": out["ori"].to_numpy(), "name": names.to_numpy()})


def non_submitters(ev: pd.DataFrame, agencies: pd.DataFrame | None, months: list[str]) -> pd.DataFrame:
    """(ori, name, month) of every expected agency that sent nothing at all for a month."""
    rows = []
    sent = ev[ev["units"] > 0] if len(ev) else ev
    for month in months:
        have = set(sent.loc[sent["month"] == month, "ori"]) if len(sent) else set()
        exp = expected_agencies(agencies, month)
        missing = exp[~exp["ori"].isin(sorted(have))]
        rows += [{"ori": o, "name": n, "month": month} for o, n in zip(missing["ori"], missing["name"])]
    return pd.DataFrame(rows, columns=["ori", "name", "month"])


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def _months(frame: pd.DataFrame, mask) -> str:
    return " ".join(sorted(set(frame.loc[mask, "month"]) - {UNKNOWN_MONTH}))


def _join_examples(values: pd.Series) -> str:
    out: list[str] = []
    for v in values:
        for item in str(v).split():
            if item not in out:
                out.append(item)
    return " ".join(out[:EXAMPLES])


def signals(ev: pd.DataFrame, agencies: pd.DataFrame | None = None,
            months: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """The gap signals (``GAP_COLUMNS``), one row per agency and signal, worst first."""
    months = run_months(ev, months)
    n_months = len(months)
    catalog = spec.edit_catalog()
    names = {}
    if agencies is not None and "name" in agencies:
        names = by_ori(agencies)["name"].to_dict()
    rows: list[dict] = []

    def add(ori: str, code: str, month_text: str, count: int, evidence_text: str, recommendation: str,
            examples: str = "") -> None:
        rows.append({"ori": ori, "name": names.get(ori, ""), "code": code, "severity": "flag",
                     "title": catalog.loc[code, "title"], "months": month_text, "months_in_run": n_months,
                     "count": int(count), "evidence": evidence_text, "recommendation": recommendation,
                     "examples": examples})

    in_run = ev[ev["month"].isin(months) | (ev["month"] == UNKNOWN_MONTH)] if len(ev) else ev
    for ori, g in (in_run.groupby("ori", sort=True) if len(in_run) else []):
        seen = _plural(len(set(g["month"]) - {UNKNOWN_MONTH}), "month")
        juvenile = int(g["juvenile_incidents"].sum())
        trafficking = int(g["trafficking_incidents"].sum())
        if juvenile and not trafficking:
            parts = []
            for column, words in (("juvenile_40a", "40A (prostitution) with a provider under 18, flag HT01"),
                                  ("juvenile_40bc", "40B/40C (promoting, purchasing) with a provider under 18, "
                                                    "flag HT02")):
                if int(g[column].sum()):
                    parts.append(f"{words}: {int(g[column].sum()):,}")
            add(ori, "GAP02", _months(g, g["juvenile_incidents"] > 0), juvenile,
                f"{_plural(juvenile, 'incident')} with juvenile prostitution evidence ({'; '.join(parts)}) "
                f"and no 64A/64B incident in {seen} sent.",
                f"Review the {_plural(juvenile, 'incident')} with the agency: a juvenile who performed a commercial "
                "sex act is a sex-trafficking victim (64A, victim type I). Ask whether its records system can "
                "code 64A/64B and re-classify a prostitution case as trafficking.",
                _join_examples(g["juvenile_examples"]))
        rejected = int(g["trafficking_rejected"].sum())
        if rejected:
            codes = pd.Series(dtype="int64")
            for text in g["trafficking_error_codes"]:
                for item in str(text).split():
                    code, _, n = item.rpartition("x")
                    codes[code] = codes.get(code, 0) + int(n)
            top = ", ".join(f"{c} ({n})" for c, n in codes.sort_values(ascending=False).head(5).items())
            add(ori, "GAP03", _months(g, g["trafficking_rejected"] > 0), rejected,
                f"{rejected:,} of {_plural(trafficking, '64A/64B incident')} would be rejected"
                + (f"; errors {top}." if top else "."),
                f"Fix the errors of the {_plural(rejected, 'trafficking incident')} and resend "
                f"{'it' if rejected == 1 else 'them'}; until then they are not counted. Recurring errors on these "
                "incidents point at the records system: raise them with the vendor.",
                _join_examples(g["trafficking_examples"]))
        legacy = int(g["legacy_records"].sum())
        if legacy:
            records = int(g["records"].sum())
            levels = sorted({lv for text in g["legacy_levels"] for lv in str(text).split()})
            add(ori, "GAP04", _months(g, g["legacy_records"] > 0), legacy,
                f"{legacy:,} of {_plural(records, 'record')} use the short 2019.1 layout of segment level(s) "
                f"{', '.join(levels)}, so the records system does not send {_left_out(levels)}.",
                "Not an error: the short layouts are valid in 2019.1. Worth a conversation with the agency and "
                "its records-system vendor about whether the system can collect and send these data elements.")
        without_ht = g[(g["sbr_return_a"] > 0) & (g["sbr_ht_return"] == 0)]
        if len(without_ht):
            add(ori, "GAP01", " ".join(sorted(set(without_ht["month"]) - {UNKNOWN_MONTH})), len(without_ht),
                f"{_plural(len(without_ht), 'month')} with a Return A and no Human Trafficking return.",
                "Ask the agency to send the Human Trafficking return with every Return A (zeros when there were "
                "no trafficking offenses) and to check its records system can produce it.")
        flagged = g[g["sbr_flagged_juveniles"] > 0]
        if len(flagged):
            juveniles = int(flagged["sbr_flagged_juveniles"].sum())
            missing = int(((flagged["sbr_ht_return"] == 0)).sum())
            add(ori, "GAP05", " ".join(sorted(set(flagged["month"]) - {UNKNOWN_MONTH})), juveniles,
                f"{_plural(juveniles, 'juvenile')} arrested for prostitution in {_plural(len(flagged), 'month')} "
                f"with no actual 64A offense"
                + (f" ({_plural(missing, 'month')} without any Human Trafficking return)." if missing else "."),
                "Review the juvenile prostitution arrests with the agency: each juvenile is a sex-trafficking "
                "victim for UCR. The offenses belong on line 64A of the month's Human Trafficking return.")
    if agencies is not None and months:
        missing = non_submitters(ev, agencies, months)
        for ori, g in missing.groupby("ori", sort=True):
            count = len(g)
            add(ori, "GAP06", " ".join(sorted(g["month"])), count,
                f"Sent nothing (no incidents, no zero report, no summary return) for {count} of "
                f"{_plural(n_months, 'month')} checked.",
                "Contact the agency: an agency with nothing to report sends a zero report. Check whether its "
                "records system failed to export the month, or whether it reports through another agency "
                "(then mark it covered in the agency master file).")
    frame = pd.DataFrame(rows, columns=list(GAP_COLUMNS))
    if len(frame):
        order = {code: i for i, code in enumerate(("GAP02", "GAP05", "GAP03", "GAP01", "GAP04", "GAP06"))}
        frame = frame.assign(_o=frame["code"].map(order)).sort_values(["_o", "count", "ori"], ascending=[True, False, True])
        frame = frame.drop(columns="_o").reset_index(drop=True)
    frame["count"] = frame["count"].astype("int64")
    frame["months_in_run"] = frame["months_in_run"].astype("int64")
    return frame


def combine(evidence_frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in evidence_frames if f is not None and len(f)]
    if not frames:
        return empty_evidence()
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------
# Writers


def by_code(gaps: pd.DataFrame) -> dict[str, int]:
    """Agencies per signal code."""
    return {code: int((gaps["code"] == code).sum()) for code in SIGNAL_CODES if (gaps["code"] == code).any()}


def render_csv(gaps: pd.DataFrame) -> str:
    from .report.spreadsheet import neutralise_formulas  # agency names and values are untrusted text

    return neutralise_formulas(gaps[list(GAP_COLUMNS)]).to_csv(index=False, lineterminator="\n")


def render_json(gaps: pd.DataFrame, months: list[str] | None = None, extra: dict | None = None) -> str:
    catalog = spec.edit_catalog()
    document = {
        "months": months or [],
        "signals": {c: {"title": catalog.loc[c, "title"], "description": catalog.loc[c, "description"],
                        "agencies": int((gaps["code"] == c).sum())} for c in SIGNAL_CODES},
        "columns": GAP_COLUMN_DOCS,
        **(extra or {}),
        "gaps": gaps[list(GAP_COLUMNS)].astype(object).where(gaps.notna(), None).to_dict(orient="records"),
    }
    return json.dumps(document, indent=2, default=str) + "\n"


def render_text(gaps: pd.DataFrame, months: list[str] | None = None) -> str:
    out = io.StringIO()
    span = ", ".join(months) if months else "no month"
    out.write(f"Offense-code gap report ({span})\n")
    if not len(gaps):
        out.write("No gap signals: every agency with data coded what its evidence shows.\n")
        return out.getvalue()
    counts = by_code(gaps)
    catalog = spec.edit_catalog()
    for code, n in counts.items():
        out.write(f"  {code}  {_plural(n, 'agency', 'agencies'):>14}  {catalog.loc[code, 'title']}\n")
    for code, group in gaps.groupby("code", sort=False):
        out.write(f"\n{code}  {catalog.loc[code, 'title']}\n")
        for row in group.itertuples(index=False):
            who = f"{row.ori} {row.name}".strip()
            out.write(f"  {who}  [{row.months}]\n")
            out.write(f"      evidence: {row.evidence}\n")
            if row.examples:
                out.write(f"      look at: {row.examples}\n")
            out.write(f"      do: {row.recommendation}\n")
    return out.getvalue()


def sent_nothing(units: pd.DataFrame, agencies: pd.DataFrame | None) -> pd.DataFrame:
    """(ori, name, month) of every master-file agency that sent no report for a month the
    checked files cover.

    ``units`` is a report's unit list (one row per incident, arrest, zero report or summary
    return, with ``ori``, ``sub_year``, ``sub_month``). The months are those the units carry;
    which agencies are expected to report in a month is decided once, by
    :func:`wibrs_check.gaps.expected_agencies` (inactive, covered and deleted agencies are
    not expected).
    """
    columns = ["ori", "name", "month"]
    if agencies is None or not len(units):
        return pd.DataFrame(columns=columns)
    sent = _units_sent(units)
    months = sorted(set(sent["month"]) - {UNKNOWN_MONTH})
    return non_submitters(sent, agencies, months)[columns].reset_index(drop=True)


def _units_sent(units: pd.DataFrame) -> pd.DataFrame:
    """One row per unit: its ORI and month, in the form :func:`non_submitters` counts."""
    month = month_label(units["sub_year"].reset_index(drop=True), units["sub_month"].reset_index(drop=True))
    return pd.DataFrame({"ori": units["ori"].fillna("").to_numpy(), "month": month.to_numpy(), "units": 1})


def senders_missing_months(units: pd.DataFrame, agencies: pd.DataFrame | None) -> pd.DataFrame:
    """(ori, name, month) of the master-file agencies that sent something in the checked
    files, for each month from the first to the last the files carry in which they sent no
    report.

    ``check`` on one agency's file is about that agency: its missing months are news to the
    clerk; the hundreds of other agencies of the state's master file are not (``batch``
    lists those, with :func:`sent_nothing`).
    """
    columns = ["ori", "name", "month"]
    if agencies is None or not len(units):
        return pd.DataFrame(columns=columns)
    sent = _units_sent(units)
    carried = sorted(set(sent["month"]) - {UNKNOWN_MONTH})
    if not carried:
        return pd.DataFrame(columns=columns)
    months = [str(p) for p in pd.period_range(carried[0], carried[-1], freq="M")]
    mine = agencies[agencies["ori"].isin(set(sent["ori"]))]
    return non_submitters(sent, mine, months)[columns].reset_index(drop=True)

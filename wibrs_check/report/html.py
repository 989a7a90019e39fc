"""HTML report: one self-contained page (inline CSS, inline SVG charts, no script, no network).

Summary first (totals and four charts: rejection rate by agency, top error numbers,
trafficking evidence by agency, gap signals), then the gap signals, every agency, every
error number, and the documentation of every code shown; each code anywhere on the page
links to its documentation (``#code-<CODE>``) and each agency to its row (``#agency-<ORI>``).

The charts are SVG drawn here (:func:`bar_chart`, :func:`grouped_bar_chart`); the page is
the jinja2 template ``templates/report.html.j2``. :func:`render` renders a
:class:`~wibrs_check.report.Report` with whatever else is given (a batch run's page is
:func:`wibrs_check.batch.render_html`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache

import pandas as pd
from markupsafe import Markup, escape

from .. import __version__, spec
from . import AGENCY_COLUMNS, Report

TOP_AGENCIES = 25  # bars in the rejection-rate and trafficking charts
TOP_CODES = 15  # bars in the top-errors chart
COLORS = {"error": "#c0392b", "warning": "#d68910", "flag": "#7d3c98", "bar": "#2e86c1", "ok": "#239b56",
          "juvenile": "#7d3c98", "trafficking": "#2e86c1", "rejected": "#c0392b", "ht": "#d68910"}


@dataclass
class Bar:
    label: str
    value: float
    href: str = ""
    note: str = ""  # tooltip
    text: str = ""  # value as shown (default: the number)


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


# A count axis runs to at least this much, so that a chart of ones does not draw full bars.
MIN_COUNT_AXIS = 5


def axis_max(largest: float, minimum: float = MIN_COUNT_AXIS) -> float:
    """The end of a count axis: the smallest 1, 2 or 5 times a power of ten that holds
    ``largest``, and never less than ``minimum``."""
    largest = max(float(largest), float(minimum), 1.0)
    power = 10 ** math.floor(math.log10(largest))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= largest)


def _axis(x: float, plot: float, y: int, scale_max: float, suffix: str = "") -> str:
    """Tick labels 0, half and the end of the axis above the plot, so a bar's length reads."""
    ticks = []
    for fraction in (0.0, 0.5, 1.0):
        xx = x + fraction * plot
        anchor = "start" if fraction == 0 else "end" if fraction == 1 else "middle"
        ticks.append(f'<line x1="{xx:.1f}" y1="{y + 3}" x2="{xx:.1f}" y2="{y + 7}" class="chart-tick" stroke="#aab7b8"/>'
                     f'<text x="{xx:.1f}" y="{y}" text-anchor="{anchor}" class="chart-tiny">'
                     f'{scale_max * fraction:,.4g}{suffix}</text>')
    return "".join(ticks)


def bar_chart(bars: list[Bar], title: str, color: str = COLORS["bar"], width: int = 560, max_value: float | None = None,
              label_width: int = 150, empty: str = "nothing to show", label_chars: int = 24, suffix: str = "") -> Markup:
    """A horizontal bar chart as inline SVG; labels with ``href`` are links. Bars are scaled
    to ``max_value`` (a percentage chart gives 100), else to a count axis (:func:`axis_max`)."""
    row, top, pad = 22, 42, 8
    height = top + max(1, len(bars)) * row + pad
    scale_max = max_value if max_value is not None else axis_max(max((b.value for b in bars), default=0))
    plot = width - label_width - 70
    out = [f'<svg class="chart" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
           f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    if not bars:
        out.append(f'<text x="0" y="{top + 14}" class="chart-empty">{escape(empty)}</text>')
    else:
        out.append(_axis(label_width, plot, top - 8, scale_max, suffix))
    for i, b in enumerate(bars):
        y = top + i * row
        length = max(0.0, min(1.0, b.value / scale_max)) * plot if scale_max else 0
        label = escape(b.label if len(b.label) <= label_chars else b.label[:label_chars - 1] + "…")
        text = f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" class="chart-label">{label}</text>'
        if b.href:
            text = f'<a href="{escape(b.href)}">{text}</a>'
        out.append(text)
        tip = f"<title>{escape(b.note or b.label)}: {escape(b.text or _num(b.value))}</title>"
        out.append(f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 7}" fill="{color}" rx="2">'
                   f"{tip}</rect>")
        out.append(f'<text x="{label_width + length + 5:.1f}" y="{y + 14}" class="chart-value">'
                   f"{escape(b.text or _num(b.value))}</text>")
    out.append("</svg>")
    return Markup("".join(out))


def grouped_bar_chart(groups: list[tuple[str, str, list[float]]], series: list[tuple[str, str]], title: str,
                      width: int = 560, label_width: int = 150, empty: str = "nothing to show") -> Markup:
    """Horizontal grouped bars: ``groups`` = (label, href, values), ``series`` = (name, color)."""
    bar, gap = 7, 8
    legend, x, y = [], 0, 26
    for name, color in series:  # legend, wrapped onto more rows when it does not fit
        item = 24 + 7 * len(name)
        if x and x + item > width:
            x, y = 0, y + 16
        legend.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{color}"/>'
                      f'<text x="{x + 14}" y="{y + 9}" class="chart-legend">{escape(name)}</text>')
        x += item
    top = y + 32
    group_h = len(series) * bar + gap
    height = top + max(1, len(groups)) * group_h + 6
    scale_max = axis_max(max((v for _, _, values in groups for v in values), default=0))
    plot = width - label_width - 50
    out = [f'<svg class="chart" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
           f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    out += legend
    if not groups:
        out.append(f'<text x="0" y="{top + 14}" class="chart-empty">{escape(empty)}</text>')
    else:
        out.append(_axis(label_width, plot, top - 8, scale_max))
    for i, (label, href, values) in enumerate(groups):
        y = top + i * group_h
        text = (f'<text x="{label_width - 6}" y="{y + len(series) * bar / 2 + 4:.1f}" text-anchor="end" '
                f'class="chart-label">{escape(label)}</text>')
        out.append(f'<a href="{escape(href)}">{text}</a>' if href else text)
        for k, ((name, color), value) in enumerate(zip(series, values)):
            length = value / scale_max * plot
            yy = y + k * bar
            out.append(f'<rect x="{label_width}" y="{yy}" width="{length:.1f}" height="{bar - 1}" fill="{color}">'
                       f"<title>{escape(label)} {escape(name)}: {_num(value)}</title></rect>")
            if value:
                out.append(f'<text x="{label_width + length + 3:.1f}" y="{yy + bar - 1}" class="chart-tiny">'
                           f"{_num(value)}</text>")
    out.append("</svg>")
    return Markup("".join(out))


# ---------------------------------------------------------------------------------------
# Page data


def code_anchor(code: str) -> str:
    return f"code-{code}"


def agency_anchor(ori: str) -> str:
    return f"agency-{ori}"


def _documentation(code: str) -> str:
    from ..rules.registry import all_rules

    rule = all_rules().get(code)
    catalog = spec.edit_catalog()
    if rule is not None and rule.checks:
        return rule.documentation()
    return str(catalog.loc[code, "description"]) if code in catalog.index else ""


def code_docs(codes) -> list[dict]:
    catalog = spec.edit_catalog()
    out = []
    for code in sorted(set(codes), key=lambda c: (not c.isdigit(), c.zfill(5))):
        row = catalog.loc[code] if code in catalog.index else None
        out.append({
            "code": code, "anchor": code_anchor(code),
            "title": "" if row is None else row["title"], "severity": "" if row is None else row["severity"],
            "level": "" if row is None else row["level"], "data_element": "" if row is None else row["data_element"],
            "documentation": _documentation(code),
        })
    return out


def _top_error_links(text: str) -> Markup:
    parts = []
    for item in str(text).split():
        code, _, n = item.rpartition("x")
        parts.append(Markup('<a href="#{}">{}</a>&times;{}').format(code_anchor(code), code, n))
    return Markup(" ").join(parts)


def _code_table(findings: pd.DataFrame) -> list[dict]:
    if not len(findings):
        return []
    catalog = spec.edit_catalog()
    g = findings.groupby("code")
    counts = g.size()
    agencies = g["ori"].nunique()
    # file-level findings (no ORI, such as XML01) name no agency here
    top_agencies = g["ori"].agg(lambda s: s[s.fillna("") != ""].value_counts().head(5).index.tolist())
    rows = []
    for code, n in counts.sort_values(ascending=False).items():
        row = catalog.loc[code] if code in catalog.index else None
        rows.append({"code": code, "anchor": code_anchor(code), "count": int(n), "agencies": int(agencies[code]),
                     "severity": "" if row is None else row["severity"], "title": "" if row is None else row["title"],
                     "top": [(o, agency_anchor(o)) for o in top_agencies[code]]})
    return rows


def _file_name(path) -> str:
    return str(path).replace(chr(92), "/").rsplit("/", 1)[-1]


def _agency_breakdown(findings: pd.DataFrame, xml_files: frozenset[str] = frozenset()) -> dict[str, list[dict]]:
    """Per ORI: its codes (most findings first), each with count, severity, title, what to do
    (once per code, not on every row) and every finding of it: where, field, value and what
    the finding adds to the code's title."""
    if not len(findings):
        return {}
    from .advice import field_words, fixes

    catalog = spec.edit_catalog()
    f = findings
    titles = f["code"].map(catalog["title"].astype(str)).fillna("")
    message = f["message"].astype(str)
    starts = pd.Series([m.startswith(t) and bool(t) for m, t in zip(message, titles)], index=f.index)
    detail = message.where(~starts, pd.Series([m[len(t):].strip() for m, t in zip(message, titles)], index=f.index))
    keys = f[["level", "column", "data_element"]].fillna("").astype(str)
    words = {k: field_words(*k) for k in set(map(tuple, keys.to_numpy()))}
    in_xml = f["file"].astype(str).isin(xml_files)
    line_text = "line " + f["line"].astype("Int64").astype(str)
    record_text = "record " + f["record"].astype("Int64").astype(str)
    where = line_text.where(in_xml & f["line"].notna(), record_text.where(f["record"].notna(), ""))
    table = pd.DataFrame({
        "ori": f["ori"].fillna(""), "code": f["code"], "file": f["file"].astype(str).map(_file_name),
        "where": where, "incident": f["incident"].fillna(""),
        "field": [words[tuple(k)] for k in keys.to_numpy()], "value": f["value"].fillna(""),
        "detail": detail, "fix": fixes(f),
    })
    counts = table.groupby(["ori", "code"]).size().rename("count").reset_index()
    counts = counts.sort_values(["ori", "count", "code"], ascending=[True, False, True])
    groups = {key: rows for key, rows in table.groupby(["ori", "code"], sort=False)}
    out: dict[str, list[dict]] = {}
    for r in counts.itertuples(index=False):
        rows = groups[(r.ori, r.code)]
        common = rows["fix"].mode().iloc[0] if len(rows) else ""
        items = rows.drop(columns=["ori", "code"]).assign(fix=rows["fix"].where(rows["fix"] != common, ""))
        out.setdefault(r.ori, []).append({
            "code": r.code, "anchor": code_anchor(r.code), "count": int(r.count),
            "severity": catalog.loc[r.code, "severity"] if r.code in catalog.index else "",
            "title": catalog.loc[r.code, "title"] if r.code in catalog.index else "",
            "fix": common, "findings": items.to_dict(orient="records"),
        })
    return out


def _charts(summary: pd.DataFrame, findings: pd.DataFrame, evidence: pd.DataFrame | None,
            gaps: pd.DataFrame | None) -> dict[str, Markup]:
    charts: dict[str, Markup] = {}
    sent = summary[(summary["status"] != "nothing sent") & (summary["received"] > 0)] if len(summary) else summary
    bars = []
    if len(sent):
        per = sent.groupby("ori").agg(received=("received", "sum"), rejected=("rejected", "sum"))
        per["rate"] = per["rejected"] / per["received"]
        per = per[per["rejected"] > 0].sort_values(["rate", "rejected"], ascending=False).head(TOP_AGENCIES)
        bars = [Bar(o, r.rate * 100, "#" + agency_anchor(o), f"{o}: {int(r.rejected)} of {int(r.received)} rejected",
                    f"{r.rate:.0%} ({int(r.rejected)}/{int(r.received)})") for o, r in per.iterrows()]
    charts["rejection"] = bar_chart(bars, f"Rejection rate by agency (the {TOP_AGENCIES} highest with rejections)",
                                    COLORS["error"], max_value=100, label_width=110, empty="no report rejected",
                                    suffix="%")
    errors = findings[findings["severity"] == "error"] if len(findings) else findings
    top = errors["code"].value_counts().head(TOP_CODES) if len(errors) else pd.Series(dtype="int64")
    catalog = spec.edit_catalog()
    charts["errors"] = bar_chart(
        [Bar(f"{c} {catalog.loc[c, 'title'] if c in catalog.index else ''}".strip(), int(n), "#" + code_anchor(c),
             f"{c} {catalog.loc[c, 'title'] if c in catalog.index else ''}") for c, n in top.items()],
        f"Top {TOP_CODES} error numbers (findings)", COLORS["bar"], width=640, label_width=300, label_chars=46,
        empty="no errors")
    groups = []
    if evidence is not None and len(evidence):
        ev = evidence.groupby("ori")[["juvenile_incidents", "trafficking_incidents", "trafficking_rejected",
                                      "ht_flags", "sbr_flagged_juveniles"]].sum()
        ev["juvenile"] = ev["juvenile_incidents"] + ev["sbr_flagged_juveniles"]
        # agencies with something to follow up; 64A/64B incidents are shown beside it as context
        ev = ev[(ev[["juvenile", "ht_flags", "trafficking_rejected"]].sum(axis=1)) > 0]
        ev = ev.sort_values(["juvenile", "ht_flags", "trafficking_rejected"], ascending=False).head(TOP_AGENCIES)
        groups = [(o, "#" + agency_anchor(o), [float(r.juvenile), float(r.ht_flags), float(r.trafficking_incidents),
                                                float(r.trafficking_rejected)]) for o, r in ev.iterrows()]
    charts["trafficking"] = grouped_bar_chart(
        groups, [("juvenile prostitution evidence", COLORS["juvenile"]), ("HT flags", COLORS["ht"]),
                 ("64A/64B incidents", COLORS["trafficking"]), ("64A/64B rejected", COLORS["rejected"])],
        "Trafficking evidence and flags by agency", label_width=110,
        empty="no juvenile prostitution evidence, trafficking flag or rejected 64A/64B incident")
    gap_bars = []
    if gaps is not None and len(gaps):
        for code, n in gaps["code"].value_counts().sort_index().items():
            gap_bars.append(Bar(code, int(n), "#" + code_anchor(code),
                                f"{code} {catalog.loc[code, 'title'] if code in catalog.index else ''} (agencies)"))
    charts["gaps"] = bar_chart(gap_bars, "Offense-code gap signals (agencies)", COLORS["flag"], label_width=70,
                               empty="no gap signals")
    return charts


@cache
def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("wibrs_check.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda v: f"{float(v):.1%}"
    env.filters["num"] = lambda v: f"{int(v):,}" if v == v else ""
    env.filters["top_errors"] = _top_error_links
    env.globals["code_anchor"] = code_anchor
    env.globals["agency_anchor"] = agency_anchor
    return env


def render(report: Report, summary: pd.DataFrame | None = None, gaps: pd.DataFrame | None = None,
           evidence: pd.DataFrame | None = None, months: list[str] | None = None, stats: dict | None = None,
           totals: dict | None = None, skipped: list[dict] | None = None, title: str | None = None,
           quiet_files: list[dict] | None = None) -> str:
    """The page for a report; ``summary`` defaults to the report's per-file summary rows."""
    findings = report.findings
    if summary is None:
        summary = _summary_from_report(report)
    summary = summary.copy()
    for column in AGENCY_COLUMNS:
        if column not in summary:
            summary[column] = "" if column in ("name", "month", "status", "format", "top_errors", "layout") else 0
    gaps = gaps if gaps is not None else pd.DataFrame(columns=["ori", "name", "code", "title", "months", "count",
                                                              "evidence", "recommendation", "examples"])
    sent = summary[summary["status"] != "nothing sent"]
    if totals is None:
        received = int(sent["received"].sum())
        totals = {"files": len(report.files) + len(report.fatal), "agencies_sent": int(sent["ori"].nunique()),
                  "agencies_nothing_sent": int((summary["status"] == "nothing sent").sum()),
                  "records": int(sent["records"].sum()), "received": received,
                  "incidents": int(sent["incidents"].sum()), "incidents_accepted": int(sent["incidents_accepted"].sum()),
                  "incidents_rejected": int(sent["incidents_rejected"].sum()),
                  "accepted": int(sent["accepted"].sum()), "rejected": int(sent["rejected"].sum()),
                  "error_rate": (int(sent["rejected"].sum()) / received) if received else 0.0,
                  "errors": int((findings["severity"] == "error").sum()),
                  "warnings": int((findings["severity"] == "warning").sum()),
                  "ht_flags": int(findings["code"].str.startswith("HT").sum()),
                  "gap_signals": {c: int(n) for c, n in gaps["code"].value_counts().items()}}
    shown_codes = set(findings["code"]) | set(gaps["code"])
    months = months or []
    agencies = summary.sort_values(["status", "error_rate", "rejected", "ori"], ascending=[True, False, False, True])
    agencies = agencies.assign(has_gap=agencies["ori"].isin(set(gaps["ori"])))
    gap_codes_by_ori = gaps.groupby("ori")["code"].agg(lambda c: sorted(set(c))).to_dict() if len(gaps) else {}
    page = _environment().get_template("report.html.j2").render(
        title=title or ("WIBRS monthly report " + ", ".join(months) if months else "wibrs-check report"),
        version=__version__, processed_on=report.processed_on,
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"), months=months, totals=totals, stats=stats or {},
        charts=_charts(summary, findings, evidence, gaps),
        gaps=_gap_rows(gaps),
        agencies=agencies.to_dict(orient="records"), gap_codes_by_ori=gap_codes_by_ori,
        breakdown=_agency_breakdown(findings, frozenset(str(x["path"]) for x in report.files
                                                        if x.get("format") == "xml")),
        codes=_code_table(findings), docs=code_docs(shown_codes),
        fatal=report.fatal, quiet_files=quiet_files or [], skipped=skipped or [], rule_failures=report.rule_failures,
        not_checked=sorted(report.not_checked.items()),
    )
    return page


def _summary_from_report(report: Report) -> pd.DataFrame:
    s = report.summary
    if not len(s):
        return pd.DataFrame()
    out = s.rename(columns={"units": "received"}).copy()
    out["error_rate"] = (out["rejected"] / out["received"].where(out["received"] > 0)).fillna(0.0)
    out["status"] = "sent"
    out["month"] = ""
    out["files"] = 1
    # incidents rejected: Group A incident units (deletes aside) with an error finding
    units = report.units
    f = report.findings
    bad = f.loc[(f["severity"] == "error") & f["unit"].notna(), ["file", "unit"]].drop_duplicates()
    bad = bad.assign(unit=bad["unit"].astype("int64"))
    incidents = units[(units["kind"] == "A") & (units["action"] != "D")].assign(unit=lambda u: u["unit"].astype("int64"))
    rejected = incidents.merge(bad, on=["file", "unit"]).groupby(["file", "ori"]).size().rename("incidents_rejected")
    out = out.merge(rejected.reset_index(), on=["file", "ori"], how="left")
    out["incidents_rejected"] = out["incidents_rejected"].fillna(0).astype("int64")
    out["incidents_accepted"] = out["incidents"] - out["incidents_rejected"]
    if "ht_flags" not in out:
        out["ht_flags"] = f[f["code"].str.startswith("HT")].groupby(["file", "ori"]).size().reindex(
            pd.MultiIndex.from_frame(out[["file", "ori"]]), fill_value=0).to_numpy()
    return out


def _gap_rows(gaps: pd.DataFrame) -> list[dict]:
    """The gap signals for the page; a recommendation already shown for the same code is not
    repeated: the row names the agency where it is (``same_as``)."""
    rows = gaps.to_dict(orient="records")
    first: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (str(row["code"]), str(row["recommendation"]))
        row["same_as"] = first.get(key, "")
        first.setdefault(key, str(row["ori"]))
    return rows


def render_check(report: Report) -> str:
    """The one-file HTML report of a ``check`` run (the batch report's page for the files
    checked): text in, text out, so the web page can serve the same report."""
    names = [str(x["path"]).replace("\\", "/").rsplit("/", 1)[-1] for x in report.files + report.fatal]
    title = "wibrs-check report" + (": " + ", ".join(names[:3]) + (" ..." if len(names) > 3 else "") if names else "")
    return render(report, title=title)

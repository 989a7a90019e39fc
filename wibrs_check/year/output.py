"""Writing the year report: CSV tables, one JSON document, one XLSX workbook and one
self-contained HTML page (inline CSS and SVG, no script, no network), in the style of the
batch report (its stylesheet and chart functions are reused)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
from markupsafe import Markup, escape

from .. import __version__
from ..report.html import COLORS, Bar, bar_chart, grouped_bar_chart
from ..report.spreadsheet import neutralise_formulas, write_xlsx
from .figures import CERTIFICATION_RATE, YearReport
from .tables import COLUMNS, TITLES

FORMATS = ("csv", "json", "xlsx", "html")
TOP_AGENCIES = 30  # bars in the per-agency charts


def write(report: YearReport, directory: Path, formats: tuple[str, ...]) -> list[Path]:
    """Write the report in ``formats`` into ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    if "csv" in formats:
        for name, table in report.tables.items():
            path = directory / f"{name}.csv"
            neutralise_formulas(table).to_csv(path, index=False)
            written.append(path)
    if "json" in formats:
        path = directory / "year-report.json"
        path.write_text(json.dumps(as_json(report), indent=1, default=_plain), encoding="utf-8")
        written.append(path)
    if "xlsx" in formats:
        path = directory / "year-report.xlsx"
        sheets = {_sheet_name(name): table for name, table in report.tables.items()}
        sheets["columns"] = pd.DataFrame([{"table": t, "column": c, "meaning": text}
                                          for t, columns in COLUMNS.items() for c, text in columns.items()])
        write_xlsx(path, sheets)
        written.append(path)
    if "html" in formats:
        path = directory / "year-report.html"
        path.write_text(render_html(report), encoding="utf-8")
        written.append(path)
    return written


def _sheet_name(name: str) -> str:
    return name.replace("followup_", "fu_")[:31]


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()
    return str(value)


def as_json(report: YearReport) -> dict:
    return {
        "tool": f"wibrs-check {__version__}", "year": report.year, "as_of": report.as_of.isoformat(),
        "compare_as_of": report.compare_as_of.isoformat() if report.compare_as_of else None,
        "through": report.through, "sentences": report.sentences,
        "tables": {name: table.astype(object).where(table.notna(), None).to_dict("records")
                   for name, table in report.tables.items()},
        "columns": COLUMNS,
    }


# -- HTML ----------------------------------------------------------------------------------

def rate_chart(bars: list[Bar], title: str, limit: float = CERTIFICATION_RATE, width: int = 560,
               label_width: int = 150) -> Markup:
    """Horizontal bars of rates with a dashed line at ``limit`` (bars at or over it in red)."""
    row, top = 22, 30
    height = top + max(1, len(bars)) * row + 24
    scale = max([b.value for b in bars] + [limit * 2])
    plot = width - label_width - 70
    line_x = label_width + limit / scale * plot
    out = [f'<svg class="chart" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
           f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    if not bars:
        out.append(f'<text x="0" y="{top + 14}" class="chart-empty">no agency has a rejected report</text>')
    for i, b in enumerate(bars):
        y = top + i * row
        length = b.value / scale * plot
        color = COLORS["error"] if b.value >= limit else COLORS["ok"]
        label = escape(b.label if len(b.label) <= 24 else b.label[:23] + "…")
        text = f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" class="chart-label">{label}</text>'
        out.append(f'<a href="{escape(b.href)}">{text}</a>' if b.href else text)
        out.append(f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 7}" fill="{color}" rx="2">'
                   f"<title>{escape(b.note or b.label)}: {b.value:.1%}</title></rect>")
        out.append(f'<text x="{label_width + length + 5:.1f}" y="{y + 14}" class="chart-value">{b.value:.1%}</text>')
    bottom = top + max(1, len(bars)) * row
    out.append(f'<line x1="{line_x:.1f}" y1="{top - 4}" x2="{line_x:.1f}" y2="{bottom}" stroke="#1c2833" '
               f'stroke-dasharray="4 3"/>')
    out.append(f'<text x="{line_x + 3:.1f}" y="{bottom + 14}" class="chart-value">{limit:.0%} (FBI limit)</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _style() -> Markup:
    """The batch report's stylesheet, so both pages look alike."""
    template = Path(__file__).resolve().parent.parent / "report" / "templates" / "report.html.j2"
    text = template.read_text(encoding="utf-8")
    return Markup(text[text.index("<style>") + len("<style>"):text.index("</style>")])


def _charts(report: YearReport) -> list[Markup]:
    state = report.tables["state_months"]
    months = [(m[5:], "", [float(a), float(r)]) for m, a, r in zip(state["month"], state["accepted"], state["rejected"])]
    charts = [grouped_bar_chart(months, [("accepted", COLORS["ok"]), ("rejected", COLORS["rejected"])],
                                f"Reports accepted and rejected by month, {report.year} (state)", label_width=40)]
    cert = report.tables["certification"]
    worst = cert[cert["error_rate"] > 0].sort_values(["error_rate", "ori"], ascending=[False, True]).head(TOP_AGENCIES)
    charts.append(rate_chart([Bar(r.agency or r.ori, float(r.error_rate), f"#agency-{r.ori}", r.ori)
                              for r in worst.itertuples()],
                             f"Error rate by agency, {report.year} (the {len(worst)} highest above 0)"))
    tm = report.tables["trafficking_months"]
    by_month = tm.groupby("month")[["victims_64a", "victims_64b"]].sum().reindex(
        [f"{report.year}-{k:02d}" for k in range(1, 13)], fill_value=0)
    charts.append(grouped_bar_chart([(m[5:], "", [float(a), float(b)]) for m, a, b in by_month.itertuples()],
                                    [("64A victims", COLORS["trafficking"]), ("64B victims", COLORS["ht"])],
                                    "Trafficking victims by month (accepted incidents)", label_width=40))
    by_agency = tm.groupby(["ori", "agency"])[["victims_64a", "victims_64b"]].sum().reset_index()
    by_agency["victims"] = by_agency["victims_64a"] + by_agency["victims_64b"]
    by_agency = by_agency.sort_values(["victims", "ori"], ascending=[False, True]).head(TOP_AGENCIES)
    charts.append(bar_chart([Bar(r.agency or r.ori, float(r.victims), f"#agency-{r.ori}", r.ori)
                             for r in by_agency.itertuples()],
                            "Trafficking victims by agency (accepted incidents)", color=COLORS["trafficking"],
                            empty="no accepted trafficking incident"))
    return charts


def _grid(report: YearReport) -> list[dict]:
    """One row per agency: certification and the error rate of each month."""
    score = report.tables["scorecard"].sort_values(["ori", "month"])
    score = score.assign(bad=(score["received"] > 0) & (score["error_rate"] >= CERTIFICATION_RATE))
    cells = score[["ori", "month", "error_rate", "received", "sent", "certified", "bad"]].rename(
        columns={"error_rate": "rate"}).to_dict("records")
    rows = report.tables["certification"].sort_values("ori")[
        ["ori", "agency", "certification", "since", "error_rate", "received"]].to_dict("records")
    by_ori = {row["ori"]: {**row, "cells": []} for row in rows}
    for cell in cells:  # rendering: the page lists every agency-month once
        by_ori[cell["ori"]]["cells"].append(cell)
    return list(by_ori.values())


def render_html(report: YearReport) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda v: f"{float(v):.1%}"
    env.filters["num"] = lambda v: f"{int(v):,}" if v == v else ""
    state = report.tables["state_months"]
    cert = report.tables["certification"]
    figures = report.tables["trafficking"]
    now = figures[figures["as_of"] == report.as_of.isoformat()]
    accepted_64a = now[(now["offense"] == "64A") & (now["status"] == "accepted")].iloc[0]
    received = int(state["received"].sum())
    cards = [
        ("agencies", len(cert), ""), ("reports received", received, ""),
        ("accepted", int(state["accepted"].sum()), "good"), ("still rejected", int(state["rejected"].sum()), "bad"),
        ("error rate", f"{(state['rejected'].sum() / received if received else 0):.2%}", ""),
        ("certified agencies", int((cert["certification"] == "met").sum()), "good"),
        ("64A victims accepted", int(accepted_64a["victims"]), "flag"),
        ("64A incidents accepted", int(accepted_64a["incidents"]), "flag"),
    ]
    tables = [(name, TITLES[name], table, COLUMNS[name]) for name, table in report.tables.items()
              if name not in ("scorecard", "state_months", "certification")]
    return env.get_template("year.html.j2").render(
        report=report, style=_style(), version=__version__, cards=cards, charts=_charts(report),
        state=state, grid=_grid(report), tables=tables, columns=COLUMNS, limit=CERTIFICATION_RATE,
        generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))

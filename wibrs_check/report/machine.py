"""Machine-readable outputs: CSV (findings), JSON (summary, not-checked list and findings)."""

from __future__ import annotations

import json

import pandas as pd

from .. import __version__
from ..findings import COLUMN_DOCS, OUTPUT_COLUMNS
from . import Report
from .advice import fixes
from .spreadsheet import neutralise_formulas


def _records(frame: pd.DataFrame) -> list[dict]:
    out = frame.astype(object).where(frame.notna(), None)
    return out.to_dict(orient="records")


def findings_table(report: Report) -> pd.DataFrame:
    """The findings as programs get them: the findings columns, then ``fix`` (what to do,
    in plain words) and any later output column, always at the end."""
    return report.findings.assign(fix=fixes(report.findings))[list(OUTPUT_COLUMNS)]


def render_csv(report: Report) -> str:
    return neutralise_formulas(findings_table(report)).to_csv(index=False, lineterminator="\n")


def render_json(report: Report) -> str:
    document = {
        "tool": "wibrs-check",
        "version": __version__,
        "processed_on": report.processed_on,
        "files": report.files,
        "unreadable_files": report.fatal,
        "rule_failures": report.rule_failures,
        "summary": _records(report.summary),
        "nothing_sent": _records(report.nothing_sent),
        "not_checked": [{"code": c, "needs": n} for c, n in sorted(report.not_checked.items())],
        "totals": totals(report),
        "columns": COLUMN_DOCS,
        "settings_file": report.settings_file or None,
        "findings": _records(findings_table(report)),
    }
    return json.dumps(document, indent=2, default=str) + "\n"


def totals(report: Report) -> dict:
    s = report.summary
    f = report.findings
    return {
        "files": len(report.files) + len(report.fatal),
        "records": int(sum(x["records_read"] for x in report.files)),
        "units": int(s["units"].sum()) if len(s) else 0,
        "accepted": int(s["accepted"].sum()) if len(s) else 0,
        "rejected": int(s["rejected"].sum()) if len(s) else 0,
        "errors": int((f["severity"] == "error").sum()),
        "warnings": int((f["severity"] == "warning").sum()),
        "flags": int((f["severity"] == "flag").sum()),
    }

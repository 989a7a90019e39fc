"""Writers: each turns a :class:`wibrs_check.report.Report` into one output format."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# The columns of the batch run's agency summary (one row per agency and month), which the
# HTML page shows; wibrs_check.batch builds the rows.
AGENCY_COLUMNS = (
    "ori", "name", "month", "status", "files", "format", "records",
    "incidents", "incidents_accepted", "incidents_rejected", "group_b", "zero_reports", "sbr_returns",
    "received", "accepted", "rejected", "error_rate", "errors", "file_errors", "warnings", "flags", "ht_flags",
    "top_errors", "layout",
)


@dataclass
class Report:
    """Everything a writer may show: findings, per-agency summary, what was not checked."""

    findings: pd.DataFrame
    summary: pd.DataFrame
    files: list[dict] = field(default_factory=list)  # per file: path, format, records, blank_lines, unplaced
    not_checked: dict[str, str] = field(default_factory=dict)
    raw_records: dict[tuple[str, int], str] = field(default_factory=dict)  # (file, record) -> raw text
    fatal: list[dict] = field(default_factory=list)  # files that could not be read: path, message
    rule_failures: list[dict] = field(default_factory=list)  # rules that crashed: path, code, message
    processed_on: str = ""
    # One row per submission unit of every file read (UNIT_COLUMNS): the units with no
    # finding too, which the CI outputs list as passing test cases. Empty when the report
    # was built without them; writers then fall back to the units named in the findings.
    units: pd.DataFrame = field(default_factory=lambda: empty_units())
    # Agencies of the master file (--agencies) that sent no report for a month the files
    # cover: ori, name, month. Empty without an agency file.
    nothing_sent: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["ori", "name", "month"]))
    # The settings file the run read (config.py), so output says when one changed the run.
    settings_file: str = ""


UNIT_COLUMNS = ("file", "unit", "kind", "ori", "incident", "action", "sub_year", "sub_month", "line")


def empty_units() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series([], dtype="str") for name in UNIT_COLUMNS})
    for name in ("unit", "line"):
        frame[name] = frame[name].astype("Int64")
    return frame

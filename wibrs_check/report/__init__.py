"""Writers: each turns a :class:`wibrs_check.report.Report` into one output format."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


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

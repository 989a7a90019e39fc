"""The year report's tables and what each column means (the CSV, JSON and XLSX outputs and
docs/year-report.md follow this table)."""

from __future__ import annotations

import pandas as pd

AGENCY = {"ori": "the agency's ORI", "agency": "the agency's name (from --agencies; blank without it)"}

COLUMNS: dict[str, dict[str, str]] = {
    "state_months": {
        "month": "month of the year, YYYY-MM: reports count in their own month (incident, arrest, zero report "
                 "or summary return), whenever they were sent",
        "received": "reports received: Group A incidents, Group B arrestees, zero reports, summary returns "
                    "(accepted or still rejected; withdrawn ones not counted)",
        "accepted": "reports on file (processed successfully) as of the report's date",
        "rejected": "reports whose latest copy was rejected and that are not on file",
        "error_rate": "rejected / received (0 to 1)",
        "incidents": "Group A incidents received",
        "group_b": "Group B arrestees received",
        "zero_reports": "agencies with an accepted zero report for the month",
        "fixed": "reports rejected once and accepted since (corrected resubmissions)",
        "warnings": "warnings on the deciding copies of the reports",
        "ht_flags": "reports with a trafficking flag (HT01-HT03)",
        "trafficking": "accepted incidents with 64A or 64B",
        "agencies_sent": "agencies that sent a submission for the month (month of submission)",
        "agencies_with_reports": "agencies with at least one report in the month",
        "agencies_certified": "agencies meeting the certification test at the month",
    },
    "scorecard": {
        **AGENCY,
        "month": "month of the year, YYYY-MM (the reports' own month)",
        "sent": "whether the agency sent a submission for this month (month of submission)",
        "received": "reports received (accepted or still rejected)",
        "accepted": "reports on file",
        "rejected": "reports still rejected",
        "error_rate": "rejected / received (0 to 1; 0 when nothing was received)",
        "top_errors": "the most frequent error numbers of the still-rejected reports, CODExCOUNT",
        "warnings": "warnings on the deciding copies of the reports",
        "ht_flags": "reports with a trafficking flag (HT01-HT03)",
        "zero_report": "an accepted zero report for the month",
        "summary_return": "an accepted summary (SBR) return for the month",
        "incidents": "Group A incidents received",
        "group_b": "Group B arrestees received",
        "fixed": "reports rejected once and accepted since (corrected resubmissions count in their own month)",
        "trafficking": "accepted incidents with 64A or 64B",
        "passes": "the month passes the FBI test: reports received and an error rate under 4%",
        "months_passing_in_a_row": "passing months up to and including this one, without a break",
        "certified": "this month and the two before it pass (the FBI's three consecutive months)",
    },
    "certification": {
        **AGENCY,
        "certification": "'met' when the agency meets the test at the latest month with state data, else 'not met'",
        "since": "first month of the unbroken run of months at which the test is met (blank when not met)",
        "months_passing_in_a_row": "passing months in a row at the latest month",
        "months_certified": "months of the year at which the test was met",
        "first_certified": "first month of the year at which the test was met",
        "received": "reports received in the year",
        "rejected": "reports of the year still rejected",
        "error_rate": "rejected / received over the year",
        "months_not_sent": "months of the year for which the agency sent no submission",
        "through": "the latest month of the year with state data (the month the test is read at)",
    },
    "trafficking": {
        "as_of": "the date the figures are as of (reports committed by the end of that day)",
        "offense": "64A (commercial sex acts) or 64B (involuntary servitude)",
        "description": "the offense in words",
        "status": "accepted (processed successfully), rejected (still rejected), 'rejected at least once' "
                  "(accepted or not), 'rejected, then accepted' (fixed)",
        "victims": "victims connected to the offense in those incidents",
        "incidents": "incidents dated in the year with the offense",
        "agencies": "agencies those incidents come from",
    },
    "trafficking_months": {
        **AGENCY,
        "month": "month of the incidents, YYYY-MM",
        "incidents_64a": "accepted incidents with 64A",
        "victims_64a": "their victims connected to 64A",
        "incidents_64b": "accepted incidents with 64B",
        "victims_64b": "their victims connected to 64B",
    },
    "trafficking_change": {
        "offense": "64A or 64B",
        "measure": "victims, incidents or agencies (accepted, dated in the year)",
        "before_as_of": "the earlier date (--compare-as-of)",
        "before": "the figure then",
        "after_as_of": "the report's date (--as-of)",
        "after": "the figure then",
        "change": "the change in the DOJ report's words: 'increased 56%', 'decreased 5%', 'did not change', "
                  "'rose from 0 to 3'",
        "sentence": "the sentence for the report",
    },
    "followup_juvenile_prostitution": {
        **AGENCY,
        "incidents": "incidents of the year with a juvenile-prostitution flag (HT01, HT02)",
        "incident_numbers": "their incident numbers (the first 20)",
        "months": "their months",
        "flags": "which flags",
        "reports_64a": "whether the agency has any accepted 64A/64B incident in the year",
        "what_to_do": "the follow-up",
    },
    "followup_rejected_trafficking": {
        **AGENCY,
        "incident": "incident number",
        "month": "month of the incident",
        "offenses": "its offense codes",
        "errors": "the error numbers of its latest copy",
        "victims_64a": "victims connected to 64A",
        "victims_64b": "victims connected to 64B",
        "first_rejected": "date it was first rejected",
        "last_sent": "date its latest copy was committed",
        "what_to_do": "the follow-up",
    },
    "followup_no_trafficking": {
        **AGENCY,
        "incidents": "Group A incidents of the year received from the agency (0: it sent no reports)",
        "months_with_incidents": "months of the year with incidents",
        "what_to_do": "the follow-up",
    },
    "followup_sbr_no_ht": {
        **AGENCY,
        "returns": "summary returns of the year",
        "returns_with_ht": "those that held a Human Trafficking form",
        "months_without_ht": "months whose return held no Human Trafficking form",
        "never_sent_ht": "no Human Trafficking form all year",
        "what_to_do": "the follow-up",
    },
    "followup_legacy_layout": {
        **AGENCY,
        "months_legacy": "months of submission whose file used a short 2019.1 segment length (no cargo theft, bias #2-#5, LEOKA or offender ethnicity)",
        "last_legacy_month": "the latest such month",
        "last_month_sent": "the latest month the agency sent",
        "still_legacy": "its latest month still used a short length",
        "what_to_do": "the follow-up",
    },
}

TITLES = {
    "state_months": "State totals by month",
    "scorecard": "Agency scorecard by month",
    "certification": "FBI certification test by agency",
    "trafficking": "Trafficking figures",
    "trafficking_months": "Accepted trafficking incidents by agency and month",
    "trafficking_change": "Change between the two dates",
    "followup_juvenile_prostitution": "Agencies with juvenile-prostitution evidence",
    "followup_rejected_trafficking": "Trafficking incidents rejected and not fixed",
    "followup_no_trafficking": "Agencies that sent no trafficking incident",
    "followup_sbr_no_ht": "Summary agencies without a Human Trafficking return",
    "followup_legacy_layout": "Agencies sending the short segment lengths",
}


def frame(name: str, data: pd.DataFrame) -> pd.DataFrame:
    """``data`` with exactly the documented columns of table ``name``, in their order."""
    columns = list(COLUMNS[name])
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(f"table {name} lacks columns {missing}")
    return data[columns].reset_index(drop=True)


def markdown() -> str:
    """The column documentation as Markdown (docs/year-report.md embeds it)."""
    out = []
    for name, columns in COLUMNS.items():
        out.append(f"### `{name}` ({name}.csv): {TITLES[name]}\n\n| column | meaning |\n| --- | --- |")
        out += [f"| `{column}` | {text} |" for column, text in columns.items()]
        out.append("")
    return "\n".join(out)

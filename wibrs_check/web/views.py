"""What the pages show, shaped from a checked report: filters, incidents, highlighted fields.

Presentation only: the findings, the summary and the flowchart facts come from the runner
and the trafficking package; here they are filtered, grouped by incident, cut into pages
and given links. Text is passed to the templates as plain strings, which escape it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from .. import spec
from ..trafficking import AnswerError, Flowchart, Verdict, parse_answer, walk

INCIDENTS_PER_PAGE = 50
SEVERITY_ORDER = {"error": 0, "warning": 1, "flag": 2}


@dataclass(frozen=True)
class Filters:
    code: str = ""
    severity: str = ""
    incident: str = ""
    page: int = 1

    def query(self, **changes) -> str:
        values = {"code": self.code, "severity": self.severity, "incident": self.incident, "page": self.page}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})


def filter_findings(findings: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    keep = pd.Series(True, index=findings.index)
    if filters.code:
        keep &= findings["code"].astype(str).str.upper() == filters.code.strip().upper()
    if filters.severity:
        keep &= findings["severity"] == filters.severity
    if filters.incident:
        keep &= findings["incident"].astype(str).str.strip().str.upper() == filters.incident.strip().upper()
    return findings[keep]


def fix_text(code: str) -> str:
    """The plain-words fix of a code: the catalog's description (the rule page has the rest)."""
    catalog = spec.edit_catalog()
    return str(catalog.loc[code, "description"]) if code in catalog.index else ""


def title_of(code: str) -> str:
    catalog = spec.edit_catalog()
    return str(catalog.loc[code, "title"]) if code in catalog.index else ""


def highlighted(raw: str | None, level: str, column: str, file_format: str) -> dict | None:
    """The record cut around the field in error: before, field, after (and the positions)."""
    if not raw:
        return None
    # XML reports are read into the flat layout (the model), so their records show in it too.
    if file_format not in ("flat", "xml") or not str(level).isdigit() or not column:
        return {"before": raw, "field": "", "after": "", "positions": ""}
    try:
        where = spec.field(int(level), column)
    except KeyError:
        return {"before": raw, "field": "", "after": "", "positions": ""}
    start, end = where.start - 1, where.end
    return {"before": raw[:start], "field": raw[start:end] or " " * min(where.width, 1), "after": raw[end:],
            "positions": f"positions {where.start}-{where.end}"}


def classify_link(facts, file: str) -> str:
    """``/classify`` with what the incident's records answer, as ``classify FILE --incident N``."""
    query: dict[str, str] = {f.fact: "yes" if f.answer else "no" for f in facts.filled}
    query.update({f"why_{f.fact}": f"{f.evidence}. {f.explanation}" for f in facts.filled})
    query.update({"filled": ",".join(f.fact for f in facts.filled), "incident": facts.incident, "ori": facts.ori,
                  "file": file})
    return "/classify?" + urlencode(query)


def incident_groups(report, findings: pd.DataFrame, classifiable: dict, page: int) -> tuple[list[dict], int]:
    """One entry per incident (file, ORI, incident number) on ``page``, and the number of pages."""
    if not len(findings):
        return [], 1
    formats = {f["path"]: f["format"] for f in report.files}
    ordered = findings.assign(
        _incident=findings["incident"].fillna("").astype(str), _ori=findings["ori"].fillna("").astype(str),
        _rank=findings["severity"].map(SEVERITY_ORDER).fillna(3),
    ).sort_values(["file", "_ori", "_incident", "record", "_rank"], kind="stable", na_position="first")
    keys = ordered[["file", "_ori", "_incident"]].drop_duplicates()
    pages = max(1, math.ceil(len(keys) / INCIDENTS_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = keys.iloc[(page - 1) * INCIDENTS_PER_PAGE: page * INCIDENTS_PER_PAGE]
    rows = ordered.merge(shown, on=["file", "_ori", "_incident"])
    groups: list[dict] = []
    for (file, ori, incident), g in rows.groupby(["file", "_ori", "_incident"], sort=False):
        items = []
        for r in g.itertuples(index=False):
            record = None if pd.isna(r.record) else int(r.record)
            raw = report.raw_records.get((file, record)) if record is not None else None
            items.append({
                "record": record, "line": None if pd.isna(r.line) else int(r.line), "level": r.level,
                "data_element": r.data_element, "column": r.column, "code": r.code, "severity": r.severity,
                "value": r.value, "message": r.message, "title": title_of(r.code), "fix": fix_text(r.code),
                "shown": highlighted(raw, r.level, r.column, formats.get(file, "")),
            })
        facts = classifiable.get((file, ori, incident))
        groups.append({"file": file, "ori": ori, "incident": incident, "findings": items,
                       "errors": sum(1 for i in items if i["severity"] == "error"),
                       "classify": classify_link(facts, file) if facts is not None else ""})
    return groups, pages


def code_choices(findings: pd.DataFrame) -> list[tuple[str, int]]:
    counts = findings["code"].value_counts()
    return sorted(((str(c), int(n)) for c, n in counts.items()), key=lambda cn: (not cn[0].isdigit(), cn[0]))


# ---------------------------------------------------------------------------------------
# The flowchart, one question at a time


class BadAnswers(ValueError):
    """An answer in the request is not yes, no or blank, or names no flowchart fact."""


def read_answers(values, chart: Flowchart) -> dict[str, bool]:
    """Known answers from a mapping of fact -> yes/no/true/false/1/0 (blank: not known)."""
    known = {}
    for fact in chart.facts:
        value = values.get(fact)
        try:
            answer = parse_answer(value, fact)
        except AnswerError as exc:
            raise BadAnswers(str(exc)) from None
        if answer is not None:
            known[fact] = answer
    return known


def flowchart_state(known: dict[str, bool], chart: Flowchart, filled: set[str] = frozenset(),
                    why: dict[str, str] | None = None) -> dict:
    """Where the answers lead: the path so far, and the next question or the outcome."""
    steps, stop = walk(known, chart)
    why = why or {}
    path = [{"number": n, "fact": s.fact, "question": s.question, "answer": "yes" if s.answer else "no",
             "from_record": s.fact in filled, "why": why.get(s.fact, "")} for n, s in enumerate(steps, start=1)]
    on_path = {s.fact: ("yes" if s.answer else "no") for s in steps}
    state = {"path": path, "answers": on_path, "verdict": None, "question": None}
    if isinstance(stop, Verdict):
        state["verdict"] = {"id": stop.id, "label": stop.label, "explanation": stop.explanation}
    else:
        state["question"] = {"number": len(steps) + 1, "fact": stop.fact, "question": stop.question,
                             "help": stop.help}
    return state


def back_link(state: dict, extra: dict[str, str]) -> str:
    """``/classify`` with the last answer taken back."""
    answers = [(p["fact"], p["answer"]) for p in state["path"]][:-1]
    return "/classify?" + urlencode(dict(answers) | extra)

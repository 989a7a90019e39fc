"""Flowchart facts an incident record already answers (``classify FILE --incident N``).

What the record can tell is data: ``schemas/flowchart_facts.csv``, one row per piece of
evidence, read in order. Columns:

* ``fact``, ``answer``: the flowchart fact the row fills and with what (yes / no);
* ``source``: where the evidence is - ``offense`` (an offense segment, data element 6),
  ``offender``, ``arrestee`` or ``victim`` (a person victim, type I);
* ``codes``: offense codes the source must carry - for ``offense`` its code (6), for an
  arrestee the arrest offense (45), for a victim a connected offense (24); blank for
  offenders, which are not tied to one offense;
* ``incident_has`` / ``incident_lacks``: the incident must hold at least one of these
  offense codes (data element 6) / none of these, neither as an offense (6) nor as an
  arrest offense (45) - "lacks" is an exclusion, so it errs on the side of asking
  (blank: no condition);
* ``age``: ``any``; ``juvenile`` (at least one matching person is under 18); ``adult``
  (every matching person is 18 or over: one of unknown age leaves the fact to be asked).
  Ages follow :func:`wibrs_check.rules.trafficking.age_classes` (ranges, 00, NN/NB/BB);
* ``explanation``: why the evidence answers the fact, shown to the user.

The first row that matches decides a fact, so rows that answer "juvenile" come before the
"adult" ones: one juvenile provider is enough for trafficking. Later rows that match with
the other answer are reported as ``disagreeing`` evidence, not silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from .. import spec
from ..model import UNIT_INCIDENT, Submission
from ..rules import persons as p
from ..rules import trafficking as ht

SOURCES = ("offense", "offender", "arrestee", "victim")
AGES = ("any", "juvenile", "adult")


class IncidentNotFound(LookupError):
    """The incident number is not in the file (or is ambiguous without an ORI)."""


@dataclass(frozen=True)
class FilledFact:
    fact: str
    answer: bool
    evidence: str  # "offense 40C (record 2)", "arrestee 01 age 16, arrested for 40A (record 6)"
    explanation: str
    disagreeing: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return {"fact": self.fact, "answer": self.answer, "evidence": self.evidence,
                "explanation": self.explanation, "disagreeing": list(self.disagreeing)}


@dataclass(frozen=True)
class IncidentFacts:
    incident: str
    ori: str
    records: tuple[int, ...]  # record numbers of the incident's segments
    filled: tuple[FilledFact, ...]
    offenses: tuple[str, ...] = ()  # the incident's offense codes (6) and arrest charges (45), sorted

    @property
    def known(self) -> dict[str, bool]:
        return {f.fact: f.answer for f in self.filled}


@cache
def fact_rules() -> pd.DataFrame:
    """``schemas/flowchart_facts.csv``, checked: sources, answers and ages from the fixed lists."""
    table = spec.read_table("flowchart_facts.csv")
    problems = [f"row {i + 2}: source {r.source!r}" for i, r in enumerate(table.itertuples()) if r.source not in SOURCES]
    problems += [f"row {i + 2}: age {r.age!r}" for i, r in enumerate(table.itertuples()) if r.age not in AGES]
    problems += [f"row {i + 2}: answer {r.answer!r}" for i, r in enumerate(table.itertuples()) if r.answer not in ("yes", "no")]
    if problems:
        raise ValueError("schemas/flowchart_facts.csv: " + "; ".join(problems))
    return table


def find_incident(sub: Submission, incident: str, ori: str | None = None) -> int:
    """The unit of a Group A incident (not a delete) by incident number (and ORI)."""
    records = sub.records
    if not len(records) or "unit_kind" not in records.columns:
        raise IncidentNotFound(f"incident {incident} is not in {sub.source} (it holds no Group A incidents)")
    wanted = incident.strip().upper()
    hit = records[(records["unit_kind"] == UNIT_INCIDENT) & (records["action"] != "D")
                  & (records["incident"].astype(str).str.strip().str.upper() == wanted)]
    if ori:
        hit = hit[hit["ori"].astype(str).str.strip().str.upper() == ori.strip().upper()]
    if not len(hit):
        where = f" for ORI {ori}" if ori else ""
        present = records.loc[(records["unit_kind"] == UNIT_INCIDENT) & (records["action"] != "D"), "incident"]
        present = list(dict.fromkeys(present.astype(str)))
        hint = (f" (it holds {len(present)} incident(s), for example {', '.join(present[:3])})" if present
                else " (it holds no Group A incidents)")
        raise IncidentNotFound(f"incident {incident}{where} is not in {sub.source}{hint}")
    oris = sorted(set(hit["ori"].astype(str)))
    if len(oris) > 1:
        raise IncidentNotFound(f"incident {incident} is in {sub.source} for several agencies "
                               f"({', '.join(oris)}): name one with --ori")
    return int(hit["unit"].iloc[-1])


def _record_numbers(sub: Submission, rids) -> list[int]:
    return [int(r) for r in sub.records["record"].reindex(list(rids)).tolist()]


def _candidates(sub: Submission, unit: int, row, offenses: set[str]) -> pd.DataFrame:
    """Evidence records of one table row in one incident: rid, text, juvenile, adult."""
    codes = set(row.codes.split())
    if row.source == "offense":
        frame = p.segments(sub, 2)
        frame = frame[(frame["unit"] == unit) & frame["de6"].isin(codes)]
        return pd.DataFrame({"rid": frame.index, "text": "offense " + frame["de6"].astype(str),
                             "juvenile": False, "adult": False})
    people = ht.person_ages(sub)
    people = people[(people["unit"] == unit) & (people["role"] == row.source)]
    if row.source == "arrestee" and codes:
        people = people[people["charge"].isin(codes)]
    text = people["role"] + " " + people["seq"] + " " + people["age_text"]
    if row.source == "arrestee":
        text = text + ", arrested for " + people["charge"]
    if row.source == "victim":
        people = people[people["victim_type"] == "I"]
        links = p.victim_offenses(sub)
        links = links[links["rid"].isin(people["rid"]) & links["offense"].isin(codes)]
        connected = links.groupby("rid")["offense"].agg(lambda c: "/".join(sorted(set(c))))
        people = people[people["rid"].isin(connected.index)]
        text = text.reindex(people.index) + ", victim of " + connected.reindex(people["rid"]).to_numpy()
    return pd.DataFrame({"rid": people["rid"].to_numpy(), "text": text.reindex(people.index).to_numpy(),
                         "juvenile": people["juvenile"].to_numpy(), "adult": people["adult"].to_numpy()})


def _evidence(sub: Submission, unit: int, row, offenses: set[str], charges: set[str]) -> pd.DataFrame | None:
    """The records that make a row answer its fact, or None when it does not apply."""
    has, lacks = set(row.incident_has.split()), set(row.incident_lacks.split())
    if (has and not has & offenses) or lacks & (offenses | charges):
        return None
    found = _candidates(sub, unit, row, offenses)
    if row.age == "juvenile":
        found = found[found["juvenile"]]
    elif row.age == "adult" and not found["adult"].all():
        return None
    return found if len(found) else None


def _describe(sub: Submission, found: pd.DataFrame) -> str:
    numbers = _record_numbers(sub, found["rid"])
    return "; ".join(f"{text} (record {n})" for text, n in zip(found["text"], numbers))


def facts_from_incident(sub: Submission, incident: str, ori: str | None = None) -> IncidentFacts:
    """The flowchart facts the incident's records answer, with the evidence for each.

    Raises :class:`IncidentNotFound` when the incident is not in the file.
    """
    unit = find_incident(sub, incident, ori)
    records = sub.records[sub.records["unit"] == unit]
    offenses = set(p.segments(sub, 2).loc[lambda f: f["unit"] == unit, "de6"])
    charges = set(p.segments(sub, 6).loc[lambda f: f["unit"] == unit, "de45"])
    decided: dict[str, FilledFact] = {}
    for row in fact_rules().itertuples(index=False):
        found = _evidence(sub, unit, row, offenses, charges)
        if found is None:
            continue
        answer = row.answer == "yes"
        text = _describe(sub, found)
        first = decided.get(row.fact)
        if first is None:
            decided[row.fact] = FilledFact(row.fact, answer, text, row.explanation)
        elif first.answer != answer:
            decided[row.fact] = FilledFact(first.fact, first.answer, first.evidence, first.explanation,
                                           first.disagreeing + (text,))
    return IncidentFacts(str(records["incident"].iloc[0]), str(records["ori"].iloc[0]),
                         tuple(int(r) for r in records["record"]), tuple(decided.values()),
                         tuple(sorted(c for c in offenses | charges if isinstance(c, str) and c)))

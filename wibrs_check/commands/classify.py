"""``wibrs-check classify``: is this exchange sex trafficking for UCR?

Two modes:

* interactive (no ``--answers``): asks the flowchart's questions one at a time;
  ``?`` or ``h`` shows the help for a question;
* batch (``--answers FILE``): classifies every case in a CSV, JSON or YAML file.

The decision logic is data (``schemas/flowchart.yaml``) walked by
:mod:`wibrs_check.trafficking.flowchart`; nothing here knows the questions.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import yaml

from wibrs_check.trafficking.flowchart import (
    AnswerError,
    Flowchart,
    Question,
    Step,
    Verdict,
    ask_until_verdict,
    load_flowchart,
    parse_answers,
    walk,
)

__all__ = [
    "BadInput",
    "CaseResult",
    "Case",
    "classify",
    "classify_case",
    "classify_with_known",
    "prompt_answer",
    "read_cases",
]

INCOMPLETE = "incomplete"
INCOMPLETE_LABEL = "Incomplete: the answers stop before a verdict"
HELP_WORDS = frozenset({"?", "h", "help"})
YES_WORDS = frozenset({"y", "yes"})
NO_WORDS = frozenset({"n", "no"})
#: keys in an answers file that are not facts and are read without a warning.
META_KEYS = frozenset({"case", "description", "expected", "notes", "answers"})


class BadInput(click.ClickException):
    """Unusable input: printed as ``Error: ...`` on stderr, exit code 2."""

    exit_code = 2


# --------------------------------------------------------------------------- extension point


def prompt_answer(question: Question, number: int | None = None, *, err: bool = False) -> bool:
    """Ask one question on the terminal (or piped stdin) until it gets y or n.

    ``?``/``h`` prints the question's help; anything else is asked again.
    End of input raises :class:`click.Abort`.
    """
    prefix = f"{number}. " if number is not None else ""
    while True:
        click.echo("", err=err)
        click.echo(_wrap(prefix + question.question, indent=" " * len(prefix)), err=err)
        reply = click.prompt("   [y/n, ? for help]", default="", show_default=False, err=err)
        word = reply.strip().lower()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        if word in HELP_WORDS:
            click.echo(textwrap.indent(question.help, "   | "), err=err)
        else:
            click.echo(f"   Please answer y or n (or ? for help), not {reply!r}.", err=err)


def classify_with_known(
    known: Mapping[str, bool | None],
    ask: Callable[[Question], bool] | None = None,
    chart: Flowchart | None = None,
) -> Verdict:
    """Classify from facts already known, asking ``ask`` for the rest.

    This is the hook for modes that fill some facts from elsewhere (for example
    from an incident record): pass what is known (fact -> bool; ``None`` or absent
    means unknown) and a callable that answers one :class:`Question` with True or
    False.  ``ask`` defaults to :func:`prompt_answer` (the terminal).  Facts in
    ``known`` are used without asking; they appear in the verdict's ``path``
    like asked ones.
    """
    if ask is None:
        ask = numbered_asker(known, chart)
    return ask_until_verdict(known, ask, chart)


def numbered_asker(known: Mapping[str, bool | None], chart: Flowchart | None = None, *,
                   err: bool = False) -> Callable[[Question], bool]:
    """A terminal ``ask`` that numbers each question by its place in the path, so that
    question 3 on the screen is step 3 of "How we got there" even when the record answered
    steps 1 and 2."""
    answered = {k: v for k, v in known.items() if v is not None}

    def ask(question: Question) -> bool:
        steps, _ = walk(answered, chart)
        answer = prompt_answer(question, len(steps) + 1, err=err)
        answered[question.fact] = answer
        return answer

    return ask


# --------------------------------------------------------------------------- answers files


@dataclass(frozen=True)
class Case:
    case: str
    raw: Mapping[str, Any]  # fact -> raw value as read from the file
    expected: str | None = None


@dataclass(frozen=True)
class CaseResult:
    case: str
    verdict: str
    label: str
    path: tuple[Step, ...]
    missing: str | None
    expected: str | None = None

    @property
    def matches(self) -> bool | None:
        return None if self.expected is None else self.expected == self.verdict

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "case": self.case,
            "verdict": self.verdict,
            "label": self.label,
            "path": [{"fact": s.fact, "question": s.question, "answer": s.answer} for s in self.path],
            "missing": self.missing,
        }
        if self.expected is not None:
            record["expected"] = self.expected
            record["matches"] = self.matches
        return record


def _detect_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        try:
            json.loads(text)
            return "json"
        except ValueError:
            pass
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None
    if isinstance(data, (list, dict)):
        return "yaml"
    return "csv"


def _items_from_document(data: Any, name: str) -> list[Any]:
    if isinstance(data, Mapping) and "cases" in data:
        data = data["cases"]
    if not isinstance(data, list):
        raise BadInput(f"{name}: expected a list of cases (or a mapping with a 'cases' list)")
    return data


def _csv_items(text: str, name: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise BadInput(f"{name}: the CSV file has no header row")
    header = [(h or "").strip() for h in reader.fieldnames]
    if "case" not in header:
        raise BadInput(f"{name}: the CSV header has no 'case' column (found: {', '.join(header)})")
    items = []
    for row in reader:
        if extra := row.get(None):
            raise BadInput(f"{name}: line {reader.line_num} has more fields than the header ({extra!r})")
        item = {(k or "").strip(): v for k, v in row.items()}
        if all((v or "").strip() == "" for v in item.values()):
            continue  # blank line
        items.append(item)
    return items


def read_cases(path: Path, chart: Flowchart | None = None, warn: Callable[[str], None] | None = None) -> list[Case]:
    """Read an answers file (CSV, JSON or YAML) into cases.

    Each case is a row (CSV) or a mapping (JSON/YAML, as a list or under a
    ``cases`` key) with a ``case`` id and fact keys, either at the top of the
    item or under ``answers``.  ``description``/``notes`` are ignored;
    ``expected`` is an optional verdict id to compare with.  Other keys are
    reported through ``warn`` and ignored.  Raises :class:`BadInput`.
    """
    chart = chart or load_flowchart()
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{name}: cannot read the file ({exc})") from exc

    kind = _detect_format(path, text)
    try:
        if kind == "csv":
            items: list[Any] = _csv_items(text, name)
        elif kind == "json":
            items = _items_from_document(json.loads(text), name)
        else:
            items = _items_from_document(yaml.safe_load(text), name)
    except (ValueError, yaml.YAMLError, csv.Error) as exc:
        if isinstance(exc, BadInput):
            raise
        raise BadInput(f"{name}: not valid {kind.upper()}: {exc}") from exc

    facts = set(chart.facts)
    valid_expected = set(chart.verdicts) | {INCOMPLETE}
    unknown_keys: dict[str, None] = {}
    cases = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            raise BadInput(f"{name}: case #{number} is not a mapping of fact -> answer")
        case_id = item.get("case")
        case_id = str(case_id).strip() if case_id is not None and str(case_id).strip() else f"#{number}"
        answers = item.get("answers")
        if answers is None:
            answers = {}
        if not isinstance(answers, Mapping):
            raise BadInput(f"{name}: case {case_id!r}: 'answers' must be a mapping of fact -> answer")
        raw: dict[str, Any] = {}
        for source in (item, answers):
            for key, value in source.items():
                key = str(key)
                if key in facts:
                    if key in raw and source is answers:
                        raise BadInput(f"{name}: case {case_id!r}: fact {key!r} is given twice")
                    raw[key] = value
                elif key not in META_KEYS:
                    unknown_keys[key] = None
        expected = item.get("expected")
        if expected is not None and str(expected).strip():
            expected = str(expected).strip()
            if expected not in valid_expected:
                raise BadInput(
                    f"{name}: case {case_id!r}: expected verdict {expected!r} is not one of "
                    + ", ".join(sorted(valid_expected))
                )
        else:
            expected = None
        cases.append(Case(case_id, raw, expected))
    if unknown_keys and warn is not None:
        warn(f"{name}: ignoring column(s) that are not flowchart facts: {', '.join(unknown_keys)}")
    return cases


def classify_case(case: Case, chart: Flowchart | None = None) -> CaseResult:
    """Classify one case; unknown facts on the way give verdict ``incomplete``.

    Raises :class:`AnswerError` for a value that is not yes/no/blank.
    """
    chart = chart or load_flowchart()
    known = parse_answers(case.raw, case.case)
    steps, stop = walk(known, chart)
    if isinstance(stop, Verdict):
        return CaseResult(case.case, stop.id, stop.label, stop.path, None, case.expected)
    return CaseResult(case.case, INCOMPLETE, INCOMPLETE_LABEL, tuple(steps), stop.fact, case.expected)


# --------------------------------------------------------------------------- output


def _wrap(text: str, indent: str = "", width: int = 78) -> str:
    return "\n".join(textwrap.wrap(text, width=width, subsequent_indent=indent))


def _yes_no(answer: bool) -> str:
    return "yes" if answer else "no"


def _render_table(results: list[CaseResult]) -> str:
    show_expected = any(r.expected is not None for r in results)
    header = ["CASE", "VERDICT", "LABEL / MISSING FACT"]
    if show_expected:
        header.append("EXPECTED")
    rows = []
    for r in results:
        detail = r.label if r.missing is None else f"missing: {r.missing}"
        row = [r.case, r.verdict, detail]
        if show_expected:
            row.append("" if r.expected is None else ("ok" if r.matches else f"MISMATCH ({r.expected})"))
        rows.append(row)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    lines = []
    for row in [header, *rows]:
        lines.append("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
    counts = Counter(r.verdict for r in results)
    summary = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    lines.append("")
    lines.append(f"{len(results)} case(s): {summary}" if results else "0 cases")
    if show_expected:
        bad = [r.case for r in results if r.matches is False]
        lines.append(f"{len(bad)} mismatch(es) with 'expected': {', '.join(bad)}" if bad else "all cases match 'expected'")
    return "\n".join(lines)


def _render_verdict(verdict: Verdict, filled: frozenset[str] = frozenset()) -> str:
    lines = [f"Verdict: {verdict.label} [{verdict.id}]", ""]
    lines.extend(textwrap.wrap(verdict.explanation, width=78))
    lines.append("")
    lines.append("How we got there:")
    for number, step in enumerate(verdict.path, start=1):
        lines.append(_wrap(f"  {number}. {step.question}", indent="     "))
        source = ", from the record" if step.fact in filled else ""
        lines.append(f"     -> {_yes_no(step.answer)}  ({step.fact}{source})")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the command


@click.command("classify")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--incident",
    "incident_number",
    help="With FILE (a flat or XML submission): classify this incident, filling in what its "
    "records already answer and asking only the rest.",
)
@click.option("--ori", help="With --incident: the agency, when several in FILE use the same incident number.")
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Classify every case in this CSV, JSON or YAML file instead of asking.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.  In interactive mode 'json' sends the questions to stderr.",
)
def classify(file: Path | None, incident_number: str | None, ori: str | None, answers_file: Path | None,
             fmt: str) -> None:
    """Decide whether an exchange of sex for something of value is sex
    trafficking (64A) for UCR, using the state's flowchart.

    Without --answers, asks the questions one at a time (answer y or n; ? shows
    help).  With --answers FILE, classifies one case per row or item: a 'case'
    id plus one column per fact (buyer_or_organizer, provider_real_person,
    buyer_believed_juvenile, provider_over_17, threatened, coerced,
    addicted_withheld); a blank or missing fact is unknown, and a case that
    runs out of answers is reported as 'incomplete'.

    Exit codes: 0 done; 1 a case's verdict differs from its 'expected' value;
    2 unreadable input or an answer that is not yes/no.

    With FILE --incident NUMBER, reads the incident from a flat or XML
    submission, fills in the facts its records answer (ages, offense codes; see
    schemas/flowchart_facts.csv), shows where each came from, and asks only the
    rest.
    """
    chart = load_flowchart()
    if file is not None or incident_number is not None:
        if answers_file is not None:
            raise BadInput("give either FILE --incident or --answers, not both")
        if file is None or not incident_number:
            raise BadInput("classifying an incident needs both FILE and --incident NUMBER")
        _from_incident(file, incident_number, ori, chart, fmt)
        return
    if ori is not None:
        raise BadInput("--ori goes with FILE --incident")
    if answers_file is None:
        _interactive(chart, fmt)
        return

    cases = read_cases(answers_file, chart, warn=lambda msg: click.echo(f"Warning: {msg}", err=True))
    results = []
    for case in cases:
        try:
            results.append(classify_case(case, chart))
        except AnswerError as exc:
            raise BadInput(f"{answers_file}: {exc}") from exc
    if fmt == "json":
        click.echo(json.dumps([r.to_json() for r in results], indent=2))
    else:
        click.echo(_render_table(results))
    if any(r.matches is False for r in results):
        raise click.exceptions.Exit(1)


# The offenses the flowchart is about: prostitution (40A-40C) and human trafficking (64A, 64B).
SEX_TRADE_OFFENSES = frozenset({"40A", "40B", "40C", "64A", "64B"})

INTRO = ("Is it sex trafficking for UCR? The state's flowchart, one question at a time.\n"
         "Answer y or n; ? shows what the question's key terms mean. Ctrl-D stops.")


def _interactive(chart: Flowchart, fmt: str) -> None:
    to_stderr = fmt == "json"
    click.echo(INTRO, err=to_stderr)
    verdict = classify_with_known({}, numbered_asker({}, chart, err=to_stderr), chart)
    if to_stderr:
        result = CaseResult("interactive", verdict.id, verdict.label, verdict.path, None)
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        click.echo("")
        click.echo(_render_verdict(verdict))


def _from_incident(file: Path, incident: str, ori: str | None, chart: Flowchart, fmt: str) -> None:
    """``classify FILE --incident N``: facts from the record, questions for the rest."""
    from wibrs_check.readers.detect import read_any
    from wibrs_check.readers.flatfile import UnreadableInput
    from wibrs_check.trafficking.record_facts import IncidentNotFound, facts_from_incident

    try:
        sub = read_any(file)
    except UnreadableInput as exc:
        raise BadInput(f"{file}: {exc}") from exc
    if sub.format not in ("flat", "xml"):
        raise BadInput(f"{file}: a {sub.format} file holds no incidents; give a flat or XML submission")
    try:
        facts = facts_from_incident(sub, incident, ori)
    except IncidentNotFound as exc:
        raise BadInput(str(exc)) from exc
    to_stderr = fmt == "json"
    say = lambda text="": click.echo(text, err=to_stderr)  # noqa: E731
    say(f"Incident {facts.incident} of {facts.ori} in {file} (records {facts.records[0]}-{facts.records[-1]})")
    if not set(facts.offenses) & SEX_TRADE_OFFENSES:
        say(_wrap(f"This incident has no prostitution (40A, 40B, 40C) or human trafficking (64A, 64B) offense "
                  f"or arrest charge; its offenses are {', '.join(facts.offenses) or 'none'}. The flowchart is "
                  "for an exchange of sex for something of value; answer its questions only if the narrative "
                  "describes one."))
        say()
    if facts.filled:
        say("Filled in from the record:")
        for f in facts.filled:
            say(f"  {f.fact} = {_yes_no(f.answer)}")
            say(_wrap(f"     from {f.evidence}", indent="       "))
            say(_wrap(f"     {f.explanation}", indent="     "))
            for other in f.disagreeing:
                say(_wrap(f"     (other evidence points the other way: {other}; the first row of "
                          "flowchart_facts.csv that matches decides)", indent="      "))
    else:
        say("The record answers none of the questions.")
    verdict = classify_with_known(facts.known, numbered_asker(facts.known, chart, err=to_stderr), chart)
    if to_stderr:
        result = CaseResult(f"{facts.ori} {facts.incident}", verdict.id, verdict.label, verdict.path, None).to_json()
        result["filled"] = [f.to_json() for f in facts.filled]
        result["offenses"] = list(facts.offenses)
        result["sex_trade_offense"] = bool(set(facts.offenses) & SEX_TRADE_OFFENSES)
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo("")
        click.echo(_render_verdict(verdict, frozenset(facts.known)))

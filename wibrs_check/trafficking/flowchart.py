"""The UCR "is it sex trafficking?" flowchart, read from data and walked.

The decision logic lives in ``wibrs_check/schemas/flowchart.yaml``: a start node,
question nodes (each with a ``fact`` key and ``yes``/``no`` targets) and verdicts.
This module loads and validates that file and walks it.  There is one evaluator,
:func:`evaluate`; it knows nothing of the particular questions.

    >>> chart = load_flowchart()
    >>> result = evaluate({"buyer_or_organizer": True, "provider_real_person": True,
    ...                    "provider_over_17": False}, chart)
    >>> result.id
    'sex_trafficking'
    >>> evaluate({"buyer_or_organizer": True}, chart).fact
    'provider_real_person'
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import yaml

__all__ = [
    "AnswerError",
    "Flowchart",
    "FlowchartError",
    "Question",
    "Step",
    "Verdict",
    "evaluate",
    "load_flowchart",
    "parse_answer",
    "parse_answers",
    "parse_flowchart",
    "validate_flowchart",
    "walk",
]

TRUE_WORDS = frozenset({"y", "yes", "true", "1"})
FALSE_WORDS = frozenset({"n", "no", "false", "0"})

_NODE_FIELDS = ("id", "fact", "question", "help", "yes", "no")
_VERDICT_FIELDS = ("id", "label", "explanation")
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


class FlowchartError(ValueError):
    """The flowchart data is malformed.  ``problems`` lists every fault found."""

    def __init__(self, problems: list[str], source: str = "flowchart") -> None:
        self.problems = list(problems)
        text = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source} is not a valid flowchart:\n{text}")


class AnswerError(ValueError):
    """An answer could not be read as yes or no."""

    def __init__(self, value: Any, fact: str, case: str | None = None) -> None:
        self.value = value
        self.fact = fact
        self.case = case
        where = f"case {case!r}, " if case is not None else ""
        super().__init__(
            f"{where}fact {fact!r}: cannot read {value!r} as an answer; "
            "use y/yes/true/1 or n/no/false/0 (leave blank if unknown)"
        )


class Step(NamedTuple):
    """One answered question on the way to a verdict."""

    question: str
    fact: str
    answer: bool


@dataclass(frozen=True)
class Question:
    """A question node of the flowchart."""

    id: str
    fact: str
    question: str
    help: str
    yes: str
    no: str

    def next_id(self, answer: bool) -> str:
        return self.yes if answer else self.no


@dataclass(frozen=True)
class Verdict:
    """An end point of the flowchart; ``path`` is filled in by :func:`evaluate`."""

    id: str
    label: str
    explanation: str
    path: tuple[Step, ...] = field(default=())


@dataclass(frozen=True)
class Flowchart:
    start: str
    nodes: Mapping[str, Question]
    verdicts: Mapping[str, Verdict]
    source: str = "flowchart"

    @property
    def facts(self) -> tuple[str, ...]:
        """Every fact key, in the order the nodes are written."""
        return tuple(node.fact for node in self.nodes.values())

    def question_for(self, fact: str) -> Question:
        for node in self.nodes.values():
            if node.fact == fact:
                return node
        raise KeyError(fact)


# --------------------------------------------------------------------------- loading


def _yes_no(raw: Mapping[Any, Any], key: str) -> Any:
    # Unquoted ``yes:``/``no:`` keys come back from YAML 1.1 as True/False.
    if key in raw:
        return raw[key]
    return raw.get(key == "yes")


def validate_flowchart(data: Any) -> list[str]:
    """Return every problem found in raw flowchart data (empty list: valid).

    Checks: required fields present and non-empty; ids unique across nodes and
    verdicts; fact keys snake_case and unique; the start and every ``yes``/``no``
    target exist; no cycles; every node and verdict reachable from the start.
    """
    if not isinstance(data, Mapping):
        return ["top level must be a mapping with start, nodes and verdicts"]
    problems: list[str] = []
    nodes = data.get("nodes")
    verdicts = data.get("verdicts")
    if not isinstance(nodes, list) or not nodes:
        problems.append("'nodes' must be a non-empty list")
        nodes = []
    if not isinstance(verdicts, list) or not verdicts:
        problems.append("'verdicts' must be a non-empty list")
        verdicts = []

    edges: dict[str, list[str]] = {}
    verdict_ids: set[str] = set()
    seen_ids: set[str] = set()
    seen_facts: set[str] = set()

    for i, raw in enumerate(nodes):
        if not isinstance(raw, Mapping):
            problems.append(f"node #{i + 1} is not a mapping")
            continue
        name = raw.get("id") or f"#{i + 1}"
        for key in _NODE_FIELDS:
            value = _yes_no(raw, key) if key in ("yes", "no") else raw.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"node {name}: '{key}' is missing or empty")
        node_id, fact = raw.get("id"), raw.get("fact")
        if isinstance(node_id, str) and node_id:
            if node_id in seen_ids:
                problems.append(f"node {node_id}: id used more than once")
            seen_ids.add(node_id)
            edges[node_id] = [t for t in (_yes_no(raw, "yes"), _yes_no(raw, "no")) if isinstance(t, str)]
        if isinstance(fact, str) and fact:
            if not _SNAKE.match(fact):
                problems.append(f"node {name}: fact {fact!r} is not a snake_case key")
            if fact in seen_facts:
                problems.append(f"node {name}: fact {fact!r} is asked by more than one node")
            seen_facts.add(fact)

    for i, raw in enumerate(verdicts):
        if not isinstance(raw, Mapping):
            problems.append(f"verdict #{i + 1} is not a mapping")
            continue
        name = raw.get("id") or f"#{i + 1}"
        for key in _VERDICT_FIELDS:
            value = raw.get(key)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"verdict {name}: '{key}' is missing or empty")
        vid = raw.get("id")
        if isinstance(vid, str) and vid:
            if vid in seen_ids:
                problems.append(f"verdict {vid}: id used more than once")
            seen_ids.add(vid)
            verdict_ids.add(vid)

    for node_id, targets in edges.items():
        for target in targets:
            if target not in edges and target not in verdict_ids:
                problems.append(f"node {node_id}: next id {target!r} is neither a node nor a verdict")

    start = data.get("start")
    if not isinstance(start, str) or start not in edges:
        problems.append(f"start {start!r} is not a node id")
        return problems

    # Cycles: depth-first search over every node, reachable or not.
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(edges, WHITE)

    def visit(node_id: str, trail: list[str]) -> None:
        colour[node_id] = GREY
        for target in edges[node_id]:
            if target not in edges:
                continue
            if colour[target] == GREY:
                here = trail + [node_id]
                loop = here[here.index(target):] + [target]
                problems.append("cycle: " + " -> ".join(loop))
            elif colour[target] == WHITE:
                visit(target, trail + [node_id])
        colour[node_id] = BLACK

    for node_id in edges:
        if colour[node_id] == WHITE:
            visit(node_id, [])

    reached: set[str] = set()
    pending = [start]
    while pending:
        current = pending.pop()
        if current in reached:
            continue
        reached.add(current)
        pending.extend(edges.get(current, ()))
    for node_id in edges:
        if node_id not in reached:
            problems.append(f"node {node_id} cannot be reached from the start")
    for vid in sorted(verdict_ids):
        if vid not in reached:
            problems.append(f"verdict {vid} cannot be reached from the start")
    return problems


def parse_flowchart(data: Any, source: str = "flowchart") -> Flowchart:
    """Validate raw data (as read from YAML) and build a :class:`Flowchart`."""
    problems = validate_flowchart(data)
    if problems:
        raise FlowchartError(problems, source)
    nodes = {
        raw["id"]: Question(
            id=raw["id"],
            fact=raw["fact"],
            question=" ".join(raw["question"].split()),
            help=raw["help"].strip(),
            yes=_yes_no(raw, "yes"),
            no=_yes_no(raw, "no"),
        )
        for raw in data["nodes"]
    }
    verdicts = {
        raw["id"]: Verdict(
            id=raw["id"],
            label=raw["label"].strip(),
            explanation=" ".join(raw["explanation"].split()),
        )
        for raw in data["verdicts"]
    }
    return Flowchart(start=data["start"], nodes=nodes, verdicts=verdicts, source=source)


@functools.lru_cache(maxsize=1)
def load_flowchart() -> Flowchart:
    """Load and validate the packaged ``schemas/flowchart.yaml`` (read once)."""
    resource = importlib.resources.files("wibrs_check") / "schemas" / "flowchart.yaml"
    data = yaml.safe_load(resource.read_text(encoding="utf-8"))
    return parse_flowchart(data, source="schemas/flowchart.yaml")


# --------------------------------------------------------------------------- answers


def parse_answer(value: Any, fact: str, case: str | None = None) -> bool | None:
    """Read one answer.  ``None`` or blank means unknown.

    Accepts booleans, the integers 0 and 1, and (case-insensitively) the strings
    y/yes/true/1 and n/no/false/0.  Anything else raises :class:`AnswerError`
    naming the case and the fact.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if not word:
            return None
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise AnswerError(value, fact, case)


def parse_answers(raw: Mapping[str, Any], case: str | None = None) -> dict[str, bool]:
    """Read a mapping of fact -> answer; unknown (blank) answers are left out."""
    known: dict[str, bool] = {}
    for fact, value in raw.items():
        answer = parse_answer(value, fact, case)
        if answer is not None:
            known[fact] = answer
    return known


# --------------------------------------------------------------------------- the walk


def walk(known: Mapping[str, bool | None], chart: Flowchart | None = None) -> tuple[list[Step], Verdict | Question]:
    """Follow the flowchart from its start using the answers in ``known``.

    Returns the answered steps and where the walk stopped: a :class:`Verdict`
    (with its ``path`` filled in) or the first :class:`Question` whose fact is not
    in ``known`` (or is ``None``).  Facts that the walk never reaches are ignored.
    """
    chart = chart or load_flowchart()
    steps: list[Step] = []
    current = chart.start
    while current in chart.nodes:
        node = chart.nodes[current]
        answer = known.get(node.fact)
        if answer is None:
            return steps, node
        if not isinstance(answer, bool):
            raise TypeError(f"fact {node.fact!r}: expected True/False/None, got {answer!r}")
        steps.append(Step(node.question, node.fact, answer))
        current = node.next_id(answer)
    return steps, replace(chart.verdicts[current], path=tuple(steps))


def evaluate(known: Mapping[str, bool | None], chart: Flowchart | None = None) -> Verdict | Question:
    """The verdict the known facts lead to, or the next question to ask."""
    return walk(known, chart)[1]


def ask_until_verdict(
    known: Mapping[str, bool | None],
    ask: Callable[[Question], bool],
    chart: Flowchart | None = None,
) -> Verdict:
    """Walk, calling ``ask(question)`` for each fact not already known."""
    facts = {k: v for k, v in known.items() if v is not None}
    while True:
        result = evaluate(facts, chart)
        if isinstance(result, Verdict):
            return result
        answer = ask(result)
        if not isinstance(answer, bool):
            raise TypeError(f"ask() must return True or False for {result.fact!r}, got {answer!r}")
        facts[result.fact] = answer

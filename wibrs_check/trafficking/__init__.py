"""Sex-trafficking classification: the UCR flowchart as data plus one evaluator."""

from wibrs_check.trafficking.flowchart import (
    AnswerError,
    Flowchart,
    FlowchartError,
    Question,
    Step,
    Verdict,
    ask_until_verdict,
    evaluate,
    load_flowchart,
    parse_answer,
    parse_answers,
    parse_flowchart,
    validate_flowchart,
    walk,
)

__all__ = [
    "AnswerError",
    "Flowchart",
    "FlowchartError",
    "Question",
    "Step",
    "Verdict",
    "ask_until_verdict",
    "evaluate",
    "load_flowchart",
    "parse_answer",
    "parse_answers",
    "parse_flowchart",
    "validate_flowchart",
    "walk",
]

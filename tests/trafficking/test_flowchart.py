"""The UCR sex-trafficking flowchart: data, evaluator and the ``classify`` command.

The seven worked examples are those that follow the flowchart in the Wisconsin
DOJ 2020 six-month follow-up report (seed: wi-doj-2020-sex-trafficking-followup).
"""

from __future__ import annotations

import copy
import csv
import importlib.resources
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from wibrs_check.commands.classify import classify, classify_with_known
from wibrs_check.trafficking import (
    AnswerError,
    FlowchartError,
    Question,
    Verdict,
    evaluate,
    load_flowchart,
    parse_answer,
    parse_answers,
    parse_flowchart,
    validate_flowchart,
    walk,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_submissions" / "trafficking_cases.yaml"
FACTS = (
    "buyer_or_organizer",
    "provider_real_person",
    "buyer_believed_juvenile",
    "provider_over_17",
    "threatened",
    "coerced",
    "addicted_withheld",
)

# The seed's seven examples, answers written out (facts the walk never reaches
# are left out) with the state's verdict.
SEED_EXAMPLES = {
    # 24-year-old paid the agreed $300 by her boyfriend's friend.
    "example-1": (
        dict(buyer_or_organizer=True, provider_real_person=True, provider_over_17=True,
             threatened=False, coerced=False, addicted_withheld=False),
        "not_trafficking",
    ),
    # Dealer threatens to tell police where she is unless she pays her debt with sex.
    "example-2": (
        dict(buyer_or_organizer=True, provider_real_person=True, provider_over_17=True, threatened=True),
        "sex_trafficking",
    ),
    # Husband threatens to cut off money and housing unless sex continues.
    "example-3": (
        dict(buyer_or_organizer=True, provider_real_person=True, provider_over_17=True, threatened=True),
        "sex_trafficking",
    ),
    # 17-year-old, $300 of marijuana from an 18-year-old.
    "example-4": (
        dict(buyer_or_organizer=True, provider_real_person=True, provider_over_17=False),
        "sex_trafficking",
    ),
    # 28-year-old promised $200, paid $75, the rest tied to sex with another man.
    "example-5": (
        dict(buyer_or_organizer=True, provider_real_person=True, provider_over_17=True,
             threatened=False, coerced=True),
        "sex_trafficking",
    ),
    # 17-year-old offers sex to an undercover officer: no real buyer.
    "example-6": (dict(buyer_or_organizer=False), "not_reportable"),
    # Buyer expecting a 16-year-old meets undercover officers.
    "example-7": (
        dict(buyer_or_organizer=True, provider_real_person=False, buyer_believed_juvenile=True),
        "sex_trafficking_attempted",
    ),
}


@pytest.fixture(scope="module")
def chart():
    return load_flowchart()


@pytest.fixture(scope="module")
def raw_chart():
    resource = importlib.resources.files("wibrs_check") / "schemas" / "flowchart.yaml"
    return yaml.safe_load(resource.read_text(encoding="utf-8"))


def run(args, input=None):
    return CliRunner().invoke(classify, args, input=input)


def replies_for(raw_chart, answers):
    """The y/n lines a person would type, found by following the raw YAML."""
    nodes = {n["id"]: n for n in raw_chart["nodes"]}
    current, lines = raw_chart["start"], []
    while current in nodes:
        answer = answers[nodes[current]["fact"]]
        lines.append("y" if answer else "n")
        current = nodes[current]["yes" if answer else "no"]
    return "\n".join(lines) + "\n"


def interactive_verdict(output):
    match = re.search(r"^Verdict: .* \[(\w+)\]$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


# --------------------------------------------------------------------------- seed examples


@pytest.mark.parametrize("name", SEED_EXAMPLES)
def test_seed_example_gives_state_verdict(name, chart):
    answers, expected = SEED_EXAMPLES[name]
    result = evaluate(answers, chart)
    assert isinstance(result, Verdict)
    assert result.id == expected
    assert [step.fact for step in result.path] == list(answers)  # every answer used, in order


def test_sample_file_restates_the_seed_examples():
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    restated = {c["case"]: (c["answers"], c["expected"]) for c in data["cases"]}
    assert restated == SEED_EXAMPLES
    assert all(c["description"].strip() for c in data["cases"])


@pytest.mark.parametrize("name", SEED_EXAMPLES)
def test_seed_example_interactive(name, raw_chart):
    answers, expected = SEED_EXAMPLES[name]
    result = run([], input=replies_for(raw_chart, answers))
    assert result.exit_code == 0, result.output
    assert interactive_verdict(result.output) == expected
    for fact in answers:
        assert f"({fact})" in result.output  # the path names every answered fact


def test_sample_file_through_the_command():
    result = run(["--answers", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert {r["case"]: r["verdict"] for r in records} == {k: v[1] for k, v in SEED_EXAMPLES.items()}
    assert all(r["matches"] for r in records)


# --------------------------------------------------------------------------- the data


def test_packaged_flowchart_is_valid(raw_chart, chart):
    assert validate_flowchart(raw_chart) == []
    assert set(chart.facts) == set(FACTS)
    assert {v.id: v.label for v in chart.verdicts.values()} == {
        "sex_trafficking": "Sex trafficking (64A)",
        "sex_trafficking_attempted": "Sex trafficking, attempted (64A, attempted)",
        "not_trafficking": "Not a sex-trafficking offense",
        "not_reportable": "Not reportable as trafficking: no real buyer or organizer / nothing of value",
    }
    for node in chart.nodes.values():
        assert node.question and node.help


def test_every_node_and_verdict_is_reached_by_some_answers(chart):
    """Enumerate all 2^7 answer sets: each node is asked and each verdict given."""
    asked, given = set(), set()
    for bits in range(2 ** len(FACTS)):
        answers = {f: bool(bits >> i & 1) for i, f in enumerate(FACTS)}
        verdict = evaluate(answers, chart)
        given.add(verdict.id)
        asked.update(step.fact for step in verdict.path)
    assert asked == set(FACTS)
    assert given == set(chart.verdicts)


def test_help_explains_the_key_terms(chart):
    text = " ".join(n.help for n in chart.nodes.values()).lower()
    for term in ("something of value", "commercial sex act", "coercion", "juvenile", "reputational"):
        assert term in text


def _node(data, node_id):
    return next(n for n in data["nodes"] if n["id"] == node_id)


def test_validation_finds_a_cycle(raw_chart):
    data = copy.deepcopy(raw_chart)
    _node(data, "addiction")["no"] = "threat"
    problems = validate_flowchart(data)
    assert any(p.startswith("cycle:") and "threat" in p for p in problems), problems
    with pytest.raises(FlowchartError):
        parse_flowchart(data)


def test_validation_finds_an_unreachable_node_and_verdict(raw_chart):
    data = copy.deepcopy(raw_chart)
    _node(data, "provider_real")["no"] = "not_trafficking"  # cuts off believed_juvenile
    problems = validate_flowchart(data)
    assert "node believed_juvenile cannot be reached from the start" in problems
    assert "verdict sex_trafficking_attempted cannot be reached from the start" in problems


def test_validation_finds_missing_target_duplicate_fact_and_empty_field(raw_chart):
    data = copy.deepcopy(raw_chart)
    _node(data, "threat")["yes"] = "nowhere"
    _node(data, "coercion")["fact"] = "threatened"
    _node(data, "addiction")["help"] = ""
    data["start"] = "missing"
    problems = validate_flowchart(data)
    assert "node threat: next id 'nowhere' is neither a node nor a verdict" in problems
    assert any("fact 'threatened' is asked by more than one node" in p for p in problems)
    assert "node addiction: 'help' is missing or empty" in problems
    assert "start 'missing' is not a node id" in problems


def test_unquoted_yes_no_keys_are_read(raw_chart):
    text = yaml.safe_dump(raw_chart).replace("'yes':", "yes:").replace("'no':", "no:")
    data = yaml.safe_load(text)
    assert True in data["nodes"][0]  # YAML 1.1 turned the key into a boolean
    assert evaluate({"buyer_or_organizer": False}, parse_flowchart(data)).id == "not_reportable"


# --------------------------------------------------------------------------- the evaluator


def test_evaluate_returns_next_question_when_facts_run_out(chart):
    result = evaluate({"buyer_or_organizer": True, "provider_real_person": True}, chart)
    assert isinstance(result, Question)
    assert result.fact == "provider_over_17"
    steps, stop = walk({"buyer_or_organizer": True, "provider_real_person": True, "provider_over_17": None}, chart)
    assert [s.fact for s in steps] == ["buyer_or_organizer", "provider_real_person"]
    assert stop.fact == "provider_over_17"


def test_facts_off_the_path_are_ignored(chart):
    answers = dict(SEED_EXAMPLES["example-4"][0], buyer_believed_juvenile=False, coerced=True)
    verdict = evaluate(answers, chart)
    assert verdict.id == "sex_trafficking"
    assert [s.fact for s in verdict.path] == ["buyer_or_organizer", "provider_real_person", "provider_over_17"]


def test_path_is_question_fact_answer_triples(chart):
    verdict = evaluate(SEED_EXAMPLES["example-6"][0], chart)
    (question, fact, answer), = verdict.path
    assert (fact, answer) == ("buyer_or_organizer", False)
    assert question == chart.nodes["buyer"].question


@pytest.mark.parametrize("text", ["y", "Yes", " TRUE ", "1", True, 1])
def test_parse_answer_yes(text):
    assert parse_answer(text, "coerced") is True


@pytest.mark.parametrize("text", ["n", "NO", "false", "0", False, 0])
def test_parse_answer_no(text):
    assert parse_answer(text, "coerced") is False


@pytest.mark.parametrize("text", ["", "  ", None])
def test_parse_answer_blank_is_unknown(text):
    assert parse_answer(text, "coerced") is None


@pytest.mark.parametrize("text", ["maybe", "2", 2, "yess", 1.5])
def test_parse_answer_rejects_anything_else_naming_case_and_fact(text):
    with pytest.raises(AnswerError) as info:
        parse_answers({"coerced": text}, case="K-7")
    assert "'K-7'" in str(info.value) and "'coerced'" in str(info.value)
    assert info.value.case == "K-7" and info.value.fact == "coerced"


def test_classify_with_known_asks_only_for_unknown_facts(chart):
    asked = []

    def ask(question):
        asked.append(question.fact)
        return {"threatened": False, "coerced": False, "addicted_withheld": True}[question.fact]

    known = {"buyer_or_organizer": True, "provider_real_person": True, "provider_over_17": True, "threatened": None}
    verdict = classify_with_known(known, ask, chart)
    assert asked == ["threatened", "coerced", "addicted_withheld"]
    assert verdict.id == "sex_trafficking"
    assert [s.fact for s in verdict.path][:3] == ["buyer_or_organizer", "provider_real_person", "provider_over_17"]


# --------------------------------------------------------------------------- answers files


def _flat_cases():
    return [{"case": name, **answers} for name, (answers, _) in SEED_EXAMPLES.items()]


def _write_csv(path):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["case", *FACTS])
        writer.writeheader()
        for item in _flat_cases():
            writer.writerow({k: ("" if v is None else ("yes" if v is True else "no" if v is False else v))
                             for k, v in item.items()})
    return path


def _write_json(path):
    path.write_text(json.dumps(_flat_cases()), encoding="utf-8")
    return path


def _write_yaml(path):
    path.write_text(yaml.safe_dump({"cases": _flat_cases()}, sort_keys=False), encoding="utf-8")
    return path


WRITERS = {"csv": _write_csv, "json": _write_json, "yaml": _write_yaml}


@pytest.mark.parametrize("kind,suffix", [
    ("csv", ".csv"), ("json", ".json"), ("yaml", ".yaml"),
    ("csv", ".txt"), ("json", ".dat"), ("yaml", ""),  # format found from the content
])
def test_answers_file_matches_interactive_runs(kind, suffix, tmp_path, raw_chart):
    path = WRITERS[kind](tmp_path / f"cases{suffix}")
    result = run(["--answers", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    from_file = {r["case"]: r["verdict"] for r in records}
    file_paths = {r["case"]: [(s["fact"], s["answer"]) for s in r["path"]] for r in records}

    from_prompts, prompt_paths = {}, {}
    for name, (answers, _) in SEED_EXAMPLES.items():
        interactive = run([], input=replies_for(raw_chart, answers))
        assert interactive.exit_code == 0, interactive.output
        from_prompts[name] = interactive_verdict(interactive.output)
        prompt_paths[name] = [(fact, answer == "yes") for answer, fact in
                              re.findall(r"-> (yes|no)  \((\w+)\)", interactive.output)]

    assert from_file == from_prompts == {k: v[1] for k, v in SEED_EXAMPLES.items()}
    assert file_paths == prompt_paths == {k: list(v[0].items()) for k, v in SEED_EXAMPLES.items()}


def test_json_output_fields(tmp_path):
    result = run(["--answers", str(_write_json(tmp_path / "c.json")), "--format", "json"])
    record = json.loads(result.output)[4]
    assert record["case"] == "example-5"
    assert record["label"] == "Sex trafficking (64A)"
    assert record["missing"] is None
    assert [(s["fact"], s["answer"]) for s in record["path"]][-2:] == [("threatened", False), ("coerced", True)]
    assert all(s["question"] for s in record["path"])


def test_table_output_lists_every_case(tmp_path):
    result = run(["--answers", str(_write_csv(tmp_path / "c.csv"))])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:2] == ["CASE", "VERDICT"]
    for name, (_, verdict) in SEED_EXAMPLES.items():
        assert any(line.split()[:2] == [name, verdict] for line in lines), result.output
    assert "7 case(s)" in result.output


def test_incomplete_case_reports_the_missing_fact(tmp_path):
    path = tmp_path / "partial.csv"
    path.write_text(
        "case,buyer_or_organizer,provider_real_person,provider_over_17,threatened\n"
        "P-1,y,y,,\n"
        "P-2,y,y,y,\n",
        encoding="utf-8",
    )
    result = run(["--answers", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.output)
    assert (first["verdict"], first["missing"]) == ("incomplete", "provider_over_17")
    assert [s["fact"] for s in first["path"]] == ["buyer_or_organizer", "provider_real_person"]
    assert (second["verdict"], second["missing"]) == ("incomplete", "threatened")

    table = run(["--answers", str(path)])
    assert table.exit_code == 0
    assert "missing: provider_over_17" in table.output


def test_bad_answer_value_exits_2_naming_file_case_and_fact(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("case,buyer_or_organizer,provider_real_person\nok-1,yes,yes\nB-9,yes,perhaps\n", encoding="utf-8")
    result = run(["--answers", str(path)])
    assert result.exit_code == 2
    assert "bad.csv" in result.output
    assert "'B-9'" in result.output and "'provider_real_person'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("content,message", [
    ("{not json", "not valid JSON"),
    ('{"rows": []}', "expected a list of cases"),
    ("[1, 2]", "case #1 is not a mapping"),
])
def test_unreadable_json_exits_2(tmp_path, content, message):
    path = tmp_path / "cases.json"
    path.write_text(content, encoding="utf-8")
    result = run(["--answers", str(path)])
    assert result.exit_code == 2
    assert message in result.output


def test_csv_without_case_column_exits_2(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("id,buyer_or_organizer\n1,y\n", encoding="utf-8")
    result = run(["--answers", str(path)])
    assert result.exit_code == 2
    assert "'case' column" in result.output


def test_unknown_columns_are_warned_about_and_ignored(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("case,buyer_or_organizr,officer\nX,n,Smith\n", encoding="utf-8")
    result = run(["--answers", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert "buyer_or_organizr, officer" in result.output
    assert '"missing": "buyer_or_organizer"' in result.output


def test_expected_mismatch_exits_1(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text("- {case: M, buyer_or_organizer: no, expected: sex_trafficking}\n", encoding="utf-8")
    result = run(["--answers", str(path)])
    assert result.exit_code == 1
    assert "MISMATCH (sex_trafficking)" in result.output


def test_missing_answers_file_exits_2():
    assert run(["--answers", "no/such/file.csv"]).exit_code == 2


# --------------------------------------------------------------------------- interactive


def test_question_mark_and_h_print_the_help(chart):
    result = run([], input="?\nh\nn\n")
    assert result.exit_code == 0, result.output
    first_help_line = chart.nodes["buyer"].help.splitlines()[0]
    assert result.output.count(first_help_line) == 2
    assert interactive_verdict(result.output) == "not_reportable"


def test_other_replies_are_asked_again():
    result = run([], input="maybe\n\ny\nn\nn\n")
    assert result.exit_code == 0, result.output
    assert "Please answer y or n" in result.output
    assert interactive_verdict(result.output) == "not_trafficking"
    assert result.output.count("\n1. Was a real person") == 3  # asked three times


def test_interactive_says_how_to_answer_first():
    result = run([], input="n\n")
    assert result.output.index("? shows what") < result.output.index("1. Was a real person")


def test_interactive_prints_explanation_and_path(chart):
    result = run([], input="yes\nYES\nNo\n")
    verdict = chart.verdicts["sex_trafficking"]
    assert interactive_verdict(result.output) == "sex_trafficking"
    assert " ".join(verdict.explanation.split()[:8]) in " ".join(result.output.split())
    assert "-> no  (provider_over_17)" in result.output


def test_interactive_json_sends_questions_to_stderr():
    result = CliRunner().invoke(classify, ["--format", "json"], input="y\nn\ny\n")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["verdict"] == "sex_trafficking_attempted"
    assert "Was a real person" in result.stderr


def test_input_ending_early_aborts():
    result = run([], input="y\n")
    assert result.exit_code == 1
    assert "Verdict:" not in result.output

"""``wibrs-check classify FILE --incident N``: facts the record answers, questions for the rest."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from wibrs_check.commands.classify import classify
from wibrs_check.generator.records import format_record
from wibrs_check.testing import submission
from wibrs_check.trafficking import evaluate, load_flowchart
from wibrs_check.trafficking.record_facts import IncidentNotFound, fact_rules, facts_from_incident


def incident(number: str, *segments, ori: str = "WI0130100"):
    """Records of one incident: (level, values) with the header filled in."""
    head = {"incident": number, "ori": ori}
    out = [(1, {**head, "de3_date": "20260701", "de3_hour": "22", "de4": "N"})]
    out += [(level, {**head, **values}) for level, values in segments]
    return out


def off(code, **extra):
    values = {"de6": code, "de7": "C", "de8_1": "N", "de9": "14", "de8a_1": "88", **extra}
    if code in ("11D", "64A"):
        values.setdefault("de13_1", "40")
    return (2, values)


def society(*codes):
    return (4, {"de23": "001", **{f"de24_{k}": c for k, c in enumerate(codes, 1)}, "de25": "S"})


def person(code, age, seq="001"):
    return (4, {"de23": seq, "de24_1": code, "de25": "I", "de26": age, "de27": "F", "de28": "W", "de29": "N",
                "de30": "R", "de33_1": "N" if code in ("11D", "64A") else "", "de34_1": "01", "de35_1": "AQ"})


def offender(age, seq="01"):
    return (5, {"de36": seq, "de37": age, "de38": "F", "de39": "W", "de39a": "N"})


def arrestee(age, charge):
    return (6, {"de40": "01", "de41": "A1", "de42": "20260702", "de43": "T", "de44": "N", "de45": charge,
                "de46_1": "01", "de47": age, "de48": "F", "de49": "W", "de50": "N", "de51": "R",
                "de52": "H" if int(age[:2]) < 18 else ""})


CASES = {
    # 40C with a 16-year-old arrested for prostitution: everything is in the record.
    "26-000001": incident("26-000001", off("40C"), society("40C"), offender("40"), offender("16", "02"), arrestee("16", "40A")),
    # 40A, adult provider: the buyer is not known from the record.
    "26-000002": incident("26-000002", off("40A"), society("40A"), offender("18"), arrestee("18", "40A")),
    # 40C, juvenile buyer: only the buyer is known.
    "26-000003": incident("26-000003", off("40C"), society("40C"), offender("16"), arrestee("16", "40C")),
    # 64A with a victim aged 15-17.
    "26-000004": incident("26-000004", off("64A"), person("64A", "1517"), offender("30")),
    # 40A with an adult and a juvenile offender, the adult arrested: the juvenile decides.
    "26-000005": incident("26-000005", off("40A"), society("40A"), offender("30"), offender("17", "02"),
                          arrestee("30", "40A")),
    # 40A with an adult offender and one of unknown age: the age is asked.
    "26-000006": incident("26-000006", off("40A"), society("40A"), offender("30"), offender("00", "02")),
    # 40B with an adult victim of 11D: nothing about the provider.
    "26-000007": incident("26-000007", off("40B"), off("11D"), society("40B"), person("11D", "25", "002"), offender("30")),
    # 40A only, the 16-year-old offender arrested for buying (40C): the age says nothing of the provider.
    "26-000009": incident("26-000009", off("40A"), society("40A"), offender("16"), arrestee("16", "40C")),
    # 40C with the juvenile recorded as a person victim of the purchase (FBI error 465).
    "26-000008": incident("26-000008", off("40C"), society("40C"), person("40C", "15", "002"), offender("35")),
}


@pytest.fixture(scope="module")
def sub():
    return submission(*[r for records in CASES.values() for r in records])


@pytest.fixture(scope="module")
def flat_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("classify") / "WI0130100_2026-07.txt"
    path.write_text("\n".join(format_record(level, values) for records in CASES.values() for level, values in records) + "\n")
    return path


def known(sub, number):
    return facts_from_incident(sub, number).known


def test_fact_table_names_only_flowchart_facts():
    chart = load_flowchart()
    assert set(fact_rules()["fact"]) <= set(chart.facts)


def test_juvenile_arrested_for_40a_in_a_buyer_incident_answers_everything(sub):
    facts = facts_from_incident(sub, "26-000001")
    assert facts.known == {"buyer_or_organizer": True, "provider_real_person": True, "provider_over_17": False}
    by_fact = {f.fact: f for f in facts.filled}
    assert by_fact["buyer_or_organizer"].evidence == "offense 40C (record 2)"
    assert by_fact["provider_over_17"].evidence == "arrestee 01 age 16, arrested for 40A (record 6)"
    assert evaluate(facts.known).id == "sex_trafficking"


def test_adult_40a_provider_leaves_the_buyer_to_ask(sub):
    assert known(sub, "26-000002") == {"provider_real_person": True, "provider_over_17": True}
    assert evaluate(known(sub, "26-000002")).fact == "buyer_or_organizer"


def test_juvenile_buyer_gives_only_the_buyer(sub):
    assert known(sub, "26-000003") == {"buyer_or_organizer": True}


def test_64a_victim_age_range_under_18(sub):
    facts = facts_from_incident(sub, "26-000004")
    assert facts.known == {"buyer_or_organizer": True, "provider_real_person": True, "provider_over_17": False}
    assert "victim 001 age range 15-17, victim of 64A" in {f.fact: f for f in facts.filled}["provider_over_17"].evidence


def test_juvenile_evidence_wins_and_the_other_is_shown(sub):
    facts = facts_from_incident(sub, "26-000005")
    over = {f.fact: f for f in facts.filled}["provider_over_17"]
    assert over.answer is False
    assert over.evidence == "offender 02 age 17 (record 25)"  # incidents 1-4 hold records 1-20
    assert over.disagreeing == ("arrestee 01 age 30, arrested for 40A (record 26)",)


def test_an_offender_of_unknown_age_leaves_the_age_to_ask(sub):
    assert known(sub, "26-000006") == {"provider_real_person": True}


def test_adult_sex_offense_victim_says_nothing_of_the_provider(sub):
    assert known(sub, "26-000007") == {"buyer_or_organizer": True}


def test_juvenile_recorded_as_victim_of_the_purchase_answers_everything(sub):
    facts = facts_from_incident(sub, "26-000008")
    assert facts.known == {"buyer_or_organizer": True, "provider_real_person": True, "provider_over_17": False}
    assert {f.fact: f for f in facts.filled}["provider_over_17"].evidence.startswith("victim 002 age 15, victim of 40C")


def test_an_arrest_for_buying_keeps_the_offender_age_out(sub):
    assert known(sub, "26-000009") == {"provider_real_person": True}


def test_unknown_incident_raises(sub):
    with pytest.raises(IncidentNotFound, match="26-999999 is not in"):
        facts_from_incident(sub, "26-999999")


def test_same_number_for_two_agencies_needs_an_ori():
    two = submission(*incident("26-1", off("40A"), society("40A"), offender("16")),
                     *incident("26-1", off("40A"), society("40A"), offender("30"), ori="WI0400000"))
    with pytest.raises(IncidentNotFound, match="--ori"):
        facts_from_incident(two, "26-1")
    assert facts_from_incident(two, "26-1", ori="WI0400000").known["provider_over_17"] is True


# --------------------------------------------------------------------------------------- the command


def run(*args, input=None):
    return CliRunner().invoke(classify, list(args), input=input)


def test_command_fills_facts_and_gives_the_verdict_without_questions(flat_file):
    result = run(str(flat_file), "--incident", "26-000001")
    assert result.exit_code == 0, result.output
    assert "Filled in from the record:" in result.output
    assert "provider_over_17 = no" in result.output
    assert "from arrestee 01 age 16, arrested for 40A (record 6)" in result.output
    assert "[y/n" not in result.output  # nothing asked
    assert "Verdict: Sex trafficking (64A) [sex_trafficking]" in result.output
    assert "(provider_over_17, from the record)" in result.output


def test_command_asks_only_the_rest(flat_file):
    # 40A adult: asks the buyer question (yes), then threats, coercion, addiction (no).
    result = run(str(flat_file), "--incident", "26-000002", input="y\nn\nn\nn\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("[y/n") == 4
    assert "over the age of 17" not in result.output.split("How we got there:")[0]
    assert "[not_trafficking]" in result.output


def test_command_json_output(flat_file):
    result = CliRunner().invoke(classify, [str(flat_file), "--incident", "26-000003", "--format", "json"],
                                input="y\nn\n")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout[result.stdout.index("{"):])
    assert payload["verdict"] == "sex_trafficking"
    assert [f["fact"] for f in payload["filled"]] == ["buyer_or_organizer"]
    assert payload["filled"][0]["evidence"] == "offense 40C (record 13)"
    assert [s["fact"] for s in payload["path"]] == ["buyer_or_organizer", "provider_real_person", "provider_over_17"]


def test_command_reads_xml(flat_file, tmp_path):
    from wibrs_check.generator.xml_writer import write_xml

    from wibrs_check.readers.flatfile import read_flat

    xml = write_xml(read_flat(flat_file), tmp_path / "month.xml")
    result = run(str(xml), "--incident", "26-000004")
    assert result.exit_code == 0, result.output
    assert "provider_over_17 = no" in result.output
    assert "[sex_trafficking]" in result.output


def test_command_unknown_incident_exits_2(flat_file):
    result = run(str(flat_file), "--incident", "26-999999")
    assert result.exit_code == 2
    assert "incident 26-999999 is not in" in result.output
    assert "for example 26-000001" in result.output


@pytest.mark.parametrize("args", [["--incident", "26-000001"], ["FILE"], ["FILE", "--incident", "26-000001", "--answers", "FILE"],
                                  ["--ori", "WI0130100"]])
def test_command_rejects_incomplete_or_mixed_options(flat_file, args):
    args = [str(flat_file) if a == "FILE" else a for a in args]
    result = run(*args)
    assert result.exit_code == 2, result.output


def test_planted_cases_of_a_generated_month_ask_only_what_the_records_cannot_answer(tmp_path):
    """HT01 cases (40A, juvenile provider) leave only the buyer to ask; HT02 cases (40B/40C
    with a juvenile provider) answer everything; a juvenile buyer leaves the provider to ask."""
    from wibrs_check.generator.inject import build_month, write_month
    from wibrs_check.generator.inject_trafficking import plant_lookalikes

    month = build_month(seed=5, oris=("WI0130100",), incidents_per_agency=3, codes=("HT01", "HT02"))
    lookalikes = plant_lookalikes(month, seed=5)
    path = write_month(month, tmp_path)[0]
    planted = month.expected.drop_duplicates("incident")
    assert len(planted) == 5
    for case in planted.itertuples(index=False):
        replies = "y\n" if case.code == "HT01" else ""
        result = run(str(path), "--incident", case.incident, input=replies)
        assert result.exit_code == 0, result.output
        assert result.output.count("[y/n") == (1 if case.code == "HT01" else 0), result.output
        assert "provider_over_17 = no" in result.output
        assert "[sex_trafficking]" in result.output
    buyer = lookalikes.loc[lookalikes["name"] == "juvenile 40C buyer", "incident"].iloc[0]
    result = run(str(path), "--incident", buyer, input="y\nn\n")
    assert result.exit_code == 0, result.output
    assert "buyer_or_organizer = yes" in result.output
    assert result.output.count("[y/n") == 2  # real provider? over 17? - the buyer's age says nothing
    assert "[sex_trafficking]" in result.output


def _asked_numbers(output: str) -> dict[str, int]:
    """Question text (first line) -> the number it was asked under."""
    import re

    return {m.group(2): int(m.group(1)) for m in re.finditer(r"^(\d+)\. (.+)$", output, re.MULTILINE)}


def test_question_numbers_on_screen_are_the_steps_of_the_path(flat_file):
    """26-000002: the record answers steps 2 and 3, so the next question asked is step 4."""
    result = run(str(flat_file), "--incident", "26-000002", input="y\nn\nn\nn\n")
    assert result.exit_code == 0, result.output
    asked, path = result.output.split("How we got there:")
    on_screen = _asked_numbers(asked)
    in_path = _asked_numbers(path.replace("\n  ", "\n"))  # the path's steps, indented by two
    assert on_screen and sorted(on_screen.values()) == [1, 4, 5, 6]
    for question, number in on_screen.items():
        assert any(q.startswith(question[:40]) and n == number for q, n in in_path.items()), (question, number)


def test_incident_without_sex_trade_offense_says_so_first(tmp_path):
    path = tmp_path / "burglary.txt"
    records = incident("26-000009", (2, {"de6": "220", "de7": "C", "de8_1": "N", "de9": "20", "de8a_1": "88"}),
                       (4, {"de23": "001", "de24_1": "220", "de25": "I", "de26": "40", "de27": "M", "de28": "W",
                            "de29": "N", "de30": "R"}), offender("30"))
    path.write_text("\n".join(format_record(level, values) for level, values in records) + "\n")
    result = run(str(path), "--incident", "26-000009", input="n\n")
    assert result.exit_code == 0, result.output
    note = result.output.index("no prostitution (40A, 40B, 40C) or human trafficking")
    assert note < result.output.index("1. ") and "its offenses are 220" in result.output
    doc = json.loads(run(str(path), "--incident", "26-000009", "--format", "json", input="n\n").stdout)
    assert doc["offenses"] == ["220"] and doc["sex_trade_offense"] is False


def test_no_note_for_a_prostitution_incident(flat_file):
    result = run(str(flat_file), "--incident", "26-000002", input="y\nn\nn\nn\n")
    assert "no prostitution" not in result.output


def test_the_docs_example_is_what_the_docs_say(monkeypatch):
    """docs/trafficking-classifier.md runs the bundled sample; every line it shows is what
    the command prints (the '...' lines stand for what it leaves out)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    doc = (root / "docs" / "trafficking-classifier.md").read_text()
    block = doc[doc.index("$ wibrs-check classify WI0130100_2026-07.txt --incident"):]
    block = block[:block.index("```")]
    command, *shown = block.splitlines()
    args = command.split()[3:]  # after "$ wibrs-check classify"
    answers = [line.rsplit(":", 1)[1].strip() for line in shown if line.strip().startswith("[y/n")]
    monkeypatch.chdir(root / "sample_submissions" / "wibrs")
    result = run(*args, input="\n".join(answers + ["n"] * 6) + "\n")
    assert result.exit_code == 0, result.output
    printed = result.output.splitlines()
    for line in shown:
        if line.strip() in ("", "...") or line.strip().startswith("[y/n"):
            continue
        assert line in printed, line

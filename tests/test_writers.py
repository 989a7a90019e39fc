import json

import pandas as pd

from wibrs_check import engine, spec
from wibrs_check.context import Context
from wibrs_check.report import eds
from wibrs_check.runner import Options, build_report
from wibrs_check.report import machine, text
from wibrs_check.testing import submission

INC = {"incident": "26-000001"}


def _report(tmp_path, lines):
    path = tmp_path / "in.txt"
    path.write_text("\n".join(lines) + "\n")
    import datetime as dt
    return build_report([path], Context(today=dt.date(2026, 8, 1)), Options())


def test_eds_record_is_byte_exact():
    row = pd.Series({
        "sub_year": "2026", "sub_month": "07", "record": 12, "action": "I", "ori": "WI0130100",
        "incident": "26-000001", "level": "4", "offense_code": "", "person_seq": "001", "loss_type": "",
        "data_element": "34", "code": "459", "value": "01", "message": "Offender number entered for a property crime.",
    })
    line = eds.eds_lines(pd.DataFrame([row]))[0]
    expected = ("2026" "07" "0000012" "I" "WI0130100" "26-000001   " "4" "   " "001" " " "34 " "459" "01          "
                + "OFFENDER NUMBER ENTERED FOR A PROPERTY CRIME.".ljust(79) + "      ")
    assert line == expected and len(line) == 146


def test_eds_incident_level_error_has_record_zero_and_blank_level():
    row = pd.Series({
        "sub_year": "2026", "sub_month": "07", "record": pd.NA, "action": "I", "ori": "WI0130100",
        "incident": "26-000001", "level": "1", "offense_code": "", "person_seq": "", "loss_type": "",
        "data_element": "", "code": "075", "value": "5", "message": "x",
    })
    line = eds.eds_lines(pd.DataFrame([row]))[0]
    assert line[6:13] == "0000000" and line[35] == " " and line[46:49] == "075"


def test_eds_file_has_trailer_and_146_character_lines(tmp_path):
    report = _report(tmp_path, ["0088" "1I072026    WI013010026 000001   20260701 10X" + " " * 40])
    rendered = eds.render(report.findings, report.processed_on)
    lines = rendered.split("\r\n")[:-1]
    assert all(len(line) == 146 for line in lines)
    assert lines[-1][14:23] == "999999999" and "08/01/2026" in lines[-1]
    assert len(lines) == 1 + int(report.findings["code"].str.fullmatch(r"\d{3}").sum())


def test_warning_set_carries_full_code_in_message():
    row = pd.Series({
        "sub_year": "2026", "sub_month": "07", "record": 3, "action": "I", "ori": "WI0130100",
        "incident": "26-000001", "level": "2", "offense_code": "220", "person_seq": "", "loss_type": "",
        "data_element": "10", "code": "1201", "value": "99", "message": "Check premises entered",
    })
    line = eds.eds_lines(pd.DataFrame([row]), warning_set=True)[0]
    assert line[46:49] == "201" and line[61:].startswith("W1201 CHECK PREMISES")


def test_json_and_csv_have_documented_columns(tmp_path):
    report = _report(tmp_path, ["0088" "1I072026    WI013010026 000001   20260701 10X" + " " * 40])
    doc = json.loads(machine.render_json(report))
    assert doc["totals"]["records"] == 1 and doc["findings"]
    assert set(doc["findings"][0]) == set(doc["columns"])
    csv_text = machine.render_csv(report)
    assert csv_text.splitlines()[0].split(",")[:3] == ["file", "record", "line"]


def test_fix_column_is_added_at_the_end_of_csv_and_json(tmp_path):
    from wibrs_check.findings import COLUMN_DOCS, COLUMNS

    report = _report(tmp_path, ["0088" "1I072026    WI013010026 000001   20260701 10X" + " " * 40])
    header = machine.render_csv(report).splitlines()[0].split(",")
    assert header == list(COLUMNS) + ["fix"]  # the stable columns first, unchanged
    doc = json.loads(machine.render_json(report))
    assert list(doc["findings"][0]) == list(COLUMNS) + ["fix"] and "fix" in COLUMN_DOCS
    catalog = spec.edit_catalog()
    for row in doc["findings"]:
        assert row["fix"] == catalog.loc[row["code"], "description"]


def test_text_report_marks_the_field(tmp_path):
    report = _report(tmp_path, ["0088" "1I072026    WI013010026 000001   20260701 10X" + " " * 40])
    rendered = text.render(report)
    assert "By agency" in rendered and "What to do: " in rendered
    assert rendered.index("Findings") < rendered.index("By agency") < rendered.index("Not checked")
    marked = [line for line in rendered.splitlines() if line.strip().startswith("^")]
    assert marked, rendered


def _eds_row(**values) -> pd.Series:
    base = {"sub_year": "2016", "sub_month": "02", "record": 30, "action": "I", "ori": "MNBCA0000",
            "incident": "OCT09C85583", "level": "4", "offense_code": "", "person_seq": "", "loss_type": "",
            "data_element": "", "code": "459", "value": "", "message": "x"}
    return pd.Series({**base, **values})


def test_eds_writes_person_sequence_with_three_digits():
    line = eds.eds_lines(pd.DataFrame([_eds_row(level="6", person_seq="01", data_element="47", code="652")]))[0]
    assert line[39:42] == "001"


def test_eds_writes_data_element_as_two_digits_and_letter():
    rows = pd.DataFrame([_eds_row(data_element=d) for d in ("3", "2A", "25C", "34", "length")])
    assert [line[43:46] for line in eds.eds_lines(rows)] == ["03 ", "02A", "25C", "34 ", "   "]


def test_eds_writes_cross_segment_errors_against_the_incident():
    rows = pd.DataFrame([
        _eds_row(code="085", record=40, person_seq="001", data_element="34", value="01"),
        _eds_row(code="078", record=pd.NA, level="3", loss_type="7", data_element="14", value="290"),
        _eds_row(code="656", record=pd.NA, level="6", person_seq="02", data_element="40", value="02"),
        _eds_row(code="470", record=pd.NA, person_seq="001", data_element="35", value="VO"),
        _eds_row(code="075", record=pd.NA, level="1", value="5"),
    ])
    fields = [(line[6:13], line[35:43], line[43:46], line[49:61].rstrip()) for line in eds.eds_lines(rows)]
    assert fields == [("0000000", " " * 8, "34 ", ""), ("0000000", " " * 8, "14 ", "290"),
                      ("0000000", " " * 8, "L 6", ""), ("0000000", " " * 8, "34 ", "VO"),
                      ("0000000", " " * 8, "L 5", "")]


def test_eds_segment_length_edits_name_the_element_the_short_variant_lacks():
    line = eds.eds_lines(pd.DataFrame([_eds_row(code="178", level="1", data_element="length", value="0087")]))[0]
    assert line[43:46] == "02A" and line[49:61] == " " * 12


def test_eds_form_leaves_the_findings_alone():
    findings = pd.DataFrame([_eds_row(code="085", record=40, person_seq="001", data_element="34", value="01")])
    eds.eds_lines(findings)
    assert findings.loc[0, "record"] == 40 and findings.loc[0, "value"] == "01"


def test_summary_layout_names_the_2019_1_variant_not_a_generation():
    admin = {**INC, "de3_date": "20260701", "de3_hour": "10", "de4": "N"}
    short = submission((1, admin, 87))
    both = submission((1, admin, 87), (1, {**admin, "incident": "26-000002"}, 88))
    layouts = [engine.agency_summary(s, engine.run(s).findings)["layout"].iloc[0] for s in (short, both)]
    assert layouts == ["short", "extended/short"]

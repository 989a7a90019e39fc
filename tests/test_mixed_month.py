"""A state month mixes WIBRS flat files, NIBRS XML and SBR returns: one check call, one summary."""

import datetime as dt
import random

from wibrs_check.context import Context
from wibrs_check.generator import incidents as gen
from wibrs_check.generator import sbr as sbr_gen
from wibrs_check.generator.xml_writer import write_xml
from wibrs_check.runner import Options, build_report


def test_flat_xml_and_sbr_files_run_in_one_call(tmp_path):
    rng = random.Random(5)
    flat_agency = gen.agency_month(rng, "WI0130100", 2026, 7, 20)
    xml_agency = gen.agency_month(rng, "WI0400000", 2026, 7, 20)
    flat = tmp_path / "WI0130100.txt"
    flat.write_text("\n".join(gen.to_lines(flat_agency)) + "\n")
    xml = write_xml(xml_agency, tmp_path / "WI0400000.xml")
    sbr = tmp_path / "summary.csv"
    sbr.write_text(sbr_gen.clean_month().text())

    report = build_report([flat, xml, sbr], Context(today=dt.date(2026, 8, 15)), Options())

    assert [f["format"] for f in report.files] == ["flat", "xml", "sbr"]
    assert not report.fatal and not report.rule_failures
    assert all(f["records_read"] == f["records_placed"] + f["records_unplaced"] for f in report.files)
    summary = report.summary.set_index("ori")
    assert {"WI0130100", "WI0400000"} | set(sbr_gen.AGENCIES) == set(summary.index)
    assert summary.loc["WI0130100", "format"] == "flat" and summary.loc["WI0400000", "format"] == "xml"
    assert (summary.loc[list(sbr_gen.AGENCIES), "sbr_returns"] == 1).all()
    assert report.findings[report.findings["severity"] == "error"].empty

"""Findings for what the XML reader could not take over (our XML01-XML12 codes).

The XML reader never raises on bad input: it collects what it could not map in
``Submission.extra["reader_problems"]`` (``rid``, ``line``, ``code``, ``column``, ``value``,
``detail``). Each code registered here returns the problems of that code, so they become
findings like any other rule. Severity and title come from the catalog
(``schemas/own_codes_xml.csv``). Flat files never have reader problems of these codes.
"""

from __future__ import annotations

import pandas as pd

from .registry import rule

_DOCS = {
    "XML01": """The file is not well-formed XML.

    The reader stopped at the first syntax error (an unclosed tag, a stray '&' or '<', bytes
    that do not match the declared encoding). Reports that ended before the error were read
    and checked; nothing after it was. Fix the file at the line shown, or have your records
    system write the export again.
    """,
    "XML02": """The file uses the namespaces of another NIBRS IEPD version (such as 4.0 or 4.2).

    The FBI accepts only the NIBRS 2019.1 exchange, so the whole file would be refused.
    Read as 2019.1 it would give dozens of misleading errors, so wibrs-check reports the
    version once and checks nothing else in the file. Ask your vendor for the 2019.1 XML
    export (namespace http://fbi.gov/cjis/nibrs/2019).
    """,
    "XML03": """An element from a namespace outside the NIBRS 2019.1 exchange was ignored.

    Such elements are usually state extensions. They carry nothing the NIBRS record layout
    has a place for, so they were not checked. Make sure no data the FBI needs is held only
    in extension elements.
    """,
    "XML04": """An element has no place in the NIBRS record layout and was ignored.

    Its name is not one the 2019.1 exchange uses at that position (a misspelling, or an
    element put inside the wrong parent), so it could not be matched to a data element.
    Check the element's name and where it sits; the data it holds was not checked.
    """,
    "XML05": """The file does not match the NIBRS 2019.1 XML schema.

    Reported only when the check is run with the IEPD schema folder (--xsd-dir). The FBI
    validates every XML submission against this schema and rejects what fails. Correct the
    element or value the message names.
    """,
    "XML06": """The file carries a document type declaration (DOCTYPE) and was not read.

    NIBRS XML never uses one, and a DOCTYPE can make a parser read other files or use up
    all memory (XXE, "billion laughs"). wibrs-check refuses such files unread. Remove the
    DOCTYPE and any entity declarations from the export.
    """,
    "XML07": """A value does not fit the NIBRS field it belongs to.

    The value is longer than the field (for example an incident number over 12 characters)
    or is not written in the form the field needs (the report date as YYYY-MM). Only the
    part that fits was checked, so other findings on this field may be misleading. Shorten
    or correct the value.
    """,
    "XML08": """The report gives more values of a data element than a NIBRS segment holds.

    For example a fourth weapon code, an eleventh offense or relationship for one victim,
    a third armed-with code, or more than ten property descriptions with one type of loss.
    The extra values were not checked. Report only as many as the specification allows
    (use 77 = Other for property beyond the ninth description).
    """,
    "XML09": """A reference points at nothing in the report.

    An association or role (s:ref) names an id no element in the report has, or an
    arrestee is not tied to any arrest, so a link (victim to offense, victim to offender,
    location, officer, arrest) could not be made and the linked data was left blank.
    Correct the s:id / s:ref pair.
    """,
    "XML10": """The message states another IEPD version than 2019.1.

    cjis:MessageImplementationVersion says neither 2019 nor 2019.1 although the file uses
    the 2019.1 namespaces. The file was read as 2019.1. Write 2019.1 (or 2019) in that
    element.
    """,
    "XML11": """The XML declaration is not at the start of the file.

    The <?xml ...?> line must come first; here a comment or blank precedes it, which strict
    XML parsers (the FBI's among them) refuse outright. wibrs-check read the file as if the
    declaration came first. Move it to the very beginning of the file.
    """,
    "XML12": """A report could not be read as a NIBRS report.

    It has no ReportHeader, or its NIBRSReportCategoryCode is not GROUP A INCIDENT REPORT,
    GROUP B ARREST REPORT or ZERO REPORT, so nothing in it was checked. Correct the header.
    """,
}


def reader_problems(sub, code: str) -> pd.DataFrame | None:
    """The reader problems of ``code`` in the shape rules return (rid, column, value, detail)."""
    problems = sub.extra.get("reader_problems")
    if problems is None or not len(problems):
        return None
    hits = problems[problems["code"] == code]
    if not len(hits):
        return None
    line = hits["line"].astype("Int64").astype(str)
    where = ("line " + line + ": ").where(hits["line"].notna().to_numpy(), "")
    return pd.DataFrame({
        "rid": hits["rid"].to_numpy(),
        "column": hits["column"].to_numpy(),
        "value": hits["value"].to_numpy(),
        "detail": (where + hits["detail"]).to_numpy(),
    })


def _register(code: str) -> None:
    def check(sub, ctx):
        return reader_problems(sub, code)

    check.__name__ = f"xml_reader_{code.lower()}"
    check.__qualname__ = check.__name__
    check.__doc__ = _DOCS[code]
    rule(code)(check)


for _code in _DOCS:
    _register(_code)

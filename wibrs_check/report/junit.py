"""JUnit XML output, for GitLab merge-request test reports, Jenkins and any JUnit viewer.

The unit model: a submission is a set of units the FBI accepts or rejects as a whole, so
each unit is one test case.

* ``<testsuites>``: the whole run;
* one ``<testsuite>`` per input file (named by its path);
* one ``<testcase>`` per submission unit (Group A incident, Group B arrest, zero report,
  SBR return, or a record the reader could not place), named by ORI, kind and incident
  number, with ``classname`` the ORI and ``file``/``line`` where the unit starts. Findings
  about the whole file (no unit) go to one extra test case named ``(whole file)``;
* every **error** finding is a ``<failure>`` (``type`` = the code, ``message`` = the
  message with record, data element and value), so a unit with errors fails, exactly as
  the FBI would reject it; **warnings** and **flags** are lines of the case's
  ``<system-out>`` and do not fail it; a unit with no finding is a passing test case;
* a file that could not be read, and a rule that failed on a file, are ``<error>``
  elements (the check itself could not be done), each in a test case of its own.

Counts follow the JUnit convention: ``tests`` test cases, ``failures`` test cases with at
least one failure, ``errors`` test cases with an error, ``skipped`` 0. The number of
error, warning and flag findings is kept in each suite's ``<properties>``.

The unit list comes from :attr:`Report.units` (one row per unit of every file read, built by
:func:`wibrs_check.runner.build_report`); a report built without it falls back to the units
named in its findings, so clean units are then missing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from lxml import etree

from .. import spec
from . import Report
from .ci import Located, default_base, display_path, file_formats, located, unit_name, units_of

# Characters XML 1.0 cannot hold: shown as '?' like the reader shows bad bytes.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: object) -> str:
    return _NOT_XML.sub("?", "" if text is None else str(text))


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: object) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = _clean(text)
    return element


def _where(item: Located) -> str:
    row = item.row
    parts = [f"{item.path}:{item.line}" if item.line is not None else item.path]
    if row.get("record") is not None:
        parts.append(f"record {row['record']}")
    if row.get("level"):
        parts.append(f"level {row['level']}")
    if row.get("data_element"):
        parts.append(f"data element {row['data_element']}")
    if item.span is not None:
        parts.append(f"positions {item.span[0]}-{item.span[1]}")
    elif row.get("column"):
        parts.append(f"field {row['column']}")
    if row.get("value"):
        parts.append(f"value '{row['value']}'")
    return ", ".join(parts)


def _failure_text(item: Located) -> str:
    catalog = spec.edit_catalog()
    lines = [f"{item.code} {item.severity}: {item.row['message']}", _where(item)]
    if item.code in catalog.index:
        lines.append(f"How to fix: {catalog.loc[item.code, 'description']}")
    lines.append(f"(wibrs-check rules {item.code} prints the full documentation.)")
    return "\n".join(lines)


def _out_line(item: Located) -> str:
    line = f":{item.line}" if item.line is not None else ""
    return f"{item.severity.upper()} {item.code} {item.path}{line}: {item.text}"


def _case(suite: etree._Element, name: str, classname: str, path: str, line: object,
          items: list[Located]) -> tuple[bool, bool]:
    case = _sub(suite, "testcase", name=name, classname=classname, file=path,
                line=None if line is None else int(line))
    failed = False
    for item in items:
        if item.severity == "error":
            failed = True
            _sub(case, "failure", _failure_text(item), type=item.code, message=item.text)
    notes = [_out_line(item) for item in items if item.severity != "error"]
    if notes:
        _sub(case, "system-out", "\n".join(notes) + "\n")
    return failed, False


def _error_case(suite: etree._Element, name: str, classname: str, path: str, kind: str, message: str) -> tuple[bool, bool]:
    case = _sub(suite, "testcase", name=name, classname=classname, file=path)
    _sub(case, "error", message, type=kind, message=message)
    return False, True


def _count(element: etree._Element, outcomes: list[tuple[bool, bool]]) -> None:
    element.set("tests", str(len(outcomes)))
    element.set("failures", str(sum(1 for failed, _ in outcomes if failed)))
    element.set("errors", str(sum(1 for _, errored in outcomes if errored)))
    element.set("skipped", "0")


def build(report: Report, base: Path | None = None) -> etree._Element:
    """The ``<testsuites>`` element of ``report`` (see the module docstring)."""
    base = base or default_base()
    items = located(report, base)
    by_file: dict[str, dict[int | None, list[Located]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        unit = item.row.get("unit")
        by_file[str(item.row["file"])][None if unit is None else int(unit)].append(item)

    units = units_of(report)
    unit_rows = units.astype(object).where(units.notna(), None).to_dict(orient="records")
    units_by_file: dict[str, list[dict]] = defaultdict(list)
    for u in unit_rows:
        units_by_file[str(u["file"])].append(u)

    formats = file_formats(report)
    files = list(formats)
    files += [file for file in by_file if file not in formats]
    failures_by_file: dict[str, list[dict]] = defaultdict(list)
    for bad in report.rule_failures:
        failures_by_file[str(bad["path"])].append(bad)

    root = etree.Element("testsuites", name="wibrs-check")
    everything: list[tuple[bool, bool]] = []
    for file in files:
        path = display_path(file, base)
        suite = _sub(root, "testsuite", name=path)
        props = _sub(suite, "properties")
        by_unit = by_file.get(file, {})
        file_items = [i for group in by_unit.values() for i in group]
        counts = {s: sum(1 for i in file_items if i.severity == s) for s in ("error", "warning", "flag")}
        for name, value in (("format", formats.get(file, "")), ("units", len(units_by_file.get(file, []))),
                            ("error_findings", counts["error"]), ("warning_findings", counts["warning"]),
                            ("flag_findings", counts["flag"])):
            _sub(props, "property", name=name, value=value)
        outcomes: list[tuple[bool, bool]] = []
        if None in by_unit:
            outcomes.append(_case(suite, "(whole file)", "file", path, None, by_unit[None]))
        listed = set()
        for u in units_by_file.get(file, []):
            listed.add(int(u["unit"]))
            outcomes.append(_case(suite, unit_name(u), u.get("ori") or "file", path, u.get("line"), by_unit.get(int(u["unit"]), [])))
        for key, group in by_unit.items():  # units the unit list does not name (defensive)
            if key is not None and key not in listed:
                row = group[0].row
                u = {"kind": "A", "ori": row.get("ori"), "incident": row.get("incident"), "action": row.get("action")}
                outcomes.append(_case(suite, unit_name(u), row.get("ori") or "file", path, group[0].line, group))
        for bad in failures_by_file.get(file, []):
            outcomes.append(_error_case(suite, f"rule {bad['code']}", "rule", path, "rule-failure",
                                        f"rule {bad['code']} failed, so it was not checked: {bad['message']}"))
        _count(suite, outcomes)
        everything += outcomes
    for bad in report.fatal:
        path = display_path(str(bad["path"]), base)
        suite = _sub(root, "testsuite", name=path)
        outcome = _error_case(suite, "(whole file)", "file", path, "unreadable", f"file could not be read: {bad['message']}")
        _count(suite, [outcome])
        everything.append(outcome)
    _count(root, everything)
    return root


def render(report: Report) -> str:
    root = build(report)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8").decode("utf-8")

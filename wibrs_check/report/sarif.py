"""SARIF 2.1.0 output, for GitHub code scanning and every other SARIF viewer.

One run of the tool ``wibrs-check``. ``tool.driver.rules`` holds one entry per code that
appears in the findings, with the catalog title as short description and the rule's clerk
documentation (:meth:`Rule.documentation`) as full description and help. Each finding is
one result: its file and physical line, the columns of the field in error (fixed-width
files only), the ORI and incident as logical location, and a partial fingerprint that
stays the same when records are added before it (see :func:`ci.fingerprint`).

Files that could not be read and rules that failed are tool execution notifications of the
run's invocation, which is then marked unsuccessful (exit code 2).

Nothing here needs the network: no ``informationUri`` or ``helpUri`` is written.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from .. import __version__, spec
from ..rules.registry import all_rules
from . import Report
from .ci import SARIF_LEVEL, Located, default_base, display_path, fingerprint, located

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "wibrsFinding/v1"


def _uri(path: str) -> tuple[str, bool]:
    """A URI reference for ``path`` and whether it is relative to %SRCROOT%."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri(), False
    return quote(p.as_posix(), safe="/-._~"), True


def _directory_uri(directory: Path) -> str:
    uri = directory.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _artifact_location(path: str, index: int | None = None) -> dict:
    uri, relative = _uri(path)
    out: dict = {"uri": uri}
    if relative:
        out["uriBaseId"] = SRCROOT
    if index is not None:
        out["index"] = index
    return out


def _markdown(code: str, catalog_row, documentation: str) -> str:
    element = catalog_row["data_element"] or "(varies)"
    level = catalog_row["level"] or "-"
    lines = [
        f"**{code}** ({catalog_row['severity']}): {catalog_row['title']}",
        "",
        f"Segment level {level}, data element {element}.",
        "",
        documentation,
    ]
    description = catalog_row["description"]
    if description and description not in documentation:
        lines += ["", f"How to fix: {description}"]
    lines += ["", f"`wibrs-check rules {code}` prints this documentation."]
    return "\n".join(lines)


def rule_descriptor(code: str) -> dict:
    """The reportingDescriptor of ``code``: catalog title, clerk documentation, level."""
    catalog = spec.edit_catalog()
    registered = all_rules().get(code)
    if code in catalog.index:
        row = catalog.loc[code]
        title = row["title"]
        severity = row["severity"]
        documentation = registered.documentation() if registered is not None and registered.checks else row["description"]
        element = registered.element if registered is not None and registered.checks else row["data_element"]
        markdown = _markdown(code, row, documentation)
        level = row["level"]
    else:  # a code the catalog does not know (should not happen: a test keeps them in step)
        title = documentation = markdown = f"wibrs-check code {code}"
        severity, element, level = "error", "", ""
    return {
        "id": code,
        "name": f"WIBRS{code}",
        "shortDescription": {"text": title},
        "fullDescription": {"text": documentation},
        "help": {"text": documentation, "markdown": markdown},
        "defaultConfiguration": {"level": SARIF_LEVEL.get(severity, "error")},
        "properties": {
            "severity": severity,
            "level": level or "",
            "data_element": element or "",
            "tags": ["wibrs", "nibrs", severity],
        },
    }


def _result(item: Located, rule_index: int, artifact_index: int, fp: str, occurrence: int) -> dict:
    row = item.row
    location: dict = {"physicalLocation": {"artifactLocation": _artifact_location(item.path, artifact_index)}}
    if item.line is not None:
        region: dict = {"startLine": item.line}
        if item.span is not None:
            # SARIF columns are 1-based and endColumn is the column after the last character.
            region["startColumn"] = item.span[0]
            region["endColumn"] = item.span[1] + 1
        location["physicalLocation"]["region"] = region
    ori, incident = row.get("ori") or "", (row.get("incident") or "").strip()
    if ori or incident:
        location["logicalLocations"] = [{
            "name": incident or ori,
            "fullyQualifiedName": f"{ori}/{incident}" if incident else ori,
            "kind": "object",
        }]
    result = {
        "ruleId": item.code,
        "ruleIndex": rule_index,
        "level": SARIF_LEVEL.get(item.severity, "error"),
        "message": {"text": item.text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fp if occurrence == 0 else f"{fp}:{occurrence}"},
        "properties": {
            name: row[name]
            for name in ("severity", "record", "ori", "incident", "level", "data_element", "column", "value",
                         "offense_code", "person_seq", "loss_type")
            if row.get(name) not in (None, "")
        },
    }
    return result


def _notifications(report: Report, base: Path | None) -> list[dict]:
    out = []
    for bad in report.fatal:
        out.append({
            "level": "error",
            "message": {"text": f"file could not be read: {bad['message']}"},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact_location(display_path(bad["path"], base))}}],
        })
    for bad in report.rule_failures:
        out.append({
            "level": "error",
            "message": {"text": f"rule {bad['code']} failed, so it was not checked: {bad['message']} (please report this)"},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact_location(display_path(bad["path"], base))}}],
            "associatedRule": {"id": bad["code"]},
        })
    return out


def build(report: Report, base: Path | None = None) -> dict:
    """The SARIF log of ``report`` as a dict (see the module docstring)."""
    base = base or default_base()
    items = located(report, base)
    codes = sorted({item.code for item in items})
    rule_index = {code: i for i, code in enumerate(codes)}
    artifacts: list[str] = []
    for f in report.files:
        path = display_path(str(f["path"]), base)
        if path not in artifacts:
            artifacts.append(path)
    for item in items:
        if item.path not in artifacts:
            artifacts.append(item.path)
    artifact_index = {path: i for i, path in enumerate(artifacts)}
    seen: Counter[str] = Counter()
    results = []
    for item in items:
        fp = fingerprint(item)
        results.append(_result(item, rule_index[item.code], artifact_index[item.path], fp, seen[fp]))
        seen[fp] += 1
    invocation = {
        "executionSuccessful": not (report.fatal or report.rule_failures),
        "toolExecutionNotifications": _notifications(report, base),
    }
    if report.not_checked:
        invocation["toolConfigurationNotifications"] = [
            {"level": "note", "message": {"text": f"{code} not checked: needs {need}"}}
            for code, need in sorted(report.not_checked.items())
        ]
    run = {
        "tool": {
            "driver": {
                "name": "wibrs-check",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [rule_descriptor(code) for code in codes],
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(base)}},
        "artifacts": [{"location": _artifact_location(path)} for path in artifacts],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(report: Report) -> str:
    return json.dumps(build(report), indent=2, ensure_ascii=False) + "\n"

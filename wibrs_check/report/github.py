"""GitHub Actions workflow commands: one annotation per finding.

    ::error file=WI0130100_2026-07.txt,line=170,col=38,endColumn=45,title=WIBRS 105::A date ... (record 170, DE 3, value '20260231')

Errors are ``::error``, warnings ``::warning`` and flags ``::notice``. File paths are relative
to ``$GITHUB_WORKSPACE`` (else the working directory) when the file lies below it, as
GitHub needs them to place the annotation on the file. ``col`` and ``endColumn`` are the
first and last position of the field in error on a fixed-width record (both inclusive);
they are left out for XML and SBR files and for findings about a whole incident or file.

Escaping follows the Actions toolkit: in the message ``%``, CR and LF become ``%25``,
``%0D`` and ``%0A``; in property values ``:`` and ``,`` also become ``%3A`` and ``%2C``.
"""

from __future__ import annotations

from pathlib import Path

from . import Report
from .ci import GITHUB_COMMAND, Located, default_base, display_path, located


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    """``::name key=value,...::message`` with every part escaped; properties that are None are left out."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation(item: Located) -> str:
    span = item.span if item.line is not None else None
    return command(
        GITHUB_COMMAND.get(item.severity, "error"),
        item.text,
        file=item.path,
        line=item.line,
        col=span[0] if span else None,
        endColumn=span[1] if span else None,
        title=f"WIBRS {item.code}",
    )


def render(report: Report, base: Path | None = None) -> str:
    base = base or default_base()
    lines = [annotation(item) for item in located(report, base)]
    for bad in report.fatal:
        lines.append(command("error", f"file could not be read: {bad['message']}",
                             file=display_path(str(bad["path"]), base), title="wibrs-check: unreadable file"))
    for bad in report.rule_failures:
        lines.append(command("error", f"rule {bad['code']} failed, so it was not checked: {bad['message']} (please report this)",
                             file=display_path(str(bad["path"]), base), title=f"wibrs-check: rule {bad['code']} failed"))
    return "".join(line + "\n" for line in lines)

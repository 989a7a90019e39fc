"""Tell a submission's format from its content, and read any file with the right reader.

The decision looks only at the first non-blank bytes, never at the file name:

* ``<`` (after an optional byte-order mark and blanks): NIBRS XML;
* a fixed-width record: positions 1-4 digits (the segment length) and position 5 a segment
  level 0-7: the NIBRS flat file;
* a CSV header line naming an ``ori`` column and a ``form`` or ``line`` column: a summary
  (SBR) return;
* anything else: ``unknown``. :func:`read_any` reads unknown content with the flat-file
  reader, which is built to take any bytes and explain, record by record, what it could not
  place (and reports an empty file as such).
"""

from __future__ import annotations

import csv
import importlib
from pathlib import Path

from ..model import Submission
from .flatfile import UnreadableInput, read_flat
from .xml import read_xml

FORMATS = ("flat", "xml", "sbr", "unknown")
_SNIFF_BYTES = 64 * 1024
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


class UnsupportedFormat(UnreadableInput):
    """The file's format is recognised, but this installation has no reader for it."""


def _sniff_text(head: bytes) -> str:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head[len(bom):].decode(encoding, errors="replace")
    return head.decode("latin-1")


def detect_format_bytes(head: bytes) -> str:
    """``flat``, ``xml``, ``sbr`` or ``unknown`` for the first bytes of a file."""
    text = _sniff_text(head)
    stripped = text.lstrip(" \t\r\n\f\v\x00")
    if not stripped:
        return "unknown"
    if stripped.startswith("<"):
        return "xml"
    first = stripped.splitlines()[0] if stripped else ""
    if len(first) >= 5 and first[:4].isdigit() and first[4] in "01234567":
        return "flat"
    try:
        header = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return "unknown"
    names = {h.strip().strip('"').lower() for h in header}
    if "ori" in names and ({"form", "line"} & names):
        return "sbr"
    return "unknown"


def detect_format(path: str | Path) -> str:
    """The format of the file at ``path`` by its content; ``unknown`` when it cannot be read."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except (OSError, ValueError):
        return "unknown"
    return detect_format_bytes(head)


def read_any(path: str | Path) -> Submission:
    """Read ``path`` with the reader its content calls for.

    Raises :class:`UnreadableInput` when the file cannot be opened, and
    :class:`UnsupportedFormat` for a summary (SBR) file when no SBR reader is installed.
    """
    kind = detect_format(path)
    if kind == "xml":
        return read_xml(path)
    if kind == "sbr":
        try:
            module = importlib.import_module(f"{__package__}.sbr")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.sbr":
                raise
            module = None
        read_sbr = getattr(module, "read_sbr", None)
        if read_sbr is None:
            raise UnsupportedFormat(
                f"{path}: looks like a summary (SBR) return, but this installation has no SBR reader"
            )
        return read_sbr(path)
    return read_flat(path)

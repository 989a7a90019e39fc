"""Tell a submission's format from its content, and read any file with the right reader.

The decision looks only at the first non-blank bytes, never at the file name:

* ``<`` (after an optional byte-order mark and blanks): NIBRS XML;
* a fixed-width record: positions 1-4 digits (the segment length) and position 5 a segment
  level 0-7: the NIBRS flat file;
* a CSV header line naming an ``ori`` column and a ``form`` or ``line`` column: a summary
  (SBR) return;
* 146-character records that begin with 13 digits (year, month, record number), or the
  trailer of ORI 999999999: an FBI Error Data Set, the FBI's reply to a submission (``eds``).
  It is recognised so that it is refused with a clear message instead of being read as a
  flat file whose every record is in error (a flat record has its action letter at
  position 6, where an EDS record has a digit of the month);
* XML whose message is the FBI NIBRS web service's reply (an element such as
  ``SubmitNibrsNIEMDocumentResponse``) rather than a ``nibrs:Submission``: ``response``,
  refused like the EDS: it is the FBI's answer, not a submission;
* anything else: ``unknown``. :func:`read_any` reads unknown content with the flat-file
  reader, which is built to take any bytes and explain, record by record, what it could not
  place (and reports an empty file as such).
"""

from __future__ import annotations

import csv
import importlib
import re
from pathlib import Path

from ..model import Submission
from ..spec import EDS_RECORD_LENGTH, EDS_TRAILER_ORI
from .flatfile import UnreadableInput, read_flat
from .xml import read_xml

FORMATS = ("flat", "xml", "sbr", "eds", "response", "unknown")
_SNIFF_BYTES = 64 * 1024
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


class UnsupportedFormat(UnreadableInput):
    """The file's format is recognised, but this installation has no reader for it."""


def _sniff_text(head: bytes) -> str:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head[len(bom):].decode(encoding, errors="replace")
    return head.decode("latin-1")


_EDS_RECORD = re.compile(r"\d{13}[A-Z ]")
_EDS_TRAILER = re.compile(r"^ {14}" + EDS_TRAILER_ORI, re.MULTILINE)


def _is_error_data_set(text: str) -> bool:
    lines = [line.rstrip("\r") for line in text.split("\n")[:-1] if line.strip()][:20]  # complete lines only
    if _EDS_TRAILER.search(text):
        return True
    return bool(lines) and all(len(line) == EDS_RECORD_LENGTH and _EDS_RECORD.match(line) for line in lines)


# The FBI NIBRS web service answers a submission with a SOAP/XML message whose body is a
# Submit...Response element (SubmitNibrsNIEMDocumentResponse); a submission never holds one.
_SERVICE_RESPONSE = re.compile(r"<(?:[\w.-]+:)?Submit\w*Response\b")


def _is_service_response(text: str) -> bool:
    return bool(_SERVICE_RESPONSE.search(text))


def detect_format_bytes(head: bytes) -> str:
    """``flat``, ``xml``, ``sbr``, ``eds``, ``response`` or ``unknown`` for the first bytes of a file."""
    text = _sniff_text(head)
    stripped = text.lstrip(" \t\r\n\f\v\x00")
    if not stripped:
        return "unknown"
    if stripped.startswith("<"):
        return "response" if _is_service_response(stripped) else "xml"
    if _is_error_data_set(text):
        return "eds"
    first = stripped.splitlines()[0]
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
    if kind == "eds":
        raise UnreadableInput(
            f"{path}: this is an FBI Error Data Set (the FBI's list of errors in a submission), "
            "not a submission; check the file that was sent to the FBI"
        )
    if kind == "response":
        raise UnreadableInput(
            f"{path}: this is a reply of the FBI NIBRS web service (its answer to a submission), "
            "not a submission; check the XML file that was sent to the FBI"
        )
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

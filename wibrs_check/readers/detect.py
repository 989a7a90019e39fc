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
* a zip (``zip``): :func:`read_any` refuses it; the runner opens it with
  :mod:`wibrs_check.readers.archive` and checks each member;
* anything else: ``unknown``. :func:`not_a_submission` then says what the content looks
  like when it is plainly something else (a PDF, a Word document, UTF-16 text, free text,
  binary data): such a file is refused with "not a submission: looks like ..." and never
  read as records. Unknown content that may be damaged records (an empty file, lines that
  start with a four-digit segment length) goes to the flat-file reader, which is built to
  take any bytes and explain, record by record, what it could not place.

Only regular files are opened: a FIFO, a device or a socket would block or never end, so
:func:`special_file` names it and :func:`read_any` refuses it before opening.
"""

from __future__ import annotations

import csv
import importlib
import os
import re
import stat
from pathlib import Path

from ..model import Submission
from ..spec import EDS_RECORD_LENGTH, EDS_TRAILER_ORI
from .archive import is_zip
from .flatfile import UnreadableInput, read_flat, utf16_encoding
from .xml import read_xml

FORMATS = ("flat", "xml", "sbr", "eds", "response", "zip", "unknown")
_SNIFF_BYTES = 64 * 1024
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


class UnsupportedFormat(UnreadableInput):
    """The file's format is recognised, but this installation has no reader for it."""


class NotASubmission(UnreadableInput):
    """The content is plainly not a submission (a PDF, a Word document, free text ...)."""


def _sniff_text(head: bytes) -> str:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head[len(bom):].decode(encoding, errors="replace")
    encoding = utf16_encoding(head)
    if encoding:
        return head[: len(head) // 2 * 2].decode(encoding, errors="replace")
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
    """``flat``, ``xml``, ``sbr``, ``eds``, ``response``, ``zip`` or ``unknown`` for the first bytes of a file."""
    if is_zip(head) and _office_kind(head) is None:
        return "zip"
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


# ---------------------------------------------------------------------------------------
# Content that is plainly not a submission


# A line that looks like a NIBRS record header: segment length, level 0-7, action letter (or
# blank), month and year (digits or blanks), city, then an ORI (two letters, seven letters or
# digits) at positions 17-25.
_NIBRS_RECORD = re.compile(r"\d{4}[0-7][A-Za-z ][\d ]{2}[\d ]{4}.{4}[A-Za-z]{2}[A-Za-z0-9]{7}")
_SEGMENT_LENGTH_START = re.compile(r"\d{4}")
_SIGNATURES = (
    (b"%PDF", "a PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Word document (or another Microsoft Office file)"),
    (b"{\\rtf", "a Word document (rich text format)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x89PNG", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (b"GIF8", "an image"),
)


def _office_kind(head: bytes) -> str | None:
    """What an Office Open XML file (a zip) is, from the member names in its first bytes."""
    if not is_zip(head):
        return None
    if b"word/" in head:
        return "a Word document"
    if b"xl/" in head:
        return "an Excel workbook"
    if b"ppt/" in head:
        return "a PowerPoint presentation"
    if b"[Content_Types].xml" in head:
        return "a Microsoft Office document"
    return None


def _looks_like_records(text: str) -> bool:
    """True when the lines could be (damaged) NIBRS flat records rather than free text."""
    lines = [line for line in text.replace("\r", "\n").split("\n") if line.strip()][:50]
    if any(_NIBRS_RECORD.match(line) for line in lines):
        return True
    starts = sum(1 for line in lines if _SEGMENT_LENGTH_START.match(line))
    return bool(lines) and starts * 2 >= len(lines)


def not_a_submission(head: bytes) -> str | None:
    """What the first bytes of a file look like when they are plainly not a submission.

    Returns a phrase for "not a submission: looks like ...": ``a PDF``, ``a Word document``,
    ``an Excel workbook``, ``UTF-16 text``, ``free text``, ``binary data`` and a few more; None
    for anything that is or may be a submission (including an empty file, which the readers
    report as holding no records, and a zip, which is opened).
    """
    kind = detect_format_bytes(head)
    if kind in ("flat", "xml", "sbr", "zip"):
        return None
    if kind == "eds":
        return "an FBI Error Data Set (the FBI's list of errors in a submission)"
    if kind == "response":
        return "a reply of the FBI NIBRS web service (its answer to a submission)"
    office = _office_kind(head)
    if office:
        return office
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return what
    text = _sniff_text(head)
    if not text.strip(" \t\r\n\f\v\x00"):
        return None
    utf16 = utf16_encoding(head) is not None
    control = sum(1 for c in text[:4096] if c < " " and c not in "\t\r\n\f") + text[:4096].count("\ufffd")
    if control > len(text[:4096]) * 0.05:
        return "UTF-16 data" if utf16 else "binary data"
    if _looks_like_records(text):
        return None
    return "UTF-16 text" if utf16 else "free text"


def special_file(path: str | Path) -> str | None:
    """Why ``path`` is not a regular file that can be read to its end (a FIFO, a device, a
    socket), or None. Reading a FIFO blocks until something writes to it; a device may never end."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None  # missing or unreadable: the reader says so
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    return "not a regular file"


def read_head(path: str | Path, size: int = _SNIFF_BYTES) -> bytes | None:
    """The first ``size`` bytes of a regular file; None when it cannot be read or is not one."""
    if special_file(path):
        return None
    try:
        with Path(path).open("rb") as handle:
            return handle.read(size)
    except (OSError, ValueError):
        return None


def detect_format(path: str | Path) -> str:
    """The format of the file at ``path`` by its content; ``unknown`` when it cannot be read."""
    head = read_head(path)
    return "unknown" if head is None else detect_format_bytes(head)


def read_any(path: str | Path) -> Submission:
    """Read ``path`` with the reader its content calls for.

    Raises :class:`UnreadableInput` when the file cannot be opened or is not a regular file,
    :class:`NotASubmission` when its content is plainly something else (or is a zip: open
    those with :func:`wibrs_check.readers.archive.zip_members`), and
    :class:`UnsupportedFormat` for a summary (SBR) file when no SBR reader is installed.
    """
    special = special_file(path)
    if special:
        raise UnreadableInput(f"{path}: {special}; it was not read")
    head = read_head(path)
    kind = "unknown" if head is None else detect_format_bytes(head)
    if kind == "zip":
        raise NotASubmission(f"{path}: a zip; open it with the batch or check command, which check its files")
    if kind == "unknown" and head is not None:
        looks = not_a_submission(head)
        if looks:
            raise NotASubmission(f"{path}: not a submission: looks like {looks}")
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


def read_any_bytes(data: bytes, source: str = "<bytes>") -> Submission:
    """Read a submission held in memory (an upload, a zip member) with the reader its
    content calls for. ``source`` is a label only: nothing is opened by that name.

    Raises :class:`NotASubmission` for content that is plainly something else (a zip inside
    it included) and :class:`UnreadableInput` for an Error Data Set.
    """
    head = data[:_SNIFF_BYTES]
    kind = detect_format_bytes(head)
    if kind == "zip":
        raise NotASubmission(f"{source}: a zip inside a zip is not opened; unpack it first")
    if kind == "eds":
        raise NotASubmission(f"{source}: not a submission: looks like an FBI Error Data Set (the FBI's list "
                             "of errors in a submission)")
    if kind == "unknown":
        looks = not_a_submission(head)
        if looks:
            raise NotASubmission(f"{source}: not a submission: looks like {looks}")
    if kind == "xml":
        from .xml import read_xml_bytes

        return read_xml_bytes(data, source)
    if kind == "sbr":
        from .sbr import read_sbr_bytes

        return read_sbr_bytes(data, source)
    from .flatfile import read_flat_bytes

    return read_flat_bytes(data, source)

"""Open a zip of submissions safely: the members' bytes, never their names as paths.

A month folder, or an upload on the web page, may be a zip of the agencies' files. A zip is
untrusted input like any other: it can claim one size and inflate to another (a "zip
bomb"), hold thousands of members, nest further zips, or carry names such as
``../../etc/passwd`` or ``/abs/path``. This module therefore

* never extracts anything to disk and never builds a file-system path from a member name:
  each member is read into memory and its name is used only as a label in messages
  (with control characters replaced);
* reads at most :data:`MAX_MEMBERS` members, at most :data:`MAX_MEMBER_BYTES` from any one
  and :data:`MAX_TOTAL_BYTES` from all of them, counting the bytes actually inflated (the
  sizes a zip declares are not trusted), and stops inflating a member as soon as it passes
  its limit;
* does not open zips inside the zip (they are listed as refused).

``zip_members`` is the public entry point (the ``check``/``batch`` runner and the web
upload page both use it). Each :class:`Member` carries either the bytes or the reason it was
not read.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

MAX_MEMBERS = 2_000  # a state month is about 400 agencies; a few files each at most
MAX_MEMBER_BYTES = 512 * 1024 * 1024  # one member, inflated
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024  # all members together, inflated
_READ_STEP = 1024 * 1024

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or the end record of an empty zip


@dataclass
class Member:
    """One member of a zip: ``label`` (for messages only), and ``data`` or ``problem``.

    ``over_limit`` names the limit that left a member unread, ``"files"`` (too many members)
    or ``"bytes"`` (too much inflated), so that the web page can answer "too large" rather
    than "cannot be read"; it is None for members read, or unreadable for another reason."""

    label: str
    data: bytes | None = None
    problem: str | None = None
    over_limit: str | None = None


class ArchiveError(Exception):
    """The zip as a whole cannot be opened (not a zip after all, damaged central directory)."""


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def member_label(name: str) -> str:
    """A member name fit to show: printable characters only, at most 200 of them."""
    cleaned = re.sub(r"[^\x20-\x7e]", "?", name)
    return cleaned if len(cleaned) <= 200 else cleaned[:197] + "..."


def _read_capped(handle: BinaryIO, limit: int) -> bytes | None:
    """At most ``limit`` bytes from ``handle``; None when there are more."""
    chunks, size = [], 0
    while True:
        chunk = handle.read(min(_READ_STEP, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)


def zip_members(source: str | Path | bytes | BinaryIO, max_members: int = MAX_MEMBERS,
                max_member_bytes: int = MAX_MEMBER_BYTES, max_total_bytes: int = MAX_TOTAL_BYTES) -> Iterator[Member]:
    """Every file member of the zip ``source`` (a path, bytes or an open binary file), in order.

    Raises :class:`ArchiveError` when the zip cannot be opened at all. Folders are passed
    over; members beyond the limits, encrypted members, damaged members and nested zips come
    back with ``problem`` set and no data.
    """
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveError(f"the zip cannot be opened ({exc})") from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        total = 0
        for count, info in enumerate(infos):
            label = member_label(info.filename)
            if count >= max_members:
                yield Member(label, problem=f"not read: the zip holds more than {max_members:,} files", over_limit="files")
                continue
            if info.flag_bits & 0x1:
                yield Member(label, problem="not read: the member is encrypted")
                continue
            budget = min(max_member_bytes, max_total_bytes - total)
            if budget <= 0:
                yield Member(label, problem=f"not read: the zip's members inflate to more than "
                                            f"{max_total_bytes:,} bytes together", over_limit="bytes")
                continue
            try:
                with archive.open(info) as handle:
                    data = _read_capped(handle, budget)
            except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError, RuntimeError) as exc:
                yield Member(label, problem=f"not read: the member is damaged or uses an unsupported "
                                            f"compression ({exc})")
                continue
            except Exception as exc:  # noqa: BLE001 - zlib.error and friends: a damaged member, never a crash
                yield Member(label, problem=f"not read: the member is damaged ({type(exc).__name__})")
                continue
            if data is None:
                if budget < max_member_bytes:
                    total = max_total_bytes
                    yield Member(label, problem=f"not read: the zip's members inflate to more than "
                                                f"{max_total_bytes:,} bytes together (zip bomb?)", over_limit="bytes")
                else:
                    yield Member(label, problem=f"not read: it inflates to more than {max_member_bytes:,} "
                                                "bytes (zip bomb?)", over_limit="bytes")
                continue
            total += len(data)
            if is_zip(data[:4]):
                yield Member(label, problem="not read: a zip inside the zip is not opened; unpack it first")
                continue
            yield Member(label, data=data)

"""Uploaded files onto disk for the runner, within limits, under names we choose.

Everything a request uploads goes into one private temporary folder (``mkdtemp``), which
the caller removes when the check is over, whatever happened (:func:`remove_work_folder`). A file
name sent by the browser or found inside a zip is only ever shown to the user: on disk the
files are ``upload-001``, ``upload-001-0002`` and so on, so a name such as ``../../etc/x``
or ``C:\\boot.ini`` cannot place a file anywhere.

Limits (:class:`Limits`): the bytes of one request's uploads, the number of files, and for
each zip the number of members and their total size once unpacked, counted while unpacking
(the sizes a zip declares can lie). A zip inside a zip is refused rather than unpacked.

Zips are opened by :func:`wibrs_check.readers.archive.zip_members`, the one safe zip reader
that ``check`` and ``batch`` use too; this module only maps its answers to HTTP statuses.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import AsyncIterator, Protocol

from ..readers.archive import ArchiveError, zip_members

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
CHUNK = 1024 * 1024


class UploadRejected(Exception):
    """The upload cannot be checked; ``status`` is the HTTP status that says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_upload_bytes: int = 100 * 1024 * 1024  # all files of one request together, as sent
    max_files: int = 500  # files after unpacking zips
    max_zip_entries: int = 2000  # members of one zip
    max_unzipped_bytes: int = 1024 * 1024 * 1024  # members of one zip together, unpacked


@dataclass(frozen=True)
class SavedFile:
    name: str  # as the user knows it (upload name, or zip name / member name): shown, never used as a path
    path: Path


class Readable(Protocol):
    filename: str | None

    async def read(self, size: int = -1) -> bytes: ...


def make_work_folder(root: Path | None = None) -> Path:
    """A new private temporary folder (mode 700) for one request's uploads."""
    return Path(tempfile.mkdtemp(prefix="wibrs-check-web-", dir=root))


def remove_work_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def display_name(name: str | None, fallback: str) -> str:
    """The last part of a sent file name, printable, for showing; ``fallback`` when it has none."""
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if ch.isprintable()).strip()
    return text[:200] or fallback


async def _chunks(upload: Readable) -> AsyncIterator[bytes]:
    while True:
        chunk = await upload.read(CHUNK)
        if not chunk:
            return
        yield chunk


async def save_uploads(uploads: list[Readable], folder: Path, limits: Limits) -> list[SavedFile]:
    """Write each upload into ``folder`` (zips unpacked); raises :class:`UploadRejected`."""
    if not uploads:
        raise UploadRejected(400, "no file was uploaded: choose one or more submission files (or a .zip of them)")
    saved: list[SavedFile] = []
    total = 0
    for number, upload in enumerate(uploads, start=1):
        name = display_name(upload.filename, f"upload {number}")
        path = folder / f"upload-{number:03d}"
        size = 0
        with path.open("wb") as out:
            async for chunk in _chunks(upload):
                size += len(chunk)
                total += len(chunk)
                if total > limits.max_upload_bytes:
                    raise UploadRejected(413, f"the upload is larger than the limit of "
                                              f"{_size(limits.max_upload_bytes)}; send fewer or smaller files")
                out.write(chunk)
        if size == 0:
            raise UploadRejected(400, f"{name} is empty (0 bytes): choose the submission file itself")
        with path.open("rb") as handle:
            head = handle.read(4)
        if head in (ZIP_MAGIC, EMPTY_ZIP_MAGIC):
            saved.extend(unpack_zip(path, name, folder, limits))
            path.unlink()
        else:
            saved.append(SavedFile(name, path))
        if len(saved) > limits.max_files:
            raise UploadRejected(413, f"more than {limits.max_files} files in one upload")
    return _unique_names(saved)


def unpack_zip(path: Path, name: str, folder: Path, limits: Limits) -> list[SavedFile]:
    """The members of the zip at ``path`` as files in ``folder``, within ``limits``.

    Folders, hidden files and macOS resource forks are passed over. Raises
    :class:`UploadRejected`: 415 for a damaged or encrypted zip, one inside another or
    one with no file in it; 413 for too many members or too many bytes unpacked (counted
    while inflating: the sizes a zip declares can lie).
    """
    members = zip_members(path, max_members=limits.max_zip_entries, max_member_bytes=limits.max_unzipped_bytes,
                          max_total_bytes=limits.max_unzipped_bytes)
    saved: list[SavedFile] = []
    try:
        for index, member in enumerate((m for m in members if _wanted_member(m.label)), start=1):
            shown = f"{name}/{display_name(member.label, f'member {index}')}"
            if member.over_limit == "files":
                raise UploadRejected(413, f"{name} holds more than {limits.max_zip_entries:,} files; at most "
                                          f"{limits.max_zip_entries:,} are accepted in one zip")
            if member.over_limit == "bytes":
                raise UploadRejected(413, f"{name} unpacks to more than the limit of "
                                          f"{_size(limits.max_unzipped_bytes)}")
            if member.problem:
                raise UploadRejected(415, f"{shown} was {member.problem}")
            target = folder / f"{path.name}-{index:04d}"
            target.write_bytes(member.data)
            saved.append(SavedFile(shown, target))
    except ArchiveError as exc:
        raise UploadRejected(415, f"{name} looks like a zip file but {exc}") from None
    if not saved:
        raise UploadRejected(415, f"{name} holds no file to check")
    return saved


def _wanted_member(member_name: str) -> bool:
    parts = PurePosixPath(member_name.replace("\\", "/")).parts
    return bool(parts) and parts[0] != "__MACOSX" and not parts[-1].startswith(".")


def _unique_names(saved: list[SavedFile]) -> list[SavedFile]:
    """Two uploads of the same name are told apart as ``name (2)`` in the results."""
    seen: dict[str, int] = {}
    out = []
    for item in saved:
        count = seen.get(item.name, 0) + 1
        seen[item.name] = count
        out.append(item if count == 1 else SavedFile(f"{item.name} ({count})", item.path))
    return out


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"

"""Where the bytes of attachments (`ppi.core.models.StoredFile`) live, and reading them back only when they are intact.

By default the bytes are in the database (`stored_files.data`), so that every app server reaches them. With an upload
directory (PPI_UPLOAD_DIR), new files go there instead and the row keeps their `location`: a path below the directory
named by the SHA-256 of the content, in two levels of folders (`ab/cd/abcd…`). Rows of both kinds can live side by side.

A file is written in full before its row is flushed (a temporary file in the same folder, fsync, rename, fsync of
the folder): a crash leaves either no file or the whole file, never a row pointing at half a file. A crash after the
write and before the commit leaves a file no row names, which is harmless (`orphans` finds them). Since files are named
by their content, two uploads of the same bytes share one file, and a write always replaces the file (so that its
modification time says when it was last needed).

No Flask here: `ppi.core.files` makes the store from the configuration, `ppi.core.backup` moves rows between stores.
"""
import hashlib
import os
import re
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

LOCATION = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}")
TEMPORARY_SUFFIX = ".partial"


class FileProblem(Exception):
    """A stored file's bytes cannot be had intact: missing, unreadable, or not what its row records."""


def location_of(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _fsync_directory(path: Path) -> None:
    """Make a folder's new entries (a renamed file, a new subfolder) durable."""
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _mismatch(what: str) -> FileProblem:
    return FileProblem(f"{what} do not match the recorded size and SHA-256")


@dataclass(frozen=True)
class UploadDirectory:
    """Content-addressed files below `root`."""

    root: Path

    def path(self, location: str) -> Path:
        if not LOCATION.fullmatch(location):  # a row never names anything outside the directory
            raise FileProblem(f"{location!r} is not a location in the upload directory")
        return self.root / location

    def write(self, content: bytes, sha256: str) -> str:
        """Put the bytes in place, durably, and return their location."""
        location = location_of(sha256)
        target = self.path(location)
        self._make_folder(target.parent)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{sha256[:12]}.", suffix=TEMPORARY_SUFFIX)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _fsync_directory(target.parent)
        return location

    def _make_folder(self, folder: Path) -> None:
        missing = [path for path in (self.root, folder.parent, folder) if not path.is_dir()]
        folder.mkdir(parents=True, exist_ok=True)
        for path in missing:
            _fsync_directory(path.parent)

    def open_checked(self, location: str, size: int, sha256: str) -> BinaryIO:
        """The file, open at its start, once its size and SHA-256 were found to be the recorded ones (read through
        once, in blocks: never whole in memory)."""
        path = self.path(location)
        try:
            stream = open(path, "rb")
        except FileNotFoundError:
            raise FileProblem(f"the file {path} is missing") from None
        except OSError as error:
            raise FileProblem(f"the file {path} cannot be read: {error.strerror}") from None
        try:
            if os.fstat(stream.fileno()).st_size != size or hashlib.file_digest(stream, "sha256").hexdigest() != sha256:
                raise _mismatch(f"the bytes of {path}")
            stream.seek(0)
        except BaseException:
            stream.close()
            raise
        return stream

    def orphans(self, referenced: Collection[str], written_before: float) -> list[Path]:
        """Files no row names (a rolled-back upload's, or a temporary one left by a crash) and last written before
        `written_before` (a timestamp): a younger one may belong to an upload whose transaction is still open."""
        found = []
        for folder, _subfolders, names in os.walk(self.root):
            for name in names:
                path = Path(folder) / name
                try:
                    written = path.stat().st_mtime
                except FileNotFoundError:  # removed meanwhile
                    continue
                if path.relative_to(self.root).as_posix() not in referenced and written < written_before:
                    found.append(path)
        return sorted(found)


@dataclass(frozen=True)
class FileStore:
    """An installation's storage of attachments: the database (`directory` None) or an upload directory."""

    directory: UploadDirectory | None = None

    @classmethod
    def at(cls, root: str | os.PathLike | None) -> "FileStore":
        return cls(UploadDirectory(Path(root)) if root else None)

    def keep(self, content: bytes, sha256: str) -> dict[str, bytes | str | None]:
        """Store the bytes; the values of the row's `data` and `location` that say where they are."""
        if self.directory is None:
            return {"data": content, "location": None}
        return {"data": None, "location": self.directory.write(content, sha256)}

    def open_checked(self, location: str, size: int, sha256: str) -> BinaryIO:
        if self.directory is None:
            raise FileProblem(f"the bytes are in an upload directory ({location}), but none is configured "
                              f"(PPI_UPLOAD_DIR)")
        return self.directory.open_checked(location, size, sha256)

    def read_checked(self, data: bytes | None, location: str | None, size: int, sha256: str) -> bytes:
        """A row's bytes, from the database or the directory, refused unless they match its size and SHA-256."""
        if location is None:
            if data is None or len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
                raise _mismatch("its bytes")
            return bytes(data)
        with self.open_checked(location, size, sha256) as stream:
            return stream.read()

    def check(self, data: bytes | None, location: str | None, size: int, sha256: str) -> None:
        """Refuse a row whose bytes do not match its size and SHA-256 (a file is read in blocks, not kept)."""
        if location is None:
            self.read_checked(data, None, size, sha256)
        else:
            self.open_checked(location, size, sha256).close()

"""Uploads: the type is decided by the content (magic bytes), never by the file name, and the size by
configuration. Files are stored in the database, or in PPI_UPLOAD_DIR when it is set (ppi.core.storage), and served
only through a view that checks permission, and only when their bytes are the ones recorded."""
import hashlib
import io
import logging
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from flask import Response, current_app, request
from flask_babel import format_decimal, gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from werkzeug.wsgi import wrap_file

from ppi.core.errors import DomainError
from ppi.core.models import StoredFile
from ppi.core.storage import FileProblem, FileStore
from ppi.extensions import db


log = logging.getLogger(__name__)


class FileUnavailable(DomainError):
    """A stored file's bytes are missing or damaged: nothing is served."""

    status_code = 410


class StorageUnavailable(DomainError):
    """The upload directory refused the bytes (disk full, permissions): the form says so and keeps what was typed."""

    status_code = 503


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extension: str


PDF = FileKind("PDF", "application/pdf", "pdf")
PNG = FileKind("PNG", "image/png", "png")
JPEG = FileKind("JPEG", "image/jpeg", "jpg")
DOCX = FileKind("Word (DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileKind("Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
ACCEPTED = (PDF, DOCX, XLSX, PNG, JPEG)


def sniff(content: bytes) -> FileKind | None:
    """The accepted kind the bytes really are, or None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _office_kind(content)
    return None


def _office_kind(content: bytes) -> FileKind | None:
    """DOCX and XLSX are ZIP packages; the part names tell them apart from any other ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def human_size(size: int) -> str:
    """A byte count as people read it: 20 MB, 1.5 MB, 300 KB, 512 bytes (binary units, as the limit is set)."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{format_decimal(round(size / factor, 1))} {unit}"  # 1.5 MB, 1,5 MB in Danish
    return _("%(n)d bytes", n=size)


def accepted_labels() -> str:
    return ", ".join(kind.label for kind in ACCEPTED)


def attachment_store() -> FileStore:
    return FileStore.at(current_app.config["PPI_UPLOAD_DIR"])


def store_upload(upload: FileStorage, uploaded_by_id: int | None) -> StoredFile:
    """Check and keep an uploaded file; DomainError with a message for the user when it is refused."""
    limit = current_app.config["PPI_MAX_ATTACHMENT_BYTES"]
    content = upload.stream.read(limit + 1)
    if not content:
        raise DomainError(_("The file is empty."))
    if len(content) > limit:
        raise DomainError(_("The file is larger than %(limit)s.", limit=human_size(limit)))
    kind = sniff(content)
    if kind is None:
        raise DomainError(_("This kind of file is not accepted. Accepted: %(kinds)s.", kinds=accepted_labels()))
    stem = secure_filename(upload.filename or "").rsplit(".", 1)[0][:200] or "attachment"
    sha256 = hashlib.sha256(content).hexdigest()
    try:
        kept = attachment_store().keep(content, sha256)  # a file is complete before its row
    except OSError as error:
        log.error("an upload of %d bytes could not be stored: %s", len(content), error)
        raise StorageUnavailable(_("The file could not be stored just now: the server's storage is not available. "
                                   "Please try again later.")) from None
    stored = StoredFile(
        filename=f"{stem}.{kind.extension}", content_type=kind.content_type, size=len(content), sha256=sha256,
        uploaded_by_id=uploaded_by_id, **kept,
    )
    db.session.add(stored)
    return stored


def intact_bytes(stored: StoredFile) -> bytes | None:
    """The file's bytes if they match its recorded size and SHA-256, else None."""
    try:
        return attachment_store().read_checked(stored.data, stored.location, stored.size, stored.sha256)
    except FileProblem:
        return None


def download(body: bytes | Iterable[bytes], filename: str, mimetype: str) -> Response:
    """Bytes (or a stream of them) as a file to save, never rendered or sniffed by the browser."""
    response = Response(body, mimetype=mimetype, direct_passthrough=not isinstance(body, bytes))
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def file_response(stored: StoredFile) -> Response:
    """The stored file as a download, once its bytes were found to be the recorded ones: from the database, or
    streamed from the upload directory. A missing or damaged file is logged and answered with 410, never served."""
    try:
        body = _checked_body(stored)
    except FileProblem as problem:
        current_app.logger.error("Stored file %s (%s) cannot be served: %s", stored.id, stored.filename, problem)
        raise FileUnavailable(_("This file cannot be delivered: it is missing or damaged on the server. Please tell "
                                "the platform's administrators; they can restore it from a backup.")) from None
    response = download(body, stored.filename, stored.content_type)
    response.headers["Content-Length"] = str(stored.size)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _checked_body(stored: StoredFile) -> bytes | Iterable[bytes]:
    store = attachment_store()
    if stored.location is None:
        return store.read_checked(stored.data, None, stored.size, stored.sha256)
    return wrap_file(request.environ, store.open_checked(stored.location, stored.size, stored.sha256))

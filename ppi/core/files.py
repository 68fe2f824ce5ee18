"""Uploads: the type is decided by the content (magic bytes), never by the file name, and the size by
configuration. Files are stored in the database and served only through a view that checks permission."""
import hashlib
import io
import zipfile
from dataclasses import dataclass

from flask import Response, current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from ppi.core.errors import DomainError
from ppi.core.models import StoredFile
from ppi.extensions import db


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
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return _("%(n)d bytes", n=size)


def accepted_labels() -> str:
    return ", ".join(kind.label for kind in ACCEPTED)


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
    stored = StoredFile(
        filename=f"{stem}.{kind.extension}", content_type=kind.content_type, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), data=content, uploaded_by_id=uploaded_by_id,
    )
    db.session.add(stored)
    return stored


def download(body: bytes, filename: str, mimetype: str) -> Response:
    """Bytes as a file to save, never rendered or sniffed by the browser."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def file_response(stored: StoredFile) -> Response:
    response = download(stored.data, stored.filename, stored.content_type)
    response.headers["Content-Length"] = str(stored.size)
    response.headers["Cache-Control"] = "private, no-store"
    return response

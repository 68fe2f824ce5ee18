"""Helpers shared by the challenges tests: form data, files, reading pages, the database."""
import io
import re
import struct
import zipfile
import zlib
from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ppi.challenges.models import Challenge, ChallengePartner
from ppi.core.models import AuditEntry, Notification, OutboxMessage
from ppi.core.timeutil import utcnow
from ppi.extensions import db

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
REASON = "Explained to the parties in the meeting of 3 March."


def local_input(days: float, zone=COPENHAGEN) -> str:
    """A datetime-local value `days` from now, as a user in `zone` would type it."""
    return (utcnow() + timedelta(days=days)).astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def challenge_form(world, **overrides) -> dict:
    """A valid create/edit form; `None` as a value removes the field."""
    data = {
        "title": "Night-time fall detection in care homes",
        "summary": "Detect falls at night without wearables, so that help comes within minutes.",
        "description": "Residents fall at night and lie for **hours** before staff find them.\n\n"
                       "- privacy of residents\n- works without wearables\n",
        "expected_benefits": "Fewer hours on the floor; fewer hospital admissions.",
        "test_setting": "3 care homes, about 40 care staff",
        "test_users_offered": "40",
        "pilot_budget_eur": "50000",
        "estimated_contract_value_eur": "400000",
        "contract_kind": "supplies",
        "cpv_codes": "33196200-2, 48000000",
        "nuts_code": "DK031",
        "languages": ["da", "en"],
        "ipr_model": "company_licence",
        "ipr_note": "A licence for every care home of the region.",
        "questions_deadline": local_input(10),
        "proposal_deadline": local_input(20),
        "cluster_id": str(world.orgs["cluster"]),
        "criteria-0-name": "Effect on response time", "criteria-0-weight": "60", "criteria-0-description": "Minutes to help",
        "criteria-1-name": "Usability for staff", "criteria-1-weight": "40", "criteria-1-description": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def with_partner(app, challenge_id: int, organisation_id: int) -> None:
    with app.app_context():
        db.session.add(ChallengePartner(challenge_id=challenge_id, organisation_id=organisation_id))
        db.session.commit()


def get_challenge(app, challenge_id: int) -> Challenge:
    """A detached copy of the challenge's scalar columns."""
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
        db.session.expunge(challenge)
        return challenge


def audit_actions(app, object_type: str, object_id: int) -> list[tuple[str, int | None]]:
    with app.app_context():
        return [
            (entry.action, entry.organisation_id)
            for entry in db.session.scalars(
                sa.select(AuditEntry).where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
                .order_by(AuditEntry.id)
            )
        ]


def notifications_of(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            sa.select(Notification.text).where(Notification.user_id == user_id).order_by(Notification.id)
        ))


def outbox_to(app, address: str) -> list[OutboxMessage]:
    with app.app_context():
        messages = list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == address)))
        for message in messages:
            db.session.expunge(message)
        return messages


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def text(response) -> str:
    return response.get_data(as_text=True)


def field_error(page: str, field_id: str) -> str:
    """The text of the error shown next to a field (tied to it by id), or '' when there is none."""
    match = re.search(rf'<div id="{re.escape(field_id)}-error"[^>]*>(.*?)</div>', page, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""


def listed_titles(page: str) -> list[str]:
    """The titles of the challenge cards on a list page, in order."""
    return [unescape(title) for title in re.findall(r'<h2 class="h5 card-title"><a href="[^"]+">([^<]*)</a>', page)]


def unescape(value: str) -> str:
    from html import unescape as html_unescape

    return html_unescape(value)


class _Forms(HTMLParser):
    """The fields a browser would submit for each form of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict, list[tuple[str, str]]]] = []
        self._textarea: list | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs, []))
            return
        if not self.forms:
            return
        fields = self.forms[-1][1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "reset", "image"):
                fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._select["options"].append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            if value.startswith("\r\n"):
                value = value[2:]
            elif value.startswith("\n"):
                value = value[1:]
            self.forms[-1][1].append((name, value))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._select["options"] if selected]
            if not chosen and not self._select["multiple"] and self._select["options"]:
                chosen = [self._select["options"][0][0]]
            self.forms[-1][1].extend((self._select["name"], value) for value in chosen)
            self._select = None


def form_fields(page: str, containing: str) -> dict[str, list[str]]:
    """What the browser would post from the page's form that has a field named `containing`."""
    parser = _Forms()
    parser.feed(page)
    for _attrs, fields in parser.forms:
        if any(name == containing for name, _value in fields):
            data: dict[str, list[str]] = {}
            for name, value in fields:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError(f"no form with a field {containing!r}")


def utc(year, month, day, hour=0, minute=0) -> datetime:
    from datetime import timezone

    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


# Files as they really start, built here so that the type check by content can be tried.
def pdf_bytes(size: int | None = None) -> bytes:
    body = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n")
    end = b"%%EOF\n"
    if size is not None:
        padding = size - len(body) - len(end)
        assert padding >= 2, "too small for a PDF"
        body += b"%" + b"x" * (padding - 2) + b"\n"
    return body + end


def png_bytes() -> bytes:
    """A 1x1 grey PNG: signature, IHDR, IDAT, IEND with their CRCs."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")


def jpeg_bytes() -> bytes:
    """SOI, a JFIF APP0 segment, EOI."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def zip_bytes(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return buffer.getvalue()


CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_bytes() -> bytes:
    return zip_bytes({
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": "<Relationships/>",
        "word/document.xml": "<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'/>",
    })


def xlsx_bytes() -> bytes:
    return zip_bytes({
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": "<Relationships/>",
        "xl/workbook.xml": "<workbook xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'/>",
        "xl/worksheets/sheet1.xml": "<worksheet/>",
    })

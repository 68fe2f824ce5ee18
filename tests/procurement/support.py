"""Helpers for the procurement tests through the app: cases opened and moved by posting the forms, other
authorities with their own users, and reading what a page shows next to a form field."""
import re
from datetime import date
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

from flask_babel import format_currency, format_date

from ppi.accounts.models import AuthorityType, OrganisationKind, OrgRole, User
from ppi.extensions import db
from ppi.procurement import services
from ppi.procurement.directive import ContractKind
from ppi.procurement.models import ProcurementCase
from ppi.procurement.workflow import CaseStatus
from tests.conftest import add_org, add_user

NEW_CASE = {"subject": "Night-time fall sensors", "contract_kind": "supplies", "estimated_value_eur": "300000",
            "cpv_codes": "33196200-2"}
OPEN_ROUTE = {"procedure": "open", "instrument": "none", "electronic_submission": "y"}


def text(response) -> str:
    return response.get_data(as_text=True)


def case_id_of(path: str) -> int:
    return int(re.search(r"/procurement/(\d+)", path).group(1))


def open_case(client, **changes) -> str:
    """Open a case through the form; the case's path."""
    response = client.post("/procurement/new", data={**NEW_CASE, **changes})
    assert response.status_code == 302, text(response)[:3000]
    return response.headers["Location"]


def post_route(client, path: str, **fields):
    return client.post(f"{path}/route", data={"instrument": "none", **fields})


def post_timeline(client, path: str, **fields):
    return client.post(f"{path}/timeline", data=fields)


def move(client, path: str, *targets: str, reason: str = "") -> None:
    for target in targets:
        response = client.post(f"{path}/status/{target}", data={"reason": reason})
        assert response.status_code == 302, (target, text(response)[:3000])


def published_open_case(client, **changes) -> str:
    """An open procedure (electronic tenders), its notice sent 2 March 2026, published."""
    path = open_case(client, **changes)
    assert post_route(client, path, **OPEN_ROUTE).status_code == 302
    assert post_timeline(client, path, notice_sent_on="2026-03-02", tenders_deadline="2026-04-10").status_code == 302
    move(client, path, "published")
    return path


def in_evaluation(client, **changes) -> str:
    path = published_open_case(client, **changes)
    move(client, path, "tenders_received", "evaluation")
    return path


def load_case(app, case_id: int) -> ProcurementCase:
    with app.app_context():
        case = db.session.get(ProcurementCase, case_id)
        for item in (*case.tenderers, *case.participants, *case.pilots):
            db.session.expunge(item)
        db.session.expunge(case)
        return case


def tenderer_ids(app, case_id: int) -> dict[str, int]:
    with app.app_context():
        return {t.name: t.id for t in db.session.get(ProcurementCase, case_id).tenderers}


def status_of(app, case_id: int) -> CaseStatus:
    with app.app_context():
        return db.session.get(ProcurementCase, case_id).status


def add_authority(app, name: str = "Other Municipality", *, verified: bool = True,
                  authority_type: AuthorityType = AuthorityType.SUB_CENTRAL) -> tuple[int, str]:
    """Another public authority with an admin user: (organisation id, the user's session id)."""
    with app.app_context():
        org = add_org(name, OrganisationKind.PUBLIC_AUTHORITY, verified=verified, authority_type=authority_type)
        user = add_user(f"admin@{name.lower().replace(' ', '-')}.test.org", org, OrgRole.ADMIN)
        db.session.commit()
        return org.id, user.get_id()


def client_for(app, session_id: str):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    return client


def make_case(app, user_id: int, subject: str, *, value: int = 300_000, kind: ContractKind = ContractKind.SUPPLIES,
              status: CaseStatus = CaseStatus.PLANNING, **fields) -> int:
    """A case written through the services' open_case, then given its facts directly (for the list tests)."""
    with app.app_context():
        actor = db.session.get(User, user_id)
        case = services.open_case(actor, services.CaseData(subject, kind, Decimal(value), ["33196200"]))
        for name, value_ in fields.items():
            setattr(case, name, value_)
        case.status = status
        case.was_published = fields.get("was_published", status != CaseStatus.PLANNING)
        services.refresh_derived(case)
        db.session.commit()
        return case.id


# ---- what a page shows next to a form field ------------------------------------------------------------

class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag, attrs):
        self.attrs = {"tag": tag, **dict(attrs)}


def element(html: str, element_id: str) -> dict[str, str | None]:
    """The attributes of the element with this id ({} when there is none)."""
    match = re.search(r'<(?:input|select|textarea|li|div|span|p|dl|ul)\b[^>]*\bid="%s"[^>]*>' % re.escape(element_id), html)
    if not match:
        return {}
    parser = _Attributes()
    parser.feed(match.group(0))
    return parser.attrs


def field_error(html: str, field_id: str) -> str:
    """The error text shown with the field ('' when none)."""
    match = re.search(r'<div id="%s-error"[^>]*>(.*?)</div>' % re.escape(field_id), html, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def shown_value(html: str, field_id: str) -> str | None:
    """What the field shows: an input's value, a textarea's content."""
    match = re.search(r'<textarea\b[^>]*\bid="%s"[^>]*>(.*?)</textarea>' % re.escape(field_id), html, re.S)
    if match:
        return unescape(match.group(1)).lstrip("\n")
    return element(html, field_id).get("value")


def assert_field_error(html: str, field_id: str, typed: str | None = None) -> str:
    """The field shows an error, tied to it with aria-describedby and aria-invalid, and keeps what was typed."""
    error = field_error(html, field_id)
    assert error, f"no error shown with {field_id}"
    attrs = element(html, field_id)
    assert attrs.get("aria-invalid") == "true", attrs
    assert f"{field_id}-error" in (attrs.get("aria-describedby") or ""), attrs
    if typed is not None:
        assert shown_value(html, field_id) == typed, (field_id, shown_value(html, field_id))
    return error


def item_text(html: str, element_id: str) -> str:
    """The text of a list item (or other element closed by </li>) with this id."""
    match = re.search(r'<li\b[^>]*\bid="%s"[^>]*>(.*?)</li>' % re.escape(element_id), html, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()) if match else ""


def checks_text(html: str) -> str:
    """The text of the Checks panel."""
    match = re.search(r'<section[^>]*id="checks"[^>]*>(.*?)</section>', html, re.S)
    assert match, "no checks panel"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def section_text(html: str, section_id: str) -> str:
    match = re.search(r'<section[^>]*id="%s"[^>]*>(.*?)</section>' % re.escape(section_id), html, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split()) if match else ""


def money(app, amount) -> str:
    with app.test_request_context():
        return format_currency(Decimal(amount), "EUR")


def day(app, value: date) -> str:
    with app.test_request_context():
        return format_date(value, "medium")


"""Who may open, see and edit a procurement case, through the app.

A verified public authority opens and manages its cases; a case in planning is its own (and the platform
admin's to look at), others get 404; once published everyone sees it; only the authority edits (403), and
nobody once the case is completed or cancelled.
"""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ppi.accounts.models import User
from ppi.challenges.models import Challenge, ChallengePartner
from ppi.core.errors import PermissionDenied
from ppi.core.models import AuditEntry
from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.pilots.workflow import PilotStatus
from ppi.procurement import services
from ppi.procurement.directive import ContractKind
from ppi.procurement.models import ProcurementCase
from ppi.procurement.workflow import CaseStatus
from tests.conftest import add_challenge
from tests.pilots.helpers import add_pilot
from tests.procurement.support import (
    NEW_CASE,
    add_authority,
    case_id_of,
    client_for,
    in_evaluation,
    move,
    open_case,
    post_timeline,
    published_open_case,
    status_of,
    text,
)

OUTSIDER_ROLES = ["company_admin", "company_member", "cluster_admin", "cluster_member", "other_company_admin", "unverified_admin"]


def _count_cases(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(ProcurementCase))


def _data(subject: str = "Sensors") -> services.CaseData:
    return services.CaseData(subject, ContractKind.SUPPLIES, Decimal(300_000), ["33196200"])


# ---- who may open a case ------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["authority_admin", "authority_member"])
def test_members_of_a_verified_authority_may_open_a_case(app, world, client_as, role):
    client = client_as(role)
    assert client.get("/procurement/new").status_code == 200
    path = open_case(client, subject=f"Opened by {role}")
    with app.app_context():
        case = db.session.get(ProcurementCase, case_id_of(path))
        assert case.authority_id == world.orgs["authority"] and case.created_by_id == world.users[role]
        assert case.status == CaseStatus.PLANNING
        entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "procurement.opened")).one()
        assert entry.object_id == case.id and entry.actor_id == world.users[role]
    assert "Open a case" in text(client.get("/procurement/"))


@pytest.mark.parametrize("role", OUTSIDER_ROLES + ["platform_admin"])
def test_others_may_not_open_a_case(app, world, client_as, role):
    client = client_as(role)
    assert client.get("/procurement/new").status_code == 403
    assert client.post("/procurement/new", data=NEW_CASE).status_code == 403
    assert _count_cases(app) == 0
    assert 'href="/procurement/new"' not in text(client.get("/procurement/"))


def test_an_unverified_authority_may_not_open_a_case(app, world):
    _, session_id = add_authority(app, "Pending Municipality", verified=False)
    client = client_for(app, session_id)
    assert client.get("/procurement/new").status_code == 403
    assert client.post("/procurement/new", data=NEW_CASE).status_code == 403
    assert _count_cases(app) == 0


def test_anonymous_visitors_are_sent_to_log_in(app, world, client_as):
    response = client_as(None).post("/procurement/new", data=NEW_CASE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _count_cases(app) == 0


def test_from_a_pilot_only_its_own_authority(app, world, client_as):
    with app.app_context():
        pilot_id = add_pilot(world, PilotStatus.REPORTED, agreed=True)
    _, session_id = add_authority(app)
    other = client_for(app, session_id)
    assert other.get(f"/procurement/new?pilot={pilot_id}").status_code == 404
    assert other.post("/procurement/new", data={**NEW_CASE, "pilot": pilot_id}).status_code == 404
    assert client_as("company_admin").get(f"/procurement/new?pilot={pilot_id}").status_code == 403
    assert _count_cases(app) == 0
    # the pilot's authority: the form is filled from the pilot, and the pilot's company becomes a prior participant
    authority = client_as("authority_admin")
    page = text(authority.get(f"/procurement/new?pilot={pilot_id}"))
    assert 'value="NightWatch pilot"' in page and "33196200-2" in page
    path = open_case(authority, pilot=pilot_id)
    with app.app_context():
        case = db.session.get(ProcurementCase, case_id_of(path))
        assert case.pilot_ids == [pilot_id]
        assert case.challenge_id == db.session.get(Pilot, pilot_id).challenge_id
        assert [(p.organisation_id, p.how) for p in case.participants] == [(world.orgs["company"], "pilot")]


def test_from_an_unknown_pilot_not_found(app, world, client_as):
    assert client_as("authority_admin").get("/procurement/new?pilot=987654").status_code == 404


def test_the_service_refuses_a_pilot_of_another_authority(app, world):
    with app.app_context():
        pilot_id = add_pilot(world, PilotStatus.REPORTED, agreed=True)
    add_authority(app)
    with app.app_context():
        other = db.session.scalars(sa.select(User).where(User.email == "admin@other-municipality.test.org")).one()
        with pytest.raises(PermissionDenied):
            services.open_case(other, _data(), [db.session.get(Pilot, pilot_id)])


def test_from_a_challenge_only_its_owners(app, world, client_as):
    with app.app_context():
        challenge_id = add_challenge(world)
    partner_id, partner_session = add_authority(app, "Partner Municipality")
    _, stranger_session = add_authority(app, "Stranger Municipality")
    with app.app_context():
        db.session.add(ChallengePartner(challenge_id=challenge_id, organisation_id=partner_id))
        db.session.commit()
    stranger = client_for(app, stranger_session)
    assert stranger.get(f"/procurement/new?challenge={challenge_id}").status_code == 404
    assert stranger.post("/procurement/new", data={**NEW_CASE, "challenge": challenge_id}).status_code == 404
    assert _count_cases(app) == 0
    for client in (client_as("authority_admin"), client_for(app, partner_session)):
        page = text(client.get(f"/procurement/new?challenge={challenge_id}"))
        assert 'value="Fall detection in care homes"' in page
        path = open_case(client, challenge=challenge_id)
        with app.app_context():
            assert db.session.get(ProcurementCase, case_id_of(path)).challenge_id == challenge_id


def test_the_service_refuses_a_challenge_the_authority_does_not_own(app, world):
    with app.app_context():
        challenge_id = add_challenge(world)
    add_authority(app)
    with app.app_context():
        other = db.session.scalars(sa.select(User).where(User.email == "admin@other-municipality.test.org")).one()
        with pytest.raises(PermissionDenied):
            services.open_case(other, _data(), challenge=db.session.get(Challenge, challenge_id))
        owner = db.session.get(User, world.users["authority_member"])
        assert services.open_case(owner, _data(), challenge=db.session.get(Challenge, challenge_id)).challenge_id == challenge_id


# ---- who sees a case -------------------------------------------------------------------------------

def _pages(path: str) -> list[str]:
    return [path, f"{path}/report"]


def test_in_planning_only_the_authority_and_the_platform_admin_see_the_case(app, world, client_as):
    path = open_case(client_as("authority_admin"))
    for role in ("authority_admin", "authority_member", "platform_admin"):
        for page in _pages(path):
            assert client_as(role).get(page).status_code == 200, (role, page)
    _, session_id = add_authority(app)
    outsiders = [client_as(role) for role in OUTSIDER_ROLES] + [client_as(None), client_for(app, session_id)]
    for client in outsiders:
        for page in _pages(path):
            assert client.get(page).status_code == 404, page
        assert "Night-time fall sensors" not in text(client.get("/procurement/"))
    assert "Night-time fall sensors" in text(client_as("authority_member").get("/procurement/"))


def test_once_published_everyone_sees_the_case(app, world, client_as):
    path = published_open_case(client_as("authority_admin"))
    _, session_id = add_authority(app)
    for client in [client_as(role) for role in OUTSIDER_ROLES + ["platform_admin"]] + [client_as(None), client_for(app, session_id)]:
        for page in _pages(path):
            assert client.get(page).status_code == 200, page
        assert "Night-time fall sensors" in text(client.get("/procurement/"))
        assert "Save the route" not in text(client.get(path))


# ---- who may edit ----------------------------------------------------------------------------------

def _edit_requests(path: str, tenderer_id: int) -> list[tuple[str, dict]]:
    return [
        (f"{path}/edit", {**NEW_CASE, "subject": "Changed"}),
        (f"{path}/route", {"procedure": "restricted", "instrument": "none"}),
        (f"{path}/timeline", {"notice_sent_on": "2026-01-01"}),
        (f"{path}/tenderers", {"organisation_id": "0", "name": "Intruder Ltd", "country": "DK"}),
        (f"{path}/tenderers/{tenderer_id}/admission", {f"a{tenderer_id}-admitted": "no", f"a{tenderer_id}-reason": "x"}),
        (f"{path}/tenderers/{tenderer_id}/art41", {f"t{tenderer_id}-info_shared": "x"}),
        (f"{path}/award", {"tenderer_id": tenderer_id, "contract_value_eur": "1", "reasons": "x"}),
        (f"{path}/status/cancelled", {"reason": "Not needed."}),
    ]


def _case_with_a_tenderer(app, client) -> tuple[str, int]:
    path = in_evaluation(client)
    assert client.post(f"{path}/tenderers", data={"organisation_id": "0", "name": "Bidder ApS", "country": "DK"}).status_code == 302
    with app.app_context():
        return path, db.session.get(ProcurementCase, case_id_of(path)).tenderers[0].id


def _snapshot(app, case_id: int):
    with app.app_context():
        case = db.session.get(ProcurementCase, case_id)
        return (case.subject, case.status, case.procedure, case.notice_sent_on, case.supplier_name,
                [(t.name, t.admitted, t.info_shared) for t in case.tenderers])


def test_only_the_authority_may_edit_a_published_case(app, world, client_as):
    authority = client_as("authority_admin")
    path, tenderer_id = _case_with_a_tenderer(app, authority)
    before = _snapshot(app, case_id_of(path))
    _, session_id = add_authority(app)
    for client in [client_as(role) for role in OUTSIDER_ROLES + ["platform_admin"]] + [client_for(app, session_id)]:
        assert client.get(f"{path}/edit").status_code == 403
        for url, data in _edit_requests(path, tenderer_id):
            assert client.post(url, data=data).status_code == 403, url
    anonymous = client_as(None)
    for url, data in _edit_requests(path, tenderer_id):
        response = anonymous.post(url, data=data)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert _snapshot(app, case_id_of(path)) == before
    # a member of the authority (not only its admin) edits
    member = client_as("authority_member")
    assert member.get(f"{path}/edit").status_code == 200
    assert member.post(f"{path}/edit", data={**NEW_CASE, "subject": "Changed by a member"}).status_code == 302
    assert _snapshot(app, case_id_of(path))[0] == "Changed by a member"


def test_in_planning_others_do_not_even_learn_the_case_exists(app, world, client_as):
    path = open_case(client_as("authority_admin"))
    for url, data in _edit_requests(path, 1):
        assert client_as("company_admin").post(url, data=data).status_code == 404, url
    assert client_as("platform_admin").post(f"{path}/edit", data=NEW_CASE).status_code == 403


@pytest.mark.parametrize("end", ["completed", "cancelled"])
def test_no_edits_once_completed_or_cancelled(app, world, client_as, end):
    authority = client_as("authority_admin")
    path, tenderer_id = _case_with_a_tenderer(app, authority)
    if end == "completed":
        assert authority.post(f"{path}/award", data={"tenderer_id": tenderer_id, "contract_value_eur": "290000",
                                                     "reasons": "The only tender, good value."}).status_code == 302
        move(authority, path, "awarded")
        assert post_timeline(authority, path, notice_sent_on="2026-03-02", award_decision_sent_on="2026-06-01",
                             contract_signed_on="2026-06-12").status_code == 302
        move(authority, path, "contract_signed", "completed")
    else:
        move(authority, path, "cancelled", reason="The budget was withdrawn.")
    case_id = case_id_of(path)
    assert status_of(app, case_id) == CaseStatus(end)
    before = _snapshot(app, case_id)
    page = text(authority.get(path))
    assert "Save the route" not in page and "Add the tenderer" not in page and 'id="actions-heading"' not in page
    assert authority.get(f"{path}/edit").status_code == 403
    for url, data in _edit_requests(path, tenderer_id) + [(f"{path}/status/completed", {"reason": ""})]:
        assert authority.post(url, data=data).status_code == 403, url
    assert _snapshot(app, case_id) == before

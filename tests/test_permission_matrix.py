"""Every role against every protected route: the status code each must get.

A new protected route must be added here; `test_every_rule_is_in_the_matrix` fails otherwise.
"""
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ppi.accounts.models import ClusterMembership, Invitation
from ppi.challenges.models import ChallengeAttachment, Question
from ppi.challenges.workflow import ChallengeStatus
from ppi.core.mail import queue_mail
from ppi.core.models import StoredFile
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from tests.conftest import add_challenge

ROLES = [
    None, "authority_admin", "authority_member", "company_admin", "company_member", "other_company_admin",
    "cluster_admin", "cluster_member", "unverified_admin", "platform_admin",
]
SIGNED_IN = ROLES[1:]


@dataclass
class Route:
    method: str
    path: str  # formatted with the world's ids
    expected: dict = field(default_factory=dict)  # role -> status; "*" for everyone signed in not listed
    data: dict = field(default_factory=dict)

    def status_for(self, role):
        if role is None:
            return self.expected.get(None, 302)  # anonymous: to the sign-in page
        return self.expected.get(role, self.expected.get("*", 403))


ALL = {"*": 200}
COMPANY_PEOPLE = {"company_admin": 200, "company_member": 200, "platform_admin": 200}

AUTHORITY_ONLY = {"authority_admin": 200, "authority_member": 200}
# A draft exists only for its authors, the facilitating cluster and the platform admin; others get 404.
DRAFT_VIEWERS = {None: 404, "*": 404, "authority_admin": 200, "authority_member": 200, "cluster_admin": 200,
                 "cluster_member": 200, "platform_admin": 200}

ROUTES = [
    Route("GET", "/", {None: 200, "*": 200}),
    Route("GET", "/organisations/", {None: 200, "*": 200}),
    Route("GET", "/organisations/{company}", {None: 200, "*": 200}),
    Route("GET", "/organisations/{unverified}", {None: 404, "*": 404, "unverified_admin": 200, "platform_admin": 200}),
    Route("GET", "/signup", {None: 200, "*": 302}),
    Route("POST", "/signup", {None: 200, "*": 302}, {"name": ""}),
    Route("POST", "/login", {None: 200, "*": 200}, {"email": "", "password": ""}),
    Route("POST", "/account/password", ALL, {"current_password": "wrong"}),
    Route("GET", "/login", {None: 200, "*": 200}),
    Route("GET", "/dashboard", ALL),
    Route("GET", "/account", ALL),
    Route("GET", "/account/password", ALL),
    Route("POST", "/account", ALL | {"*": 302}, {"display_name": "Renamed", "timezone": "UTC", "locale": "en"}),
    Route("POST", "/logout", {"*": 302}),
    Route("GET", "/organisations/{company}/edit", {"company_admin": 200}),
    Route("POST", "/organisations/{company}/edit", {"company_admin": 302}, {
        "name": "Renamed ApS", "country": "DK", "nuts_code": "DK031", "registration_number": "1",
        "staff_headcount": "3", "annual_turnover_eur": "1", "balance_sheet_total_eur": "1"}),
    Route("GET", "/organisations/{unverified}/edit", {"unverified_admin": 200, "*": 404, "platform_admin": 403}),
    Route("GET", "/organisations/{company}/people", COMPANY_PEOPLE),
    Route("POST", "/organisations/{company}/people", {"company_admin": 302}, {"email": "", "role": "member"}),
    Route("POST", "/organisations/{unverified}/people", {"*": 404, "unverified_admin": 403, "platform_admin": 403},
          {"email": "", "role": "member"}),
    Route("POST", "/users/{company_member_user}/role", {"company_admin": 302}, {"role": "admin"}),
    Route("POST", "/users/{company_member_user}/active", {"company_admin": 302}, {"active": "0"}),
    Route("GET", "/organisations/{company}/memberships", COMPANY_PEOPLE),
    Route("GET", "/organisations/{cluster}/memberships", {"cluster_admin": 200, "cluster_member": 200, "platform_admin": 200}),
    Route("POST", "/organisations/{cluster}/membership-request", {"company_admin": 302}, {"message": "Hello"}),
    Route("POST", "/memberships/{membership}/accept", {"cluster_admin": 302}, {"note": ""}),
    Route("POST", "/memberships/{membership}/decline", {"cluster_admin": 302}, {"note": ""}),
    Route("POST", "/memberships/{membership}/end", {"other_company_admin": 302}, {"note": ""}),  # withdraws its request
    Route("GET", "/organisations/{company}/audit", {"company_admin": 200, "platform_admin": 200}),
    Route("GET", "/organisations/{unverified}/audit", {"*": 404, "unverified_admin": 200, "platform_admin": 200}),
    Route("POST", "/organisations/{unverified}/verification-request", {"*": 404, "unverified_admin": 403, "platform_admin": 403}),
    Route("POST", "/invitations/{invitation}/revoke", {"company_admin": 302}),
    Route("GET", "/admin/organisations", {"platform_admin": 200}),
    Route("GET", "/admin/organisations/{unverified}", {"platform_admin": 200}),
    Route("POST", "/admin/organisations/{unverified}", {"platform_admin": 302}, {"decision": "verified", "note": ""}),
    Route("GET", "/admin/audit", {"platform_admin": 200}),
    Route("GET", "/admin/outbox", {"platform_admin": 200}),
    Route("GET", "/admin/outbox/{message}", {"platform_admin": 200}),
    Route("GET", "/challenges/", {None: 200, "*": 200}),
    Route("GET", "/challenges/feed.atom", {None: 200, "*": 200}),
    Route("GET", "/challenges/cpv", {None: 200, "*": 200}),
    Route("GET", "/challenges/manage", {"*": 200, "platform_admin": 403}),
    Route("GET", "/challenges/new", AUTHORITY_ONLY | {"authority_admin": 200, "authority_member": 200}),
    Route("POST", "/challenges/new", {"authority_admin": 400, "authority_member": 400}, {"title": ""}),
    Route("GET", "/challenges/{draft}", DRAFT_VIEWERS),
    Route("GET", "/challenges/{published}", {None: 200, "*": 200}),
    Route("GET", "/challenges/{draft}/edit", DRAFT_VIEWERS | {None: 302, "authority_admin": 200, "authority_member": 200,
                                                             "cluster_admin": 403, "cluster_member": 403, "platform_admin": 403}),
    Route("POST", "/challenges/{draft}/edit", DRAFT_VIEWERS | {None: 302, "authority_admin": 400, "authority_member": 400,
                                                              "cluster_admin": 403, "cluster_member": 403, "platform_admin": 403},
          {"title": ""}),
    Route("POST", "/challenges/{draft}/status/in_moderation", DRAFT_VIEWERS | {None: 302, "authority_admin": 302,
          "authority_member": 302, "cluster_admin": 403, "cluster_member": 403, "platform_admin": 403}),
    Route("POST", "/challenges/{published}/status/cancelled", {"authority_admin": 302, "authority_member": 302}, {"reason": "Budget cut"}),
    Route("POST", "/challenges/{published}/attachments", {"authority_admin": 400, "authority_member": 400}),
    Route("GET", "/challenges/{published}/attachments/{attachment}", {None: 200, "*": 200}),
    Route("POST", "/challenges/{published}/attachments/{attachment}/delete", {"authority_admin": 302, "authority_member": 302}),
    Route("POST", "/challenges/{published}/questions", {"company_admin": 302, "company_member": 302, "other_company_admin": 302},
          {"text": "Is there Wi-Fi?"}),
    Route("POST", "/challenges/questions/{question}/answer", {"authority_admin": 302, "authority_member": 302},
          {"q{question}-answer": "Yes"}),
    Route("POST", "/challenges/{published}/follow", {"*": 302}, {"follow": "1"}),
    Route("GET", "/notifications", ALL),
    Route("POST", "/notifications/read", {"*": 302}),
]

CASES = [pytest.param(role, route, id=f"{route.method} {route.path} as {role or 'anonymous'}") for route in ROUTES for role in ROLES]


@pytest.mark.parametrize("role, route", CASES)
def test_permission_matrix(app, world, client_as, role, route):
    with app.app_context():
        message = queue_mail("someone@example.org", "Subject", "Body")
        invitation = Invitation(organisation_id=world.orgs["company"], token_hash="0" * 64,
                                created_by_id=world.users["company_admin"], expires_at=utcnow() + timedelta(days=7))
        db.session.add(invitation)
        db.session.commit()
        challenge_ids = {"draft": add_challenge(world, ChallengeStatus.DRAFT, "A draft"), "published": add_challenge(world)}
        stored = StoredFile(filename="brief.pdf", content_type="application/pdf", size=9, sha256="0" * 64, data=b"%PDF-1.4\n%")
        attachment = ChallengeAttachment(challenge_id=challenge_ids["published"], file=stored, title="Brief")
        question = Question(challenge_id=challenge_ids["published"], asked_by_id=world.users["company_admin"],
                            asker_organisation_id=world.orgs["company"], text="Is there Wi-Fi?")
        db.session.add_all([attachment, question])
        db.session.commit()
        ids = {
            **challenge_ids,
            "attachment": attachment.id,
            "question": question.id,
            "invitation": invitation.id,
            **world.orgs,
            "company_member_user": world.users["company_member"],
            "membership": db.session.scalar(sa.select(ClusterMembership.id)),
            "message": message.id,
        }
    client = client_as(role)
    data = {key.format(**ids): value for key, value in route.data.items()}
    response = client.open(route.path.format(**ids), method=route.method, data=data)
    assert response.status_code == route.status_for(role), response.get_data(as_text=True)[:500]


def test_every_rule_is_in_the_matrix(app):
    """Each endpoint and method (but static files and the token links tested elsewhere) has a row above."""
    exempt = {"static", "main.set_language", "accounts.join", "accounts.reset_password", "accounts.forgot_password"}
    adapter = app.url_map.bind("localhost")
    covered = {(adapter.match(route.path.format_map(_AnyId()), method=route.method)[0], route.method) for route in ROUTES}
    required = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if rule.endpoint not in exempt
    }
    assert not required - covered, f"add these to the permission matrix: {sorted(required - covered)}"


class _AnyId(dict):
    def __missing__(self, key):
        return 1

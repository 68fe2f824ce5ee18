"""Every role against every protected route: the status code each must get.

A new protected route must be added here; `test_every_rule_is_in_the_matrix` fails otherwise.
"""
import hashlib
import io
import json
import string
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from ppi.accounts.models import ClusterMembership, Invitation, Organisation, OrganisationKind, User
from ppi.accounts.workflow import MembershipStatus
from ppi.cases import services as case_services
from ppi.challenges import services as challenge_services
from ppi.challenges.models import Challenge, ChallengeAttachment, Question
from ppi.challenges.workflow import ChallengeStatus
from ppi.core.mail import queue_mail
from ppi.core.models import StoredFile
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.matching import services as matching_services
from ppi.pilots import services as pilot_services
from ppi.pilots.models import Pilot, TestUser
from ppi.pilots.workflow import PilotStatus
from ppi.pools.workflow import ApplicationStatus
from ppi.procurement import services as procurement_services
from ppi.procurement.directive import ContractKind, Procedure
from ppi.procurement.workflow import CaseStatus
from ppi.proposals import services as proposal_services
from tests.conftest import add_challenge, add_org, built_once
from tests.pilots.helpers import add_pilot
from tests.pools.support import add_application, add_pool

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
    needs: tuple[str, ...] = ()  # data the row needs that its path does not name (built like a placeholder's)

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



def proposer(status):
    """The proposing company's people (an admin and a member: both act for it)."""
    return {"company_admin": status, "company_member": status}


def owners(status):
    """The authority owning the challenge (an admin and a member)."""
    return {"authority_admin": status, "authority_member": status}


# Proposals are invisible (404) to whoever may not read them, as if they did not exist.
HIDDEN = {"*": 404}
TEAM = HIDDEN | proposer(200)
PANEL_VIEWERS = owners(200) | {"cluster_member": 200}


def cluster(status):
    """The facilitating cluster (an admin and a member)."""
    return {"cluster_admin": status, "cluster_member": status}


def parties(status):
    """The three parties of a pilot: the authority, the company and the cluster (for a pool application: the authority as
    public partner, the applying company and the cluster administering the pool)."""
    return owners(status) | proposer(status) | cluster(status)

PUBLIC = {None: 200, "*": 200}
# A procurement case never published (in planning, or cancelled there): its authority's and, to look at, the platform
# admin's; nobody else's (404, anonymous too).
PLANNING_VIEWERS = {None: 404, "*": 404, "authority_admin": 200, "authority_member": 200, "platform_admin": 200}
CASES_LISTED = ("planning_case", "published_case", "withdrawn_case")
NEW_CASE = {"subject": "Night-time fall sensors", "contract_kind": "supplies", "estimated_value_eur": "300000",
            "cpv_codes": "33196200-2"}


# A draft or withdrawn case summary: its parties, the authority and the cluster (members and admins), and nobody else.
DRAFT_SUMMARY_VIEWERS = {None: 404, "*": 404, "authority_admin": 200, "authority_member": 200, "cluster_admin": 200,
                         "cluster_member": 200}


def in_planning(status):
    """Acting on a procurement case in planning: the authority gets `status`; the platform admin, who sees the case, 403;
    everyone else 404."""
    return HIDDEN | {"platform_admin": 403} | owners(status)


ROUTES = [
    Route("GET", "/", {None: 200, "*": 200}),
    Route("GET", "/accessibility", {None: 200, "*": 200}),  # the accessibility statement: public, linked from every page
    # Health checks: public, no sign-in (tests/core/test_health.py). The test database is built by create_all and has no
    # alembic_version table, so /readyz honestly says "not ready" (503) to everyone here.
    Route("GET", "/healthz", {None: 200, "*": 200}),
    Route("GET", "/readyz", {None: 503, "*": 503}),
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
    # Proposals. "proposal" is the company's on the open challenge, sealed: only the proposing company reads it, its
    # attachment and its receipt; the authority, the cluster, the platform admin and the other company (invited as a
    # partner, not yet confirmed) get 404. "propose" leads a company that has a proposal to it (302).
    Route("GET", "/proposals/mine", {"*": 200, "platform_admin": 403}),
    Route("GET", "/challenges/{published}/propose", proposer(302) | {"other_company_admin": 200}),
    Route("POST", "/challenges/{published}/propose", proposer(302) | {"other_company_admin": 400}, {"title": ""}),
    Route("GET", "/challenges/{draft}/propose", DRAFT_VIEWERS | owners(403) | {
        None: 302, "cluster_admin": 403, "cluster_member": 403, "platform_admin": 403}),
    Route("GET", "/challenges/{evaluating}/propose", proposer(302)),  # closed: nobody else proposes
    Route("GET", "/proposals/{proposal}", TEAM),
    Route("GET", "/proposals/{proposal}/edit", TEAM),
    Route("POST", "/proposals/{proposal}/edit", HIDDEN | proposer(400), {"title": ""}),
    Route("POST", "/proposals/{proposal}/submit", HIDDEN | proposer(400)),  # no declaration
    Route("POST", "/proposals/{proposal}/withdraw", HIDDEN | proposer(302)),
    Route("POST", "/proposals/{proposal}/partners", HIDDEN | proposer(400), {"organisation_id": "0"}),
    Route("POST", "/proposals/{proposal}/partners/{other_company}/remove", HIDDEN | proposer(302)),
    Route("POST", "/proposals/{proposal}/partnership", HIDDEN | {"other_company_admin": 302}, {"answer": "confirm"}),
    Route("POST", "/proposals/{proposal}/attachments", HIDDEN | proposer(400)),  # no file
    Route("GET", "/proposals/{proposal}/attachments/{proposal_attachment}", TEAM),
    Route("POST", "/proposals/{proposal}/attachments/{proposal_attachment}/delete", HIDDEN | proposer(302)),
    Route("GET", "/proposals/{proposal}/versions/1", TEAM),
    Route("GET", "/proposals/{proposal}/versions/1/files/{proposal_file}", TEAM),
    Route("GET", "/proposals/{proposal}/debrief", HIDDEN | proposer(403)),  # no decision yet
    Route("GET", "/challenges/{published}/evaluation", HIDDEN | owners(200)),
    Route("GET", "/challenges/{published}/evaluation/proposals/{proposal}", HIDDEN),  # sealed for the owners too
    Route("POST", "/challenges/{published}/evaluation/panel", HIDDEN | owners(400), {"user_id": "0"}),
    # "evaluated" is the company's on "evaluating": past the deadline, in evaluation, not yet scored. Panel:
    # authority_member (declared no conflict) and cluster_member ("panel_member", not declared). Only the declared
    # evaluator reads it, and the submitted version's files, not the working copy; the authority_admin not before the
    # panel has scored; the proposal no longer changes (409).
    Route("GET", "/proposals/{evaluated}", TEAM | {"authority_member": 200}),
    Route("GET", "/proposals/{evaluated}/edit", TEAM | proposer(409) | {"authority_member": 403}),
    Route("POST", "/proposals/{evaluated}/submit", HIDDEN | proposer(409) | {"authority_member": 403}, {"declaration": "y"}),
    Route("POST", "/proposals/{evaluated}/withdraw", HIDDEN | proposer(409) | {"authority_member": 403}),
    Route("GET", "/proposals/{evaluated}/attachments/{evaluated_attachment}", TEAM),
    Route("GET", "/proposals/{evaluated}/versions/1", TEAM | {"authority_member": 200}),
    Route("GET", "/proposals/{evaluated}/versions/1/files/{evaluated_file}", TEAM | {"authority_member": 200}),
    Route("GET", "/proposals/{evaluated}/debrief", HIDDEN | proposer(403) | {"authority_member": 403}),
    Route("GET", "/challenges/{evaluating}/evaluation", HIDDEN | PANEL_VIEWERS),
    Route("POST", "/challenges/{evaluating}/evaluation/panel", HIDDEN | owners(400) | {"cluster_member": 403}, {"user_id": "0"}),
    Route("POST", "/challenges/{evaluating}/evaluation/panel/{panel_member}/remove", HIDDEN | owners(302) | {"cluster_member": 403}),
    Route("POST", "/challenges/{evaluating}/evaluation/declaration", HIDDEN | {  # authority_member has declared already
        "authority_admin": 403, "authority_member": 400, "cluster_member": 302}, {"conflict": "no"}),
    Route("GET", "/challenges/{evaluating}/evaluation/proposals/{evaluated}", HIDDEN | {"authority_member": 200}),
    Route("POST", "/challenges/{evaluating}/evaluation/proposals/{evaluated}", HIDDEN | {"authority_member": 400},
          {"rows-0-criterion_id": "1", "rows-0-score": "eleven"}),
    Route("POST", "/challenges/{evaluating}/evaluation/decision", HIDDEN | owners(400) | {"cluster_member": 403}, {"reason": ""}),
    Route("GET", "/challenges/{evaluating}/evaluation/matrix.csv", owners(404)),  # not scored yet
    # "not_selected" is the company's on "decided": scored by authority_member, not selected (no award). The authority
    # now reads it; the debrief is the company's; the panel, the scores and the decision are final.
    Route("GET", "/proposals/{not_selected}", TEAM | owners(200)),
    Route("GET", "/proposals/{not_selected}/versions/1", TEAM | owners(200)),
    Route("GET", "/proposals/{not_selected}/debrief", TEAM | owners(403)),
    Route("GET", "/challenges/{decided}/evaluation", HIDDEN | owners(200)),
    Route("GET", "/challenges/{decided}/evaluation/proposals/{not_selected}", HIDDEN | owners(200)),
    Route("POST", "/challenges/{decided}/evaluation/proposals/{not_selected}", HIDDEN | owners(403)),
    Route("POST", "/challenges/{decided}/evaluation/decision", HIDDEN | owners(403), {"reason": "Again."}),
    Route("POST", "/challenges/{decided}/evaluation/declaration", HIDDEN | owners(403), {"conflict": "yes", "note": "Late."}),
    Route("POST", "/challenges/{decided}/evaluation/panel/{decided_panel_member}/remove", HIDDEN | owners(403)),
    Route("GET", "/challenges/{decided}/evaluation/matrix.csv", owners(200)),
    Route("GET", "/challenges/{decided}/evaluation/matrix.xlsx", owners(200)),
    # Pilots, all of the world's authority, company and cluster: "planning" (plan complete, agreed by the authority and
    # the company), "running" (with the test user "test_user", whose feedback link is "token", and the milestone
    # "milestone"), "completed" and "reported" (no conclusion written). Only verified members of the three parties see
    # a pilot (others 404, as if it did not exist); a party without the right gets 403; a move the state does not
    # allow, 409 (the state is judged before the party).
    Route("GET", "/pilots/", {"*": 200, "platform_admin": 403}),  # the platform admin has no organisation
    Route("GET", "/pilots/{planning}", HIDDEN | parties(200)),
    Route("GET", "/pilots/{running}", HIDDEN | parties(200)),
    Route("GET", "/pilots/{completed}", HIDDEN | parties(200)),
    Route("GET", "/pilots/{reported}", HIDDEN | parties(200)),
    Route("GET", "/pilots/{planning}/plan", HIDDEN | parties(200)),
    Route("POST", "/pilots/{planning}/plan", HIDDEN | parties(400), {"title": ""}),
    Route("GET", "/pilots/{running}/plan", HIDDEN | parties(403)),  # approved: the plan no longer changes
    Route("POST", "/pilots/{planning}/agree", HIDDEN | parties(302) | cluster(403)),  # the cluster approves instead
    Route("POST", "/pilots/{running}/agree", HIDDEN | parties(403)),
    Route("POST", "/pilots/{planning}/status/plan_approved", HIDDEN | parties(403) | cluster(302)),
    Route("POST", "/pilots/{planning}/status/running", HIDDEN | parties(409)),  # the plan is not approved yet
    Route("POST", "/pilots/{planning}/status/finished", HIDDEN),  # no such status
    Route("POST", "/pilots/{running}/status/paused", HIDDEN | owners(400) | proposer(403) | cluster(400), {"reason": ""}),
    Route("POST", "/pilots/{running}/status/completed", HIDDEN | parties(403) | cluster(302)),
    Route("POST", "/pilots/{completed}/status/reported", HIDDEN | parties(403) | cluster(400)),  # no conclusion yet
    Route("POST", "/pilots/{reported}/status/running", HIDDEN | parties(409)),
    Route("POST", "/pilots/{running}/test-users", HIDDEN | owners(400) | proposer(403) | cluster(400)),  # no group, site
    Route("POST", "/pilots/{planning}/test-users", HIDDEN | parties(403)),  # enrolment opens with the approved plan
    Route("POST", "/pilots/{running}/test-users/{test_user}/withdraw", HIDDEN | owners(302) | proposer(403) | cluster(302)),
    Route("POST", "/pilots/{running}/test-users/{test_user}/link", HIDDEN | owners(200) | proposer(403) | cluster(200)),
    Route("POST", "/pilots/{running}/test-users/{test_user}/revoke", HIDDEN | owners(302) | proposer(403) | cluster(302)),
    Route("POST", "/pilots/{completed}/test-users/{test_user}/revoke", HIDDEN | proposer(403)),  # not this pilot's
    Route("POST", "/pilots/{running}/log", HIDDEN | parties(400), {"what": ""}),
    Route("POST", "/pilots/{planning}/log", HIDDEN | parties(403), {"what": ""}),  # the log opens with the approved plan
    Route("POST", "/pilots/{running}/measurements", HIDDEN | owners(400) | proposer(400) | cluster(403), {"source": ""}),
    Route("POST", "/pilots/{running}/milestones/{milestone}/confirm", HIDDEN | parties(403) | cluster(302)),
    Route("POST", "/pilots/{running}/quotes", HIDDEN | parties(403)),  # not ended
    Route("POST", "/pilots/{completed}/quotes", HIDDEN | parties(403) | cluster(302)),
    Route("POST", "/pilots/{completed}/conclusion", HIDDEN | parties(403) | cluster(400), {"conclusion": ""}),
    Route("GET", "/pilots/{running}/report", HIDDEN | parties(200)),
    Route("GET", "/pilots/{reported}/report", HIDDEN | parties(200)),
    Route("POST", "/pilots/{reported}/decision", HIDDEN | parties(403) | owners(400), {"note": "Tender in 2027."}),  # no choice
    Route("POST", "/pilots/{running}/decision", HIDDEN | parties(403), {"decision": "proceed"}),  # not reported
    Route("GET", "/pilots/{running}/feedback.csv", HIDDEN | parties(200)),
    Route("GET", "/pilots/{running}/measurements.csv", HIDDEN | parties(200)),
    # The test user's own page: no sign-in, reached by the link's token only, whoever holds it.
    Route("GET", "/pilots/feedback/{token}", {None: 200, "*": 200}),
    Route("POST", "/pilots/feedback/{token}", {None: 400, "*": 400}, {"what_worked": "Quiet alarms."}),  # no SUS answers
    Route("GET", "/pilots/feedback/unknown-token", {None: 404, "*": 404}),
    # Pools: "pool" is the cluster's, open, with the company's "draft_application" from the running pilot;
    # "submitted_application" and "approved_application" (same pilot) are on pools of the cluster of their own. Pools
    # are public (public money); the cluster's and the authority's admins set one up; an application is seen by the
    # administering cluster, the company and the pilot's authority (others 404); only the cluster decides and pays.
    Route("GET", "/pools/", {None: 200, "*": 200}),
    Route("GET", "/pools/{pool}", {None: 200, "*": 200}),
    Route("GET", "/pools/new", {"authority_admin": 200, "cluster_admin": 200}),
    Route("POST", "/pools/new", {"authority_admin": 400, "cluster_admin": 400}, {"name": ""}),
    Route("POST", "/pools/{pool}/apply", proposer(400), {"purpose": ""}),  # a company with a pilot to fund
    Route("GET", "/pools/applications/{draft_application}", HIDDEN | parties(200)),
    Route("GET", "/pools/applications/{approved_application}", HIDDEN | parties(200)),
    Route("POST", "/pools/applications/{draft_application}/edit", HIDDEN | parties(403) | proposer(400), {"purpose": ""}),
    Route("POST", "/pools/applications/{submitted_application}/edit", HIDDEN | parties(403), {"purpose": "More."}),
    Route("POST", "/pools/applications/{draft_application}/de-minimis", HIDDEN | parties(403) | proposer(400),
          {"received_eur": "0"}),  # not confirmed
    Route("POST", "/pools/applications/{draft_application}/benefit", HIDDEN | parties(403) | owners(400), {"statement": ""}),
    Route("POST", "/pools/applications/{draft_application}/submit", HIDDEN | parties(403) | proposer(400)),  # no declarations
    Route("POST", "/pools/applications/{submitted_application}/decision", HIDDEN | parties(403) | cluster(400),
          {"decision": "approve", "amount": "500000", "reason": ""}),
    Route("POST", "/pools/applications/{draft_application}/decision", HIDDEN | parties(403),
          {"decision": "reject", "reason": "Not yet."}),  # not submitted
    Route("POST", "/pools/applications/{approved_application}/payments", HIDDEN | parties(403) | cluster(400), {"amount": "1"}),
    Route("POST", "/pools/applications/{submitted_application}/payments", HIDDEN | parties(403), {"amount": "1"}),  # not granted
    # Procurement, all of the world's authority: "planning_case" (in planning) and "published_case" (an open procedure,
    # published), each with the company as "…_tenderer", named as consulted before (a prior participant: Art 41);
    # "cancelled_case" (cancelled after publication) and "withdrawn_case" (cancelled in planning: never public);
    # "foreign_pilot" is another authority's. The list, its CSV and the OCDS package of all cases are public (built with
    # cases in planning, published and withdrawn; that only the published one is listed for others is checked below).
    # Members of verified authorities open cases, from their own pilots only (another's: 404). A case never published
    # exists only for its authority and the platform admin (others 404, anonymous too); a published one, its Art 84
    # report and its OCDS releases are everyone's. Only the authority's members edit (others 403, or 404 where the case
    # does not exist for them); nobody edits a cancelled case (403); a move the state does not allow, 409.
    Route("GET", "/procurement/", PUBLIC, needs=CASES_LISTED),
    Route("GET", "/procurement/cases.csv", PUBLIC, needs=CASES_LISTED),
    Route("GET", "/procurement/ocds.json", PUBLIC, needs=CASES_LISTED),
    Route("GET", "/procurement/new", owners(200)),
    Route("POST", "/procurement/new", owners(400), {"subject": ""}),
    Route("GET", "/procurement/new?pilot={planning}", owners(200)),
    Route("POST", "/procurement/new?pilot={planning}", owners(302), NEW_CASE),
    Route("GET", "/procurement/new?pilot={foreign_pilot}", owners(404)),
    Route("POST", "/procurement/new?pilot={foreign_pilot}", owners(404), NEW_CASE),
    Route("GET", "/procurement/new?challenge={published}", owners(200)),
    Route("GET", "/procurement/{planning_case}", PLANNING_VIEWERS),
    Route("GET", "/procurement/{planning_case}/report", PLANNING_VIEWERS),
    Route("GET", "/procurement/{planning_case}/ocds.json", PLANNING_VIEWERS),
    Route("GET", "/procurement/{published_case}", PUBLIC),
    Route("GET", "/procurement/{published_case}/report", PUBLIC),
    Route("GET", "/procurement/{published_case}/ocds.json", PUBLIC),
    Route("GET", "/procurement/{cancelled_case}", PUBLIC),
    Route("GET", "/procurement/{withdrawn_case}", PLANNING_VIEWERS),
    Route("GET", "/procurement/{withdrawn_case}/ocds.json", PLANNING_VIEWERS),
    Route("GET", "/procurement/{planning_case}/edit", in_planning(200)),
    Route("POST", "/procurement/{planning_case}/edit", in_planning(400), {"subject": ""}),
    Route("GET", "/procurement/{published_case}/edit", owners(200)),
    Route("POST", "/procurement/{published_case}/edit", owners(400), {"subject": ""}),
    Route("GET", "/procurement/{cancelled_case}/edit", {}),
    Route("POST", "/procurement/{cancelled_case}/edit", {}, NEW_CASE),
    Route("GET", "/procurement/{withdrawn_case}/edit", in_planning(403)),
    Route("POST", "/procurement/{planning_case}/route", in_planning(400), {"instrument": ""}),
    Route("POST", "/procurement/{published_case}/route", owners(400), {"instrument": "none", "framework_years": "many"}),
    Route("POST", "/procurement/{planning_case}/timeline", in_planning(400), {"notice_sent_on": "2 March"}),
    Route("POST", "/procurement/{published_case}/timeline", owners(400), {"tenders_received": "1", "tenders_from_smes": "2"}),
    Route("POST", "/procurement/{planning_case}/tenderers", in_planning(400), {"organisation_id": "0", "name": "", "country": "DK"}),
    Route("POST", "/procurement/{published_case}/tenderers", owners(400), {"organisation_id": "0", "name": "Bidder ApS"}),
    Route("POST", "/procurement/{planning_case}/tenderers/{planning_tenderer}/art41", in_planning(400),
          {"t{planning_tenderer}-info_shared_on": "soon"}),
    Route("POST", "/procurement/{published_case}/tenderers/{published_tenderer}/art41", owners(400),
          {"t{published_tenderer}-exclusion_hearing_on": "2026-02-30"}),
    Route("POST", "/procurement/{planning_case}/tenderers/{planning_tenderer}/admission", in_planning(400)),  # no choice
    Route("POST", "/procurement/{published_case}/tenderers/{published_tenderer}/admission", owners(400),
          {"a{published_tenderer}-admitted": "maybe"}),
    Route("POST", "/procurement/{planning_case}/award", in_planning(400), {"contract_value_eur": "1", "reasons": ""}),
    Route("POST", "/procurement/{published_case}/award", owners(400), {"tenderer_id": "0", "contract_value_eur": "1",
                                                                        "reasons": "Best."}),  # no tenderer chosen
    Route("POST", "/procurement/{planning_case}/status/awarded", in_planning(409)),
    Route("POST", "/procurement/{planning_case}/status/finished", in_planning(404)),  # no such status
    Route("POST", "/procurement/{published_case}/status/tenders_received", owners(302)),
    Route("POST", "/procurement/{published_case}/status/contract_signed", owners(409)),
    Route("POST", "/procurement/{published_case}/status/cancelled", owners(400), {"reason": ""}),  # no reason
    Route("POST", "/procurement/{published_case}/status/finished", owners(404)),
    Route("POST", "/procurement/{cancelled_case}/status/published", {}),
    # The case library: "draft_summary", "published_summary" and "withdrawn_summary" are about reported pilots of the
    # world's authority and cluster, their parties (every verified member of either); "reported" has no summary yet,
    # "running" may not have one, nor "published_case" (still open); "cancelled_case" (a case of its own, cancelled after
    # publication) has only its authority for a party. A draft or a withdrawn summary exists only for its parties (others
    # 404, anonymous too); a published one is everyone's. The state is judged before the party (409).
    Route("GET", "/library/", PUBLIC, needs=("published_summary", "draft_summary")),
    Route("GET", "/library/mine", {"*": 403} | owners(200) | cluster(200)),
    Route("GET", "/library/new?pilot={reported}", HIDDEN | owners(200) | proposer(403) | cluster(200)),
    Route("POST", "/library/new?pilot={reported}", HIDDEN | owners(400) | proposer(403) | cluster(400), {"title": ""}),
    Route("GET", "/library/new?pilot={running}", HIDDEN | parties(409)),
    Route("GET", "/library/new?case={published_case}", {"*": 409}),
    Route("GET", "/library/new?case={cancelled_case}", owners(200)),
    Route("GET", "/library/new?case={withdrawn_case}", in_planning(409) | {"platform_admin": 409}),
    Route("GET", "/library/{draft_summary}", DRAFT_SUMMARY_VIEWERS),
    Route("GET", "/library/{published_summary}", PUBLIC),
    Route("GET", "/library/{withdrawn_summary}", DRAFT_SUMMARY_VIEWERS),
    Route("GET", "/library/{draft_summary}/edit", HIDDEN | owners(200) | cluster(200)),
    Route("POST", "/library/{draft_summary}/edit", HIDDEN | owners(400) | cluster(400), {"title": ""}),
    Route("GET", "/library/{published_summary}/edit", {"*": 409}),
    Route("GET", "/library/{withdrawn_summary}/edit", HIDDEN | owners(409) | cluster(409)),
    Route("GET", "/library/{draft_summary}/publish", HIDDEN | owners(200) | cluster(200)),
    Route("GET", "/library/{published_summary}/publish", {"*": 409}),
    Route("POST", "/library/{draft_summary}/approve", HIDDEN | owners(302) | cluster(302), {"revision": "1"}),
    Route("POST", "/library/{published_summary}/approve", {"*": 409}, {"revision": "1"}),
    Route("POST", "/library/{published_summary}/withdraw", owners(400) | cluster(400), {"reason": ""}),
    Route("POST", "/library/{draft_summary}/withdraw", HIDDEN | owners(409) | cluster(409), {"reason": "Wrong."}),
    Route("POST", "/library/{withdrawn_summary}/reopen", HIDDEN | owners(302) | cluster(302)),
    Route("POST", "/library/{published_summary}/reopen", {"*": 409}),
    # The JSON API (/api/v1/) is the public's view, the same whoever asks: what is not public (a draft, an unverified
    # organisation, a case never published, a table not for the public) does not exist there (404), not even for its owners.
    Route("GET", "/api/v1/", PUBLIC),
    Route("GET", "/api/v1/openapi.json", PUBLIC),
    Route("GET", "/api/v1/challenges", PUBLIC),
    Route("GET", "/api/v1/challenges/{published}", PUBLIC),
    Route("GET", "/api/v1/challenges/{draft}", {None: 404, "*": 404}),
    Route("GET", "/api/v1/organisations", PUBLIC),
    Route("GET", "/api/v1/organisations/{company}", PUBLIC),
    Route("GET", "/api/v1/organisations/{unverified}", {None: 404, "*": 404}),
    Route("GET", "/api/v1/procurement/cases", PUBLIC, needs=CASES_LISTED),
    Route("GET", "/api/v1/procurement/cases/{published_case}", PUBLIC),
    Route("GET", "/api/v1/procurement/cases/{planning_case}", {None: 404, "*": 404}),
    Route("GET", "/api/v1/library", PUBLIC, needs=("published_summary", "draft_summary")),
    Route("GET", "/api/v1/library/{published_summary}", PUBLIC),
    Route("GET", "/api/v1/library/{draft_summary}", {None: 404, "*": 404}),
    Route("GET", "/api/v1/library/{withdrawn_summary}", {None: 404, "*": 404}),
    Route("GET", "/api/v1/indicators", PUBLIC),
    Route("GET", "/api/v1/indicators/pipeline", PUBLIC),
    Route("GET", "/api/v1/indicators/pilot_results", {None: 404, "*": 404}),
    # Indicators: the public page, its downloads and the open data are everyone's. An authority's and a cluster's own
    # figures are their verified members'; the whole platform's, the platform admin's. A table the audience does not
    # get (pilot results are not public): 404.
    Route("GET", "/indicators/", PUBLIC),
    Route("GET", "/indicators/public?granularity=month&from=2026-01-01", PUBLIC),
    Route("GET", "/indicators/authority", owners(200)),
    Route("GET", "/indicators/cluster", cluster(200)),
    Route("GET", "/indicators/platform", {"platform_admin": 200}),
    Route("GET", "/indicators/public/tables/funnel.csv", PUBLIC),
    Route("GET", "/indicators/public/tables/pilot_results.csv", HIDDEN | {None: 404}),
    Route("GET", "/indicators/authority/tables/pilot_results.xlsx", owners(200)),
    Route("GET", "/indicators/cluster/tables/clusters.csv", cluster(200)),
    Route("GET", "/indicators/platform/tables/no_such_table.csv", {"platform_admin": 404}),
    Route("GET", "/indicators/public/export.xlsx", PUBLIC),
    Route("GET", "/indicators/cluster/export.zip", cluster(200)),
    Route("GET", "/indicators/platform/export.xlsx", {"platform_admin": 200}),
    Route("GET", "/open-data", PUBLIC),
    Route("GET", "/open-data/challenges.csv", PUBLIC),
    Route("GET", "/open-data/challenges.json", PUBLIC),
    # Competence profiles and matching. "competence" is the world's company's; "consented_competence" too, the company
    # being a member of the world's cluster and consenting that it edits the profile ("consent"). Profiles are as public
    # as their company. "moderated" is a challenge in moderation: the authority and the facilitating cluster see its
    # suggested companies (others: the challenge does not exist for them), and on the published one too (others 403);
    # only the cluster invites and, once published, shares.
    Route("GET", "/organisations/{company}/competences", PUBLIC),
    Route("GET", "/organisations/{unverified}/competences", {None: 404, "*": 404, "unverified_admin": 200,
                                                             "platform_admin": 200}),
    Route("GET", "/organisations/{company}/competences/new", {"company_admin": 200}),
    Route("POST", "/organisations/{company}/competences/new", {"company_admin": 400}, {"statement": ""}),
    Route("GET", "/competences/{competence}/edit", {"company_admin": 200}),
    Route("POST", "/competences/{competence}/edit", {"company_admin": 400}, {"statement": ""}),
    Route("POST", "/competences/{competence}/delete", {"company_admin": 302}),
    Route("GET", "/competences/{consented_competence}/edit", {"company_admin": 200} | cluster(200)),
    Route("POST", "/competences/{consented_competence}/delete", {"company_admin": 302} | cluster(302)),
    Route("POST", "/organisations/{company}/competences/profile", {"company_admin": 400}, {"markets": "Narnia"}),
    Route("POST", "/organisations/{company}/profile-consents", {"company_admin": 400}, {"cluster_id": "0"}),
    Route("POST", "/profile-consents/{consent}/revoke", {"company_admin": 302}),
    Route("GET", "/challenges/{moderated}/matches", HIDDEN | {None: 302, "platform_admin": 403} | owners(200) | cluster(200)),
    Route("GET", "/challenges/{published}/matches", owners(200) | cluster(200)),
    Route("GET", "/challenges/{draft}/matches", DRAFT_VIEWERS | {None: 302} | owners(403) | cluster(403) | {"platform_admin": 403}),
    Route("POST", "/challenges/{moderated}/invitations", HIDDEN | {None: 302, "platform_admin": 403} | owners(403) | cluster(400)),
    Route("POST", "/challenges/{published}/invitations", cluster(400), {"company_id": ""}),
    Route("POST", "/challenges/{published}/shares", cluster(400), {"cluster_id": "0"}),
    Route("POST", "/challenges/{moderated}/shares", HIDDEN | {None: 302, "platform_admin": 403} | owners(403) | cluster(403),
          {"cluster_id": "0"}),
]

CASES = [pytest.param(role, route, id=f"{route.method} {route.path} as {role or 'anonymous'}") for route in ROUTES for role in ROLES]


@pytest.mark.parametrize("role, route", CASES)
def test_permission_matrix(app, backend, world, client_as, role, route):
    with app.app_context():
        # The data depends only on the world and the row's placeholders: built for the first row and role that need it,
        # then put back as it was for the others (`built_once`, in tests/conftest.py).
        ids = built_once(backend, ("permission matrix", frozenset(_placeholders(route)), repr(world)),
                         lambda: _matrix_data(world, _placeholders(route)))
    client = client_as(role)
    data = {key.format(**ids): value for key, value in route.data.items()}
    response = client.open(route.path.format(**ids), method=route.method, data=data)
    assert response.status_code == route.status_for(role), response.get_data(as_text=True)[:500]


def _matrix_data(world, keys: set[str]) -> dict:
    """The data of a row of the matrix whose placeholders are `keys` (inside an app context): the ids to format its path
    and data with."""
    message = queue_mail("someone@example.org", "Subject", "Body")
    invitation = Invitation(organisation_id=world.orgs["company"], token_hash="0" * 64,
                            created_by_id=world.users["company_admin"], expires_at=utcnow() + timedelta(days=7))
    db.session.add(invitation)
    db.session.commit()
    challenge_ids = {"draft": add_challenge(world, ChallengeStatus.DRAFT, "A draft"), "published": add_challenge(world)}
    brief = b"%PDF-1.4\n%"
    stored = StoredFile(filename="brief.pdf", content_type="application/pdf", size=len(brief),
                        sha256=hashlib.sha256(brief).hexdigest(), data=brief)
    attachment = ChallengeAttachment(challenge_id=challenge_ids["published"], file=stored, title="Brief")
    question = Question(challenge_id=challenge_ids["published"], asked_by_id=world.users["company_admin"],
                        asker_organisation_id=world.orgs["company"], text="Is there Wi-Fi?")
    db.session.add_all([attachment, question])
    db.session.commit()
    return {
        **challenge_ids,
        **_proposals(world, challenge_ids["published"], keys),
        **_pilots_and_pools(world, keys),
        **_procurement(world, keys),
        **_matching(world, keys),
        **_case_summaries(world, keys),
        "attachment": attachment.id,
        "question": question.id,
        "invitation": invitation.id,
        **world.orgs,
        "company_member_user": world.users["company_member"],
        "membership": db.session.scalar(sa.select(ClusterMembership.id)),
        "message": message.id,
    }


PROPOSAL = proposal_services.ProposalData(
    title="NightWatch radar", summary="Ceiling radar that alerts night staff.", description="Radar units without cameras.",
    trl=6, evidence="Tested in two care homes.", test_users_needed=40, sites_needed=3, duration_weeks=12,
    pilot_price_eur=Decimal(48000))


# The keys of the two closed challenges' data: built only for the rows that use them (each costs ~60 statements).
EVALUATING_KEYS = {"evaluating", "evaluated", "evaluated_attachment", "evaluated_file", "panel_member"}
DECIDED_KEYS = {"decided", "not_selected", "decided_panel_member"}


def _proposals(world, published_id: int, keys: set[str]) -> dict[str, int]:
    """The proposal data of the matrix, built by the services with the real actors (inside an app context):
    "proposal" on the open challenge, always; "evaluated" on "evaluating" and "not_selected" on "decided" when
    `keys` (the placeholders of the row) need them. See the rows for what each is."""
    def user(role):
        return db.session.get(User, world.users[role])

    company, authority, evaluator = user("company_admin"), user("authority_admin"), user("authority_member")
    proposal, attachment = _submitted(company, db.session.get(Challenge, published_id))
    proposal_services.add_partner(company, proposal, world.orgs["other_company"])
    ids = {"proposal": proposal.id, "proposal_attachment": attachment.id, "proposal_file": attachment.file_id}

    if keys & EVALUATING_KEYS:
        evaluating, evaluated, evaluated_attachment = _in_evaluation(world, "Wandering at night", company, authority, evaluator)
        panel_member = proposal_services.add_panel_member(authority, evaluating, world.users["cluster_member"])
        ids |= {"evaluating": evaluating.id, "evaluated": evaluated.id, "evaluated_attachment": evaluated_attachment.id,
                "evaluated_file": evaluated_attachment.file_id, "panel_member": panel_member.id}
    if keys & DECIDED_KEYS:
        decided, not_selected, _ = _in_evaluation(world, "Medication rounds", company, authority, evaluator)
        member = proposal_services.panel_member(decided, evaluator)
        proposal_services.save_scores(evaluator, member, not_selected, {c.id: (4, "Little effect.") for c in decided.criteria})
        proposal_services.decide(authority, decided, [], "No proposal met the need.")  # no award: no pilot to open
        ids |= {"decided": decided.id, "not_selected": not_selected.id, "decided_panel_member": member.id}
    db.session.commit()
    return ids


def _placeholders(route: Route) -> set[str]:
    names = {name for text in (route.path, *route.data) for _, name, _, _ in string.Formatter().parse(text) if name}
    return names | set(route.needs)


def _submitted(company, challenge, now=None):
    """The company's proposal with one attachment, submitted once (version 1)."""
    proposal = proposal_services.create_proposal(company, challenge, PROPOSAL, now=now)
    upload = FileStorage(io.BytesIO(b"%PDF-1.4\n% datasheet\n"), filename="datasheet.pdf", content_type="application/pdf")
    attachment = proposal_services.add_attachment(company, proposal, upload, "Datasheet", now=now)
    proposal_services.submit(company, proposal, True, now=now)
    return proposal, attachment


def _in_evaluation(world, title, company, authority, evaluator):
    """A challenge whose proposal deadline passed yesterday, with the company's proposal submitted before it, moved to
    evaluation, and `evaluator` on the panel with no conflict declared."""
    now = utcnow()
    challenge = db.session.get(Challenge, add_challenge(world, title=title, days_to_questions=-10, days_to_proposals=-1,
                                                        published_at=now - timedelta(days=30)))
    proposal, attachment = _submitted(company, challenge, now=now - timedelta(days=2))
    member = proposal_services.add_panel_member(authority, challenge, evaluator.id)
    challenge_services.transition(authority, challenge, ChallengeStatus.IN_EVALUATION)
    proposal_services.declare(evaluator, member, False, None)
    return challenge, proposal, attachment


MATCHING_KEYS = {"moderated", "competence", "consented_competence", "consent"}


def _matching(world, keys: set[str]) -> dict[str, int]:
    """The matching data of the matrix that `keys` (the placeholders of the row) need: see the rows for what each is."""
    ids = {}
    if "moderated" in keys:
        ids["moderated"] = add_challenge(world, ChallengeStatus.IN_MODERATION, "Night-time falls, in moderation")
    if keys & {"competence", "consented_competence", "consent"}:
        company_admin = db.session.get(User, world.users["company_admin"])
        company = db.session.get(Organisation, world.orgs["company"])
        ids["competence"] = matching_services.add_competence(
            company_admin, company, matching_services.CompetenceData("Ceiling radar fall alerts", 7, cpv_codes=["33196200"])).id
        if keys & {"consented_competence", "consent"}:
            db.session.add(ClusterMembership(cluster_id=world.orgs["cluster"], company_id=company.id,
                                             status=MembershipStatus.ACCEPTED))
            db.session.flush()
            ids["consent"] = matching_services.grant_consent(company_admin, company, world.orgs["cluster"]).id
            ids["consented_competence"] = ids["competence"]
        db.session.commit()
    return ids


SUMMARY_KEYS = {"draft_summary", "published_summary", "withdrawn_summary"}


def _case_summaries(world, keys: set[str]) -> dict[str, int]:
    """The case summaries of the matrix that `keys` need, each about a reported pilot of its own, written by the
    authority's member and approved by both parties through the services (inside an app context)."""
    authority, cluster = (db.session.get(User, world.users[role]) for role in ("authority_member", "cluster_member"))
    texts = case_services.SummaryTexts("Radar at night", "Ceiling radar.", "Test Region and Test Cluster.", None,
                                       "Alerts must reach the phone.", None)
    ids = {}
    for key in sorted(keys & SUMMARY_KEYS):
        pilot = db.session.get(Pilot, add_pilot(world, PilotStatus.REPORTED, agreed=True))
        summary = case_services.start(authority, case_services.Source(pilot=pilot), texts)
        if key != "draft_summary":
            case_services.approve(authority, summary, summary.revision)
            case_services.approve(cluster, summary, summary.revision)
        if key == "withdrawn_summary":
            case_services.withdraw(cluster, summary, "The figures were wrong.")
        ids[key] = summary.id
    db.session.commit()
    return ids


# The keys of the pilots' and pools' data: each pilot costs ~15 statements, each pool and application one or two; built
# only for the rows that use them.
RUNNING_KEYS = {"running", "test_user", "milestone", "token"}
APPLICATIONS = {"submitted_application": ApplicationStatus.SUBMITTED, "approved_application": ApplicationStatus.APPROVED}
POOL_KEYS = {"pool", "draft_application", *APPLICATIONS}
FEEDBACK_TOKEN = "matrix-feedback-token"  # the running pilot's test user's link


def _pilots_and_pools(world, keys: set[str]) -> dict:
    """The pilot and pool data of the matrix that `keys` (the placeholders of the row) need, inside an app context. See
    the rows for what each is."""
    ids = {}
    for key, status in (("planning", PilotStatus.PLANNING), ("completed", PilotStatus.COMPLETED),
                        ("reported", PilotStatus.REPORTED)):
        if key in keys:
            ids[key] = add_pilot(world, status, agreed=True)
    if keys & (RUNNING_KEYS | POOL_KEYS):
        running = db.session.get(Pilot, add_pilot(world, PilotStatus.RUNNING, agreed=True))
        test_user = TestUser(pilot_id=running.id, code="MATRX2", group_id=running.groups[0].id, site_id=running.sites[0].id,
                             consent_on=date.today(), consent_version=running.consent_version,
                             token_hash=pilot_services.token_hash(FEEDBACK_TOKEN))
        db.session.add(test_user)
        db.session.commit()
        ids |= {"running": running.id, "test_user": test_user.id, "milestone": running.milestones[0].id, "token": FEEDBACK_TOKEN}
    if keys & POOL_KEYS:
        ids["pool"] = add_pool(world)
        ids["draft_application"] = add_application(world, ids["pool"], ids["running"])
        for key, status in APPLICATIONS.items():  # one application per pool and pilot: each on a pool of its own
            if key in keys:
                ids[key] = add_application(world, add_pool(world, name=f"Pool of the {key}"), ids["running"], status,
                                           benefit=True, declared=True,
                                           approved=Decimal(500_000) if status == ApplicationStatus.APPROVED else None)
    return ids


# The keys of the procurement data: built only for the rows that use them.
PROCUREMENT_KEYS = {"planning_case", "planning_tenderer", "published_case", "published_tenderer", "cancelled_case",
                    "withdrawn_case"}


def _procurement(world, keys: set[str]) -> dict[str, int]:
    """The procurement data of the matrix that `keys` (the placeholders of the row) need, built by the services with the
    authority's admin (inside an app context). See the rows for what each is."""
    ids = {}
    if "foreign_pilot" in keys:
        other = add_org("Other Municipality", OrganisationKind.PUBLIC_AUTHORITY)
        db.session.flush()
        pilot = db.session.get(Pilot, add_pilot(world, PilotStatus.REPORTED, agreed=True))
        pilot.authority_id = pilot.challenge.lead_authority_id = other.id
        db.session.commit()
        ids["foreign_pilot"] = pilot.id
    if not keys & PROCUREMENT_KEYS:
        return ids
    actor = db.session.get(User, world.users["authority_admin"])
    company = db.session.get(Organisation, world.orgs["company"])

    def case_with_tenderer(subject):
        case = procurement_services.open_case(
            actor, procurement_services.CaseData(subject, ContractKind.SUPPLIES, Decimal(300_000), ["33196200"]),
            consultation_participants=[company.name])
        tenderer = procurement_services.add_tenderer(actor, case, company.name, "DK", True, company)
        return case, tenderer

    if keys & {"planning_case", "planning_tenderer"}:
        case, tenderer = case_with_tenderer(PLANNING_SUBJECT)
        ids |= {"planning_case": case.id, "planning_tenderer": tenderer.id}
    def published(subject):
        case, tenderer = case_with_tenderer(subject)
        procurement_services.set_fields(actor, case, {"procedure": Procedure.OPEN, "electronic_submission": True},
                                        procurement_services.ROUTE_FIELDS, "procurement.route")
        procurement_services.set_fields(actor, case, {"notice_sent_on": date(2026, 3, 2), "tenders_deadline": date(2026, 4, 10)},
                                        procurement_services.TIMELINE_FIELDS, "procurement.timeline")
        procurement_services.transition(actor, case, CaseStatus.PUBLISHED)
        return case, tenderer

    if keys & {"published_case", "published_tenderer"}:
        case, tenderer = published(PUBLISHED_SUBJECT)
        ids |= {"published_case": case.id, "published_tenderer": tenderer.id}
    if "cancelled_case" in keys:
        case, _ = published("Fall sensors, no longer needed")
        procurement_services.transition(actor, case, CaseStatus.CANCELLED, "The budget was withdrawn.")
        ids["cancelled_case"] = case.id
    if "withdrawn_case" in keys:
        case, _ = case_with_tenderer(WITHDRAWN_SUBJECT)
        procurement_services.transition(actor, case, CaseStatus.CANCELLED, "Bought with the neighbours instead.")
        ids["withdrawn_case"] = case.id
    db.session.commit()
    return ids


PLANNING_SUBJECT = "Fall sensors: early market dialogue"
PUBLISHED_SUBJECT = "Fall sensors, open procedure"
WITHDRAWN_SUBJECT = "Fall sensors: dropped before publication"


def test_a_case_never_published_is_listed_for_its_authority_only(app, world, client_as):
    """The public list, its CSV and the OCDS package of all cases: the cases in planning and withdrawn in planning only in
    their authority's list and CSV, never in the OCDS package; the published case in everyone's."""
    with app.app_context():
        ids = _procurement(world, set(CASES_LISTED))
    for role in ROLES:
        client = client_as(role)
        page, csv = (client.get(path).get_data(as_text=True) for path in ("/procurement/", "/procurement/cases.csv"))
        ocds = client.get("/procurement/ocds.json").get_json()
        ocids = {release["ocid"].rsplit("-", 1)[1] for release in ocds["releases"]}
        assert PUBLISHED_SUBJECT in page and PUBLISHED_SUBJECT in csv and ocids == {str(ids["published_case"])}, role
        own = role in ("authority_admin", "authority_member")
        for key, subject in (("planning_case", PLANNING_SUBJECT), ("withdrawn_case", WITHDRAWN_SUBJECT)):
            assert subject not in json.dumps(ocds), (role, key)
            link = f'href="/procurement/{ids[key]}"'
            assert (subject in page, link in page, subject in csv) == (own, own, own), (role, key)


def test_every_rule_is_in_the_matrix(app):
    """Each endpoint and method (but static files and the token links tested elsewhere) has a row above."""
    exempt = {"static", "main.set_language", "accounts.join", "accounts.reset_password", "accounts.forgot_password"}
    adapter = app.url_map.bind("localhost")
    covered = {(adapter.match(route.path.format_map(_AnyId()).partition("?")[0], method=route.method)[0], route.method)
               for route in ROUTES}
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

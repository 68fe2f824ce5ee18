"""Invitations, verification, people, cluster memberships and the audit log, through the app."""
import re

import pytest
import sqlalchemy as sa

from ppi.accounts.models import ClusterMembership, Invitation, Organisation, OrgRole, User
from ppi.accounts.workflow import MembershipStatus, VerificationStatus
from ppi.core.models import AppendOnlyViolation, AuditEntry, OutboxMessage
from ppi.core.timeutil import utcnow
from ppi.extensions import db

NEW_PASSWORD = "Fjordblue-Lighthouse-77"


def join_form(email="new.colleague@company.test.org", **overrides):
    form = {"display_name": "New Colleague", "email": email, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    form.update(overrides)
    return form


def create_invitation(client, org_id, email="", role="member") -> str:
    response = client.post(f"/organisations/{org_id}/people", data={"email": email, "role": role})
    assert response.status_code == 302
    flashed = client.get(response.location).get_data(as_text=True)
    return re.search(r"/join/([\w-]+)", flashed).group(1)


def test_invitation_link_joins_the_organisation_once(app, world, client_as, client):
    token = create_invitation(client_as("company_admin"), world.orgs["company"])
    page = client.get(f"/join/{token}")
    assert page.status_code == 200 and "Test Company ApS" in page.get_data(as_text=True)
    response = client.post(f"/join/{token}", data=join_form())
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "new.colleague@company.test.org"))
        assert user.organisation_id == world.orgs["company"] and user.org_role == OrgRole.MEMBER
        invitation = db.session.scalar(sa.select(Invitation))
        assert invitation.accepted_by_id == user.id and len(invitation.token_hash) == 64
        assert token not in invitation.token_hash  # only the hash is stored
    other = client_as(None)
    assert other.get(f"/join/{token}").status_code == 404  # single use
    assert other.post(f"/join/{token}", data=join_form(email="second@company.test.org")).status_code == 404


def test_invitation_for_an_address_is_mailed_and_bound_to_it(app, world, client_as, client):
    token = create_invitation(client_as("company_admin"), world.orgs["company"], email="Named@Company.test.org", role="admin")
    with app.app_context():
        message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_address == "named@company.test.org"))
        assert f"/join/{token}" in message.body
    wrong = client.post(f"/join/{token}", data=join_form(email="someone.else@company.test.org"))
    assert 'id="email-error"' in wrong.get_data(as_text=True)
    assert client.post(f"/join/{token}", data=join_form(email="named@company.test.org")).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(User.org_role).where(User.email == "named@company.test.org")) == OrgRole.ADMIN


def test_an_invitation_to_an_address_is_written_in_the_inviters_language(app, world, client_as):
    with app.app_context():
        db.session.get(User, world.users["company_admin"]).locale = "da"
        db.session.commit()
    create_invitation(client_as("company_admin"), world.orgs["company"], email="kollega@company.test.org")
    with app.app_context():
        message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_address == "kollega@company.test.org"))
        assert message.subject == "Test Company ApS inviterer dig til PPI"


def test_expired_and_revoked_invitations_are_refused(app, world, client_as, client):
    admin = client_as("company_admin")
    expired = create_invitation(admin, world.orgs["company"])
    revoked = create_invitation(admin, world.orgs["company"])
    with app.app_context():
        first, second = db.session.scalars(sa.select(Invitation).order_by(Invitation.id)).all()
        first.expires_at = utcnow()
        db.session.commit()
        second_id = second.id
    assert admin.post(f"/invitations/{second_id}/revoke").status_code == 302
    assert client.get(f"/join/{expired}").status_code == 404
    assert client.get(f"/join/{revoked}").status_code == 404
    assert client_as("other_company_admin").post(f"/invitations/{second_id}/revoke").status_code == 403


def test_invitation_form_errors_keep_the_input(app, world, client_as):
    response = client_as("company_admin").post(
        f"/organisations/{world.orgs['company']}/people", data={"email": "not an address", "role": "member"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="email-error"' in page and 'value="not an address"' in page
    taken = client_as("company_admin").post(
        f"/organisations/{world.orgs['company']}/people", data={"email": "member@authority.test.org", "role": "member"}
    )
    assert "has an account already" in taken.get_data(as_text=True)


def test_unverified_organisations_cannot_invite(app, world, client_as):
    client = client_as("unverified_admin")
    org_id = world.orgs["unverified"]
    assert "once your organisation is verified" in client.get(f"/organisations/{org_id}/people").get_data(as_text=True)
    assert client.post(f"/organisations/{org_id}/people", data={"email": "", "role": "member"}).status_code == 403


def test_unverified_organisation_edits_its_profile(app, world, client_as):
    client = client_as("unverified_admin")
    org_id = world.orgs["unverified"]
    form = {"name": "Unverified GmbH", "country": "AT", "nuts_code": "AT127", "registration_number": "FN 1234",
            "website": "", "description": "Sensors", "staff_headcount": "60", "annual_turnover_eur": "9000000",
            "balance_sheet_total_eur": "8000000"}
    assert client.post(f"/organisations/{org_id}/edit", data=form).status_code == 302
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        assert org.nuts_code == "AT127" and org.size_class.value == "medium"
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "organisation.updated"))
        assert entry.before["nuts_code"] == "AT12" and entry.after["nuts_code"] == "AT127"
        assert "name" not in entry.after  # only what changed
    bad = client.post(f"/organisations/{org_id}/edit", data={**form, "staff_headcount": "many"})
    assert 'id="staff_headcount-error"' in bad.get_data(as_text=True) and 'value="AT127"' in bad.get_data(as_text=True)


def test_platform_admin_verifies_and_the_organisation_may_act(app, world, client_as):
    root = client_as("platform_admin")
    org_id = world.orgs["unverified"]
    assert "Unverified GmbH" in root.get("/admin/organisations").get_data(as_text=True)
    missing = root.post(f"/admin/organisations/{org_id}", data={"decision": "rejected", "note": ""})
    assert missing.status_code == 400 and 'id="note-error"' in missing.get_data(as_text=True)
    impossible = root.post(f"/admin/organisations/{org_id}", data={"decision": "suspended", "note": "x"})
    assert 'id="decision-error"' in impossible.get_data(as_text=True)
    assert root.post(f"/admin/organisations/{org_id}", data={"decision": "verified", "note": "CVR checked"}).status_code == 302
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        assert org.is_verified and org.verified_at is not None
        assert db.session.scalar(sa.select(OutboxMessage.to_address).where(OutboxMessage.subject.contains("Verified"))) == "admin@unverified.test.org"
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "organisation.verified"))
        assert entry.actor_id == world.users["platform_admin"] and entry.after == {"status": "verified"}
    client = client_as("unverified_admin")
    assert client.post(f"/organisations/{org_id}/people", data={"email": "", "role": "member"}).status_code == 302


def test_rejected_organisation_corrects_and_asks_again(app, world, client_as):
    root, applicant = client_as("platform_admin"), client_as("unverified_admin")
    org_id = world.orgs["unverified"]
    root.post(f"/admin/organisations/{org_id}", data={"decision": "rejected", "note": "Registration number unknown"})
    dashboard = applicant.get("/dashboard").get_data(as_text=True)
    assert "Registration number unknown" in dashboard
    assert applicant.post(f"/organisations/{org_id}/verification-request").status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, org_id).verification_status == VerificationStatus.PENDING
    assert applicant.post(f"/organisations/{org_id}/verification-request").status_code == 403


def test_suspended_organisation_disappears_from_public_view(app, world, client_as, client):
    org_id = world.orgs["company"]
    client_as("platform_admin").post(f"/admin/organisations/{org_id}", data={"decision": "suspended", "note": "Impersonation report"})
    assert client.get(f"/organisations/{org_id}").status_code == 404
    assert "Test Company ApS" not in client.get("/organisations/").get_data(as_text=True)
    assert client_as("company_member").get(f"/organisations/{org_id}").status_code == 200


def test_admin_changes_roles_and_blocks_colleagues_but_not_themselves(app, world, client_as):
    admin = client_as("company_admin")
    member_id, admin_id = world.users["company_member"], world.users["company_admin"]
    assert admin.post(f"/users/{member_id}/role", data={"role": "admin"}).status_code == 302
    assert admin.post(f"/users/{member_id}/active", data={"active": "0"}).status_code == 302
    assert admin.post(f"/users/{admin_id}/role", data={"role": "member"}).status_code == 403
    assert client_as("company_member").get("/dashboard").status_code == 302  # blocked: signed out
    assert client_as("other_company_admin").post(f"/users/{member_id}/active", data={"active": "1"}).status_code == 403
    with app.app_context():
        member = db.session.get(User, member_id)
        assert member.org_role == OrgRole.ADMIN and not member.active
        actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"user.role_changed", "user.deactivated"} <= actions


def test_company_asks_to_join_and_the_cluster_accepts(app, world, client_as, client):
    cluster_id, company_id = world.orgs["cluster"], world.orgs["company"]
    company = client_as("company_admin")
    assert "Ask to join" in company.get(f"/organisations/{cluster_id}").get_data(as_text=True)
    too_long = company.post(f"/organisations/{cluster_id}/membership-request", data={"message": "x" * 2001})
    assert too_long.status_code == 400 and 'id="message-error"' in too_long.get_data(as_text=True)
    assert company.post(f"/organisations/{cluster_id}/membership-request", data={"message": "We build sensors"}).status_code == 302
    assert company.post(f"/organisations/{cluster_id}/membership-request", data={"message": "again"}).status_code == 403
    with app.app_context():
        membership = db.session.scalar(sa.select(ClusterMembership).where(ClusterMembership.company_id == company_id))
        membership_id = membership.id
    cluster_page = client_as("cluster_admin").get(f"/organisations/{cluster_id}/memberships").get_data(as_text=True)
    assert "Test Company ApS" in cluster_page and "We build sensors" in cluster_page
    assert client_as("cluster_member").post(f"/memberships/{membership_id}/accept", data={"note": ""}).status_code == 403
    assert company.post(f"/memberships/{membership_id}/accept", data={"note": ""}).status_code == 403
    assert client_as("cluster_admin").post(f"/memberships/{membership_id}/accept", data={"note": "Welcome"}).status_code == 302
    assert "Test Company ApS" in client.get(f"/organisations/{cluster_id}").get_data(as_text=True)  # public member list
    assert "Welcome" in company.get(f"/organisations/{company_id}/memberships").get_data(as_text=True)
    with app.app_context():
        entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "membership.accepted")).all()
        assert {entry.organisation_id for entry in entries} == {cluster_id, company_id}  # both sides see it
        assert db.session.get(ClusterMembership, membership_id).status == MembershipStatus.ACCEPTED
    assert company.post(f"/memberships/{membership_id}/end", data={"note": "Leaving"}).status_code == 302


def test_declined_company_may_ask_again(app, world, client_as):
    with app.app_context():
        membership_id = db.session.scalar(sa.select(ClusterMembership.id))
    cluster = client_as("cluster_admin")
    assert cluster.post(f"/memberships/{membership_id}/decline", data={"note": "Not our field"}).status_code == 302
    assert cluster.post(f"/memberships/{membership_id}/accept", data={"note": ""}).status_code == 403
    other = client_as("other_company_admin")
    assert other.post(f"/organisations/{world.orgs['cluster']}/membership-request", data={"message": "Please reconsider"}).status_code == 302
    with app.app_context():
        assert db.session.get(ClusterMembership, membership_id).status == MembershipStatus.REQUESTED


def test_only_clusters_take_members(app, world, client_as):
    assert client_as("company_admin").post(
        f"/organisations/{world.orgs['authority']}/membership-request", data={"message": ""}
    ).status_code == 403


def test_audit_log_is_visible_to_the_organisations_admins_and_the_platform_admin(app, world, client_as):
    client_as("company_admin").post(f"/organisations/{world.orgs['company']}/people", data={"email": "", "role": "member"})
    company_log = client_as("company_admin").get(f"/organisations/{world.orgs['company']}/audit").get_data(as_text=True)
    assert "invitation.created" in company_log and "admin@company.test.org" in company_log
    assert "invitation.created" not in client_as("cluster_admin").get(f"/organisations/{world.orgs['cluster']}/audit").get_data(as_text=True)
    assert client_as("company_member").get(f"/organisations/{world.orgs['company']}/audit").status_code == 403
    everything = client_as("platform_admin").get("/admin/audit?action=invitation").get_data(as_text=True)
    assert "invitation.created" in everything


def test_audit_entries_cannot_be_changed_or_deleted(app, world, client_as):
    client_as("company_admin").post(f"/organisations/{world.orgs['company']}/people", data={"email": "", "role": "member"})
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry))
        assert entry.ip == "127.0.0.1" and entry.occurred_at.tzinfo is not None
        entry.note = "tampered"
        with pytest.raises(AppendOnlyViolation):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(sa.select(AuditEntry)))
        with pytest.raises(AppendOnlyViolation):
            db.session.flush()
        db.session.rollback()


def test_directory_filters_by_kind_and_paginates(app_factory, world_factory):
    app = app_factory(PAGE_SIZE=2)
    world_factory(app)
    client = app.test_client()
    page = client.get("/organisations/?kind=company").get_data(as_text=True)
    assert "Other Company A/S" in page and "Test Region" not in page and "Unverified GmbH" not in page
    assert "Page 1 of 2" in client.get("/organisations/").get_data(as_text=True)
    assert client.get("/organisations/?page=999").status_code == 200
    assert client.get("/organisations/?page=abc&kind=<script>").status_code == 200


def test_a_verified_organisation_that_changes_who_it_is_is_checked_again(app, world, client_as):
    client = client_as("authority_admin")
    org_id = world.orgs["authority"]
    form = {"name": "Test Region", "country": "DK", "nuts_code": "DK03", "registration_number": "12345678",
            "website": "", "description": "Now with a description", "authority_type": "sub_central"}
    assert client.post(f"/organisations/{org_id}/edit", data=form).status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, org_id).is_verified  # a description is not an identity
    form.update(name="Ministry of Health", authority_type="central_government")
    assert client.post(f"/organisations/{org_id}/edit", data=form).status_code == 302
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        assert org.verification_status == VerificationStatus.PENDING
        assert "authority_type, name" in org.verification_note
        assert db.session.scalar(sa.select(OutboxMessage.to_address).where(OutboxMessage.subject.contains("Ministry of Health"))) == "root@platform.test.org"
    assert client.post(f"/organisations/{org_id}/people", data={"email": "", "role": "member"}).status_code == 403


def test_invitations_of_a_suspended_organisation_stop_working(app, world, client_as, client):
    token = create_invitation(client_as("company_admin"), world.orgs["company"])
    client_as("platform_admin").post(f"/admin/organisations/{world.orgs['company']}", data={"decision": "suspended", "note": "Fraud"})
    assert client.get(f"/join/{token}").status_code == 404
    assert client.post(f"/join/{token}", data=join_form()).status_code == 404

"""Competence profiles: the company's admins edit them; a cluster only with the company's recorded consent, while the
company is its member; every change is in the audit log."""
import pytest
import sqlalchemy as sa

from ppi.accounts.models import ClusterMembership
from ppi.accounts.workflow import MembershipStatus
from ppi.core.errors import PermissionDenied
from ppi.core.models import AuditEntry
from ppi.extensions import db
from ppi.matching import services
from ppi.matching.models import Competence, MatchDocument, ProfileConsent
from ppi.matching.services import CompetenceData
from tests.matching.support import FALL_SENSORS, add_cluster, add_profile, admit, org, text, user

NEW = {"statement": "Indoor positioning with BLE beacons", "tags": "positioning, beacons", "cpv_codes": "48000000-8",
       "trl": "7", "description": "", "references": "Aarhus University Hospital, 2024"}


def _competences(app, company_id):
    with app.app_context():
        return [c.statement for c in services.competences_of(company_id)]


def test_the_company_admin_adds_edits_and_removes_competences_and_the_document_follows(app, world, client_as):
    client = client_as("company_admin")
    response = client.post(f"/organisations/{world.orgs['company']}/competences/new", data=NEW)
    assert response.status_code == 302
    with app.app_context():
        [competence] = services.competences_of(world.orgs["company"])
        assert (competence.tags, competence.cpv_codes, competence.trl) == (["beacons", "positioning"], ["48000000"], 7)
        document = db.session.get(MatchDocument, world.orgs["company"])
        assert "BLE beacons" in document.profile_text and "Aarhus" in document.text and document.cpv_codes == ["48000000"]
        first_revision, competence_id = document.revision, competence.id
    page = text(client_as(None).get(f"/organisations/{world.orgs['company']}/competences"))
    assert "Indoor positioning with BLE beacons" in page and "48000000-8" in page and "Aarhus University Hospital" in page

    assert client.post(f"/competences/{competence_id}/edit", data=NEW | {"statement": "Indoor positioning"}).status_code == 302
    with app.app_context():
        document = db.session.get(MatchDocument, world.orgs["company"])
        assert document.revision != first_revision and "BLE beacons" not in document.profile_text
    assert client.post(f"/competences/{competence_id}/delete").status_code == 302
    assert _competences(app, world.orgs["company"]) == []
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.organisation_id == world.orgs["company"])
                                     .order_by(AuditEntry.id)).all()
    assert actions == ["matching.competence_added", "matching.competence_changed", "matching.competence_removed"]


def test_invalid_input_is_refused_next_to_the_field(app, world, client_as):
    response = client_as("company_admin").post(f"/organisations/{world.orgs['company']}/competences/new",
                                               data=NEW | {"cpv_codes": "12345678", "trl": "0", "statement": ""})
    assert response.status_code == 400
    page = text(response)
    assert "Not in the CPV 2008 list: 12345678" in page and "Choose the technology readiness level." in page
    response = client_as("company_admin").post(f"/organisations/{world.orgs['company']}/competences/profile",
                                               data={"languages": ["da"], "markets": "SE, Narnia"})
    assert response.status_code == 400 and "Not a country code or NUTS region: NARNIA" in text(response)
    assert _competences(app, world.orgs["company"]) == []


@pytest.mark.parametrize("role", ["company_member", "cluster_admin", "cluster_member", "other_company_admin",
                                  "authority_admin", "platform_admin"])
def test_only_the_company_admins_edit_without_a_consent(app, world, client_as, role):
    response = client_as(role).post(f"/organisations/{world.orgs['company']}/competences/new", data=NEW)
    assert response.status_code == 403
    assert _competences(app, world.orgs["company"]) == []


def test_a_cluster_edits_with_the_company_consent_while_it_is_a_member(app, world, client_as):
    company_id, cluster_id = world.orgs["company"], world.orgs["cluster"]
    company_admin, cluster_member = client_as("company_admin"), client_as("cluster_member")
    # No membership: the cluster cannot even be chosen.
    assert company_admin.post(f"/organisations/{company_id}/profile-consents", data={"cluster_id": cluster_id}).status_code == 400
    with app.app_context():
        admit(company_id, cluster_id)
    assert company_admin.post(f"/organisations/{company_id}/profile-consents", data={"cluster_id": cluster_id}).status_code == 302
    with app.app_context():
        consent = db.session.scalar(sa.select(ProfileConsent))
        assert (consent.company_id, consent.cluster_id, consent.granted_by_id) == (company_id, cluster_id,
                                                                                 world.users["company_admin"])
        consent_id = consent.id
    page = text(company_admin.get(f"/organisations/{company_id}/competences"))
    assert "Test Cluster — consent given by Admin on" in page

    assert cluster_member.post(f"/organisations/{company_id}/competences/new", data=NEW).status_code == 302
    with app.app_context():
        entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "matching.competence_added")).all()
        assert {e.organisation_id for e in entries} == {company_id, cluster_id}
        assert all(e.actor_id == world.users["cluster_member"] and "with the consent of Test Company ApS" in e.note
                   for e in entries)
        competence_id = db.session.scalar(sa.select(Competence.id))
    # Ending the membership voids the consent; revoking it too.
    with app.app_context():
        db.session.scalar(sa.select(ClusterMembership).where(ClusterMembership.company_id == company_id)).status = \
            MembershipStatus.ENDED
        db.session.commit()
    assert cluster_member.post(f"/competences/{competence_id}/edit", data=NEW).status_code == 403
    with app.app_context():
        admit(company_id, cluster_id)
    assert cluster_member.post(f"/competences/{competence_id}/edit", data=NEW | {"statement": "BLE"}).status_code == 302
    assert cluster_member.post(f"/profile-consents/{consent_id}/revoke").status_code == 403  # the company's to revoke
    assert company_admin.post(f"/profile-consents/{consent_id}/revoke").status_code == 302
    assert cluster_member.post(f"/competences/{competence_id}/delete").status_code == 403
    assert company_admin.post(f"/profile-consents/{consent_id}/revoke").status_code == 409
    with app.app_context():
        consent = db.session.get(ProfileConsent, consent_id)
        assert consent.revoked_by_id == world.users["company_admin"] and consent.revoked_at is not None
        actions = db.session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.organisation_id == cluster_id, AuditEntry.action.like("matching.consent%"))).all()
        assert actions == ["matching.consent_granted", "matching.consent_revoked"]


def test_another_cluster_gets_no_rights_from_a_consent(app, world):
    with app.app_context():
        _, second_admin_id = add_cluster()
        admit(world.orgs["company"], world.orgs["cluster"])
        services.grant_consent(user(world, "company_admin"), org(world, "company"), world.orgs["cluster"])
        db.session.commit()
        second = db.session.get(type(user(world, "cluster_admin")), second_admin_id)
        with pytest.raises(PermissionDenied):
            services.add_competence(second, org(world, "company"), CompetenceData("Radar", 6))
        services.add_competence(user(world, "cluster_admin"), org(world, "company"), CompetenceData("Radar", 6))


def test_the_organisation_page_shows_a_company_competences(app, world, client_as):
    with app.app_context():
        add_profile(world.orgs["company"], FALL_SENSORS, tags=["fall detection"])
    page = text(client_as(None).get(f"/organisations/{world.orgs['company']}"))
    assert FALL_SENSORS in page and f"/organisations/{world.orgs['company']}/competences" in page
    assert client_as(None).get(f"/organisations/{world.orgs['cluster']}/competences").status_code == 404

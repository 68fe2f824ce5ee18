"""Helpers for the pilot tests through the app: roles, enrolment with tokens, the feedback form, the plan form."""
from datetime import date

import sqlalchemy as sa

from ppi.accounts.models import User
from ppi.extensions import db
from ppi.pilots import services
from ppi.pilots.models import Pilot, TestUser

PARTY_ROLES = {
    "authority_admin": "authority", "authority_member": "authority",
    "company_admin": "company", "company_member": "company",
    "cluster_admin": "cluster", "cluster_member": "cluster",
}
OUTSIDERS = ["other_company_admin", "unverified_admin", "platform_admin"]


def text(response) -> str:
    return response.get_data(as_text=True)


def status_of(app, pilot_id: int):
    with app.app_context():
        return db.session.get(Pilot, pilot_id).status


def enrol(app, world, pilot_id: int, how_many: int = 1, group: int = 0, site: int = 0) -> list[tuple[int, str, str]]:
    """Enrol test users through the service as the cluster: (test user id, code, token) each."""
    with app.app_context():
        pilot = db.session.get(Pilot, pilot_id)
        actor = db.session.get(User, world.users["cluster_admin"])
        enrolled = services.enrol(actor, pilot, pilot.groups[group].id, pilot.sites[site].id, date.today(), how_many)
        db.session.commit()
        return [(test_user.id, test_user.code, token) for test_user, token in enrolled]


def load_test_user(app, test_user_id: int) -> TestUser:
    with app.app_context():
        tu = db.session.get(TestUser, test_user_id)
        db.session.expunge(tu)
        return tu


def sus_form(answers, **extra) -> dict:
    return {f"sus_{i}": str(a) for i, a in enumerate(answers, start=1)} | extra


def feedback_path(token: str) -> str:
    return f"/pilots/feedback/{token}"


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def plan_form(app, pilot_id: int, **changes) -> dict:
    """The plan form as the plan page fills it from the stored pilot (what a browser posts back unchanged)."""
    with app.app_context():
        pilot = db.session.get(Pilot, pilot_id)
        data = {
            "title": pilot.title, "objectives": pilot.objectives or "", "start_date": str(pilot.start_date or ""),
            "end_date": str(pilot.end_date or ""), "budget_eur": "" if pilot.budget_eur is None else str(pilot.budget_eur),
            "funding_split": pilot.funding_split or "", "personal_data": pilot.personal_data or "",
            "legal_basis": pilot.legal_basis or "", "consent_version": pilot.consent_version,
        }
        if pilot.dpia_done is not None:
            data["dpia_done"] = "yes" if pilot.dpia_done else "no"
        for i, c in enumerate(pilot.criteria):
            data |= {f"criteria-{i}-name": c.name, f"criteria-{i}-comparison": c.comparison.value,
                     f"criteria-{i}-target": str(c.target), f"criteria-{i}-unit": c.unit or ""}
            if c.rated_by_users:
                data[f"criteria-{i}-rated_by_users"] = "y"
        for i, s in enumerate(pilot.sites):
            data |= {f"sites-{i}-name": s.name, f"sites-{i}-address": s.address or "", f"sites-{i}-kind": s.kind}
        for i, g in enumerate(pilot.groups):
            data |= {f"groups-{i}-role": g.role, f"groups-{i}-planned": str(g.planned)}
        for i, m in enumerate(pilot.milestones):
            data |= {f"milestones-{i}-title": m.title, f"milestones-{i}-due_date": str(m.due_date)}
    return data | changes

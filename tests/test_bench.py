"""The benchmarks cannot rot: `bench.data` at a small size gives consistent data, and every page `make bench` loads
answers 200 on it, signed in and counted the way the benchmark does it (`bench.pages.in_process`)."""
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from bench import pages
from bench.data import Size, generate
from ppi.accounts.models import User
from ppi.accounts.workflow import VerificationStatus
from ppi.challenges.models import Challenge
from ppi.challenges.workflow import ChallengeStatus
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.procurement.models import CaseStatusChange, ProcurementCase, Tenderer
from ppi.proposals.models import Proposal

CHALLENGES = 200


def generated(app):
    with app.app_context(), db.engine.begin() as connection:
        return generate(connection, CHALLENGES)


def test_generator_writes_the_platform_in_proportion(app):
    dataset = generated(app)
    size = Size.of(CHALLENGES)
    assert dataset.counts["challenges"] == CHALLENGES
    assert dataset.counts["organisations"] == size.organisations
    # a company proposes at most once per challenge: a few drawn twice are dropped
    assert size.proposals * 0.9 <= dataset.counts["proposals"] <= size.proposals
    assert 0 < dataset.counts["pilots"] <= size.pilots
    assert 0 < dataset.counts["procurement_cases"] <= size.cases
    assert dataset.counts["challenge_questions"] > 0


def test_generated_data_is_consistent(app):
    dataset = generated(app)
    email, password = dataset.sign_in("company")
    with app.app_context():
        now = utcnow()
        published = sa.select(sa.func.count()).where(Challenge.status == ChallengeStatus.PUBLISHED)
        assert db.session.scalar(published.where(Challenge.proposal_deadline > now)) > 0
        assert db.session.scalar(published.where(Challenge.proposal_deadline <= now)) > 0
        account = db.session.scalar(sa.select(User).where(User.email == email))
        assert check_password_hash(account.password_hash, password)
        assert account.organisation.verification_status == VerificationStatus.VERIFIED
        # proposals only on published challenges, submitted before the deadline
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Proposal).join(Challenge).where(
            sa.or_(Challenge.published_at.is_(None), Proposal.submitted_at > Challenge.proposal_deadline))) == 0
        # a pilot tests its challenge's selected proposal, by the company that made it
        for pilot in db.session.scalars(sa.select(Pilot)):
            assert pilot.proposal.outcome == "selected"
            assert (pilot.proposal.challenge_id, pilot.proposal.company_id) == (pilot.challenge_id, pilot.company_id)
        # a case's history ends in its status; a case with tenders has tenderers, its supplier among them
        for case in db.session.scalars(sa.select(ProcurementCase)):
            history = db.session.scalars(sa.select(CaseStatusChange).where(CaseStatusChange.case_id == case.id)
                                         .order_by(CaseStatusChange.at, CaseStatusChange.id)).all()
            assert (history[-1].to_status if history else "planning") == case.status
            tenderers = db.session.scalars(sa.select(Tenderer.organisation_id).where(Tenderer.case_id == case.id)).all()
            assert len(tenderers) == (case.tenders_received or 0)
            if case.supplier_id and tenderers:
                assert case.supplier_id in tenderers


def test_every_benchmarked_page_answers(app):
    generated(app)
    targets = pages.page_targets(app)
    figures, cookie = pages.in_process(app, targets)
    assert {name: page["status"] for name, page in figures.items()} == {page.name: 200 for page in pages.PAGES}
    assert cookie
    assert figures["dashboard"]["queries"] >= 1  # the signed-in user is loaded: the counting hook sees queries
    assert figures["challenge_detail"]["path"] == f"/challenges/{targets['challenge_id']}"

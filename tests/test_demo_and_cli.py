"""`flask ppi demo`, `send-mail`, `create-admin` and `set-verification`: the CLI calls the same services."""
import smtplib
from statistics import mean

import pytest
import sqlalchemy as sa
from babel.numbers import format_decimal
from markupsafe import escape

from ppi.accounts.models import Organisation, OrganisationKind, User
from ppi.accounts.sme import SizeClass
from ppi.challenges.models import Challenge
from ppi.challenges.workflow import ChallengeStatus
from ppi.core.mail import queue_mail
from ppi.core.models import AuditEntry, OutboxMessage
from ppi.core.timeutil import utcnow
from ppi.demo import DEMO_PASSWORD, ORGANISATIONS, PLATFORM_ADMIN
from ppi.extensions import db
from ppi.pilots import sus
from ppi.pilots.models import Feedback, LogEntry, Measurement, Pilot, TestUser
from ppi.pilots.workflow import PilotStatus, Recommendation
from ppi.pools import services as pool_services
from ppi.pools.models import GrantApplication, Payment, Pool
from ppi.pools.workflow import ApplicationStatus
from ppi.procurement import services as procurement_services
from ppi.procurement.directive import Procedure, Stage, is_covered_rnd_cpv
from ppi.procurement.models import CaseStatusChange, ProcurementCase, Tenderer
from ppi.procurement.workflow import CaseStatus, can_sign
from ppi.proposals import services as proposal_services
from ppi.proposals.models import Decision, PanelMember, Proposal, ProposalPartner, ProposalVersion, Score
from ppi.proposals.workflow import Outcome, PartnerStatus, ProposalStatus

TABLES = [Organisation, User, AuditEntry, OutboxMessage, Challenge, Proposal, ProposalVersion, PanelMember, Score, Decision,
          Pilot, TestUser, Feedback, LogEntry, Measurement, Pool, GrantApplication, Payment, ProcurementCase, Tenderer,
          CaseStatusChange]
DEMO_USERS = [PLATFORM_ADMIN[0]] + [email for demo in ORGANISATIONS for email, _name in [demo.admin, *demo.members]]


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in TABLES}


def test_demo_is_believable_and_loads_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["ppi", "demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        loaded = counts()
        kinds = dict(db.session.execute(sa.select(Organisation.kind, sa.func.count()).group_by(Organisation.kind)).all())
        sizes = {org.size_class for org in db.session.scalars(sa.select(Organisation).where(Organisation.kind == OrganisationKind.COMPANY))}
    assert kinds[OrganisationKind.PUBLIC_AUTHORITY] == 3 and kinds[OrganisationKind.CLUSTER] == 2
    assert {SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE} <= sizes
    second = runner.invoke(args=["ppi", "demo"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    with app.app_context():
        assert counts() == loaded
    client = app.test_client()
    for email in ("admin@ppi.example.org", "innovation@rsyd.example.org", "anna@caresense.example.org",
                  "peter@caresense.example.org", "cluster@healthtech.example.org", "founder@pending.example.org"):
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/logout")


def test_demo_has_proposals_an_evaluated_award_and_debriefs(app):
    assert app.test_cli_runner().invoke(args=["ppi", "demo"]).exit_code == 0
    with app.app_context():
        statuses = dict(db.session.execute(sa.select(Proposal.status, sa.func.count()).group_by(Proposal.status)).all())
        assert set(statuses) == set(ProposalStatus), statuses
        assert len({p.challenge_id for p in db.session.scalars(sa.select(Proposal))}) >= 5
        submitted = db.session.scalars(sa.select(Proposal).where(Proposal.status == ProposalStatus.SUBMITTED)).all()
        assert any(p.version_count == 2 for p in submitted)  # resubmitted
        assert any(partner.status == PartnerStatus.CONFIRMED for p in submitted for partner in p.partners)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProposalPartner)
                                 .where(ProposalPartner.status != PartnerStatus.CONFIRMED)) == 0
        versions = db.session.scalars(sa.select(ProposalVersion)).all()
        assert len(versions) == sum(p.version_count for p in db.session.scalars(sa.select(Proposal)))
        assert all(proposal_services.verify(version) == [] for version in versions)

        awarded = db.session.scalars(sa.select(Challenge).where(Challenge.status == ChallengeStatus.AWARDED)).all()
        assert len(awarded) == 1
        challenge = awarded[0]
        panel = proposal_services.panel(challenge)
        assert len(panel) >= 2 and all(member.cleared for member in panel)
        assert {m.user.organisation_id for m in panel} >= {challenge.lead_authority_id, challenge.cluster_id}
        proposals = proposal_services.submitted_proposals(challenge)
        assert 2 <= len(proposals) <= 3 and proposal_services.scoring_complete(challenge)
        scores = db.session.scalars(sa.select(Score).where(Score.proposal_id.in_([p.id for p in proposals]))).all()
        assert len(scores) == len(panel) * len(proposals) * len(challenge.criteria)
        assert all(0 <= s.score <= 10 and s.comment.strip() for s in scores)
        decision = proposal_services.decision_of(challenge)
        assert decision.award and len(decision.reason) > 50
        [selected] = proposal_services.selected_companies(challenge)
        assert [p.company_id for p in proposals if p.outcome == Outcome.SELECTED] == [selected.id]

        no_award = db.session.scalars(sa.select(Decision).where(Decision.award.is_(False))).all()
        assert len(no_award) == 2
        for undecided in no_award:
            outcomes = db.session.scalars(sa.select(Proposal.outcome).where(Proposal.challenge_id == undecided.challenge_id)).all()
            assert outcomes and set(outcomes) == {Outcome.NOT_SELECTED}
        debriefs: dict[str, list[int]] = {}  # a company's user: its proposals with a debrief
        for proposal in db.session.scalars(sa.select(Proposal).where(Proposal.outcome.is_not(None))):
            email = db.session.scalar(sa.select(User.email).where(User.organisation_id == proposal.company_id).order_by(User.id))
            debriefs.setdefault(email, []).append(proposal.id)
        awarded_ids = {p.id for p in proposals}
        challenge_id, company, reason = challenge.id, selected.name, decision.reason
        scores_per_proposal = len(panel) * len(challenge.criteria)
        owner = db.session.scalar(sa.select(User.email).where(User.id == decision.decided_by_id))

    client = app.test_client()
    public = client.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert 'id="selected-companies"' in public and company in public
    assert awarded_ids <= {pid for ids in debriefs.values() for pid in ids}
    for email, proposal_ids in debriefs.items():
        assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
        for proposal_id in proposal_ids:
            response = client.get(f"/proposals/{proposal_id}/debrief")
            assert response.status_code == 200, (email, proposal_id)
            if proposal_id in awarded_ids:  # the reason, and the company's own scores with their comments
                page = response.get_data(as_text=True)
                assert str(escape(reason)) in page and 'id="scores"' in page and page.count("<li><strong>Evaluator") == scores_per_proposal
        client.post("/logout")
    assert client.post("/login", data={"email": owner, "password": DEMO_PASSWORD}).status_code == 302
    assert client.get(f"/challenges/{challenge_id}/evaluation").status_code == 200
    matrix = client.get(f"/challenges/{challenge_id}/evaluation/matrix.csv")
    assert matrix.status_code == 200 and company in matrix.get_data(as_text=True)


def test_demo_has_a_pool_a_running_pilot_with_a_grant_and_a_reported_pilot(app):
    assert app.test_cli_runner().invoke(args=["ppi", "demo"]).exit_code == 0
    with app.app_context():
        [pool] = db.session.scalars(sa.select(Pool)).all()
        assert pool.administrator.name == "Health-Tech Cluster South" and pool.currency == "DKK"
        assert (pool.total_budget, pool.min_grant, pool.max_grant) == (10_000_000, 400_000, 1_475_000)
        assert 7.4 < pool.units_per_eur < 7.5 and pool.regions == ["DK03"]
        assert pool.require_sme and pool.require_public_partner
        assert pool.opens_on <= utcnow().date() <= pool.closes_on
        [grant] = pool_services.applications(pool)
        assert grant.status == ApplicationStatus.APPROVED and grant.benefit_confirmed_at and grant.de_minimis_declared_at
        assert pool_services.budget(pool).committed == grant.approved_amount
        [payment] = pool_services.payments(grant)
        assert payment.milestone == grant.pilot.milestones[0] and payment.milestone.confirmed_at is not None

        running = grant.pilot
        assert running.status == PilotStatus.RUNNING and running.challenge.title == "Fewer falls of older patients in hospital wards"
        assert running.company.name == "CareSense ApS" and running.authority_agreed_at and running.company_agreed_at
        assert 2 <= len(running.criteria) <= 3 and sum(c.rated_by_users for c in running.criteria) == 1
        assert running.sites and running.groups and running.dpia_done is not None and running.plan_approved_at
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback).where(Feedback.pilot_id == running.id)) > 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Measurement).where(Measurement.pilot_id == running.id)) > 0

        reported_pilots = db.session.scalars(sa.select(Pilot).where(Pilot.status == PilotStatus.REPORTED)).all()
        [reported] = [pilot for pilot in reported_pilots if pilot.recommendation == Recommendation.PROCEED]
        [failed] = [pilot for pilot in reported_pilots if pilot.recommendation == Recommendation.STOP]  # stopped early
        assert reported.authority_decision is not None and failed.authority_decision == Recommendation.STOP
        assert reported.end_date < utcnow().date() and all(m.confirmed_at for m in reported.milestones)
        testers = db.session.scalars(sa.select(TestUser).where(TestUser.pilot_id == reported.id)).all()
        assert 8 <= len(testers) <= 12 and sum(t.withdrawn_at is not None for t in testers) == 1
        measured = set(db.session.scalars(sa.select(Measurement.criterion_id).where(Measurement.pilot_id == reported.id)))
        assert measured == {c.id for c in reported.criteria}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LogEntry).where(LogEntry.pilot_id == reported.id))
        rows = db.session.execute(sa.select(Feedback.sus_answers, TestUser.withdrawn_at, Feedback.quoted)
                                  .join(TestUser, TestUser.id == Feedback.test_user_id)
                                  .where(Feedback.pilot_id == reported.id)).all()
        kept = [sus.score(answers) for answers, withdrawn, _quoted in rows if withdrawn is None]
        everyone = [sus.score(answers) for answers, _withdrawn, _quoted in rows]
        assert len(kept) < len(everyone) and len(set(kept)) > 3  # the withdrawn user had answered; answers vary
        assert any(quoted for *_rest, quoted in rows)
        expected, with_withdrawn = (format_decimal(round(mean(v), 1), locale=app.config["BABEL_DEFAULT_LOCALE"])
                                    for v in (kept, everyone))
        assert expected != with_withdrawn
        reported_id, authority = reported.id, reported.authority_id
        email = db.session.scalar(sa.select(User.email).where(User.organisation_id == authority).order_by(User.id))

    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
    page = client.get(f"/pilots/{reported_id}/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Mean SUS score {expected} from {len(kept)} answers" in html
    assert 'id="quotes"' in html and "“nan”" not in html  # a quote without one of its two texts


def test_demo_pilot_and_pool_pages_open_for_every_role(app):
    assert app.test_cli_runner().invoke(args=["ppi", "demo"]).exit_code == 0
    with app.app_context():
        pilots = {p.id: p.party_ids for p in db.session.scalars(sa.select(Pilot))}
        pools = db.session.scalars(sa.select(Pool.id)).all()
        applications = {a.id: {a.pool.administrator_id, a.company_id, a.pilot.authority_id}
                        for a in db.session.scalars(sa.select(GrantApplication))}
        organisation = dict(db.session.execute(sa.select(User.email, User.organisation_id)).all())
        verified = {o.id for o in db.session.scalars(sa.select(Organisation)) if o.is_verified}
    client = app.test_client()
    for email in [None, *DEMO_USERS]:
        if email:
            assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
        org = organisation.get(email)
        party = org in verified
        pages = {"/pools/": 200, **{f"/pools/{pool}": 200 for pool in pools}}
        if email:
            pages["/pilots/"] = 200 if org else 403
        for pilot, parties in pilots.items():
            for path in ("", "/report", "/feedback.csv", "/measurements.csv"):
                pages[f"/pilots/{pilot}{path}"] = 200 if party and org in parties else (404 if email else 302)
        for application, parties in applications.items():
            pages[f"/pools/applications/{application}"] = 200 if party and org in parties else (404 if email else 302)
        for path, status in pages.items():
            assert client.get(path).status_code == status, (email, path)
        if email:
            client.post("/logout")


def test_demo_has_procurement_cases_on_several_routes_whose_checks_read_right(app):
    assert app.test_cli_runner().invoke(args=["ppi", "demo"]).exit_code == 0
    with app.app_context():
        cases = db.session.scalars(sa.select(ProcurementCase).order_by(ProcurementCase.id)).all()
        assert len({c.procedure for c in cases} - {None}) >= 4
        assert {c.above_threshold for c in cases} >= {True, False}
        warned = {}
        for case in cases:  # the route's conditions, the time limits and Art 41 read right on every case
            checks = procurement_services.checks(case)
            assert not checks.conditions and not checks.art_41_waiting and not checks.pin_reduction_refused, case.subject
            assert not any(finding.check.too_short for finding in checks.deadlines), case.subject
            moments = [change.at for change in procurement_services.history(case)]
            assert moments == sorted(moments) and all(case.created_at <= at < utcnow() for at in moments), case.subject
            if checks.after_award:
                warned[case.id] = [warning.code for warning in checks.after_award]

        [partnership] = [c for c in cases if c.procedure == Procedure.INNOVATION_PARTNERSHIP]
        [link] = partnership.pilots
        pilot = link.pilot
        assert pilot.status == PilotStatus.REPORTED and pilot.authority_decision == Recommendation.PROCEED
        assert partnership.status == CaseStatus.COMPLETED and partnership.above_threshold
        assert partnership.notice_sent_on > pilot.authority_decided_at.date()
        [finding] = procurement_services.checks(partnership).deadlines
        assert finding.stage == Stage.REQUESTS and not finding.check.too_short
        [prior] = [t for t in partnership.tenderers if t.prior_participant_id]
        assert prior.organisation_id == pilot.company_id and prior.prior_participant.how == "pilot"
        assert prior.measures_recorded and not prior.excluded and prior.info_shared_on <= partnership.notice_sent_on
        assert partnership.supplier_id == pilot.company_id and procurement_services.was_pilot_company(partnership)
        rejected = [t for t in partnership.tenderers if not t.admitted]
        assert rejected and all(t.rejection_reason for t in rejected)
        admitted = [t for t in partnership.tenderers if t.admitted]
        assert partnership.tenders_received == len(admitted) == partnership.candidates_invited
        assert partnership.tenders_from_other_states == sum(t.country != partnership.authority.country for t in admitted) > 0
        assert partnership.tenders_from_smes == sum(t.is_sme for t in admitted)
        assert can_sign(partnership.award_decision_sent_on, partnership.contract_signed_on)
        assert partnership.contract_signed_on < partnership.award_notice_sent_on <= partnership.award_notice_due

        [in_evaluation] = [c for c in cases if c.status == CaseStatus.EVALUATION]
        assert in_evaluation.procedure == Procedure.OPEN and in_evaluation.above_threshold and in_evaluation.challenge_id
        assert in_evaluation.tenders_received == len(in_evaluation.tenderers) and in_evaluation.supplier_name is None

        assert list(warned.values()) == [["award_notice"]]  # only the award notice left overdue on purpose
        overdue = db.session.get(ProcurementCase, next(iter(warned)))
        assert overdue.procedure == Procedure.OPEN and overdue.above_threshold is True  # Art 50 applies above the threshold
        [below] = [c for c in cases if c.procedure == Procedure.BELOW_THRESHOLD]
        assert below.above_threshold is False and below.award_notice_sent_on is None and below.id not in warned
        assert overdue.status == CaseStatus.CONTRACT_SIGNED and overdue.supplier_name and overdue.award_notice_sent_on is None

        [planning] = [c for c in cases if c.status == CaseStatus.PLANNING]
        assert planning.procedure == Procedure.PRE_COMMERCIAL and all(is_covered_rnd_cpv(code) for code in planning.cpv_codes)
        assert planning.pcp_benefits_shared and planning.pcp_not_wholly_paid and planning.participants
        [cancelled] = [c for c in cases if c.status == CaseStatus.CANCELLED]
        assert cancelled.procedure == Procedure.NEGOTIATED_WITHOUT_PUBLICATION and cancelled.art_32_justification
        assert cancelled.public_reason and cancelled.pilots  # it followed the running pilot

        public = {c.id: c.subject for c in cases if c.was_published}
        overdue_id, overdue_subject, overdue_owner = overdue.id, overdue.subject, overdue.created_by.email
        other_authority = partnership.created_by.email
        planning_id, planning_subject = planning.id, planning.subject
        cancelled_id, cancelled_reason = cancelled.id, cancelled.public_reason

    client = app.test_client()  # anonymous
    for case_id, subject in public.items():
        page = client.get(f"/procurement/{case_id}")
        assert page.status_code == 200 and str(escape(subject)) in page.get_data(as_text=True), subject
        assert client.get(f"/procurement/{case_id}/report").status_code == 200, subject
    assert client.get(f"/procurement/{cancelled_id}").status_code == 404  # cancelled before it was ever published
    owner = app.test_client()
    with app.app_context():
        owner_session = db.session.get(ProcurementCase, cancelled_id).created_by.get_id()
    with owner.session_transaction() as session:
        session["_user_id"] = owner_session
    assert str(escape(cancelled_reason)) in owner.get(f"/procurement/{cancelled_id}").get_data(as_text=True)
    assert client.get(f"/procurement/{planning_id}").status_code == 404
    assert client.get(f"/procurement/{planning_id}/report").status_code == 404
    listed = client.get("/procurement/").get_data(as_text=True)
    assert all(str(escape(subject)) in listed for subject in public.values()) and str(escape(planning_subject)) not in listed

    for email, warned_of_it in ((overdue_owner, True), (other_authority, False)):
        assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
        dashboard = client.get("/dashboard").get_data(as_text=True)
        assert ('id="overdue-cases"' in dashboard and str(escape(overdue_subject)) in dashboard) is warned_of_it, email
        client.post("/logout")
    assert 'id="overdue-cases"' not in dashboard  # the other authority has none of its own
    assert "Art 50(1): the contract award notice was due by" in client.get(f"/procurement/{overdue_id}").get_data(as_text=True)


class FakeSMTP:
    sent: list = []
    fail_for: set = set()

    def __init__(self, host, port, timeout):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def quit(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if message["To"] in self.fail_for:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        FakeSMTP.sent.append(message)


def test_send_mail_delivers_the_outbox_and_retries_failures(app_factory, monkeypatch):
    app = app_factory(MAIL_SERVER="smtp.test.org")
    with app.app_context():
        queue_mail("one@example.org", "First", "Hello")
        queue_mail("bounce@example.org", "Second", "Hello")
        db.session.commit()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail_for = [], {"bounce@example.org"}
    result = app.test_cli_runner().invoke(args=["ppi", "send-mail"])
    assert result.exit_code == 0 and "sent 1, failed 1" in result.output
    assert [m["To"] for m in FakeSMTP.sent] == ["one@example.org"]
    with app.app_context():
        bounced = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_address == "bounce@example.org"))
        assert bounced.sent_at is None and bounced.attempts == 1 and "no such user" in bounced.last_error
    FakeSMTP.fail_for = set()
    again = app.test_cli_runner().invoke(args=["ppi", "send-mail"])
    assert "sent 1, failed 0" in again.output  # the delivered one is not sent twice


def test_a_malformed_message_does_not_hold_up_the_others(app_factory, monkeypatch):
    app = app_factory(MAIL_SERVER="smtp.test.org")
    with app.app_context():
        queue_mail("first@example.org", "First", "Hello")
        queue_mail("bad\r\nBcc: victim@example.org", "Second", "Hello")
        queue_mail("third@example.org", "Third\r\nBcc: victim@example.org", "Hello")
        db.session.commit()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail_for = [], set()
    runner = app.test_cli_runner()
    assert "sent 2, failed 1" in runner.invoke(args=["ppi", "send-mail"]).output
    assert "sent 0, failed 1" in runner.invoke(args=["ppi", "send-mail"]).output  # only the bad one is retried
    assert [m["To"] for m in FakeSMTP.sent] == ["first@example.org", "third@example.org"]
    assert FakeSMTP.sent[1]["Subject"] == "Third Bcc: victim@example.org"  # one header line, no injected Bcc
    assert all(m["Bcc"] is None for m in FakeSMTP.sent)


def test_send_mail_without_smtp_says_so(app):
    with app.app_context():
        queue_mail("one@example.org", "First", "Hello")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["ppi", "send-mail"])
    assert result.exit_code != 0 and "MAIL_SERVER is not set; 1 message(s) wait" in result.output


def test_create_admin_and_set_verification(app, world):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["ppi", "create-admin", "--email", "ops@ppi.test.org", "--name", "Ops", "--password", "123456"])
    assert weak.exit_code != 0 and "at least 12" in weak.output
    made = runner.invoke(args=["ppi", "create-admin", "--email", "ops@ppi.test.org", "--name", "Ops", "--password", "Harbour-Crane-4412"])
    assert made.exit_code == 0, made.output
    result = runner.invoke(args=["ppi", "set-verification", str(world.orgs["unverified"]), "verified", "--as", "ops@ppi.test.org"])
    assert result.exit_code == 0 and "verified" in result.output
    refused = runner.invoke(args=["ppi", "set-verification", str(world.orgs["company"]), "rejected", "--as", "admin@company.test.org"])
    assert refused.exit_code != 0
    with app.app_context():
        assert db.session.get(Organisation, world.orgs["unverified"]).is_verified
        assert db.session.scalar(sa.select(User.is_platform_admin).where(User.email == "ops@ppi.test.org"))


@pytest.mark.parametrize("args", [["ppi", "set-verification", "999", "verified", "--as", "nobody@x.org"]])
def test_cli_refuses_unknown_objects_clearly(app, world, args):
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and "No such" in result.output

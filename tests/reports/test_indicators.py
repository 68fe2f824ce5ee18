"""The monitoring indicators on a small hand-made dataset.

Every expected figure below is written out literally and was worked out by hand from the definitions in
`ppi/reports/catalogue.py`; the comment above each one names the rows that make it so. Nothing here re-computes a
figure, so a wrong formula in `indicators.py` cannot hide behind the same formula in the test.

now = 2026-05-15 12:00 UTC. Every other time is 00:00 UTC on the day given (so day counts are whole days).

Organisations
  A1 Region of Southern Denmark  authority DK (DK03)      A2 Land Niederösterreich  authority AT (AT12)
  K1 Health-Tech Cluster South   cluster                  K2 Alpine Care Cluster    cluster
  M  MicroSense ApS  DK DK031    micro   (5 staff, turnover 1.5 M, balance sheet 1.2 M)
  S  SmallCare ApS   DK DK032    small   (30, 6 M, 4 M)
  D  MidData A/S     DK DK011    medium  (120, 30 M, 20 M)
  L  LargeMed AB     SE SE224    large   (900, 300 M, 250 M)
  U  Unsized ApS     DK no NUTS  unknown (turnover missing)

Challenges: lead/cluster, NUTS, CPV codes, submitted -> published, proposal deadline, status
  C0 A1/K1 DK031 33196200          2025-09-25 -> 2025-10-01  2025-11-15  no_award
  C1 A1/K1 DK031 33196200          2026-01-12 -> 2026-01-15  2026-02-27  awarded
  C2 A1/K1 DK032 33196200 72212000 2026-02-01 -> 2026-02-10  2026-04-20  awarded
  C3 A2/K2 AT124 72212000          2026-01-26 -> 2026-02-02  2026-03-02  awarded
  C4 A1/K1 DK031 33196200          draft, never published    2026-09-30  draft
  C5 A2/K2 AT124 48180000          2026-04-07 -> 2026-04-10  2026-06-10  published, open at now (A1 a partner)
  C6 A1/K2 DK011 33196200          2026-03-31 -> 2026-04-02  2026-06-30  cancelled on 2026-04-25
  C7 A2/K2 AT124 48180000          2026-01-10 -> 2026-01-20  2026-03-15  no_award
  Days publication -> deadline: C1 43, C2 69, C3 28. Days submission -> approval: C1 3, C2 9, C3 7, C5 3, C6 2, C7 10.

Proposals
  C0: D submitted; L submitted (history from before the period)
  C1: p1 S submitted (selected -> P1); p2 D submitted with L a CONFIRMED partner (consortium); M draft
  C2: p5 L submitted with U only INVITED (single company); p6 U submitted (selected -> P3); S draft
  C3: p7 L submitted (selected -> P2); p8 M submitted (selected -> P4)
  C5: p9 M submitted, sealed at now (deadline 2026-06-10)
  C7: L withdrawn

Pilots: created; status changes; planned per group; test users; feedback SUS scores; success criteria
  P1 "Fall sensor pilot" C1/S/K1, created 03-02; approved 03-06, running 03-10, completed 04-20, reported 04-30.
     Planned 6 + 4. Test users a, b, c (withdrawn 03-25), d. Feedback: a 82.5, a 90, b 67.5 (mean 80).
     Criteria: at least 90 (85 on 04-01, then 92 on 04-15: met, the latest decides); at most 5 (6 on 04-01, then
     7 on 04-15: not met); a third one never measured.
  P2 "Telecare pilot" C3/L/K2, created 03-09; approved 03-12, running 03-16, paused 04-01, running 04-08 (running
     now). Planned 5. Test users a, b. Feedback: a 40, b 55 (mean 47.5). Criterion at least 4 (4 on 04-20: met).
  P3 "Medication robot pilot" C2/U/K1, created 04-30; approved 05-02, running 05-05, stopped early 05-12.
     Planned 3. Test user a. Feedback: a 100 (mean 100). Criterion at most 10, never measured.
  P4 "Second telecare pilot" C3/M/K2, created 03-09; approved 03-12, never running. Planned 7; test user a.
  Days deadline -> first pilot created: C1 3, C2 10, C3 7.

Procurement cases: authority, link, created, procedure, threshold, contract signed, supplier, award notice,
published, the case's own CPV code
  X1 A1 C1 + P1  2026-03-30 innovation_partnership above  04-10  D (SME, DK)      due 05-10, not sent  yes  33196200
  X2 A1 P3 only  2026-05-06 below_threshold        below  -                                             no   72212000
  X3 A2 C3 + P2  2026-04-15 open                   above  05-05  L (not SME, SE)  due 06-04, not sent  yes  72212000
  X4 A1 C0       2025-12-01 pre_commercial         below  -                                             yes  33196200
  Days pilot created -> case: C1 28, C2 6, C3 37. Days case -> contract: C1 11, C3 20.

Assumptions where the catalogue leaves a choice (each is written where it is used):
  names are shown for authorities, clusters and companies; a metric or share whose denominator is zero is
  empty (NaN/None); breakdown rows whose counts are all zero may be present or left out; funnel medians are over
  the challenges that reached the stage.
"""
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pandas as pd
import pytest

from ppi.accounts.models import AuthorityType, Organisation, OrganisationKind, OrgRole, User
from ppi.challenges.models import Challenge, ChallengeCpv, ChallengePartner, ContractKind, IprModel, StatusChange
from ppi.challenges.workflow import ChallengeStatus
from ppi.extensions import db
from ppi.pilots.models import (Feedback, Measurement, Pilot, PilotStatusChange, Site, SuccessCriterion, TestUser,
                               UserGroup)
from ppi.pilots.workflow import Comparison, PilotStatus
from ppi.procurement.directive import ContractKind as CaseKind
from ppi.procurement.directive import Procedure
from ppi.procurement.models import CasePilot, ProcurementCase
from ppi.procurement.workflow import CaseStatus
from ppi.proposals.models import Proposal, ProposalPartner
from ppi.proposals.workflow import Outcome, PartnerStatus, ProposalStatus
from ppi.reports.catalogue import FUNNEL_STAGES, METRICS, TABLES, Audience
from ppi.reports.indicators import Filters, Scope, table
from tests.conftest import add_org, add_user

NOW = datetime(2026, 5, 15, 12, 0, tzinfo=timezone.utc)
FULL = Filters(date(2026, 1, 1), date(2026, 6, 30))
Q1 = Filters(date(2026, 1, 1), date(2026, 3, 31))
Q2 = Filters(date(2026, 4, 1), date(2026, 6, 30))
PLATFORM = Scope(Audience.PLATFORM)
PUBLIC = Scope(Audience.PUBLIC)
NA = None  # an expected figure that must be empty (NaN or None): its denominator is zero, or it has no value

A1, A2 = "Region of Southern Denmark", "Land Niederösterreich"
K1, K2 = "Health-Tech Cluster South", "Alpine Care Cluster"
M, S, D, L, U = "MicroSense ApS", "SmallCare ApS", "MidData A/S", "LargeMed AB", "Unsized ApS"


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=timezone.utc)


def with_(filters: Filters, **changes) -> Filters:
    return replace(filters, **changes)


# ---- the dataset ------------------------------------------------------------------------------------------

@dataclass
class Data:
    orgs: dict[str, int]  # by name
    challenges: dict[str, int]  # "C0" …
    test_users: dict[str, int]  # "P1c" …
    pilots: dict[str, int]
    users: dict[str, int]  # one administrator per organisation, by the organisation's name


def _sus_answers(score: float) -> list[int]:
    """Ten answers whose SUS score is `score` (odd items count answer − 1, even items 5 − answer, sum × 2.5)."""
    left, answers = round(score / 2.5), []
    for item in range(10):
        contribution = min(4, left)
        left -= contribution
        answers.append(contribution + 1 if item % 2 == 0 else 5 - contribution)
    return answers


def _challenge(key, lead, cluster, author, moderator, *, nuts, cpv, status, created, deadline, submitted=None,
               published=None, partners=(), cancelled=None) -> Challenge:
    challenge = Challenge(
        title=f"Challenge {key}", summary="A need, not a solution.", description="What is needed.",
        expected_benefits="Better care.", test_setting="Two sites", test_users_offered=20,
        pilot_budget_eur=Decimal(50_000), estimated_contract_value_eur=Decimal(300_000),
        contract_kind=ContractKind.SUPPLIES, nuts_code=nuts, languages=["en"], ipr_model=IprModel.COMPANY_LICENCE,
        questions_deadline=deadline - timedelta(days=7), proposal_deadline=deadline, status=status,
        lead_authority_id=lead.id, cluster_id=cluster.id, created_by_id=author.id, created_at=created,
        submitted_at=submitted, published_at=published)
    challenge.cpv_codes = [ChallengeCpv(code=code) for code in cpv]
    challenge.partners = [ChallengePartner(organisation_id=partner.id) for partner in partners]
    db.session.add(challenge)
    db.session.flush()
    moves = []
    if submitted:
        moves.append((ChallengeStatus.DRAFT, ChallengeStatus.IN_MODERATION, author, submitted))
    if published:
        moves.append((ChallengeStatus.IN_MODERATION, ChallengeStatus.PUBLISHED, moderator, published))
    if cancelled:
        moves.append((ChallengeStatus.PUBLISHED, ChallengeStatus.CANCELLED, author, cancelled))
    for from_status, to_status, actor, when in moves:
        db.session.add(StatusChange(challenge_id=challenge.id, from_status=from_status, to_status=to_status,
                                    actor_id=actor.id, at=when, comment="Test history."))
    return challenge


def _proposal(challenge, company, author, status, *, created, submitted=None, withdrawn=None, outcome=None,
              partners=()) -> Proposal:
    proposal = Proposal(
        challenge_id=challenge.id, company_id=company.id, created_by_id=author.id, status=status,
        title=f"{company.name} for {challenge.title}", summary="A prototype.", description="How it works.", trl=6,
        evidence="Tried once.", test_users_needed=10, sites_needed=1, duration_weeks=8,
        pilot_price_eur=Decimal(40_000), created_at=created, submitted_at=submitted, withdrawn_at=withdrawn,
        version_count=1 if submitted else 0, outcome=outcome)
    proposal.partners = [ProposalPartner(organisation_id=org.id, status=partner_status, invited_at=created,
                                         decided_at=created if partner_status == PartnerStatus.CONFIRMED else None)
                         for org, partner_status in partners]
    db.session.add(proposal)
    db.session.flush()
    return proposal


def _pilot(title, proposal, actor, *, created, status, moves, planned) -> Pilot:
    challenge = proposal.challenge
    pilot = Pilot(challenge_id=challenge.id, proposal_id=proposal.id, authority_id=challenge.lead_authority_id,
                  company_id=proposal.company_id, cluster_id=challenge.cluster_id, status=status, title=title,
                  created_at=created, objectives="Learn whether it works.", personal_data="Feedback only.",
                  legal_basis="GDPR Art 6(1)(e)", dpia_done=True)
    pilot.sites = [Site(name=f"{title} site", kind="care home")]
    pilot.groups = [UserGroup(role=f"Group {number}", planned=number) for number in planned]
    db.session.add(pilot)
    db.session.flush()
    previous = PilotStatus.PLANNING
    for target, when in moves:
        db.session.add(PilotStatusChange(pilot_id=pilot.id, from_status=previous, to_status=target, actor_id=actor.id,
                                         at=when, reason="Test history."))
        previous = target
    return pilot


def _test_user(pilot, code, enrolled, withdrawn=None) -> TestUser:
    test_user = TestUser(pilot_id=pilot.id, code=code, group_id=pilot.groups[0].id, site_id=pilot.sites[0].id,
                         consent_on=enrolled.date(), consent_version="1", enrolled_at=enrolled, withdrawn_at=withdrawn)
    db.session.add(test_user)
    db.session.flush()
    return test_user


def _feedback(test_user, when, score) -> None:
    db.session.add(Feedback(pilot_id=test_user.pilot_id, test_user_id=test_user.id, submitted_at=when,
                            sus_answers=_sus_answers(score), sus_score=score))


def _criteria(pilot, actor, *criteria) -> None:
    """criteria: (comparison, target, [(value, measured on), …]); measurements entered the day after."""
    made = []
    for position, (comparison, target, _measurements) in enumerate(criteria):
        made.append(SuccessCriterion(pilot_id=pilot.id, position=position, name=f"Criterion {position + 1}",
                                     comparison=comparison, target=Decimal(target), unit="points",
                                     rated_by_users=False))
    db.session.add_all(made)
    db.session.flush()
    for criterion, (_comparison, _target, measurements) in zip(made, criteria):
        for value, measured_on in measurements:
            db.session.add(Measurement(pilot_id=pilot.id, criterion_id=criterion.id, value=Decimal(value),
                                       measured_on=measured_on, source="Pilot log", entered_by_id=actor.id,
                                       entered_at=at(measured_on.year, measured_on.month, measured_on.day)
                                       + timedelta(days=1)))


def _case(subject, authority, author, *, created, status, procedure, value, above, published, cpv, challenge=None,
          pilots=(), signed=None, supplier=None, supplier_is_sme=None, supplier_country=None,
          notice_due=None) -> ProcurementCase:
    case = ProcurementCase(
        authority_id=authority.id, created_by_id=author.id, created_at=created, status=status, was_published=published,
        subject=subject, contract_kind=CaseKind.SUPPLIES, authority_type=AuthorityType.SUB_CENTRAL,
        estimated_value_eur=Decimal(value), cpv_codes=cpv, challenge_id=challenge.id if challenge else None,
        procedure=procedure, above_threshold=above, contract_signed_on=signed, award_notice_due=notice_due,
        award_notice_sent_on=None, supplier_id=supplier.id if supplier else None,
        supplier_name=supplier.name if supplier else None, supplier_is_sme=supplier_is_sme,
        supplier_country=supplier_country, contract_value_eur=Decimal(value) if signed else None)
    case.pilots = [CasePilot(pilot_id=pilot.id) for pilot in pilots]
    db.session.add(case)
    return case


def build_dataset() -> Data:
    """The dataset of the module docstring (inside an app context)."""
    authority, company, cluster = OrganisationKind.PUBLIC_AUTHORITY, OrganisationKind.COMPANY, OrganisationKind.CLUSTER
    a1 = add_org(A1, authority, country="DK", nuts_code="DK03", authority_type=AuthorityType.SUB_CENTRAL)
    a2 = add_org(A2, authority, country="AT", nuts_code="AT12", authority_type=AuthorityType.SUB_CENTRAL)
    k1 = add_org(K1, cluster, country="DK", nuts_code="DK032")
    k2 = add_org(K2, cluster, country="AT", nuts_code="AT12")

    def firm(name, country, nuts, staff, turnover, balance):
        return add_org(name, company, country=country, nuts_code=nuts, staff_headcount=staff,
                       annual_turnover_eur=None if turnover is None else Decimal(turnover),
                       balance_sheet_total_eur=None if balance is None else Decimal(balance))

    m = firm(M, "DK", "DK031", 5, 1_500_000, 1_200_000)
    s = firm(S, "DK", "DK032", 30, 6_000_000, 4_000_000)
    d = firm(D, "DK", "DK011", 120, 30_000_000, 20_000_000)
    lg = firm(L, "SE", "SE224", 900, 300_000_000, 250_000_000)
    u = firm(U, "DK", None, 25, None, 3_000_000)
    orgs = {"a1": a1, "a2": a2, "k1": k1, "k2": k2, "m": m, "s": s, "d": d, "l": lg, "u": u}
    users = {key: add_user(f"admin@{key}.indicators.test.org", org, OrgRole.ADMIN) for key, org in orgs.items()}
    db.session.flush()

    def challenge(key, lead, cluster_key, **fields):
        return _challenge(key, orgs[lead], orgs[cluster_key], users[lead], users[cluster_key], **fields)

    cs = ChallengeStatus
    c0 = challenge("C0", "a1", "k1", nuts="DK031", cpv=["33196200"], status=cs.NO_AWARD, created=at(2025, 9, 20),
                   submitted=at(2025, 9, 25), published=at(2025, 10, 1), deadline=at(2025, 11, 15))
    c1 = challenge("C1", "a1", "k1", nuts="DK031", cpv=["33196200"], status=cs.AWARDED, created=at(2026, 1, 5),
                   submitted=at(2026, 1, 12), published=at(2026, 1, 15), deadline=at(2026, 2, 27))
    c2 = challenge("C2", "a1", "k1", nuts="DK032", cpv=["33196200", "72212000"], status=cs.AWARDED,
                   created=at(2026, 1, 25), submitted=at(2026, 2, 1), published=at(2026, 2, 10),
                   deadline=at(2026, 4, 20))
    c3 = challenge("C3", "a2", "k2", nuts="AT124", cpv=["72212000"], status=cs.AWARDED, created=at(2026, 1, 20),
                   submitted=at(2026, 1, 26), published=at(2026, 2, 2), deadline=at(2026, 3, 2))
    c4 = challenge("C4", "a1", "k1", nuts="DK031", cpv=["33196200"], status=cs.DRAFT, created=at(2026, 4, 20),
                   deadline=at(2026, 9, 30))
    c5 = challenge("C5", "a2", "k2", nuts="AT124", cpv=["48180000"], status=cs.PUBLISHED, created=at(2026, 4, 1),
                   submitted=at(2026, 4, 7), published=at(2026, 4, 10), deadline=at(2026, 6, 10), partners=[a1])
    c6 = challenge("C6", "a1", "k2", nuts="DK011", cpv=["33196200"], status=cs.CANCELLED, created=at(2026, 3, 25),
                   submitted=at(2026, 3, 31), published=at(2026, 4, 2), deadline=at(2026, 6, 30),
                   cancelled=at(2026, 4, 25))
    c7 = challenge("C7", "a2", "k2", nuts="AT124", cpv=["48180000"], status=cs.NO_AWARD, created=at(2026, 1, 5),
                   submitted=at(2026, 1, 10), published=at(2026, 1, 20), deadline=at(2026, 3, 15))

    ps, out, pt = ProposalStatus, Outcome, PartnerStatus

    def proposal(challenge_, key, status, **fields):
        return _proposal(challenge_, orgs[key], users[key], status, **fields)

    proposal(c0, "d", ps.SUBMITTED, created=at(2025, 10, 20), submitted=at(2025, 11, 1), outcome=out.NOT_SELECTED)
    proposal(c0, "l", ps.SUBMITTED, created=at(2025, 10, 20), submitted=at(2025, 11, 2), outcome=out.NOT_SELECTED)
    p1 = proposal(c1, "s", ps.SUBMITTED, created=at(2026, 2, 1), submitted=at(2026, 2, 20), outcome=out.SELECTED)
    proposal(c1, "d", ps.SUBMITTED, created=at(2026, 2, 1), submitted=at(2026, 2, 21), outcome=out.NOT_SELECTED,
             partners=[(lg, pt.CONFIRMED)])
    proposal(c1, "m", ps.DRAFT, created=at(2026, 2, 10))
    proposal(c2, "l", ps.SUBMITTED, created=at(2026, 3, 1), submitted=at(2026, 4, 10), outcome=out.NOT_SELECTED,
             partners=[(u, pt.INVITED)])
    p6 = proposal(c2, "u", ps.SUBMITTED, created=at(2026, 3, 1), submitted=at(2026, 4, 12), outcome=out.SELECTED)
    proposal(c2, "s", ps.DRAFT, created=at(2026, 3, 5))
    p7 = proposal(c3, "l", ps.SUBMITTED, created=at(2026, 2, 10), submitted=at(2026, 2, 25), outcome=out.SELECTED)
    p8 = proposal(c3, "m", ps.SUBMITTED, created=at(2026, 2, 10), submitted=at(2026, 2, 26), outcome=out.SELECTED)
    proposal(c5, "m", ps.SUBMITTED, created=at(2026, 4, 20), submitted=at(2026, 5, 1))
    proposal(c7, "l", ps.WITHDRAWN, created=at(2026, 2, 1), submitted=at(2026, 2, 15), withdrawn=at(2026, 3, 1))

    st = PilotStatus
    pilot1 = _pilot("Fall sensor pilot", p1, users["k1"], created=at(2026, 3, 2), status=st.REPORTED, planned=[6, 4],
                    moves=[(st.PLAN_APPROVED, at(2026, 3, 6)), (st.RUNNING, at(2026, 3, 10)),
                           (st.COMPLETED, at(2026, 4, 20)), (st.REPORTED, at(2026, 4, 30))])
    pilot2 = _pilot("Telecare pilot", p7, users["k2"], created=at(2026, 3, 9), status=st.RUNNING, planned=[5],
                    moves=[(st.PLAN_APPROVED, at(2026, 3, 12)), (st.RUNNING, at(2026, 3, 16)),
                           (st.PAUSED, at(2026, 4, 1)), (st.RUNNING, at(2026, 4, 8))])
    pilot3 = _pilot("Medication robot pilot", p6, users["k1"], created=at(2026, 4, 30), status=st.STOPPED_EARLY,
                    planned=[3], moves=[(st.PLAN_APPROVED, at(2026, 5, 2)), (st.RUNNING, at(2026, 5, 5)),
                                        (st.STOPPED_EARLY, at(2026, 5, 12))])
    pilot4 = _pilot("Second telecare pilot", p8, users["k2"], created=at(2026, 3, 9), status=st.PLAN_APPROVED,
                    planned=[7], moves=[(st.PLAN_APPROVED, at(2026, 3, 12))])

    test_users = {
        "P1a": _test_user(pilot1, "P1-A", at(2026, 3, 11)),
        "P1b": _test_user(pilot1, "P1-B", at(2026, 3, 11)),
        "P1c": _test_user(pilot1, "P1-C", at(2026, 3, 11), withdrawn=at(2026, 3, 25)),
        "P1d": _test_user(pilot1, "P1-D", at(2026, 3, 12)),
        "P2a": _test_user(pilot2, "P2-A", at(2026, 3, 17)),
        "P2b": _test_user(pilot2, "P2-B", at(2026, 3, 17)),
        "P3a": _test_user(pilot3, "P3-A", at(2026, 5, 5)),
        "P4a": _test_user(pilot4, "P4-A", at(2026, 3, 13)),
    }
    _feedback(test_users["P1a"], at(2026, 3, 20), 82.5)
    _feedback(test_users["P1a"], at(2026, 4, 15), 90.0)
    _feedback(test_users["P1b"], at(2026, 4, 16), 67.5)
    _feedback(test_users["P2a"], at(2026, 3, 30), 40.0)
    _feedback(test_users["P2b"], at(2026, 3, 31), 55.0)
    _feedback(test_users["P3a"], at(2026, 5, 10), 100.0)

    least, most = Comparison.AT_LEAST, Comparison.AT_MOST
    _criteria(pilot1, users["s"],
              (least, 90, [(85, date(2026, 4, 1)), (92, date(2026, 4, 15))]),
              (most, 5, [(6, date(2026, 4, 1)), (7, date(2026, 4, 15))]),
              (least, 4, []))
    _criteria(pilot2, users["l"], (least, 4, [(4, date(2026, 4, 20))]))
    _criteria(pilot3, users["u"], (most, 10, []))

    cst = CaseStatus
    _case("Fall sensors for all care homes", a1, users["a1"], created=at(2026, 3, 30), status=cst.CONTRACT_SIGNED,
          procedure=Procedure.INNOVATION_PARTNERSHIP, value=400_000, above=True, published=True, cpv=["33196200"],
          challenge=c1,
          pilots=[pilot1], signed=date(2026, 4, 10), supplier=d, supplier_is_sme=True, supplier_country="DK",
          notice_due=date(2026, 5, 10))
    _case("Medication robots", a1, users["a1"], created=at(2026, 5, 6), status=cst.PLANNING,
          procedure=Procedure.BELOW_THRESHOLD, value=100_000, above=False, published=False, cpv=["72212000"],
          pilots=[pilot3])
    _case("Telecare for the region", a2, users["a2"], created=at(2026, 4, 15), status=cst.CONTRACT_SIGNED,
          procedure=Procedure.OPEN, value=300_000, above=True, published=True, cpv=["72212000"], challenge=c3,
          pilots=[pilot2],
          signed=date(2026, 5, 5), supplier=lg, supplier_is_sme=False, supplier_country="SE",
          notice_due=date(2026, 6, 4))
    _case("Research on wards", a1, users["a1"], created=at(2025, 12, 1), status=cst.PUBLISHED,
          procedure=Procedure.PRE_COMMERCIAL, value=150_000, above=False, published=True, cpv=["33196200"],
          challenge=c0)
    db.session.commit()
    return Data(
        orgs={org.name: org.id for org in orgs.values()},
        challenges={key: c.id for key, c in zip(("C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7"),
                                                 (c0, c1, c2, c3, c4, c5, c6, c7))},
        test_users={key: tu.id for key, tu in test_users.items()},
        pilots={"P1": pilot1.id, "P2": pilot2.id, "P3": pilot3.id, "P4": pilot4.id},
        users={orgs[key].name: user.id for key, user in users.items()},
    )


@pytest.fixture
def data(app) -> Data:
    with app.app_context():
        return build_dataset()


# ---- reading the tables ------------------------------------------------------------------------------------

def frame(app, name, filters=FULL, scope=PLATFORM, now=NOW) -> pd.DataFrame:
    with app.app_context():
        result = table(name, filters, scope, now=now)
    assert isinstance(result, pd.DataFrame)
    assert list(result.columns) == TABLES[name].column_names
    return result


def same(got, want) -> bool:
    if want is NA:
        return bool(pd.isna(got))
    if isinstance(want, str):
        return str(got) == want
    if isinstance(want, date):
        return not pd.isna(got) and pd.Timestamp(got).date() == want
    return not pd.isna(got) and got == pytest.approx(want)


def assert_same(actual: dict, expected: dict) -> None:
    """The same keys, and every value equal (numbers with pytest.approx, NA as NaN/None)."""
    assert set(actual) == set(expected), (sorted(map(str, actual)), sorted(map(str, expected)))
    wrong = {}
    for key, want in expected.items():
        got = actual[key]
        if isinstance(want, tuple):
            ok = len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
        else:
            ok = same(got, want)
        if not ok:
            wrong[key] = {"got": got, "expected": want}
    assert not wrong, wrong


def metrics(app, name, filters=FULL, scope=PLATFORM, now=NOW) -> dict:
    """A metric table as {metric: value}, after checking its rows are METRICS[name] in order with their labels."""
    with app.app_context():
        result = table(name, filters, scope, now=now)
        labels = [str(label) for label in METRICS[name].values()]
        assert list(result.columns) == TABLES[name].column_names
        assert list(result["metric"]) == list(METRICS[name])
        assert [str(label) for label in result["label"]] == labels
    return dict(zip(result["metric"], result["value"]))


def counted_rows(result: pd.DataFrame, key: str, columns: list[str]) -> dict:
    """{key: (columns…)} of the rows with a non-zero first count; rows of zeros may be present or left out."""
    rows = {}
    for record in result.to_dict("records"):
        if pd.isna(record[columns[0]]) or record[columns[0]] == 0:
            assert all(pd.isna(record[c]) or record[c] == 0 for c in columns), record
            continue
        assert str(record[key]) not in rows, f"two rows for {record[key]}"
        rows[str(record[key])] = tuple(record[c] for c in columns)
    return rows


BREAKDOWN = ["published", "open", "closed", "cancelled"]


def breakdown(app, name, key, filters=FULL, scope=PLATFORM) -> dict:
    """{authority/region/division/cluster: (published, open, closed, cancelled)}."""
    return counted_rows(frame(app, name, filters, scope), key, BREAKDOWN)


def pipeline(app, filters, scope=PLATFORM, now=NOW) -> list[tuple]:
    result = frame(app, "pipeline", filters, scope, now)
    return [(str(r["period"]), r["published"], r["closed"], r["open_at_end"]) for r in result.to_dict("records")]


def assert_rows_in_order(actual: list[tuple], expected: list[tuple]) -> None:
    assert [row[0] for row in actual] == [row[0] for row in expected], actual
    assert_same({row[0]: row[1:] for row in actual}, {row[0]: row[1:] for row in expected})


def funnel(app, filters=FULL, scope=PLATFORM, now=NOW) -> list[tuple]:
    with app.app_context():
        result = table("funnel", filters, scope, now=now)
        assert list(result.columns) == TABLES["funnel"].column_names
        assert list(result["stage"]) == list(FUNNEL_STAGES)
        assert [str(label) for label in result["label"]] == [str(label) for label in FUNNEL_STAGES.values()]
    return [(r["stage"], r["challenges"], r["share"], r["median_days"]) for r in result.to_dict("records")]


def clusters(app, filters=FULL, scope=PLATFORM) -> dict:
    result = frame(app, "clusters", filters, scope)
    columns = TABLES["clusters"].column_names[1:]
    return {str(r["cluster"]): tuple(r[c] for c in columns) for r in result.to_dict("records")}


# ---- every table for the platform, the whole first half of 2026 --------------------------------------------

def test_pipeline_per_quarter_month_and_year(app, data):
    # (period, published, closed, open_at_end)
    assert_rows_in_order(pipeline(app, FULL), [
        # published C1 01-15, C7 01-20, C3 02-02, C2 02-10; closed C1 02-27, C3 03-02, C7 03-15; open at 04-01: C2
        ("2026-Q1", 4, 3, 1),
        # published C6 04-02, C5 04-10; closed C2 04-20 (C5's 06-10 is after now, C6 cancelled); open at now: C5
        ("2026-Q2", 2, 1, 1),
    ])
    assert_rows_in_order(pipeline(app, Filters(date(2026, 1, 1), date(2026, 5, 31), granularity="month")), [
        # published C1, C7; nothing closed; open at 02-01: C1 (02-27), C7 (03-15)
        ("2026-01", 2, 0, 2),
        # published C3, C2; closed C1 (02-27); open at 03-01: C3 (03-02), C7 (03-15), C2 (04-20)
        ("2026-02", 2, 1, 3),
        # nothing published (a row of zeros kept); closed C3, C7; open at 04-01: C2
        ("2026-03", 0, 2, 1),
        # published C6, C5; closed C2; open at 05-01: C5 (C6 cancelled on 04-25)
        ("2026-04", 2, 1, 1),
        # still running, so it ends now: nothing published or closed since 05-01; open: C5
        ("2026-05", 0, 0, 1),
    ])
    assert_rows_in_order(pipeline(app, Filters(date(2025, 1, 1), date(2026, 12, 31), granularity="year")), [
        # C0 published 2025-10-01, closed 2025-11-15; nothing open at the end of 2025
        ("2025", 1, 1, 0),
        # published C1 C2 C3 C5 C6 C7 (C4 never); closed C1 C2 C3 C7; the year still runs, open at now: C5
        ("2026", 6, 4, 1),
    ])


def test_pipeline_breakdowns(app, data):
    # Each challenge published in the first half of 2026 as it stands now: open C5; closed C1 C2 C3 C7; cancelled C6.
    assert_same(breakdown(app, "pipeline_by_authority", "authority"), {
        # A1 leads C1 (closed), C2 (closed), C6 (cancelled)
        A1: (3, 0, 2, 1),
        # A2 leads C3 (closed), C5 (open), C7 (closed)
        A2: (3, 1, 2, 0),
    })
    assert_same(breakdown(app, "pipeline_by_region", "region"), {
        # C3, C5, C7 in AT124
        "AT12": (3, 1, 2, 0),
        # C6 in DK011
        "DK01": (1, 0, 0, 1),
        # C1 in DK031, C2 in DK032
        "DK03": (2, 0, 2, 0),
    })
    assert_same(breakdown(app, "pipeline_by_cpv", "cpv_division"), {
        # C1, C2 (33196200 among its two codes), C6
        "33": (3, 0, 2, 1),
        # C2 (72212000, counted in both its divisions), C3
        "72": (2, 0, 2, 0),
        # C5 (open), C7 (closed)
        "48": (2, 1, 1, 0),
    })
    names = {str(r["cpv_division"]): str(r["division"]) for r in frame(app, "pipeline_by_cpv").to_dict("records")}
    # the divisions' titles in the CPV 2008 list (33000000, 72000000, 48000000)
    assert names["33"] == "Medical equipments, pharmaceuticals and personal care products"
    assert names["72"] == "IT services: consulting, software development, Internet and support"
    assert names["48"] == "Software package and information systems"
    assert_same(breakdown(app, "pipeline_by_cluster", "cluster"), {
        # K1 facilitates C1, C2 (both closed)
        K1: (2, 0, 2, 0),
        # K2 facilitates C3 (closed), C5 (open), C6 (cancelled), C7 (closed)
        K2: (4, 1, 2, 1),
    })


def test_participation(app, data):
    # Deadlines passed in the period and before now: C1 (02-27), C3 (03-02), C7 (03-15), C2 (04-20).
    # Counted proposals: p1 S, p2 D (C1); p5 L, p6 U (C2); p7 L, p8 M (C3); none for C7 (L's was withdrawn).
    assert_same(metrics(app, "participation"), {
        # C1, C2, C3, C7
        "challenges": 4,
        # p1 p2 p5 p6 p7 p8 (not the drafts of M and S, not L's withdrawn one, not p9 sealed in C5)
        "proposals": 6,
        # per challenge 2, 2, 2, 0 (C7) → median 2
        "proposals_per_challenge_median": 2.0,
        # 6 proposals / 4 challenges
        "proposals_per_challenge_mean": 1.5,
        # S, D, L, U, M
        "companies": 5,
        # S, U, M had no proposal to a challenge with an earlier deadline
        "new_companies": 3,
        # D and L proposed to C0 (deadline 2025-11-15)
        "returning_companies": 2,
        # known size: p1 small, p2 medium, p5 large, p7 large, p8 micro (p6 unknown) → SMEs 3 of 5
        "sme_share": 0.6,
        # p2 DK01≠DK03, p5 SE22≠DK03, p7 SE22≠AT12, p8 DK03≠AT12; p1 DK03=DK03; p6 no NUTS, DK=DK → 4 of 6
        "other_region_share": 4 / 6,
        # p5 SE≠DK, p7 SE≠AT, p8 DK≠AT → 3 of 6
        "other_country_share": 0.5,
        # p2 (L confirmed); p5's partner U is only invited
        "consortia": 1,
        # p1 p5 p6 p7 p8
        "single_companies": 5,
    })


def test_proposals_by_size(app, data):
    result = frame(app, "proposals_by_size")
    assert {str(size) for size in result["size_class"]} <= {"micro", "small", "medium", "large", "unknown"}
    assert_same(counted_rows(result, "size_class", ["proposals", "share"]), {
        # p8 M
        "micro": (1, 1 / 6),
        # p1 S
        "small": (1, 1 / 6),
        # p2 D
        "medium": (1, 1 / 6),
        # p5 L, p7 L
        "large": (2, 2 / 6),
        # p6 U (turnover missing)
        "unknown": (1, 1 / 6),
    })


def test_pilots(app, data):
    # Started in the period (first moved to running): P1 03-10, P2 03-16, P3 05-05. P4 never ran.
    assert_same(metrics(app, "pilots"), {
        # P1, P2, P3
        "started": 3,
        # P2 (running again since 04-08)
        "running": 1,
        # P1 (completed, then reported)
        "completed": 1,
        # P3
        "stopped_early": 1,
        # P1 6 + 4, P2 5, P3 3 (not P4's 7)
        "test_users_planned": 18,
        # P1 a b d (c withdrawn), P2 a b, P3 a (not P4 a)
        "test_users_enrolled": 6,
        # P1 a b, P2 a b, P3 a
        "test_users_answered": 5,
        # P1 3, P2 2, P3 1
        "feedback": 6,
        # (82.5 + 90 + 67.5 + 40 + 55 + 100) / 6 = 435 / 6
        "mean_sus": 72.5,
        # P1 80, P2 47.5, P3 100 → 227.5 / 3
        "mean_pilot_sus": 227.5 / 3,
        # P1 criteria 1 and 2, P2 criterion 1 (P1's third and P3's are unmeasured)
        "criteria_measured": 3,
        # P1 c1 latest 92 ≥ 90, P2 c1 4 ≥ 4; P1 c2 latest 7 > 5 is not met
        "criteria_met": 2,
        # 2 of 3
        "criteria_met_share": 2 / 3,
    })


def test_pilot_results(app, data):
    result = frame(app, "pilot_results")
    columns = TABLES["pilot_results"].column_names[1:]
    rows = {str(r["pilot"]): tuple(r[c] for c in columns) for r in result.to_dict("records")}
    # authority, company, cluster, status, started_on, planned, enrolled, answered, mean_sus, measured, met
    assert_same(rows, {
        # P1: planned 6+4; a b d enrolled (c withdrawn); a b answered; (82.5+90+67.5)/3; c1 met, c2 not
        "Fall sensor pilot": (A1, S, K1, "reported", date(2026, 3, 10), 10, 3, 2, 80.0, 2, 1),
        # P2: first running 03-16 (not 04-08); (40+55)/2; c1 4 ≥ 4 met
        "Telecare pilot": (A2, L, K2, "running", date(2026, 3, 16), 5, 2, 2, 47.5, 1, 1),
        # P3: one test user, one answer of 100; its criterion never measured
        "Medication robot pilot": (A1, U, K1, "stopped_early", date(2026, 5, 5), 3, 1, 1, 100.0, 0, 0),
    })


def test_sus_distribution(app, data):
    result = frame(app, "sus_distribution")
    assert {int(band) for band in result["band"]} <= set(range(0, 100, 10))
    assert_same({int(band): n for band, (n,) in counted_rows(result, "band", ["feedback"]).items()}, {
        # P2 a 40
        40: 1,
        # P2 b 55
        50: 1,
        # P1 b 67.5
        60: 1,
        # P1 a 82.5
        80: 1,
        # P1 a 90, P3 a 100 (the top band is 90–100)
        90: 2,
    })


def test_funnel(app, data):
    # (stage, challenges, share of the published, median days from the previous stage)
    assert_rows_in_order(funnel(app), [
        # C1 C2 C3 C5 C6 C7
        ("published", 6, 1.0, NA),
        # C1 C2 C3 (C5 sealed, C6 none, C7 only withdrawn); publication → deadline 43, 69, 28 → 43
        ("proposals", 3, 0.5, 43.0),
        # C1 (P1), C2 (P3), C3 (P2, P4 same day); deadline → pilot created 3, 10, 7 → 7
        ("pilot", 3, 0.5, 7.0),
        # C1 (X1), C2 (X2 through P3), C3 (X3); pilot → case 28, 6, 37 → 28
        ("procurement", 3, 0.5, 28.0),
        # C1 (X1 04-10), C3 (X3 05-05); case → contract 11, 20 → 15.5
        ("contract", 2, 2 / 6, 15.5),
        # C3: X3 went to L, who ran P2 (X1 went to D, not P1's S)
        ("pilot_company", 1, 1 / 6, NA),
    ])


def test_procurement_and_routes(app, data):
    # Created in the period: X1 03-30, X3 04-15, X2 05-06 (X4 2025-12-01 is before it).
    assert_same(metrics(app, "procurement"), {
        # X1, X2, X3
        "cases": 3,
        # X1, X3
        "above_threshold": 2,
        # X2
        "below_threshold": 1,
        # X1 signed 04-10, X3 signed 05-05
        "awards": 2,
        # X1 (D, an SME)
        "awards_to_smes": 1,
        # 1 of 2
        "sme_share_of_awards": 0.5,
        # X3: SE supplier, AT authority (X1: DK and DK)
        "cross_border_awards": 1,
        # X1 due 05-10 < 05-15 and not sent (X3 due 06-04)
        "overdue_award_notices": 1,
    })
    result = frame(app, "procurement_routes")
    # (cases, above, below, awarded)
    assert_same(counted_rows(result, "route", ["cases", "above_threshold", "below_threshold", "awarded"]), {
        # X1
        "innovation_partnership": (1, 1, 0, 1),
        # X3
        "open": (1, 1, 0, 1),
        # X2
        "below_threshold": (1, 0, 1, 0),
    })
    assert all(str(label).strip() for label in result["label"])


def test_clusters(app, data):
    # (moderated, median moderation days, pilots, running, completed, stopped early)
    assert_same(clusters(app), {
        # approved C1 (3 days), C2 (9) → median 6; P1 completed, P3 stopped early
        K1: (2, 6.0, 2, 0, 1, 1),
        # approved C3 (7), C5 (3), C6 (2), C7 (10) → median (3 + 7) / 2 = 5; P2 running
        K2: (4, 5.0, 1, 1, 0, 0),
    })


# ---- the period bounds ------------------------------------------------------------------------------------------

def test_participation_per_quarter(app, data):
    assert_same(metrics(app, "participation", Q1), {
        # C1 02-27, C3 03-02, C7 03-15
        "challenges": 3,
        # p1 p2 (C1), p7 p8 (C3)
        "proposals": 4,
        # 2, 2, 0 → 2
        "proposals_per_challenge_median": 2.0,
        # 4 / 3
        "proposals_per_challenge_mean": 4 / 3,
        # S, D, L, M
        "companies": 4,
        # S, M
        "new_companies": 2,
        # D, L (C0)
        "returning_companies": 2,
        # small, medium, large, micro → 3 of 4
        "sme_share": 0.75,
        # p2, p7, p8
        "other_region_share": 0.75,
        # p7, p8
        "other_country_share": 0.5,
        # p2
        "consortia": 1,
        # p1, p7, p8
        "single_companies": 3,
    })
    assert_same(metrics(app, "participation", Q2), {
        # C2 04-20 (C5's 06-10 has not passed at now; C6 cancelled, 06-30 not passed)
        "challenges": 1,
        # p5, p6
        "proposals": 2,
        # 2
        "proposals_per_challenge_median": 2.0,
        # 2 / 1
        "proposals_per_challenge_mean": 2.0,
        # L, U
        "companies": 2,
        # U
        "new_companies": 1,
        # L (C0, and C3 whose deadline 03-02 is earlier)
        "returning_companies": 1,
        # known size: p5 large only (U unknown) → 0 of 1
        "sme_share": 0.0,
        # p5 SE22≠DK03; p6 no NUTS, DK=DK
        "other_region_share": 0.5,
        # p5
        "other_country_share": 0.5,
        # p5's partner only invited
        "consortia": 0,
        # p5, p6
        "single_companies": 2,
    })


def test_pilots_per_quarter(app, data):
    assert_same(metrics(app, "pilots", Q1), {
        # P1 03-10, P2 03-16
        "started": 2,
        # P2 now
        "running": 1,
        # P1
        "completed": 1,
        # none of P1, P2
        "stopped_early": 0,
        # 6 + 4 + 5
        "test_users_planned": 15,
        # P1 a b d, P2 a b
        "test_users_enrolled": 5,
        # P1 a b, P2 a b
        "test_users_answered": 4,
        # P1 3, P2 2
        "feedback": 5,
        # (82.5 + 90 + 67.5 + 40 + 55) / 5 = 335 / 5
        "mean_sus": 67.0,
        # (80 + 47.5) / 2
        "mean_pilot_sus": 63.75,
        # P1 c1 c2, P2 c1
        "criteria_measured": 3,
        # P1 c1, P2 c1
        "criteria_met": 2,
        # 2 of 3
        "criteria_met_share": 2 / 3,
    })
    assert_same(metrics(app, "pilots", Q2), {
        # P3 05-05 (P2 ran again on 04-08, but first ran in Q1)
        "started": 1,
        # P3 stopped
        "running": 0,
        # -
        "completed": 0,
        # P3
        "stopped_early": 1,
        # P3 3
        "test_users_planned": 3,
        # P3 a
        "test_users_enrolled": 1,
        # P3 a
        "test_users_answered": 1,
        # P3 a 100
        "feedback": 1,
        # 100
        "mean_sus": 100.0,
        # 100
        "mean_pilot_sus": 100.0,
        # P3's criterion never measured
        "criteria_measured": 0,
        # -
        "criteria_met": 0,
        # 0 of 0: empty
        "criteria_met_share": NA,
    })


def test_procurement_per_quarter(app, data):
    assert_same(metrics(app, "procurement", Q1), {
        # X1 03-30
        "cases": 1,
        # X1
        "above_threshold": 1,
        # -
        "below_threshold": 0,
        # X1
        "awards": 1,
        # X1 (D)
        "awards_to_smes": 1,
        # 1 of 1
        "sme_share_of_awards": 1.0,
        # X1 DK/DK
        "cross_border_awards": 0,
        # X1 due 05-10, not sent
        "overdue_award_notices": 1,
    })
    assert_same(metrics(app, "procurement", Q2), {
        # X3 04-15, X2 05-06
        "cases": 2,
        # X3
        "above_threshold": 1,
        # X2
        "below_threshold": 1,
        # X3
        "awards": 1,
        # X3 went to L, not an SME
        "awards_to_smes": 0,
        # 0 of 1
        "sme_share_of_awards": 0.0,
        # X3 SE/AT
        "cross_border_awards": 1,
        # X3 due 06-04, after today
        "overdue_award_notices": 0,
    })


def test_clusters_and_funnel_in_the_first_quarter(app, data):
    assert_same(clusters(app, Q1), {
        # approved C1 01-15 (3 days), C2 02-10 (9) → 6; P1 started 03-10, completed (P3 started in Q2)
        K1: (2, 6.0, 1, 0, 1, 0),
        # approved C7 01-20 (10), C3 02-02 (7) → 8.5; P2 started 03-16, running (C5, C6 approved in Q2)
        K2: (2, 8.5, 1, 1, 0, 0),
    })
    assert_rows_in_order(funnel(app, Q1), [
        # C1 01-15, C7 01-20, C3 02-02, C2 02-10
        ("published", 4, 1.0, NA),
        # C1, C2, C3 (C2's deadline is in Q2 but has passed: how far they went by now); 43, 69, 28 → 43
        ("proposals", 3, 0.75, 43.0),
        # C1 3, C2 10, C3 7 → 7
        ("pilot", 3, 0.75, 7.0),
        # C1 28, C2 6, C3 37 → 28
        ("procurement", 3, 0.75, 28.0),
        # C1 11, C3 20 → 15.5
        ("contract", 2, 0.5, 15.5),
        # C3
        ("pilot_company", 1, 0.25, NA),
    ])


# ---- the filters ------------------------------------------------------------------------------------------

def test_region_filter(app, data):
    # Only C3, C5, C7 have a NUTS code starting with AT.
    assert_same(breakdown(app, "pipeline_by_region", "region", with_(FULL, region="AT")), {
        # C3 closed, C5 open, C7 closed
        "AT12": (3, 1, 2, 0),
    })
    assert_same(breakdown(app, "pipeline_by_region", "region", with_(FULL, region="DK")), {
        # C6
        "DK01": (1, 0, 0, 1),
        # C1, C2
        "DK03": (2, 0, 2, 0),
    })
    assert_same(metrics(app, "participation", with_(FULL, region="AT")), {
        # C3, C7 (C5 not passed)
        "challenges": 2,
        # p7, p8
        "proposals": 2,
        # 2, 0 → 1
        "proposals_per_challenge_median": 1.0,
        # 2 / 2
        "proposals_per_challenge_mean": 1.0,
        # L, M
        "companies": 2,
        # M
        "new_companies": 1,
        # L (C0, outside the filter: anywhere on the platform)
        "returning_companies": 1,
        # large, micro → 1 of 2
        "sme_share": 0.5,
        # p7 SE22, p8 DK03 vs AT12
        "other_region_share": 1.0,
        # p7 SE, p8 DK vs AT
        "other_country_share": 1.0,
        # -
        "consortia": 0,
        # p7, p8
        "single_companies": 2,
    })


def test_cpv_division_filter(app, data):
    division_72 = with_(FULL, cpv_division="72")
    # Only C2 (one of its two codes) and C3 have a code in division 72.
    assert_rows_in_order(pipeline(app, division_72), [
        # published C3, C2; closed C3 03-02; open at 04-01: C2
        ("2026-Q1", 2, 1, 1),
        # closed C2 04-20
        ("2026-Q2", 0, 1, 0),
    ])
    assert_same(metrics(app, "participation", division_72), {
        # C2, C3
        "challenges": 2,
        # p5 p6 (C2), p7 p8 (C3)
        "proposals": 4,
        # 2, 2
        "proposals_per_challenge_median": 2.0,
        # 4 / 2
        "proposals_per_challenge_mean": 2.0,
        # L, U, M
        "companies": 3,
        # U, M
        "new_companies": 2,
        # L
        "returning_companies": 1,
        # known: p5 large, p7 large, p8 micro (p6 unknown) → 1 of 3
        "sme_share": 1 / 3,
        # p5, p7, p8 (p6 DK=DK)
        "other_region_share": 0.75,
        # p5, p7, p8
        "other_country_share": 0.75,
        # p5's partner only invited
        "consortia": 0,
        # p5 p6 p7 p8
        "single_companies": 4,
    })
    assert_same(metrics(app, "pilots", division_72), {
        # P2 (C3), P3 (C2)
        "started": 2,
        # P2
        "running": 1,
        # -
        "completed": 0,
        # P3
        "stopped_early": 1,
        # 5 + 3
        "test_users_planned": 8,
        # P2 a b, P3 a
        "test_users_enrolled": 3,
        # P2 a b, P3 a
        "test_users_answered": 3,
        # 40, 55, 100
        "feedback": 3,
        # 195 / 3
        "mean_sus": 65.0,
        # (47.5 + 100) / 2
        "mean_pilot_sus": 73.75,
        # P2 c1
        "criteria_measured": 1,
        # P2 c1
        "criteria_met": 1,
        # 1 of 1
        "criteria_met_share": 1.0,
    })


def test_authority_filter(app, data):
    a1 = with_(FULL, authority_id=data.orgs[A1])
    # A1 leads C1, C2, C6 (and C0, C4, neither published in the period); C5 is led by A2
    assert_same(breakdown(app, "pipeline_by_authority", "authority", a1), {A1: (3, 0, 2, 1)})
    assert_same(metrics(app, "procurement", a1), {
        # X1 (C1), X2 (through P3 of C2)
        "cases": 2,
        # X1
        "above_threshold": 1,
        # X2
        "below_threshold": 1,
        # X1
        "awards": 1,
        # X1 (D)
        "awards_to_smes": 1,
        # 1 of 1
        "sme_share_of_awards": 1.0,
        # X1 DK/DK
        "cross_border_awards": 0,
        # X1
        "overdue_award_notices": 1,
    })


def test_cluster_filter(app, data):
    k1 = with_(FULL, cluster_id=data.orgs[K1])
    # K1 facilitates C1 and C2 in the period (C0 in 2025, C4 a draft)
    assert_same(breakdown(app, "pipeline_by_cluster", "cluster", k1), {K1: (2, 0, 2, 0)})
    assert_same(clusters(app, k1), {K1: (2, 6.0, 2, 0, 1, 1)})
    assert_rows_in_order(funnel(app, k1), [
        # C1, C2
        ("published", 2, 1.0, NA),
        # C1 43, C2 69 → 56
        ("proposals", 2, 1.0, 56.0),
        # C1 3, C2 10 → 6.5
        ("pilot", 2, 1.0, 6.5),
        # C1 28 (X1), C2 6 (X2) → 17
        ("procurement", 2, 1.0, 17.0),
        # C1 11
        ("contract", 1, 0.5, 11.0),
        # X1 went to D, not S
        ("pilot_company", 0, 0.0, NA),
    ])
    assert_same(metrics(app, "pilots", k1), {
        # P1, P3
        "started": 2,
        # -
        "running": 0,
        # P1
        "completed": 1,
        # P3
        "stopped_early": 1,
        # 6 + 4 + 3
        "test_users_planned": 13,
        # P1 a b d, P3 a
        "test_users_enrolled": 4,
        # P1 a b, P3 a
        "test_users_answered": 3,
        # P1 3, P3 1
        "feedback": 4,
        # (82.5 + 90 + 67.5 + 100) / 4 = 340 / 4
        "mean_sus": 85.0,
        # (80 + 100) / 2
        "mean_pilot_sus": 90.0,
        # P1 c1 c2
        "criteria_measured": 2,
        # P1 c1
        "criteria_met": 1,
        # 1 of 2
        "criteria_met_share": 0.5,
    })


def test_procurement_follows_the_challenge_filters(app, data):
    """The catalogue's module docstring: every table starts from the challenges in scope that pass the filters,
    and the region and CPV division filters read the challenge's NUTS code and CPV codes. A case counts through
    the challenge it is linked to, directly or through its pilot, whatever the case's own codes or its
    authority's NUTS code."""
    assert_same(metrics(app, "procurement", with_(FULL, cpv_division="33")), {
        # C1 → X1; C2 (codes in 33 and 72) → X2 through P3, although X2 itself is coded 72212000
        "cases": 2,
        # X1
        "above_threshold": 1,
        # X2
        "below_threshold": 1,
        # X1
        "awards": 1,
        # X1 (D)
        "awards_to_smes": 1,
        # 1 of 1
        "sme_share_of_awards": 1.0,
        # X1 DK/DK
        "cross_border_awards": 0,
        # X1
        "overdue_award_notices": 1,
    })
    assert_same(metrics(app, "procurement", with_(FULL, region="DK032")), {
        # C2 (DK032) → X2 through P3; its authority A1 is registered in DK03, which does not start with DK032
        "cases": 1,
        # -
        "above_threshold": 0,
        # X2
        "below_threshold": 1,
        # X2 has no contract
        "awards": 0,
        # -
        "awards_to_smes": 0,
        # 0 of 0: empty
        "sme_share_of_awards": NA,
        # -
        "cross_border_awards": 0,
        # -
        "overdue_award_notices": 0,
    })


# ---- the audiences ----------------------------------------------------------------------------------------

def test_the_public_never_gets_pilot_results(app, data):
    assert Audience.PUBLIC not in TABLES["pilot_results"].audiences
    with app.app_context(), pytest.raises(PermissionError):
        table("pilot_results", FULL, PUBLIC, now=NOW)
    for name, spec in TABLES.items():
        if Audience.PUBLIC in spec.audiences:
            frame(app, name, FULL, PUBLIC)


def test_the_public_sees_only_published_challenges_and_cases(app, data):
    # C4 (the draft) is the only unpublished challenge: the same challenges as the platform's in the period
    assert_same(breakdown(app, "pipeline_by_authority", "authority", FULL, PUBLIC), {
        # C1, C2, C6
        A1: (3, 0, 2, 1),
        # C3, C5, C7
        A2: (3, 1, 2, 0),
    })
    assert_same(metrics(app, "procurement", FULL, PUBLIC), {
        # X1, X3 (X2 never published)
        "cases": 2,
        # X1, X3
        "above_threshold": 2,
        # X2 hidden
        "below_threshold": 0,
        # X1, X3
        "awards": 2,
        # X1
        "awards_to_smes": 1,
        # 1 of 2
        "sme_share_of_awards": 0.5,
        # X3
        "cross_border_awards": 1,
        # X1
        "overdue_award_notices": 1,
    })
    routes = counted_rows(frame(app, "procurement_routes", FULL, PUBLIC), "route",
                          ["cases", "above_threshold", "below_threshold", "awarded"])
    # X1 and X3 only: the unpublished X2 (below_threshold) leaves no row
    assert_same(routes, {"innovation_partnership": (1, 1, 0, 1), "open": (1, 1, 0, 1)})
    # An unpublished case is not even known to exist for the public (DEVELOPERS.md, refusals), so the funnel's
    # procurement stage counts only X1 and X3.
    assert_rows_in_order(funnel(app, FULL, PUBLIC), [
        ("published", 6, 1.0, NA),
        ("proposals", 3, 0.5, 43.0),
        ("pilot", 3, 0.5, 7.0),
        # C1 (X1) 28, C3 (X3) 37 → 32.5; C2's only case X2 is unpublished
        ("procurement", 2, 2 / 6, 32.5),
        ("contract", 2, 2 / 6, 15.5),
        ("pilot_company", 1, 1 / 6, NA),
    ])


def test_an_authority_sees_the_challenges_it_leads_or_partners_in(app, data):
    a1 = Scope(Audience.AUTHORITY, data.orgs[A1])
    assert_same(breakdown(app, "pipeline_by_authority", "authority", FULL, a1), {
        # C1, C2, C6 it leads
        A1: (3, 0, 2, 1),
        # C5, where A1 is a partner (open)
        A2: (1, 1, 0, 0),
    })
    assert_same(metrics(app, "participation", FULL, a1), {
        # C1, C2 (C5 and C6 not passed)
        "challenges": 2,
        # p1 p2 p5 p6
        "proposals": 4,
        # 2, 2
        "proposals_per_challenge_median": 2.0,
        # 4 / 2
        "proposals_per_challenge_mean": 2.0,
        # S, D, L, U
        "companies": 4,
        # S, U
        "new_companies": 2,
        # D, L (C0)
        "returning_companies": 2,
        # known: small, medium, large (U unknown) → 2 of 3
        "sme_share": 2 / 3,
        # p2 DK01, p5 SE22 (p1 DK03, p6 DK=DK)
        "other_region_share": 0.5,
        # p5
        "other_country_share": 0.25,
        # p2
        "consortia": 1,
        # p1 p5 p6
        "single_companies": 3,
    })
    assert sorted(frame(app, "pilot_results", FULL, a1)["pilot"]) == ["Fall sensor pilot", "Medication robot pilot"]
    assert_same(metrics(app, "procurement", FULL, a1), {
        # X1, X2 (A2's X3 is not A1's, and its challenge C3 is not in A1's scope)
        "cases": 2,
        "above_threshold": 1,
        "below_threshold": 1,
        # X1
        "awards": 1,
        "awards_to_smes": 1,
        "sme_share_of_awards": 1.0,
        "cross_border_awards": 0,
        # X1
        "overdue_award_notices": 1,
    })
    a2 = Scope(Audience.AUTHORITY, data.orgs[A2])
    # A2 leads C3, C5, C7; nothing of A1's
    assert_same(breakdown(app, "pipeline_by_authority", "authority", FULL, a2), {A2: (3, 1, 2, 0)})
    assert sorted(frame(app, "pilot_results", FULL, a2)["pilot"]) == ["Telecare pilot"]
    assert_same(metrics(app, "procurement", FULL, a2), {
        # X3
        "cases": 1,
        "above_threshold": 1,
        "below_threshold": 0,
        "awards": 1,
        # L is not an SME
        "awards_to_smes": 0,
        "sme_share_of_awards": 0.0,
        # SE supplier, AT authority
        "cross_border_awards": 1,
        # due 06-04
        "overdue_award_notices": 0,
    })


def test_a_cluster_sees_the_challenges_it_facilitates(app, data):
    k2 = Scope(Audience.CLUSTER, data.orgs[K2])
    # C3, C5, C6, C7
    assert_same(breakdown(app, "pipeline_by_cluster", "cluster", FULL, k2), {K2: (4, 1, 2, 1)})
    # only K2's row: C3 7, C5 3, C6 2, C7 10 days → 5; P2 running
    assert_same(clusters(app, FULL, k2), {K2: (4, 5.0, 1, 1, 0, 0)})
    assert sorted(frame(app, "pilot_results", FULL, k2)["pilot"]) == ["Telecare pilot"]
    participation = metrics(app, "participation", FULL, k2)
    # C3, C7 (C5, C6 not passed); p7, p8
    assert_same({k: participation[k] for k in ("challenges", "proposals", "companies")},
                {"challenges": 2, "proposals": 2, "companies": 2})
    k1 = Scope(Audience.CLUSTER, data.orgs[K1])
    assert_same(metrics(app, "procurement", FULL, k1), {
        # X1 (C1), X2 (through P3 of C2): the cases of K1's challenges, all of A1
        "cases": 2,
        "above_threshold": 1,
        "below_threshold": 1,
        "awards": 1,
        "awards_to_smes": 1,
        "sme_share_of_awards": 1.0,
        "cross_border_awards": 0,
        "overdue_award_notices": 1,
    })


# ---- sealing, withdrawn test users, an empty database ----------------------------------------------------------

def test_sealed_proposals_are_never_counted(app, data):
    # At now, C5's deadline (06-10) has not passed: p9 (M) is sealed in every scope.
    a2 = Scope(Audience.AUTHORITY, data.orgs[A2])
    for scope in (PLATFORM, PUBLIC, a2, Scope(Audience.CLUSTER, data.orgs[K2])):
        counted = metrics(app, "participation", FULL, scope)
        # platform/public: C1 C2 C3 C7 and their 6 proposals; A2 and K2: C3 C7, p7 p8
        expected = (4, 6) if scope in (PLATFORM, PUBLIC) else (2, 2)
        assert (counted["challenges"], counted["proposals"]) == expected, scope
    sizes = counted_rows(frame(app, "proposals_by_size"), "size_class", ["proposals"])
    # p8 only, not p9
    assert sizes["micro"] == (1,)
    # The day after C5's deadline the proposal counts: C5 joins with p9.
    after = datetime(2026, 6, 11, tzinfo=timezone.utc)
    counted = metrics(app, "participation", FULL, PLATFORM, now=after)
    # C1 C2 C3 C5 C7; p1 p2 p5 p6 p7 p8 p9
    assert (counted["challenges"], counted["proposals"]) == (5, 7)
    stages = {row[0]: row[1] for row in funnel(app, FULL, PLATFORM, now=after)}
    # C1 C2 C3 C5
    assert stages["proposals"] == 4


def test_a_company_that_proposed_anywhere_before_is_returning(app, data):
    """"A new company had no proposal to a challenge with an earlier deadline, anywhere on the platform": a
    proposal outside the scope or the filters, but in the period, still makes a company returning."""
    with app.app_context():
        # S, new in the dataset (its first proposal p1 went to C1, deadline 02-27), now also proposes to C3 (03-02)
        _proposal(db.session.get(Challenge, data.challenges["C3"]), db.session.get(Organisation, data.orgs[S]),
                  db.session.get(User, data.users[S]), ProposalStatus.SUBMITTED, created=at(2026, 2, 20),
                  submitted=at(2026, 2, 27))
        db.session.commit()
    a2 = Scope(Audience.AUTHORITY, data.orgs[A2])
    assert_same(metrics(app, "participation", FULL, a2), {
        # C3, C7
        "challenges": 2,
        # p7 L, p8 M, S's (C3)
        "proposals": 3,
        # 3, 0 → 1.5
        "proposals_per_challenge_median": 1.5,
        # 3 / 2
        "proposals_per_challenge_mean": 1.5,
        # L, M, S
        "companies": 3,
        # M
        "new_companies": 1,
        # L (C0, 2025-11-15) and S (C1, 02-27, before C3's 03-02: not A2's, but on the platform)
        "returning_companies": 2,
        # large, micro, small → 2 of 3
        "sme_share": 2 / 3,
        # SE22, DK03, DK03 vs AT12
        "other_region_share": 1.0,
        # SE, DK, DK vs AT
        "other_country_share": 1.0,
        # -
        "consortia": 0,
        # all three
        "single_companies": 3,
    })
    figures = metrics(app, "participation", with_(FULL, cpv_division="72"))
    # C2 and C3: L, U, M, S; new U and M; returning L (C0) and S (C1, division 33 only, outside the filter)
    assert (figures["companies"], figures["new_companies"], figures["returning_companies"]) == (4, 2, 2)


def test_feedback_of_a_withdrawn_test_user_is_left_out(app, data):
    with app.app_context():
        # P1's c answered once (a score of 20) before withdrawing on 03-25
        _feedback(db.session.get(TestUser, data.test_users["P1c"]), at(2026, 3, 20), 20.0)
        db.session.commit()
    bands = counted_rows(frame(app, "sus_distribution"), "band", ["feedback"])
    # still 40, 50, 60, 80, 90 ×2 and nothing at 20
    assert_same({int(band): n for band, (n,) in bands.items()}, {40: 1, 50: 1, 60: 1, 80: 1, 90: 2})
    figures = metrics(app, "pilots")
    # enrolled P1 a b d, P2 a b, P3 a; answered P1 a b, P2 a b, P3 a (c is withdrawn)
    assert (figures["test_users_enrolled"], figures["test_users_answered"]) == (6, 5)
    result = frame(app, "pilot_results")
    p1 = result[result["pilot"] == "Fall sensor pilot"].iloc[0]
    # a b d enrolled, a b answered
    assert (p1["test_users_enrolled"], p1["test_users_answered"]) == (3, 2)


def test_an_empty_database_gives_zeros_and_empty_figures(app):
    ratios = {"participation": {"proposals_per_challenge_median", "proposals_per_challenge_mean", "sme_share",
                                "other_region_share", "other_country_share"},
              "pilots": {"mean_sus", "mean_pilot_sus", "criteria_met_share"},
              "procurement": {"sme_share_of_awards"}}
    for name, keys in ratios.items():
        # nothing to count: every count 0, every median, mean and share empty
        assert_same(metrics(app, name), {key: NA if key in keys else 0 for key in METRICS[name]})
    # every quarter of the period listed, with zeros
    assert_rows_in_order(pipeline(app, FULL), [("2026-Q1", 0, 0, 0), ("2026-Q2", 0, 0, 0)])
    # every stage, none reached; shares of no published challenge and medians are empty
    assert_rows_in_order(funnel(app), [(stage, 0, NA, NA) for stage in FUNNEL_STAGES])
    for name, key, columns in (("pipeline_by_authority", "authority", BREAKDOWN),
                               ("pipeline_by_region", "region", BREAKDOWN),
                               ("pipeline_by_cpv", "cpv_division", BREAKDOWN),
                               ("pipeline_by_cluster", "cluster", BREAKDOWN),
                               ("proposals_by_size", "size_class", ["proposals"]),
                               ("sus_distribution", "band", ["feedback"]),
                               ("procurement_routes", "route", ["cases"]),
                               ("clusters", "cluster", ["challenges_moderated", "pilots"])):
        assert counted_rows(frame(app, name), key, columns) == {}, name
    assert frame(app, "pilot_results").empty
    assert set(TABLES) == set(ratios) | {"pipeline", "funnel", "pipeline_by_authority", "pipeline_by_region",
                                         "pipeline_by_cpv", "pipeline_by_cluster", "proposals_by_size",
                                         "sus_distribution", "procurement_routes", "clusters", "pilot_results"}

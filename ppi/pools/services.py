"""Operations on innovation pools: set one up, apply from a pilot, declare, decide, pay.

An approval locks the pool's row and adds up what is committed inside the same transaction, so two
administrators approving at the same moment cannot together commit more than the pool holds.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import format_decimal, gettext as _, lazy_gettext as _l

from ppi.accounts.models import User
from ppi.accounts.sme import is_sme
from ppi.core import audit
from ppi.core.errors import DomainError, PermissionDenied
from ppi.core.notify import notify
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.pools import permissions
from ppi.pools.models import GrantApplication, Payment, Pool
from ppi.pools.workflow import (
    LIFECYCLE,
    ApplicationStatus,
    EligibilityFacts,
    amount_problems,
    eligibility_problems,
    exceeds_de_minimis,
    fits_budget,
)

A = ApplicationStatus
ELIGIBILITY_MESSAGES = {
    "sme": _l("The applicant must be an SME (Commission Recommendation 2003/361/EC)."),
    "region": _l("The applicant must be registered in one of the pool's regions."),
    "public_partner": _l("A public partner is required."),
    "research_partner": _l("A research partner is required: name it in the proposal."),
}
AMOUNT_MESSAGES = {
    "below_minimum": _l("The amount is below the pool's minimum grant."),
    "above_maximum": _l("The amount is above the pool's maximum grant."),
}


@dataclass
class PoolData:
    name: str
    currency: str
    total_budget: Decimal
    min_grant: Decimal
    max_grant: Decimal
    units_per_eur: Decimal
    eligibility_text: str
    require_sme: bool
    regions: list[str]
    require_public_partner: bool
    require_research_partner: bool
    opens_on: date
    closes_on: date


def create_pool(actor: User, data: PoolData) -> Pool:
    if not permissions.can_create_pool(actor):
        raise PermissionDenied()
    if data.min_grant > data.max_grant or data.max_grant > data.total_budget:
        raise DomainError(_("The grants must go from the minimum to the maximum, within the total budget."))
    if data.closes_on < data.opens_on:
        raise DomainError(_("The pool must close after it opens."))
    pool = Pool(administrator_id=actor.organisation_id, created_by_id=actor.id, **vars(data))
    db.session.add(pool)
    db.session.flush()
    audit.record(actor, "pool.created", pool, organisation_id=actor.organisation_id,
                 after={"name": pool.name, "budget": f"{pool.total_budget} {pool.currency}"})
    return pool


def pools() -> sa.Select:
    return sa.select(Pool).order_by(Pool.closes_on.desc(), Pool.id.desc())


@dataclass
class Budget:
    total: Decimal
    committed: Decimal  # approved grants
    paid: Decimal
    requested: Decimal  # submitted, not yet decided

    @property
    def left(self) -> Decimal:
        return self.total - self.committed


def budgets(pools: list[Pool]) -> dict[int, Budget]:
    """{pool id: Budget} for a page of pools in two queries, whatever their number."""
    ids = [pool.id for pool in pools]
    sums = {pool_id: (committed, requested) for pool_id, committed, requested in db.session.execute(
        sa.select(
            GrantApplication.pool_id,
            sa.func.coalesce(sa.func.sum(GrantApplication.approved_amount).filter(GrantApplication.status == A.APPROVED), 0),
            sa.func.coalesce(sa.func.sum(GrantApplication.requested).filter(GrantApplication.status == A.SUBMITTED), 0),
        ).where(GrantApplication.pool_id.in_(ids)).group_by(GrantApplication.pool_id))}
    paid = dict(db.session.execute(
        sa.select(GrantApplication.pool_id, sa.func.sum(Payment.amount))
        .join(GrantApplication, GrantApplication.id == Payment.application_id)
        .where(GrantApplication.pool_id.in_(ids)).group_by(GrantApplication.pool_id)).all())
    return {pool.id: Budget(pool.total_budget, Decimal(sums.get(pool.id, (0, 0))[0]), Decimal(paid.get(pool.id) or 0),
                            Decimal(sums.get(pool.id, (0, 0))[1])) for pool in pools}


def budget(pool: Pool) -> Budget:
    return budgets([pool])[pool.id]


def fundable_pilots(user: User, pool: Pool, today: date) -> list[Pilot]:
    """The user's company's pilots that may apply to this pool now."""
    if not user.is_authenticated or user.organisation_id is None:
        return []
    candidates = db.session.scalars(sa.select(Pilot).where(Pilot.company_id == user.organisation_id)).all()
    return [pilot for pilot in candidates if permissions.can_apply(user, pool, pilot, today)]


def applications(pool: Pool) -> list[GrantApplication]:
    return list(db.session.scalars(sa.select(GrantApplication).where(GrantApplication.pool_id == pool.id)
                                   .order_by(GrantApplication.id)))


def eligibility(pool: Pool, pilot: Pilot) -> list[str]:
    company = pilot.company
    facts = EligibilityFacts(
        company_is_sme=is_sme(company.size_class), company_nuts=company.nuts_code,
        has_public_partner=pilot.authority_id is not None,
        has_research_partner=bool((pilot.proposal.research_partners or "").strip()),
    )
    return [str(ELIGIBILITY_MESSAGES[key]) for key in eligibility_problems(pool.rules, facts)]


def apply(actor: User, pool: Pool, pilot: Pilot, requested: Decimal, co_financing: Decimal, purpose: str,
          today: date | None = None) -> GrantApplication:
    if not permissions.can_apply(actor, pool, pilot, today or utcnow().date()):
        raise PermissionDenied()
    existing = db.session.scalar(sa.select(GrantApplication).where(GrantApplication.pool_id == pool.id,
                                                                     GrantApplication.pilot_id == pilot.id))
    if existing is not None:
        raise DomainError(_("This pilot has applied to this pool already."))
    application = GrantApplication(pool_id=pool.id, pilot_id=pilot.id, company_id=pilot.company_id, requested=requested,
                                   co_financing=co_financing, purpose=purpose.strip(), created_by_id=actor.id)
    db.session.add(application)
    db.session.flush()
    _record(actor, "pool.application_created", application, after={"requested": str(requested)})
    notify(_members(pilot.authority_id), _l("Please confirm the expected benefit: grant application for %(title)s",
                                            title=pilot.title), "pools.application", application_id=application.id)
    return application


def update_application(actor: User, application: GrantApplication, requested: Decimal, co_financing: Decimal, purpose: str) -> None:
    if not permissions.can_edit_application(actor, application):
        raise PermissionDenied()
    changed = (application.requested, application.co_financing, application.purpose) != (requested, co_financing, purpose.strip())
    application.requested, application.co_financing, application.purpose = requested, co_financing, purpose.strip()
    if changed and (application.benefit_confirmed_at or application.de_minimis_declared_at):
        application.benefit_confirmed_at = application.benefit_confirmed_by_id = None
        application.de_minimis_declared_at = application.de_minimis_declared_by_id = None
        note = _("The declarations are withdrawn: the application changed, so they are made again.")
    else:
        note = None
    _record(actor, "pool.application_updated", application, after={"requested": str(requested)}, note=note)


def declare_de_minimis(actor: User, application: GrantApplication, received_eur: Decimal, now: datetime | None = None) -> bool:
    """The company's de minimis declaration; returns True when the grant would exceed the ceiling (a warning)."""
    if not permissions.can_edit_application(actor, application):
        raise PermissionDenied()
    application.de_minimis_received_eur = received_eur
    application.de_minimis_declared_at, application.de_minimis_declared_by_id = now or utcnow(), actor.id
    over = exceeds_de_minimis(received_eur, application.requested, application.pool.units_per_eur)
    _record(actor, "pool.de_minimis_declared", application, after={"received_eur": str(received_eur), "over_ceiling": over})
    return over


def de_minimis_warning(application: GrantApplication) -> bool:
    if application.de_minimis_received_eur is None:
        return False
    return exceeds_de_minimis(application.de_minimis_received_eur, application.requested, application.pool.units_per_eur)


def confirm_benefit(actor: User, application: GrantApplication, statement: str, now: datetime | None = None) -> None:
    if not permissions.can_confirm_benefit(actor, application):
        raise PermissionDenied()
    application.benefit_statement = statement.strip()
    application.benefit_confirmed_at, application.benefit_confirmed_by_id = now or utcnow(), actor.id
    _record(actor, "pool.benefit_confirmed", application)
    notify(_members(application.company_id), _l("The public partner confirmed the expected benefit: %(title)s",
                                                title=application.pilot.title), "pools.application", application_id=application.id)


def submission_problems(application: GrantApplication, today: date) -> list[str]:
    pool = application.pool
    problems = eligibility(pool, application.pilot)
    problems += [str(AMOUNT_MESSAGES[key]) for key in amount_problems(application.requested, pool.min_grant, pool.max_grant)]
    if application.benefit_confirmed_at is None:
        problems.append(_("The public partner has not yet confirmed the declaration of expected benefit."))
    if application.de_minimis_declared_at is None:
        problems.append(_("Make the de minimis declaration."))
    if not pool.opens_on <= today <= pool.closes_on:
        problems.append(_("The pool is not open."))
    return problems


def submit(actor: User, application: GrantApplication, now: datetime | None = None) -> None:
    if not permissions.can_edit_application(actor, application):
        raise PermissionDenied()
    now = now or utcnow()
    problems = submission_problems(application, now.date())
    if problems:
        raise DomainError(" ".join(problems))
    LIFECYCLE.check(application.status, A.SUBMITTED)
    application.status, application.submitted_at = A.SUBMITTED, now
    _record(actor, "pool.application_submitted", application, after={"requested": str(application.requested)})
    notify(_members(application.pool.administrator_id), _l("New grant application: %(title)s", title=application.pilot.title),
           "pools.application", application_id=application.id)


def decide(actor: User, application: GrantApplication, approve: bool, amount: Decimal | None, reason: str,
           now: datetime | None = None) -> None:
    """Approve with an amount or reject with a reason; an approval never takes the pool over its budget."""
    # OF pools: the administrator is joined eagerly, and PostgreSQL cannot lock the nullable side of an outer join
    pool = db.session.execute(sa.select(Pool).where(Pool.id == application.pool_id).with_for_update(of=Pool)).scalar_one()
    db.session.refresh(application)
    if not permissions.can_decide(actor, application):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the decision."))
    if approve:
        if amount is None or amount <= 0 or amount > application.requested:
            raise DomainError(_("Approve an amount above zero and at most the amount requested."))
        if not fits_budget(pool.total_budget, budget(pool).committed, amount):
            raise DomainError(_("Not enough left in the pool: %(left)s %(currency)s.",
                                left=format_decimal(budget(pool).left, "#,##0.00"), currency=pool.currency))
    target = A.APPROVED if approve else A.REJECTED
    LIFECYCLE.check(application.status, target)
    application.status, application.decided_at, application.decided_by_id = target, now or utcnow(), actor.id
    application.approved_amount, application.decision_reason = (amount if approve else None), reason
    _record(actor, f"pool.application_{target.value}", application,
            after={"amount": str(amount) if approve else None}, note=reason)
    notify(_members(application.company_id), _l("Decision on your grant application: %(title)s", title=application.pilot.title),
           "pools.application", application_id=application.id)


def record_payment(actor: User, application: GrantApplication, milestone_id: int, amount: Decimal, paid_on: date) -> Payment:
    if not permissions.can_record_payment(actor, application):
        raise PermissionDenied()
    if milestone_id not in {m.id for m in application.pilot.milestones}:
        raise DomainError(_("Choose a milestone of the pilot."))
    paid = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Payment.amount), 0))
                             .where(Payment.application_id == application.id))
    if amount <= 0 or Decimal(paid) + amount > application.approved_amount:
        raise DomainError(_("Payments cannot exceed the approved grant."))
    payment = Payment(application_id=application.id, milestone_id=milestone_id, amount=amount, paid_on=paid_on,
                      recorded_by_id=actor.id)
    db.session.add(payment)
    db.session.flush()
    _record(actor, "pool.payment_recorded", application, after={"amount": str(amount), "milestone_id": milestone_id})
    return payment


def payments(application: GrantApplication) -> list[Payment]:
    return list(db.session.scalars(sa.select(Payment).where(Payment.application_id == application.id).order_by(Payment.paid_on)))


def _members(organisation_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.organisation_id == organisation_id, User.active)))


def _record(actor: User, action: str, application: GrantApplication, **change) -> None:
    for organisation_id in sorted({application.pool.administrator_id, application.company_id, application.pilot.authority_id}):
        audit.record(actor, action, application, organisation_id=organisation_id, **change)

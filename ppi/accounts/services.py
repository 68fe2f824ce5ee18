"""Operations on organisations and accounts. Each takes an explicit actor, checks the permission
predicate, changes state, writes the audit log and flushes; the caller commits."""
import hashlib
import secrets
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from ppi.accounts import permissions
from ppi.accounts.models import (
    AuthorityType,
    ClusterMembership,
    Invitation,
    Organisation,
    OrganisationKind,
    OrgRole,
    User,
)
from ppi.accounts.labels import VERIFICATION_LABELS
from ppi.accounts.passwords import password_problems
from ppi.accounts.workflow import MEMBERSHIP, VERIFICATION, MembershipStatus, VerificationStatus
from ppi.core import audit
from ppi.core.errors import Conflict, DomainError, PermissionDenied
from ppi.core.i18n import request_language
from ppi.core.mail import external_url, queue_mail
from ppi.core.timeutil import is_timezone, utcnow
from ppi.extensions import db

# A real hash to compare against when no account matches, so that timing does not reveal accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password-only-for-timing")


@dataclass
class OrganisationData:
    name: str
    kind: OrganisationKind
    country: str
    nuts_code: str | None
    registration_number: str
    website: str | None = None
    description: str | None = None
    authority_type: AuthorityType | None = None
    staff_headcount: int | None = None
    annual_turnover_eur: Decimal | None = None
    balance_sheet_total_eur: Decimal | None = None

    def normalised(self) -> "OrganisationData":
        """Drop the fields that do not apply to this kind of organisation."""
        data = OrganisationData(**asdict(self))
        if data.kind != OrganisationKind.PUBLIC_AUTHORITY:
            data.authority_type = None
        if data.kind != OrganisationKind.COMPANY:
            data.staff_headcount = data.annual_turnover_eur = data.balance_sheet_total_eur = None
        data.nuts_code = data.nuts_code or None
        data.website = data.website or None
        return data


@dataclass
class AccountData:
    email: str
    display_name: str
    password: str


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def _snapshot(obj: Any, names: list[str]) -> dict[str, Any]:
    return {name: _jsonable(getattr(obj, name)) for name in names}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def _check_password(password: str, email: str, display_name: str) -> None:
    problems = password_problems(
        password,
        min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        email=email,
        display_name=display_name,
    )
    if problems:
        raise DomainError(" ".join(problems))


def _new_user(data: AccountData, organisation: Organisation | None, role: OrgRole) -> User:
    email = normalise_email(data.email)
    if user_by_email(email) is not None:
        raise Conflict(_("An account with this e-mail address exists already. Sign in or reset your password."))
    _check_password(data.password, email, data.display_name)
    user = User(
        email=email,
        display_name=data.display_name.strip(),
        password_hash=generate_password_hash(data.password),
        organisation=organisation,
        org_role=role,
        locale=request_language(),
    )
    db.session.add(user)
    return user


def _mail(to: User | str, subject: Any, template: str, *, language: str | None = None, **context: Any) -> None:
    """Queue a message in the recipient's language; for an address alone, in `language` (the best guess the caller
    has) or else the platform's default.

    `subject` is a lazy string, so that it too is translated into that language.
    """
    address, locale = (to.email, to.locale) if isinstance(to, User) else (to, language)
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(template, external_url=external_url, **context)
        queue_mail(address, str(subject), body)


def platform_admins() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.is_platform_admin, User.active)))


def organisation_admins(org: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(User.organisation_id == org.id, User.org_role == OrgRole.ADMIN, User.active)
        )
    )


ORGANISATION_FIELDS = [field.name for field in fields(OrganisationData)]
# Changing any of these makes a verified organisation someone else: the platform admin checks it again.
IDENTITY_FIELDS = {"name", "registration_number", "country", "authority_type"}


def sign_up(org_data: OrganisationData, account: AccountData) -> User:
    """A new organisation, pending verification, with its first user as its admin."""
    org = Organisation(**asdict(org_data.normalised()))
    db.session.add(org)
    user = _new_user(account, org, OrgRole.ADMIN)
    db.session.flush()
    audit.record(user, "organisation.created", org, organisation_id=org.id, after=_snapshot(org, ORGANISATION_FIELDS))
    audit.record(user, "user.created", user, organisation_id=org.id, after={"email": user.email, "role": user.org_role.value})
    for admin in platform_admins():
        _mail(admin, _l("New organisation to verify: %(name)s", name=org.name), "mail/verification_needed.txt", org=org)
    _mail(user, _l("Welcome to PPI"), "mail/welcome.txt", user=user, org=org)
    return user


def update_organisation(actor: User, org: Organisation, data: OrganisationData) -> None:
    if not permissions.can_edit_organisation(actor, org):
        raise PermissionDenied()
    data = data.normalised()
    if data.kind != org.kind:
        raise DomainError(_("The kind of an organisation cannot be changed."))
    before = _snapshot(org, ORGANISATION_FIELDS)
    for name, value in asdict(data).items():
        setattr(org, name, value)
    after = _snapshot(org, ORGANISATION_FIELDS)
    changed = [name for name in ORGANISATION_FIELDS if before[name] != after[name]]
    if changed:
        audit.record(
            actor, "organisation.updated", org, organisation_id=org.id,
            before={name: before[name] for name in changed}, after={name: after[name] for name in changed},
        )
    if org.is_verified and set(changed) & IDENTITY_FIELDS:
        _change_verification(actor, org, VerificationStatus.PENDING, _("The organisation changed who it is: %(fields)s.",
                                                                       fields=", ".join(sorted(set(changed) & IDENTITY_FIELDS))))
        for admin in platform_admins():
            _mail(admin, _l("New organisation to verify: %(name)s", name=org.name), "mail/verification_needed.txt", org=org)


def set_verification(actor: User, org: Organisation, target: VerificationStatus, note: str | None = None) -> None:
    """Verify, reject, suspend or reinstate an organisation (platform admin), with the org told by e-mail."""
    if not permissions.can_set_verification(actor, org, target):
        VERIFICATION.check(org.verification_status, target)
        raise PermissionDenied()
    if target in (VerificationStatus.REJECTED, VerificationStatus.SUSPENDED) and not (note or "").strip():
        raise DomainError(_("Give a reason: the organisation will read it."))
    _change_verification(actor, org, target, note)
    for admin in organisation_admins(org):
        _mail(admin, _l("Your organisation on PPI: %(status)s", status=VERIFICATION_LABELS[target]),
              "mail/verification_changed.txt", org=org)


def ask_for_verification_again(actor: User, org: Organisation) -> None:
    if not permissions.can_ask_for_verification_again(actor, org):
        raise PermissionDenied()
    _change_verification(actor, org, VerificationStatus.PENDING, None)
    for admin in platform_admins():
        _mail(admin, _l("New organisation to verify: %(name)s", name=org.name), "mail/verification_needed.txt", org=org)


def _change_verification(actor: User, org: Organisation, target: VerificationStatus, note: str | None) -> None:
    previous = org.verification_status
    VERIFICATION.check(previous, target)
    org.verification_status = target
    org.verification_note = (note or "").strip() or None
    if target == VerificationStatus.VERIFIED:
        org.verified_at = utcnow()
    audit.record(
        actor, f"organisation.{target.value}", org, organisation_id=org.id,
        before={"status": previous.value}, after={"status": target.value}, note=org.verification_note,
    )


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; failures of known accounts are audited."""
    user = user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        audit.record(None, "user.sign_in_failed", user, organisation_id=user.organisation_id)
        return None
    user.last_login_at = utcnow()
    audit.record(user, "user.signed_in", user, organisation_id=user.organisation_id)
    return user


def record_sign_out(user: User) -> None:
    audit.record(user, "user.signed_out", user, organisation_id=user.organisation_id)


def change_password(actor: User, current_password: str, new_password: str) -> None:
    if not check_password_hash(actor.password_hash, current_password):
        raise DomainError(_("Your current password is not correct."))
    _set_password(actor, new_password)
    audit.record(actor, "user.password_changed", actor, organisation_id=actor.organisation_id)


def _set_password(user: User, password: str) -> None:
    _check_password(password, user.email, user.display_name)
    user.password_hash = generate_password_hash(password)
    user.password_changed_at = utcnow()


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="ppi-password-reset")


def password_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"user": user.id, "fingerprint": user.password_fingerprint})


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; the caller says the same thing either way."""
    user = user_by_email(email)
    if user is None or not user.active:
        return
    token = password_reset_token(user)
    _mail(user, _l("Reset your PPI password"), "mail/password_reset.txt", user=user, token=token,
          ttl_minutes=int(current_app.config["PASSWORD_RESET_TTL"].total_seconds() // 60))
    audit.record(None, "user.password_reset_requested", user, organisation_id=user.organisation_id)


def user_for_reset_token(token: str) -> User | None:
    max_age = int(current_app.config["PASSWORD_RESET_TTL"].total_seconds())
    try:
        payload = _reset_serializer().loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(payload, dict):
        return None
    user = db.session.get(User, payload.get("user")) if isinstance(payload.get("user"), int) else None
    if user is None or not user.active or payload.get("fingerprint") != user.password_fingerprint:
        return None
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    if user is None:
        raise DomainError(_("This reset link is invalid or has expired. Ask for a new one."))
    _set_password(user, new_password)
    audit.record(user, "user.password_reset", user, organisation_id=user.organisation_id)
    return user


def update_profile(actor: User, display_name: str, timezone: str | None, locale: str | None) -> None:
    if timezone and not is_timezone(timezone):
        raise DomainError(_("Choose a time zone from the list."))
    if locale and locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_("Choose a language from the list."))
    before = _snapshot(actor, ["display_name", "timezone", "locale"])
    actor.display_name = display_name.strip()
    actor.timezone = timezone or None
    actor.locale = locale or None
    after = _snapshot(actor, ["display_name", "timezone", "locale"])
    if before != after:
        audit.record(actor, "user.profile_updated", actor, organisation_id=actor.organisation_id, before=before, after=after)


def set_locale(actor: User, locale: str) -> None:
    actor.locale = locale


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(actor: User, org: Organisation, email: str | None, role: OrgRole) -> tuple[Invitation, str]:
    """A single-use invitation; returns it with the raw token, which is shown once and never stored."""
    if not permissions.can_invite(actor, org):
        raise PermissionDenied()
    email = normalise_email(email) if email else None
    if email and user_by_email(email) is not None:
        raise Conflict(_("This person has an account already."))
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=org, email=email, role=role, token_hash=_token_hash(token), created_by=actor,
        expires_at=utcnow() + current_app.config["INVITATION_TTL"],
    )
    db.session.add(invitation)
    audit.record(actor, "invitation.created", invitation, organisation_id=org.id, after={"email": email, "role": role.value})
    if email:
        _mail(email, _l("%(name)s invites you to PPI", name=org.name), "mail/invitation.txt",
              language=actor.locale, org=org, inviter=actor, token=token, invitation=invitation)  # a colleague's language
    return invitation, token


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    if not permissions.can_revoke_invitation(actor, invitation):
        raise PermissionDenied()
    invitation.revoked_at = utcnow()
    audit.record(actor, "invitation.revoked", invitation, organisation_id=invitation.organisation_id)


def open_invitation(token: str) -> Invitation | None:
    """The invitation for this token while it may still be used (its organisation verified)."""
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if invitation is None or not invitation.is_open(utcnow()) or not invitation.organisation.is_verified:
        return None
    return invitation


def accept_invitation(token: str, account: AccountData) -> User:
    invitation = open_invitation(token)
    if invitation is None:
        raise DomainError(_("This invitation is invalid, used or expired. Ask for a new one."))
    if invitation.email and normalise_email(account.email) != invitation.email:
        raise DomainError(_("This invitation is for %(email)s: sign up with that address.", email=invitation.email))
    user = _new_user(account, invitation.organisation, invitation.role)
    db.session.flush()
    claimed = db.session.execute(  # single use even when two people click at the same moment
        sa.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise DomainError(_("This invitation is invalid, used or expired. Ask for a new one."))
    db.session.refresh(invitation)
    audit.record(user, "invitation.accepted", invitation, organisation_id=invitation.organisation_id)
    audit.record(user, "user.created", user, organisation_id=invitation.organisation_id,
                 after={"email": user.email, "role": user.org_role.value})
    return user


def change_role(actor: User, target: User, role: OrgRole) -> None:
    if not permissions.can_manage_user(actor, target):
        raise PermissionDenied()
    if target.org_role == role:
        return
    before = target.org_role
    target.org_role = role
    audit.record(actor, "user.role_changed", target, organisation_id=target.organisation_id,
                 before={"role": before.value}, after={"role": role.value})


def set_active(actor: User, target: User, active: bool) -> None:
    if not permissions.can_manage_user(actor, target):
        raise PermissionDenied()
    if target.active == active:
        return
    target.active = active
    audit.record(actor, "user.reactivated" if active else "user.deactivated", target,
                 organisation_id=target.organisation_id, before={"active": not active}, after={"active": active})


def membership_between(cluster: Organisation, company: Organisation) -> ClusterMembership | None:
    return db.session.scalar(
        sa.select(ClusterMembership).where(
            ClusterMembership.cluster_id == cluster.id, ClusterMembership.company_id == company.id
        )
    )


def request_membership(actor: User, cluster: Organisation, message: str | None) -> ClusterMembership:
    company = actor.organisation
    existing = membership_between(cluster, company) if company else None
    if not permissions.can_request_membership(actor, cluster, existing):
        raise PermissionDenied()
    membership = existing or ClusterMembership(cluster=cluster, company=company)
    previous = membership.status.value if existing else None
    membership.status = MembershipStatus.REQUESTED
    membership.message = (message or "").strip() or None
    membership.requested_at = utcnow()
    membership.decided_at = None
    membership.decision_note = None
    db.session.add(membership)
    _audit_membership(actor, membership, "membership.requested", previous, membership.message)
    for admin in organisation_admins(cluster):
        _mail(admin, _l("%(company)s asks to join %(cluster)s", company=company.name, cluster=cluster.name),
              "mail/membership_requested.txt", membership=membership)
    return membership


def decide_membership(actor: User, membership: ClusterMembership, accept: bool, note: str | None) -> None:
    if not permissions.can_decide_membership(actor, membership):
        raise PermissionDenied()
    target = MembershipStatus.ACCEPTED if accept else MembershipStatus.DECLINED
    _move_membership(actor, membership, target, note)
    for admin in organisation_admins(membership.company):
        _mail(admin, _l("Your request to join %(cluster)s", cluster=membership.cluster.name),
              "mail/membership_decided.txt", membership=membership)


def end_membership(actor: User, membership: ClusterMembership, note: str | None) -> None:
    if not permissions.can_end_membership(actor, membership):
        raise PermissionDenied()
    _move_membership(actor, membership, MembershipStatus.ENDED, note)


def _move_membership(actor: User, membership: ClusterMembership, target: MembershipStatus, note: str | None) -> None:
    previous = membership.status
    MEMBERSHIP.check(previous, target)
    membership.status = target
    membership.decided_at = utcnow()
    membership.decision_note = (note or "").strip() or None
    _audit_membership(actor, membership, f"membership.{target.value}", previous.value, membership.decision_note)


def _audit_membership(actor: User, membership: ClusterMembership, action: str, previous: str | None, note: str | None) -> None:
    """Both organisations see the entry in their audit log."""
    db.session.flush()
    change = {"before": {"status": previous} if previous else None, "after": {"status": membership.status.value}}
    audit.record(actor, action, membership, organisation_id=membership.cluster_id, note=note, **change)
    audit.record(actor, action, membership, organisation_id=membership.company_id, note=note, **change)


def create_platform_admin(email: str, display_name: str, password: str) -> User:
    user = _new_user(AccountData(email=email, display_name=display_name, password=password), None, OrgRole.MEMBER)
    user.is_platform_admin = True
    audit.record(None, "user.platform_admin_created", user, organisation_id=None, after={"email": user.email})
    return user


def verified_organisation_names(kind: OrganisationKind) -> list[sa.Row]:
    """The id and name of every verified organisation of one kind, by name: for the filter forms, which list them all
    (hundreds on a large platform, whose whole rows cost more than the rest of the page)."""
    return list(db.session.execute(sa.select(Organisation.id, Organisation.name).where(
        Organisation.kind == kind, Organisation.verification_status == VerificationStatus.VERIFIED).order_by(Organisation.name)))


def verified_organisations(kind: OrganisationKind, excluding=()) -> list[Organisation]:
    """Verified organisations of one kind, by name: the choices whenever one organisation names another."""
    stmt = sa.select(Organisation).where(Organisation.kind == kind, Organisation.verification_status == VerificationStatus.VERIFIED)
    if excluding:
        stmt = stmt.where(Organisation.id.not_in(list(excluding)))
    return list(db.session.scalars(stmt.order_by(Organisation.name)))

"""Sign-up, sign-in, profiles, organisations, people, cluster memberships and platform administration."""
import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import format_datetime, gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ppi.accounts import labels, permissions, services
from ppi.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    InvitationForm,
    JoinForm,
    LoginForm,
    MembershipRequestForm,
    NoteForm,
    OrganisationForm,
    ProfileForm,
    ResetPasswordForm,
    RoleForm,
    SignUpForm,
    VerificationForm,
)
from ppi.accounts.models import ClusterMembership, Invitation, Organisation, OrganisationKind, OrgRole, User
from ppi.accounts.workflow import MembershipStatus, VerificationStatus
from ppi.core.errors import DomainError
from ppi.core.forms import EmptyForm
from ppi.core.models import AuditEntry, OutboxMessage
from ppi.core.security import is_safe_next, require
from ppi.core.timeutil import utcnow
from ppi.extensions import db, limiter, submitted_email

bp = Blueprint("accounts", __name__)


@bp.app_context_processor
def accounts_context():
    return {"account_perms": permissions, "account_labels": labels, "OrganisationKind": OrganisationKind}


MAX_PAGE = 100_000  # beyond any real list; keeps OFFSET within what every database accepts


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def _paginate(stmt):
    return db.paginate(stmt, page=_page(), per_page=current_app.config["PAGE_SIZE"], error_out=False)


def _form_error(form, field_name: str, error: DomainError) -> None:
    getattr(form, field_name).errors.append(error.message)


# --- signing up, in and out ------------------------------------------------------------------


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_LIMIT_PER_IP"], methods=["POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignUpForm()
    if request.method == "GET" and request.args.get("kind") in {k.value for k in OrganisationKind}:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        org_data = services.OrganisationData(kind=OrganisationKind(form.kind.data), **form.organisation_values())
        account = services.AccountData(form.email.data, form.display_name.data, form.password.data)
        try:
            user = services.sign_up(org_data, account)
        except DomainError as error:
            _form_error(form, "email", error)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome! Your organisation is registered and awaits verification by the platform administrator."), "success")
            return redirect(url_for("main.dashboard"))
    return render_template("accounts/signup.html", form=form)


def _sign_in_failed(_response) -> bool:
    return bool(g.get("sign_in_failed"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_sign_in_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=submitted_email, methods=["POST"],
    deduct_when=_sign_in_failed,
)
def login():
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            login_user(user, remember=form.remember.data)
            flash(_("You are signed in."), "success")
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("main.dashboard"))
        g.sign_in_failed = True
        form.password.errors.append(_("The e-mail address or the password is not correct."))
    elif request.method == "POST":
        g.sign_in_failed = True
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.record_sign_out(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    invitation = services.open_invitation(token)
    if invitation is None:
        return render_template("accounts/join_invalid.html"), 404
    if current_user.is_authenticated:
        flash(_("Sign out first: this invitation creates a new account."), "warning")
        return redirect(url_for("main.dashboard"))
    form = JoinForm(email=invitation.email)
    if form.validate_on_submit():
        account = services.AccountData(form.email.data, form.display_name.data, form.password.data)
        try:
            user = services.accept_invitation(token, account)
        except DomainError as error:
            _form_error(form, "email", error)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome to %(name)s on PPI.", name=invitation.organisation.name), "success")
            return redirect(url_for("main.dashboard"))
    return render_template("accounts/join.html", form=form, invitation=invitation)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_IP"], methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account uses this address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if services.user_for_reset_token(token) is None:
        return render_template("accounts/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except DomainError as error:
            _form_error(form, "password", error)
        else:
            db.session.commit()
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


# --- the signed-in user's own account ---------------------------------------------------------


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.timezone.data = current_user.timezone or current_app.config["BABEL_DEFAULT_TIMEZONE"]
        form.locale.data = current_user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    if form.validate_on_submit():
        services.update_profile(current_user, form.display_name.data, form.timezone.data, form.locale.data)
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as error:
            _form_error(form, "current_password", error)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # this session follows the new password
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


# --- organisations ----------------------------------------------------------------------------


@bp.get("/organisations/")
def organisations():
    kind = request.args.get("kind")
    stmt = sa.select(Organisation).where(Organisation.verification_status == VerificationStatus.VERIFIED)
    if kind in {k.value for k in OrganisationKind}:
        stmt = stmt.where(Organisation.kind == OrganisationKind(kind))
    else:
        kind = None
    page = _paginate(stmt.order_by(Organisation.name))
    return render_template("accounts/organisations.html", page=page, kind=kind)


def _organisation_or_404(org_id: int) -> Organisation:
    org = db.get_or_404(Organisation, org_id)
    if not permissions.can_view_organisation(current_user, org):
        abort(404)  # an unverified organisation is not public: do not reveal it exists
    return org


@bp.get("/organisations/<int:org_id>")
def organisation(org_id: int):
    return _render_organisation(_organisation_or_404(org_id), MembershipRequestForm())


def _render_organisation(org: Organisation, request_form: MembershipRequestForm, status: int = 200):
    members = []
    if org.kind == OrganisationKind.CLUSTER:
        members = db.session.scalars(
            sa.select(ClusterMembership)
            .where(ClusterMembership.cluster_id == org.id, ClusterMembership.status == MembershipStatus.ACCEPTED)
            .order_by(ClusterMembership.decided_at)
        ).all()
    existing = None
    if current_user.is_authenticated and current_user.organisation and org.kind == OrganisationKind.CLUSTER:
        existing = services.membership_between(org, current_user.organisation)
    page = render_template(
        "accounts/organisation.html", org=org, members=members, existing=existing,
        request_form=request_form, button_form=EmptyForm(),
    )
    return page, status


@bp.route("/organisations/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit_organisation(org_id: int):
    org = _organisation_or_404(org_id)
    require(permissions.can_edit_organisation(current_user, org))
    form = OrganisationForm(obj=org, kind=org.kind)
    if request.method == "GET" and org.authority_type:
        form.authority_type.data = org.authority_type.value
    if form.validate_on_submit():
        services.update_organisation(current_user, org, services.OrganisationData(kind=org.kind, **form.organisation_values()))
        db.session.commit()
        flash(_("The organisation's profile is saved."), "success")
        return redirect(url_for("accounts.organisation", org_id=org.id))
    return render_template("accounts/organisation_edit.html", form=form, org=org)


@bp.post("/organisations/<int:org_id>/verification-request")
@login_required
def ask_for_verification(org_id: int):
    org = _organisation_or_404(org_id)
    services.ask_for_verification_again(current_user, org)
    db.session.commit()
    flash(_("Your organisation is back in the verification queue."), "success")
    return redirect(url_for("main.dashboard"))


# --- people and invitations -------------------------------------------------------------------


@bp.route("/organisations/<int:org_id>/people", methods=["GET", "POST"])
@login_required
def people(org_id: int):
    """The organisation's people and open invitations; admins create invitations here (POST)."""
    org = _organisation_or_404(org_id)
    require(permissions.can_view_people(current_user, org))
    form = InvitationForm()
    if request.method == "POST":
        require(permissions.can_invite(current_user, org))
        if form.validate_on_submit():
            try:
                invitation, token = services.create_invitation(current_user, org, form.email.data or None, OrgRole(form.role.data))
            except DomainError as error:
                _form_error(form, "email", error)
            else:
                db.session.commit()
                link = url_for("accounts.join", token=token, _external=True)
                flash(_("Invitation created. It works once, until %(date)s. Link: %(link)s",
                        date=format_datetime(invitation.expires_at), link=link), "success")
                return redirect(url_for("accounts.people", org_id=org.id))
    users = db.session.scalars(sa.select(User).where(User.organisation_id == org.id).order_by(User.display_name)).all()
    invitations = []
    if permissions.can_invite(current_user, org):
        invitations = db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.organisation_id == org.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
            .order_by(Invitation.created_at.desc())
            .options(sa.orm.joinedload(Invitation.created_by))
        ).all()
    page = render_template(
        "accounts/people.html", org=org, users=users, invitations=invitations, now=utcnow(),
        invitation_form=form, role_form=RoleForm(), button_form=EmptyForm(),
    )
    return page, 400 if form.errors else 200


@bp.post("/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id: int):
    invitation = db.get_or_404(Invitation, invitation_id)
    services.revoke_invitation(current_user, invitation)
    db.session.commit()
    flash(_("The invitation is revoked."), "info")
    return redirect(url_for("accounts.people", org_id=invitation.organisation_id))


@bp.post("/users/<int:user_id>/role")
@login_required
def change_role(user_id: int):
    target = db.get_or_404(User, user_id)
    require(permissions.can_manage_user(current_user, target))
    form = RoleForm()
    require(form.validate_on_submit())
    services.change_role(current_user, target, OrgRole(form.role.data))
    db.session.commit()
    flash(_("%(name)s is now: %(role)s.", name=target.display_name, role=labels.ROLE_LABELS[target.org_role]), "success")
    return redirect(url_for("accounts.people", org_id=target.organisation_id))


@bp.post("/users/<int:user_id>/active")
@login_required
def set_active(user_id: int):
    target = db.get_or_404(User, user_id)
    require(permissions.can_manage_user(current_user, target))
    activate = request.form.get("active") == "1"
    services.set_active(current_user, target, activate)
    db.session.commit()
    if activate:
        flash(_("%(name)s can sign in again.", name=target.display_name), "success")
    else:
        flash(_("%(name)s can no longer sign in.", name=target.display_name), "info")
    return redirect(url_for("accounts.people", org_id=target.organisation_id))


# --- cluster memberships ----------------------------------------------------------------------


@bp.get("/organisations/<int:org_id>/memberships")
@login_required
def memberships(org_id: int):
    org = _organisation_or_404(org_id)
    require(permissions.can_view_memberships(current_user, org))
    return _render_memberships(org, NoteForm())


def _render_memberships(org: Organisation, note_form: NoteForm, failed_id: int | None = None):
    side = ClusterMembership.cluster_id if org.kind == OrganisationKind.CLUSTER else ClusterMembership.company_id
    rows = db.session.scalars(
        sa.select(ClusterMembership).where(side == org.id).order_by(ClusterMembership.requested_at.desc())
    ).all()
    page = render_template(
        "accounts/memberships.html", org=org, memberships=rows, note_form=note_form, failed_id=failed_id,
        button_form=EmptyForm(),
    )
    return page, 400 if failed_id else 200


@bp.post("/organisations/<int:org_id>/membership-request")
@login_required
def request_membership(org_id: int):
    cluster = _organisation_or_404(org_id)
    form = MembershipRequestForm()
    if not form.validate_on_submit():
        return _render_organisation(cluster, form, 400)
    services.request_membership(current_user, cluster, form.message.data)
    db.session.commit()
    flash(_("Your request to join %(cluster)s is sent.", cluster=cluster.name), "success")
    return redirect(url_for("accounts.memberships", org_id=current_user.organisation_id))


@bp.post("/memberships/<int:membership_id>/<any(accept, decline, end):decision>")
@login_required
def decide_membership(membership_id: int, decision: str):
    membership = db.get_or_404(ClusterMembership, membership_id)
    form = NoteForm()
    if not form.validate_on_submit():
        require(current_user.organisation is not None)
        return _render_memberships(current_user.organisation, form, failed_id=membership.id)
    if decision == "end":
        services.end_membership(current_user, membership, form.note.data)
    else:
        services.decide_membership(current_user, membership, decision == "accept", form.note.data)
    db.session.commit()
    flash(_("The membership is now: %(status)s.", status=labels.MEMBERSHIP_LABELS[membership.status]), "success")
    return redirect(url_for("accounts.memberships", org_id=current_user.organisation_id))


# --- audit log --------------------------------------------------------------------------------


@bp.get("/organisations/<int:org_id>/audit")
@login_required
def organisation_audit(org_id: int):
    org = _organisation_or_404(org_id)
    require(permissions.can_view_audit(current_user, org))
    stmt = sa.select(AuditEntry).where(AuditEntry.organisation_id == org.id).order_by(AuditEntry.id.desc())
    return render_template("accounts/audit.html", page=_paginate(stmt), org=org)


@bp.get("/admin/audit")
@login_required
def all_audit():
    require(permissions.can_view_all_audit(current_user))
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    action = request.args.get("action", "").strip()
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action))
    return render_template("accounts/audit.html", page=_paginate(stmt), org=None, action=action)


# --- platform administration ------------------------------------------------------------------


@bp.get("/admin/organisations")
@login_required
def review_organisations():
    require(permissions.can_review_organisations(current_user))
    status = request.args.get("status", VerificationStatus.PENDING.value)
    if status not in {s.value for s in VerificationStatus}:
        status = VerificationStatus.PENDING.value
    stmt = (
        sa.select(Organisation)
        .where(Organisation.verification_status == VerificationStatus(status))
        .order_by(Organisation.created_at)
    )
    return render_template("accounts/review_organisations.html", page=_paginate(stmt), status=status,
                           statuses=list(VerificationStatus))


@bp.route("/admin/organisations/<int:org_id>", methods=["GET", "POST"])
@login_required
def review_organisation(org_id: int):
    """The whole profile, its people and the verify / reject / suspend decision (POST)."""
    require(permissions.can_review_organisations(current_user))
    org = db.get_or_404(Organisation, org_id)
    form = VerificationForm()
    form.decision.choices = [
        choice for choice in form.decision.choices
        if permissions.can_set_verification(current_user, org, VerificationStatus(choice.value))
    ]
    if form.validate_on_submit():
        target = VerificationStatus(form.decision.data)
        try:
            services.set_verification(current_user, org, target, form.note.data)
        except DomainError as error:
            _form_error(form, "note", error)
        else:
            db.session.commit()
            flash(_("%(name)s: %(status)s.", name=org.name, status=labels.VERIFICATION_LABELS[target]), "success")
            return redirect(url_for("accounts.review_organisations"))
    users = db.session.scalars(sa.select(User).where(User.organisation_id == org.id).order_by(User.id)).all()
    page = render_template("accounts/review_organisation.html", org=org, users=users, form=form)
    return page, 400 if form.errors else 200


@bp.get("/admin/outbox")
@login_required
def outbox():
    require(permissions.can_read_outbox(current_user, current_app.config["OUTBOX_UI_ENABLED"]))
    stmt = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    return render_template("accounts/outbox.html", page=_paginate(stmt))


@bp.get("/admin/outbox/<int:message_id>")
@login_required
def outbox_message(message_id: int):
    require(permissions.can_read_outbox(current_user, current_app.config["OUTBOX_UI_ENABLED"]))
    return render_template("accounts/outbox_message.html", message=db.get_or_404(OutboxMessage, message_id))

"""The home page, each role's dashboard and the language switcher."""
import sqlalchemy as sa
from flask import Blueprint, current_app, has_request_context, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ppi.accounts import permissions, services as account_services
from ppi.accounts.models import ClusterMembership, Organisation, OrganisationKind
from ppi.accounts.workflow import MembershipStatus, VerificationStatus
from ppi.core.forms import EmptyForm
from ppi.core.models import Notification, OutboxMessage
from ppi.core.notify import mark_all_read, unread_count
from ppi.core.security import is_safe_next
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.procurement import listing

bp = Blueprint("main", __name__)


@bp.app_context_processor
def notifications_context():
    if not has_request_context() or not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_count(current_user.id)}


@bp.get("/")
def home():
    counts = dict(
        db.session.execute(
            sa.select(Organisation.kind, sa.func.count())
            .where(Organisation.verification_status == VerificationStatus.VERIFIED)
            .group_by(Organisation.kind)
        ).all()
    )
    return render_template("main/home.html", counts=counts)


@bp.get("/dashboard")
@login_required
def dashboard():
    org = current_user.organisation
    pending_requests = 0
    if org is not None and org.kind == OrganisationKind.CLUSTER and permissions.is_org_admin(current_user, org):
        pending_requests = db.session.scalar(
            sa.select(sa.func.count()).where(
                ClusterMembership.cluster_id == org.id, ClusterMembership.status == MembershipStatus.REQUESTED
            )
        )
    admin_figures = {}
    if permissions.is_platform_admin(current_user):
        admin_figures = {
            "pending_organisations": db.session.scalar(
                sa.select(sa.func.count()).where(Organisation.verification_status == VerificationStatus.PENDING)
            ),
            "unsent_mail": db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.sent_at.is_(None))),
        }
    overdue = (listing.overdue_cases(org.id, utcnow().date())
               if org is not None and org.kind == OrganisationKind.PUBLIC_AUTHORITY else [])
    return render_template(
        "main/dashboard.html", org=org, pending_requests=pending_requests, admin_figures=admin_figures,
        overdue_cases=overdue, button_form=EmptyForm(),
    )


@bp.post("/language")
def set_language():
    """Remember the chosen language for the session, and on the account when signed in."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            account_services.set_locale(current_user, locale)
            db.session.commit()
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.home"))


@bp.get("/notifications")
@login_required
def notifications():
    page = db.paginate(
        sa.select(Notification).where(Notification.user_id == current_user.id).order_by(Notification.id.desc()),
        page=min(max(request.args.get("page", 1, type=int), 1), 100_000), per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("main/notifications.html", page=page, button_form=EmptyForm())


@bp.post("/notifications/read")
@login_required
def mark_notifications_read():
    mark_all_read(current_user.id)
    db.session.commit()
    return redirect(url_for("main.notifications"))

"""The home page, each role's dashboard, the language switcher and the accessibility statement."""
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, current_app, has_request_context, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ppi.accounts import permissions, services as account_services
from ppi.accounts.models import ClusterMembership, Organisation, OrganisationKind
from ppi.accounts.workflow import MembershipStatus, VerificationStatus
from ppi.core.forms import EmptyForm
from ppi.core.models import Notification, OutboxMessage
from ppi.core.notify import mark_all_read, unread_count
from ppi.core.pagecache import cached_page
from ppi.core.security import is_safe_next
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.matching import services as matching
from ppi.procurement import listing

bp = Blueprint("main", __name__)


@bp.app_context_processor
def notifications_context():
    if not has_request_context() or not current_user.is_authenticated:
        return {"unread_notifications": 0}
    loaded = current_user.unread_notifications  # read with the user, unless it was loaded otherwise
    return {"unread_notifications": unread_count(current_user.id) if loaded is None else loaded}


@bp.get("/")
@cached_page()  # counts of verified organisations: nothing that changes with time alone
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
        overdue_cases=overdue, button_form=EmptyForm(), challenges_for_you=matching.challenges_for_company(current_user),
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


# The accessibility statement's dates (the EU model statement, Commission Implementing Decision (EU) 2018/1523): when it
# was first prepared and when it was last checked against the site. Review it at least once a year and with every change
# that makes the statement wrong, then move the review date.
ACCESSIBILITY_STATEMENT_PREPARED = date(2026, 11, 26)
ACCESSIBILITY_STATEMENT_REVIEWED = date(2026, 11, 26)


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement that Directive (EU) 2016/2102 asks of public bodies, on the EU model; linked from
    every page's footer. Its contact and enforcement body come from the configuration (PPI_ACCESSIBILITY_*)."""
    return render_template("main/accessibility.html", prepared=ACCESSIBILITY_STATEMENT_PREPARED,
                           reviewed=ACCESSIBILITY_STATEMENT_REVIEWED)


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

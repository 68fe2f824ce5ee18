"""Pool pages: public pools with their budgets; applications for the administrator, company and public partner."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ppi.core.errors import DomainError
from ppi.core.forms import EmptyForm
from ppi.core.security import require
from ppi.core.timeutil import utcnow
from ppi.core.views import run_service
from ppi.extensions import db
from ppi.pools import labels, permissions, services
from ppi.pools.forms import ApplicationForm, BenefitForm, DecisionForm, DeMinimisForm, EditApplicationForm, PaymentForm, PoolForm
from ppi.pools.models import GrantApplication, Pool
from ppi.pools.workflow import DE_MINIMIS_CEILING_EUR, ApplicationStatus, is_open

bp = Blueprint("pools", __name__, url_prefix="/pools")

MAX_PAGE = 10_000


@bp.app_context_processor
def pools_context():
    return {"pool_perms": permissions, "pool_labels": labels, "ApplicationStatus": ApplicationStatus}


@bp.get("/")
def index():
    page = db.paginate(services.pools(), page=min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("pools/index.html", page=page, budgets=services.budgets(page.items),
                           today=utcnow().date(), is_open=is_open)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(permissions.can_create_pool(current_user))
    form = PoolForm()
    if form.validate_on_submit():
        try:
            pool = services.create_pool(current_user, form.pool_data())
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The pool is set up."), "success")
            return redirect(url_for("pools.detail", pool_id=pool.id))
    return render_template("pools/form.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.get("/<int:pool_id>")
def detail(pool_id: int):
    return _render_pool(db.get_or_404(Pool, pool_id))


def _render_pool(pool: Pool, apply_form=None, status: int = 200):
    form = apply_form or ApplicationForm()
    form.pilot_id.choices = [(0, _("Choose…"))] + [(p.id, p.title) for p in services.fundable_pilots(current_user, pool, utcnow().date())]
    every = services.applications(pool)
    visible = [a for a in every if permissions.can_view_application(current_user, a)]
    return render_template("pools/detail.html", pool=pool, budget=services.budget(pool), apply_form=form,
                           granted=[a for a in every if a.status == ApplicationStatus.APPROVED], visible=visible,
                           is_open=is_open(pool.opens_on, pool.closes_on, utcnow().date())), status


@bp.post("/<int:pool_id>/apply")
@login_required
def apply(pool_id: int):
    pool = db.get_or_404(Pool, pool_id)
    form = ApplicationForm()
    pilots = {p.id: p for p in services.fundable_pilots(current_user, pool, utcnow().date())}
    require(bool(pilots))
    form.pilot_id.choices = [(0, "")] + [(p.id, p.title) for p in pilots.values()]
    if not form.validate_on_submit():
        return _render_pool(pool, form, 400)
    try:
        application = services.apply(current_user, pool, pilots[form.pilot_id.data], form.requested.data,
                                     form.co_financing.data, form.purpose.data)
    except DomainError as error:
        if error.status_code == 403:
            raise
        db.session.rollback()
        form.form_errors.append(error.message)
        return _render_pool(db.session.get(Pool, pool_id), form, error.status_code)
    db.session.commit()
    flash(_("The application is saved as a draft; the public partner is asked to confirm the expected benefit."), "success")
    return redirect(url_for("pools.application", application_id=application.id))


def _application_or_404(application_id: int) -> GrantApplication:
    application = db.get_or_404(GrantApplication, application_id)
    if not permissions.can_view_application(current_user, application):
        abort(404)
    return application


@bp.get("/applications/<int:application_id>")
@login_required
def application(application_id: int):
    return _render_application(_application_or_404(application_id))


def _render_application(application: GrantApplication, *, status: int = 200, message: str | None = None, **forms):
    edit_form = forms.get("edit_form") or EditApplicationForm(obj=application)
    payment_form = forms.get("payment_form") or PaymentForm()
    payment_form.milestone_id.choices = [(0, _("Choose…"))] + [(m.id, f"{m.due_date}: {m.title}") for m in application.pilot.milestones]
    return render_template(
        "pools/application.html", application=application, pool=application.pool, message=message,
        problems=services.submission_problems(application, utcnow().date()) if application.status == ApplicationStatus.DRAFT else [],
        de_minimis_over=services.de_minimis_warning(application), ceiling=DE_MINIMIS_CEILING_EUR,
        payments=services.payments(application), edit_form=edit_form,
        de_minimis_form=forms.get("de_minimis_form") or DeMinimisForm(),
        benefit_form=forms.get("benefit_form") or BenefitForm(), decision_form=forms.get("decision_form") or DecisionForm(),
        payment_form=payment_form, button_form=EmptyForm(), budget=services.budget(application.pool),
    ), status


def _act(application: GrantApplication, action, success: str, **forms):
    return run_service(action, success=success, redirect_to=url_for("pools.application", application_id=application.id),
                       on_refusal=lambda error: _render_application(db.session.get(GrantApplication, application.id),
                                                                    status=error.status_code, message=error.message, **forms))


def _declare_de_minimis(application: GrantApplication, received_eur) -> None:
    if services.declare_de_minimis(current_user, application, received_eur):
        flash(_("Warning: with this grant your de minimis aid would exceed EUR 300,000 over three years."), "warning")


@bp.post("/applications/<int:application_id>/edit")
@login_required
def edit_application(application_id: int):
    application = _application_or_404(application_id)
    require(permissions.can_edit_application(current_user, application))
    form = EditApplicationForm()
    if not form.validate_on_submit():
        return _render_application(application, status=400, edit_form=form)
    return _act(application, lambda: services.update_application(current_user, application, form.requested.data,
                                                                 form.co_financing.data, form.purpose.data),
                _("The application is saved."), edit_form=form)


@bp.post("/applications/<int:application_id>/de-minimis")
@login_required
def de_minimis(application_id: int):
    application = _application_or_404(application_id)
    require(permissions.can_edit_application(current_user, application))
    form = DeMinimisForm()
    if not form.validate_on_submit():
        return _render_application(application, status=400, de_minimis_form=form)
    return _act(application, lambda: _declare_de_minimis(application, form.received_eur.data),
                _("Your de minimis declaration is recorded."), de_minimis_form=form)


@bp.post("/applications/<int:application_id>/benefit")
@login_required
def benefit(application_id: int):
    application = _application_or_404(application_id)
    require(permissions.can_confirm_benefit(current_user, application))
    form = BenefitForm()
    if not form.validate_on_submit():
        return _render_application(application, status=400, benefit_form=form)
    return _act(application, lambda: services.confirm_benefit(current_user, application, form.statement.data),
                _("The declaration of expected benefit is confirmed."), benefit_form=form)


@bp.post("/applications/<int:application_id>/submit")
@login_required
def submit(application_id: int):
    application = _application_or_404(application_id)
    require(permissions.can_edit_application(current_user, application))
    require(EmptyForm().validate_on_submit())
    return _act(application, lambda: services.submit(current_user, application), _("The application is submitted."))


@bp.post("/applications/<int:application_id>/decision")
@login_required
def decide(application_id: int):
    application = _application_or_404(application_id)
    require(permissions.can_decide(current_user, application))
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render_application(application, status=400, decision_form=form)
    approve = form.decision.data == "approve"
    return _act(application, lambda: services.decide(current_user, application, approve, form.amount.data, form.reason.data),
                _("The decision is recorded."), decision_form=form)


@bp.post("/applications/<int:application_id>/payments")
@login_required
def pay(application_id: int):
    application = _application_or_404(application_id)
    require(permissions.can_record_payment(current_user, application))
    form = PaymentForm()
    form.milestone_id.choices = [(0, "")] + [(m.id, m.title) for m in application.pilot.milestones]
    if not form.validate_on_submit():
        return _render_application(application, status=400, payment_form=form)
    return _act(application, lambda: services.record_payment(current_user, application, form.milestone_id.data,
                                                             form.amount.data, form.paid_on.data),
                _("The payment is recorded."), payment_form=form)

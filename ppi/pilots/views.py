"""Pilot pages for the three parties, and the test users' feedback page (no sign-in: the link's token)."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone, gettext as _
from flask_login import current_user, login_required

from ppi.core.errors import DomainError
from ppi.core.forms import EmptyForm
from ppi.core.views import run_service
from ppi.core.security import require
from ppi.core.timeutil import local_to_utc
from ppi.extensions import db, limiter
from ppi.pilots import labels, permissions, report, services, sus
from ppi.pilots.forms import (
    ConclusionForm,
    DecisionForm,
    EnrolForm,
    LogForm,
    MeasurementForm,
    PlanForm,
    QuotesForm,
    TransitionForm,
    feedback_form_for,
)
from ppi.pilots.models import Milestone, Pilot, TestUser
from ppi.pilots.workflow import PilotStatus, Recommendation

bp = Blueprint("pilots", __name__, url_prefix="/pilots")

MAX_PAGE = 10_000


@bp.app_context_processor
def pilots_context():
    return {"pilot_perms": permissions, "pilot_labels": labels, "PilotStatus": PilotStatus}


def _pilot_or_404(pilot_id: int) -> Pilot:
    pilot = db.get_or_404(Pilot, pilot_id)
    if not permissions.can_view(current_user, pilot):
        abort(404)
    return pilot


@bp.get("/")
@login_required
def index():
    require(current_user.organisation_id is not None)
    page = db.paginate(services.my_pilots(current_user), page=min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("pilots/index.html", page=page)


@bp.get("/<int:pilot_id>")
@login_required
def detail(pilot_id: int):
    return _render_detail(_pilot_or_404(pilot_id))


def _render_detail(pilot: Pilot, *, status: int = 200, message: str | None = None, new_links=None, **forms):
    enrol_form = forms.get("enrol_form") or EnrolForm()
    enrol_form.group_id.choices = [(0, _("Choose…"))] + [(g.id, g.role) for g in pilot.groups]
    enrol_form.site_id.choices = [(0, _("Choose…"))] + [(s.id, s.name) for s in pilot.sites]
    measurement_form = forms.get("measurement_form") or MeasurementForm()
    measurement_form.criterion_id.choices = [(0, _("Choose…"))] + [(c.id, c.name) for c in pilot.criteria]
    quotes_form = forms.get("quotes_form") or QuotesForm()
    candidates = services.feedback_with_text(pilot) if permissions.can_choose_quotes(current_user, pilot) else []
    quotes_form.feedback_ids.choices = [(f.id, " / ".join(t for t in (f.what_worked, f.what_did_not) if t)[:300])
                                        for f in candidates]
    if request.method == "GET":
        quotes_form.feedback_ids.data = [f.id for f in candidates if f.quoted]
    conclusion_form = forms.get("conclusion_form") or ConclusionForm(
        data={"conclusion": pilot.conclusion, "recommendation": pilot.recommendation.value if pilot.recommendation else None})
    page = render_template(
        "pilots/detail.html", pilot=pilot, message=message, party=permissions.party_of(current_user, pilot),
        plan_problems=services.plan_messages(pilot), history=services.history(pilot),
        allowed=permissions.allowed_transitions(current_user, pilot), test_users=services.test_users(pilot),
        log=services.log_entries(pilot), measurements=services.measurements(pilot), new_links=new_links or [],
        transition_form=forms.get("transition_form") or TransitionForm(), enrol_form=enrol_form,
        log_form=forms.get("log_form") or LogForm(), measurement_form=measurement_form, quotes_form=quotes_form,
        conclusion_form=conclusion_form, button_form=EmptyForm(),
    )
    return page, status


def _act(pilot: Pilot, action, success: str, anchor: str = "", **forms):
    return run_service(action, success=success, redirect_to=url_for("pilots.detail", pilot_id=pilot.id) + anchor,
                       on_refusal=lambda error: _render_detail(db.session.get(Pilot, pilot.id), status=error.status_code,
                                                               message=error.message, **forms))


@bp.route("/<int:pilot_id>/plan", methods=["GET", "POST"])
@login_required
def plan(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    require(permissions.can_edit_plan(current_user, pilot))
    form = PlanForm()
    if request.method == "GET":
        form.fill_from(pilot)
    elif form.validate_on_submit():
        try:
            changed = services.update_plan(current_user, pilot, form.plan_data())
        except DomainError as error:
            if error.status_code == 403:
                raise
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The plan is saved; the authority and the company agree to it again.") if changed else _("Nothing changed."),
                  "success")
            return redirect(url_for("pilots.detail", pilot_id=pilot.id))
    return render_template("pilots/plan.html", pilot=pilot, form=form), 400 if form.errors or form.form_errors else 200


@bp.post("/<int:pilot_id>/agree")
@login_required
def agree(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    require(permissions.can_agree(current_user, pilot))
    require(EmptyForm().validate_on_submit())
    return _act(pilot, lambda: services.agree(current_user, pilot), _("Your agreement to the plan is recorded."))


@bp.post("/<int:pilot_id>/status/<target>")
@login_required
def change_status(pilot_id: int, target: str):
    pilot = _pilot_or_404(pilot_id)
    try:
        target_status = PilotStatus(target)
    except ValueError:
        abort(404)
    form = TransitionForm()
    if not form.validate_on_submit():
        return _render_detail(pilot, status=400, transition_form=form)
    return _act(pilot, lambda: services.transition(current_user, pilot, target_status, form.reason.data),
                _("%(title)s: %(status)s.", title=pilot.title, status=labels.STATUS_LABELS[target_status]),
                transition_form=form)


@bp.post("/<int:pilot_id>/test-users")
@login_required
def enrol(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    require(permissions.can_enrol(current_user, pilot))
    form = EnrolForm()
    form.group_id.choices = [(0, "")] + [(g.id, g.role) for g in pilot.groups]
    form.site_id.choices = [(0, "")] + [(s.id, s.name) for s in pilot.sites]
    if not form.validate_on_submit():
        return _render_detail(pilot, status=400, enrol_form=form)
    try:
        enrolled = services.enrol(current_user, pilot, form.group_id.data, form.site_id.data, form.consent_on.data,
                                  form.how_many.data)
    except DomainError as error:
        if error.status_code == 403:
            raise
        db.session.rollback()
        return _render_detail(db.session.get(Pilot, pilot_id), status=error.status_code, message=error.message, enrol_form=form)
    db.session.commit()
    links = [(tu.code, url_for("pilots.feedback", token=token, _external=True)) for tu, token in enrolled]
    return _render_detail(pilot, new_links=links)


@bp.post("/<int:pilot_id>/test-users/<int:test_user_id>/<any(withdraw, link, revoke):action>")
@login_required
def manage_test_user(pilot_id: int, test_user_id: int, action: str):
    pilot = _pilot_or_404(pilot_id)
    require(permissions.can_manage_test_users(current_user, pilot))
    require(EmptyForm().validate_on_submit())
    test_user = db.get_or_404(TestUser, test_user_id)
    if test_user.pilot_id != pilot.id:
        abort(404)
    if action == "link":
        try:
            token = services.new_link(current_user, test_user)
        except DomainError as error:
            if error.status_code == 403:
                raise
            return _render_detail(pilot, status=error.status_code, message=error.message)
        db.session.commit()
        return _render_detail(pilot, new_links=[(test_user.code, url_for("pilots.feedback", token=token, _external=True))])
    if action == "withdraw":
        return _act(pilot, lambda: services.withdraw_test_user(current_user, test_user),
                    _("%(code)s has withdrawn: their answers are left out of the report.", code=test_user.code), "#test-users")
    return _act(pilot, lambda: services.revoke_link(current_user, test_user),
                _("The feedback link of %(code)s no longer works.", code=test_user.code), "#test-users")


@bp.post("/<int:pilot_id>/log")
@login_required
def add_log_entry(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    require(permissions.can_log(current_user, pilot))
    form = LogForm()
    if not form.validate_on_submit():
        return _render_detail(pilot, status=400, log_form=form)
    occurred = local_to_utc(form.occurred_at.data, _zone())
    return _act(pilot, lambda: services.add_log_entry(current_user, pilot, form.severity_value(), occurred, form.what.data,
                                                      form.action.data),
                _("The entry is in the log."), "#log", log_form=form)


def _zone() -> str:
    return str(get_timezone())


@bp.post("/<int:pilot_id>/measurements")
@login_required
def add_measurement(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    require(permissions.can_measure(current_user, pilot))
    form = MeasurementForm()
    form.criterion_id.choices = [(0, "")] + [(c.id, c.name) for c in pilot.criteria]
    if not form.validate_on_submit():
        return _render_detail(pilot, status=400, measurement_form=form)
    return _act(pilot, lambda: services.add_measurement(current_user, pilot, form.criterion_id.data, form.value.data,
                                                        form.measured_on.data, form.source.data),
                _("The measurement is recorded."), "#measurements", measurement_form=form)


@bp.post("/<int:pilot_id>/milestones/<int:milestone_id>/confirm")
@login_required
def confirm_milestone(pilot_id: int, milestone_id: int):
    pilot = _pilot_or_404(pilot_id)
    require(permissions.can_confirm_milestone(current_user, pilot))
    require(EmptyForm().validate_on_submit())
    milestone = db.get_or_404(Milestone, milestone_id)
    if milestone.pilot_id != pilot.id:
        abort(404)
    return _act(pilot, lambda: services.confirm_milestone(current_user, milestone), _("The milestone is confirmed."), "#plan")


@bp.post("/<int:pilot_id>/quotes")
@login_required
def choose_quotes(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    require(permissions.can_choose_quotes(current_user, pilot))
    form = QuotesForm()
    form.feedback_ids.choices = [(f.id, "") for f in services.feedback_with_text(pilot)]
    if not form.validate_on_submit():
        return _render_detail(pilot, status=400, quotes_form=form)
    return _act(pilot, lambda: services.choose_quotes(current_user, pilot, set(form.feedback_ids.data or [])),
                _("The quotes for the report are chosen."), "#report-writing", quotes_form=form)


@bp.post("/<int:pilot_id>/conclusion")
@login_required
def conclude(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    require(permissions.can_conclude(current_user, pilot))
    form = ConclusionForm()
    if not form.validate_on_submit():
        return _render_detail(pilot, status=400, conclusion_form=form)
    return _act(pilot, lambda: services.conclude(current_user, pilot, form.conclusion.data, form.recommendation_value()),
                _("The conclusion is saved."), "#report-writing", conclusion_form=form)


@bp.get("/<int:pilot_id>/report")
@login_required
def report_page(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    return _render_report(pilot)


def _render_report(pilot: Pilot, decision_form=None, status: int = 200):
    return render_template("pilots/report.html", pilot=pilot, report=report.build(pilot), log=services.log_entries(pilot),
                           decision_form=decision_form or DecisionForm(), sus=sus, Recommendation=Recommendation), status


@bp.post("/<int:pilot_id>/decision")
@login_required
def decide(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    require(permissions.can_decide(current_user, pilot))
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render_report(pilot, form, 400)
    services.decide(current_user, pilot, Recommendation(form.decision.data), form.note.data)
    db.session.commit()
    flash(_("Your decision is recorded."), "success")
    return redirect(url_for("pilots.report_page", pilot_id=pilot.id))


@bp.get("/<int:pilot_id>/<any(feedback, measurements):kind>.csv")
@login_required
def export(pilot_id: int, kind: str):
    pilot = _pilot_or_404(pilot_id)
    body = report.feedback_csv(pilot.id) if kind == "feedback" else report.measurements_csv(pilot.id)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="pilot-{pilot.id}-{kind}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- the test users' page ------------------------------------------------------------------------

@bp.route("/feedback/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def feedback(token: str):
    """A test user's own page, reached by their link: no sign-in, no account, no name."""
    test_user = services.test_user_for_token(token)
    if test_user is None:
        abort(404)
    pilot = db.session.get(Pilot, test_user.pilot_id)
    rated = [c for c in pilot.criteria if c.rated_by_users]
    form = feedback_form_for(rated, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.submit_feedback(test_user, form.answers(), form.ratings(rated), form.what_worked.data,
                                     form.what_did_not.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            return render_template("pilots/feedback_thanks.html", pilot=pilot, token=token)
    status = 400 if form.errors or form.form_errors else 200
    response = Response(render_template("pilots/feedback.html", pilot=pilot, form=form, rated=rated, sus=sus,
                                        open=permissions.feedback_open(pilot)), status=status)
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response.headers["Cache-Control"] = "private, no-store"
    return response

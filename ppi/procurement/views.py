"""Procurement case pages: the list, opening a case, the case with its checks and guidance, the Art 84 report."""
import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from ppi.accounts.models import OrganisationKind
from ppi.accounts.services import verified_organisations
from ppi.challenges.models import Challenge
from ppi.core.errors import DomainError
from ppi.core.security import require
from ppi.core.timeutil import utcnow
from ppi.core.views import run_service
from ppi.extensions import db
from ppi.pilots.models import Pilot
from ppi.procurement import directive, guidance, labels, listing, ocds, permissions, services
from ppi.procurement.forms import AdmissionForm, Art41Form, AwardForm, CaseForm, RouteForm, TendererForm, TimelineForm, TransitionForm
from ppi.procurement.models import ProcurementCase, Tenderer
from ppi.procurement.workflow import LIFECYCLE, CaseStatus

bp = Blueprint("procurement", __name__, url_prefix="/procurement")

MAX_PAGE = 10_000


@bp.app_context_processor
def procurement_context():
    return {"procurement_perms": permissions, "procurement_labels": labels, "directive": directive, "CaseStatus": CaseStatus,
            "procurement_cases_of_pilot": lambda pilot: [c for c in listing.cases_of_pilot(pilot)
                                                         if permissions.can_view(current_user, c)]}


def _case_or_404(case_id: int) -> ProcurementCase:
    case = db.get_or_404(ProcurementCase, case_id)
    if not permissions.can_view(current_user, case):
        abort(404)
    return case


@bp.get("/")
def index():
    filters = listing.filters_from(request.args)
    page = db.paginate(listing.cases(current_user, filters, utcnow().date()),
                       page=min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("procurement/index.html", page=page, filters=filters, today=utcnow().date(),
                           authorities=listing.authorities())


@bp.get("/cases.csv")
def export_csv():
    filters = listing.filters_from(request.args)
    body = listing.csv(current_user, filters, utcnow().date())
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="procurement-cases.csv"'
    return response


@bp.get("/ocds.json")
def ocds_all():
    """Every public case as OCDS 1.1 releases in one release package (404 until a case is public: a package
    holds at least one release)."""
    cases = ocds.public_cases()
    if not cases:
        abort(404)
    return _ocds_response(ocds.release_package(cases, url_for("procurement.ocds_all", _external=True)),
                          f"{current_app.config['PPI_OCID_PREFIX']}-procurement.json")


@bp.get("/<int:case_id>/ocds.json")
def ocds_case(case_id: int):
    """One case as OCDS 1.1 releases; visible to whoever may see the case."""
    case = _case_or_404(case_id)
    package = ocds.release_package([case], url_for("procurement.ocds_case", case_id=case.id, _external=True))
    return _ocds_response(package, f"{ocds.ocid(current_app.config['PPI_OCID_PREFIX'], case)}.json")


def _ocds_response(package: dict, filename: str) -> Response:
    response = Response(json.dumps(package, ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{secure_filename(filename)}"'
    return response


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(permissions.can_open_case(current_user))
    pilot = _pilot_from(request.values.get("pilot", type=int))
    challenge = _challenge_from(request.values.get("challenge", type=int)) or (pilot.challenge if pilot else None)
    form = CaseForm()
    if request.method == "GET" and (pilot or challenge):
        source = challenge or pilot.challenge
        form.subject.data = pilot.title if pilot else source.title
        form.contract_kind.data = source.contract_kind.value
        form.estimated_value_eur.data = source.estimated_contract_value_eur
        form.cpv_codes.data = ", ".join(item.display for item in source.cpv_codes)
    if form.validate_on_submit():
        try:
            case = services.open_case(current_user, form.case_data(), [pilot] if pilot else [], challenge, form.consulted())
        except DomainError as error:
            if error.status_code == 403:
                raise
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The procurement case is opened."), "success")
            return redirect(url_for("procurement.detail", case_id=case.id))
    return render_template("procurement/new.html", form=form, pilot=pilot, challenge=challenge), \
        400 if form.errors or form.form_errors else 200


def _pilot_from(pilot_id: int | None) -> Pilot | None:
    if pilot_id is None:
        return None
    pilot = db.session.get(Pilot, pilot_id)
    if pilot is None or not permissions.can_open_from_pilot(current_user, pilot):
        abort(404)
    return pilot


def _challenge_from(challenge_id: int | None) -> Challenge | None:
    if challenge_id is None:
        return None
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or current_user.organisation_id not in challenge.owner_ids:
        abort(404)
    return challenge


@bp.get("/<int:case_id>")
def detail(case_id: int):
    return _render_detail(_case_or_404(case_id))


def _render_detail(case: ProcurementCase, *, status: int = 200, message: str | None = None, **forms):
    checks = services.checks(case)
    owner = permissions.can_edit(current_user, case)
    tenderer_form = forms.get("tenderer_form") or TendererForm()
    tenderer_form.organisation_id.choices = [(0, _("Not registered"))] + [(o.id, o.name) for o in verified_organisations(OrganisationKind.COMPANY)] if owner else []
    award_form = forms.get("award_form") or AwardForm()
    award_form.tenderer_id.choices = [(0, _("Choose…"))] + [(t.id, t.name) for t in case.tenderers if t.admitted]
    route_form = forms.get("route_form") or _route_form_for(case)
    page = render_template(
        "procurement/detail.html", case=case, checks=checks, owner=owner, message=message,
        notes=guidance.notes(checks.threshold.above, bool(case.pilots), case.cpv_codes or [], bool(case.participants)),
        allowed=sorted(LIFECYCLE.targets(case.status), key=list(CaseStatus).index) if owner else [],  # a set: lifecycle order
        history=services.history(case),
        was_pilot_company=services.was_pilot_company(case),
        route_form=route_form, timeline_form=forms.get("timeline_form") or TimelineForm(obj=case, formdata=None),
        tenderer_form=tenderer_form, award_form=award_form, transition_form=forms.get("transition_form") or TransitionForm(),
        art41_forms={t.id: (forms.get("art41_form") if forms.get("art41_for") == t.id else None)
                     or Art41Form(obj=t, formdata=None, prefix=f"t{t.id}") for t in case.tenderers if t.prior_participant_id},
        admission_forms={t.id: AdmissionForm(prefix=f"a{t.id}", formdata=None) for t in case.tenderers},
    )
    return page, status


def _route_form_for(case: ProcurementCase) -> RouteForm:
    form = RouteForm(obj=case, formdata=None)
    form.procedure.data = case.procedure.value if case.procedure else ""
    form.instrument.data = case.instrument.value
    form.holidays.data = ", ".join(case.holidays or [])
    return form


def _act(case: ProcurementCase, action, success: str, anchor: str = "", **forms):
    return run_service(action, success=success, redirect_to=url_for("procurement.detail", case_id=case.id) + anchor,
                       on_refusal=lambda error: _render_detail(db.session.get(ProcurementCase, case.id), status=error.status_code,
                                                               message=error.message, **forms))


def _owned_case(case_id: int) -> ProcurementCase:
    case = _case_or_404(case_id)
    require(permissions.can_edit(current_user, case))
    return case


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@login_required
def edit(case_id: int):
    case = _owned_case(case_id)
    if request.method == "GET":
        form = CaseForm(obj=case)
        form.cpv_codes.data = ", ".join(case.cpv_codes)
        form.contract_kind.data = case.contract_kind.value
        form.fill_lots(case.lots or [])
    else:  # judged on what is posted alone: a field left out is missing, not the stored value (the CPV codes' list: a 500)
        form = CaseForm()
    if form.validate_on_submit():
        services.update_case(current_user, case, form.case_data())
        db.session.commit()
        flash(_("The case is saved."), "success")
        return redirect(url_for("procurement.detail", case_id=case.id))
    return render_template("procurement/new.html", form=form, case=case, pilot=None, challenge=case.challenge), \
        400 if form.errors else 200


@bp.post("/<int:case_id>/route")
@login_required
def route(case_id: int):
    case = _owned_case(case_id)
    form = RouteForm()
    if not form.validate_on_submit():
        return _render_detail(case, status=400, route_form=form)
    return _act(case, lambda: services.set_fields(current_user, case, form.values(), services.ROUTE_FIELDS, "procurement.route"),
                _("The route is saved."), "#checks", route_form=form)


@bp.post("/<int:case_id>/timeline")
@login_required
def timeline(case_id: int):
    case = _owned_case(case_id)
    form = TimelineForm()
    if not form.validate_on_submit():
        return _render_detail(case, status=400, timeline_form=form)
    return _act(case, lambda: services.set_fields(current_user, case, form.values(), services.TIMELINE_FIELDS,
                                                  "procurement.timeline"),
                _("The timeline is saved."), "#checks", timeline_form=form)


@bp.post("/<int:case_id>/tenderers")
@login_required
def add_tenderer(case_id: int):
    case = _owned_case(case_id)
    form = TendererForm()
    companies = {o.id: o for o in verified_organisations(OrganisationKind.COMPANY)}
    form.organisation_id.choices = [(0, "")] + [(i, o.name) for i, o in companies.items()]
    if not form.validate_on_submit():
        return _render_detail(case, status=400, tenderer_form=form)
    organisation = companies.get(form.organisation_id.data)
    name = organisation.name if organisation else form.name.data
    return _act(case, lambda: services.add_tenderer(current_user, case, name, form.country.data, form.is_sme.data, organisation),
                _("The tenderer is recorded."), "#tenderers", tenderer_form=form)


def _tenderer(case: ProcurementCase, tenderer_id: int) -> Tenderer:
    tenderer = db.get_or_404(Tenderer, tenderer_id)
    if tenderer.case_id != case.id:
        abort(404)
    return tenderer


@bp.post("/<int:case_id>/tenderers/<int:tenderer_id>/art41")
@login_required
def art41(case_id: int, tenderer_id: int):
    case = _owned_case(case_id)
    tenderer = _tenderer(case, tenderer_id)
    form = Art41Form(prefix=f"t{tenderer.id}")
    if not form.validate_on_submit():
        return _render_detail(case, status=400, art41_form=form, art41_for=tenderer.id)
    values = {name: getattr(form, name).data for name in ("info_shared_on", "info_shared", "time_limits_note", "excluded",
                                                           "exclusion_hearing_on", "exclusion_reason")}
    return _act(case, lambda: services.record_art_41(current_user, tenderer, values), _("The Art 41 record is saved."),
                "#tenderers", art41_form=form, art41_for=tenderer.id)


@bp.post("/<int:case_id>/tenderers/<int:tenderer_id>/admission")
@login_required
def admission(case_id: int, tenderer_id: int):
    case = _owned_case(case_id)
    tenderer = _tenderer(case, tenderer_id)
    form = AdmissionForm(prefix=f"a{tenderer.id}")
    if not form.validate_on_submit():
        return _render_detail(case, status=400, message=_("Choose admitted or rejected."))
    return _act(case, lambda: services.set_tenderer_admission(current_user, tenderer, form.admitted.data == "yes", form.reason.data),
                _("The admission is saved."), "#tenderers")


@bp.post("/<int:case_id>/award")
@login_required
def award(case_id: int):
    case = _owned_case(case_id)
    form = AwardForm()
    form.tenderer_id.choices = [(0, "")] + [(t.id, t.name) for t in case.tenderers if t.admitted]
    if not form.validate_on_submit():
        return _render_detail(case, status=400, award_form=form)
    tenderer = _tenderer(case, form.tenderer_id.data)
    return _act(case, lambda: services.record_award(current_user, case, tenderer, form.contract_value_eur.data,
                                                    form.contract_months.data, form.reasons.data),
                _("The award is recorded."), "#outcome", award_form=form)


@bp.post("/<int:case_id>/status/<target>")
@login_required
def change_status(case_id: int, target: str):
    case = _owned_case(case_id)
    try:
        target_status = CaseStatus(target)
    except ValueError:
        abort(404)
    form = TransitionForm()
    if not form.validate_on_submit():
        return _render_detail(case, status=400, transition_form=form)
    return _act(case, lambda: services.transition(current_user, case, target_status, form.reason.data),
                _("%(subject)s: %(status)s.", subject=case.subject, status=labels.STATUS_LABELS[target_status]),
                transition_form=form)


@bp.get("/<int:case_id>/report")
def report(case_id: int):
    """The Art 84 individual procurement report: printable; `?download=1` saves it as a file."""
    case = _case_or_404(case_id)
    page = render_template("procurement/report.html", case=case, checks=services.checks(case),
                           was_pilot_company=services.was_pilot_company(case), history=services.history(case))
    response = Response(page, mimetype="text/html")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="art84-report-case-{case.id}.html"'
    return response

"""The case library: the public list and pages, and the parties' writing, approving and withdrawing."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext as _
from flask_login import current_user, login_required

from ppi.cases import labels, permissions, services
from ppi.cases.forms import ApproveForm, LibraryFilterForm, SummaryForm, WithdrawForm
from ppi.cases.models import CaseSummary
from ppi.cases.services import PersonalDataFound, Source
from ppi.cases.workflow import MIN_SUS_RESPONDENTS, Party, SummaryStatus
from ppi.challenges import cpv
from ppi.core.errors import Conflict, DomainError, render_error
from ppi.core.forms import EmptyForm
from ppi.core.pagecache import cached_page
from ppi.core.paging import paginate
from ppi.core.security import require
from ppi.core.views import run_service
from ppi.extensions import db
from ppi.pilots import permissions as pilot_permissions
from ppi.pilots.models import Pilot
from ppi.procurement import permissions as procurement_permissions
from ppi.procurement.models import ProcurementCase

bp = Blueprint("cases", __name__, url_prefix="/library")

MAX_PAGE = 10_000


@bp.app_context_processor
def cases_context():
    return {"case_perms": permissions, "case_labels": labels, "SummaryStatus": SummaryStatus, "SummaryParty": Party,
            "month": _month, "case_summary_of_pilot": _panel_of_pilot, "case_summary_of_case": _panel_of_case,
            "similar_cases": services.similar_cases, "MIN_SUS_RESPONDENTS": MIN_SUS_RESPONDENTS, "case_cpv": cpv}


def _month(day) -> str:
    return format_date(day, "LLLL y") if day else ""


def _panel_of_pilot(pilot: Pilot) -> dict:
    """What the pilot report shows about its case summary: the summary (if the viewer may see it) and whether the
    viewer may start one."""
    return _panel(services.summary_of_pilot(pilot.id), Source(pilot=pilot))


def _panel_of_case(case: ProcurementCase) -> dict:
    return _panel(services.summary_of_case(case.id), Source(case=case))


def _panel(summary: CaseSummary | None, source: Source) -> dict:
    visible = summary if summary is not None and permissions.can_view(current_user, summary) else None
    may_start = summary is None and services.is_eligible(source) and services.may_write(current_user, source)
    return {"summary": visible, "may_start": may_start}


def _summary_or_404(summary_id: int) -> CaseSummary:
    summary = db.get_or_404(CaseSummary, summary_id)
    if not permissions.can_view(current_user, summary):
        abort(404)
    return summary


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


# ---- the public library ---------------------------------------------------------------------------------------

@bp.get("/")
@cached_page()
def index():
    form = LibraryFilterForm(request.args)
    form.validate()
    page = paginate(services.library(form.filters()), _page(), current_app.config["PAGE_SIZE"])
    return render_template("cases/index.html", form=form, page=page)


@bp.get("/<int:summary_id>")
@cached_page()
def detail(summary_id: int):
    summary = db.get_or_404(CaseSummary, summary_id)
    if not permissions.can_view(current_user, summary):
        if summary.status == SummaryStatus.WITHDRAWN:
            return render_error(404, _("This case summary was withdrawn from the library: %(reason)s",
                                       reason=summary.withdrawal_reason))
        abort(404)
    return _render_detail(summary)


def _render_detail(summary: CaseSummary, *, withdraw_form=None, status: int = 200):
    return render_template("cases/detail.html", summary=summary, party=permissions.party_of(current_user, summary),
                           withdraw_form=withdraw_form or WithdrawForm(), button_form=EmptyForm()), status


@bp.get("/mine")
@login_required
def mine():
    require(permissions.can_write(current_user))
    page = paginate(services.own_summaries(current_user), _page(), current_app.config["PAGE_SIZE"])
    return render_template("cases/mine.html", page=page)


# ---- writing -------------------------------------------------------------------------------------------------

def _source_from_request() -> Source:
    """The pilot or the procurement case named in the query (`pilot`, `case`): 404 when it does not exist for the
    user."""
    pilot_id, case_id = request.args.get("pilot", type=int), request.args.get("case", type=int)
    if pilot_id is not None:
        pilot = db.session.get(Pilot, pilot_id)
        if pilot is None or not pilot_permissions.can_view(current_user, pilot):
            abort(404)
        return Source(pilot=pilot)
    case = db.session.get(ProcurementCase, case_id) if case_id is not None else None
    if case is None or not procurement_permissions.can_view(current_user, case):
        abort(404)
    return Source(case=case)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    source = _source_from_request()
    services.check_can_start(current_user, source)
    form = SummaryForm()
    if request.method == "GET":
        form.fill(services.draft_texts(source))
    elif form.validate_on_submit():
        try:
            summary = services.start(current_user, source, form.texts())
        except PersonalDataFound as found:
            db.session.rollback()
            form.show_findings(found.findings)
        else:
            db.session.commit()
            flash(_("The draft is saved. Read it as the public will, then approve it."), "success")
            return redirect(url_for("cases.publish", summary_id=summary.id))
    return render_template("cases/form.html", form=form, summary=None, source=source,
                           quotes=services.quotes_offered(source)), 400 if form.errors else 200


@bp.route("/<int:summary_id>/edit", methods=["GET", "POST"])
@login_required
def edit(summary_id: int):
    summary = _summary_or_404(summary_id)
    services.check_can_revise(current_user, summary)
    form = SummaryForm()
    if request.method == "GET":
        form.fill(services.SummaryTexts.of(summary))
    elif form.validate_on_submit():
        try:
            changed = services.revise(current_user, summary, form.texts())
        except PersonalDataFound as found:
            db.session.rollback()
            summary = db.session.get(CaseSummary, summary_id)
            form.show_findings(found.findings)
        else:
            db.session.commit()
            flash(_("The draft is saved; every party approves it again.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("cases.publish", summary_id=summary.id))
    source = services.source_of(summary)
    return render_template("cases/form.html", form=form, summary=summary, source=source,
                           quotes=services.quotes_offered(source)), 400 if form.errors else 200


@bp.get("/<int:summary_id>/publish")
@login_required
def publish(summary_id: int):
    """The publishing page: the summary exactly as the public will see it, what comes from the record and what the
    authors wrote, and each party's approval."""
    summary = _summary_or_404(summary_id)
    if summary.status != SummaryStatus.DRAFT:
        raise Conflict(_("Only a draft is approved."))
    require(permissions.party_of(current_user, summary) is not None)
    return _render_publish(summary)


def _render_publish(summary: CaseSummary, *, message: str | None = None, status: int = 200):
    approve_form = ApproveForm(formdata=None, data={"revision": summary.revision})
    return render_template("cases/publish.html", summary=summary, party=permissions.party_of(current_user, summary),
                           approve_form=approve_form, message=message), status


@bp.post("/<int:summary_id>/approve")
@login_required
def approve(summary_id: int):
    summary = _summary_or_404(summary_id)
    form = ApproveForm()
    require(form.validate_on_submit())
    try:
        published = services.approve(current_user, summary, form.revision_value())
    except DomainError as error:
        if error.status_code == 403:
            raise
        db.session.rollback()
        summary = db.session.get(CaseSummary, summary_id)
        if summary.status != SummaryStatus.DRAFT or permissions.party_of(current_user, summary) is None:
            raise
        return _render_publish(summary, message=error.message, status=error.status_code)
    db.session.commit()
    if published:
        flash(_("Every party approved: the summary is in the library."), "success")
        return redirect(url_for("cases.detail", summary_id=summary_id))
    flash(_("Your approval is recorded; the summary is published when every party has approved it."), "success")
    return redirect(url_for("cases.publish", summary_id=summary_id))


@bp.post("/<int:summary_id>/withdraw")
@login_required
def withdraw(summary_id: int):
    summary = _summary_or_404(summary_id)
    form = WithdrawForm()
    if summary.status != SummaryStatus.PUBLISHED:
        raise Conflict(_("Only a published summary can be withdrawn."))
    require(permissions.can_withdraw(current_user, summary))
    if not form.validate_on_submit():
        return _render_detail(summary, withdraw_form=form, status=400)
    return run_service(lambda: services.withdraw(current_user, summary, form.reason.data),
                       success=_("The summary is withdrawn from the library."),
                       redirect_to=url_for("cases.detail", summary_id=summary_id),
                       on_refusal=lambda error: _render_detail(db.session.get(CaseSummary, summary_id), withdraw_form=form,
                                                               status=error.status_code))


@bp.post("/<int:summary_id>/reopen")
@login_required
def reopen(summary_id: int):
    summary = _summary_or_404(summary_id)
    if summary.status != SummaryStatus.WITHDRAWN:
        raise Conflict(_("Only a withdrawn summary can be reopened."))
    require(permissions.can_reopen(current_user, summary))
    require(EmptyForm().validate_on_submit())
    return run_service(lambda: services.reopen(current_user, summary),
                       success=_("The summary is a draft again: revise it, and every party approves it once more."),
                       redirect_to=url_for("cases.edit", summary_id=summary_id),
                       on_refusal=lambda error: _render_detail(db.session.get(CaseSummary, summary_id),
                                                               status=error.status_code))

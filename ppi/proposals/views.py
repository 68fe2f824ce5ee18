"""Proposal and evaluation pages: thin views over the services."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ppi.challenges.forms import AttachmentForm
from ppi.challenges.models import Challenge
from ppi.challenges.permissions import can_view_challenge
from ppi.core.errors import DomainError
from ppi.core.files import file_response
from ppi.core.forms import EmptyForm
from ppi.core.security import require
from ppi.core.timeutil import utcnow
from ppi.core.views import run_service
from ppi.extensions import db
from ppi.proposals import labels, matrix, permissions, services
from ppi.proposals.forms import (
    DecisionForm,
    DeclarationForm,
    PanelForm,
    PartnerForm,
    ProposalForm,
    ScoreForm,
    SubmitForm,
    WithdrawForm,
)
from ppi.proposals.models import PanelMember, Proposal, ProposalAttachment, ProposalPartner, VersionFile
from ppi.proposals.workflow import TRL_MEANINGS, Neutrality, Outcome

bp = Blueprint("proposals", __name__)

MAX_PAGE = 10_000


@bp.app_context_processor
def proposals_context():
    return {"proposal_perms": permissions, "proposal_labels": labels, "proposal_services": services}


def _proposal_or_404(proposal_id: int) -> Proposal:
    """The proposal, for its team only; everyone else gets "not found" (a sealed proposal is not even confirmed to exist)."""
    proposal = db.get_or_404(Proposal, proposal_id)
    if not permissions.is_team(current_user, proposal) and not services.reads_as_evaluator_or_decider(current_user, proposal, utcnow()):
        abort(404)
    return proposal


def _challenge_or_404(challenge_id: int) -> Challenge:
    challenge = db.get_or_404(Challenge, challenge_id)
    if not can_view_challenge(current_user, challenge):
        abort(404)
    return challenge


# ---- the company's side --------------------------------------------------------------------------

@bp.get("/proposals/mine")
@login_required
def mine():
    require(current_user.organisation_id is not None)
    page = db.paginate(services.my_proposals(current_user), page=min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    invitations = [p for proposal in page.items for p in proposal.partners
                   if p.organisation_id == current_user.organisation_id]
    return render_template("proposals/mine.html", page=page, invitations=invitations, now=utcnow(), button_form=EmptyForm())


@bp.route("/challenges/<int:challenge_id>/propose", methods=["GET", "POST"])
@login_required
def create(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    existing = services.proposal_of(current_user.organisation_id, challenge.id) if current_user.organisation_id else None
    if existing is not None:
        return redirect(url_for("proposals.detail", proposal_id=existing.id))
    require(permissions.can_propose(current_user, challenge, utcnow()))
    form = ProposalForm()
    if form.validate_on_submit():
        try:
            proposal = services.create_proposal(current_user, challenge, form.proposal_data())
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Your draft is saved. Add partners and documents, then submit before the deadline."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return render_template("proposals/form.html", form=form, challenge=challenge, proposal=None,
                           trl=TRL_MEANINGS), 400 if form.errors or form.form_errors else 200


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    require(permissions.is_proposer(current_user, proposal))
    if not permissions.can_change(current_user, proposal, utcnow()):
        return _render_detail(proposal, status=409, message=_("The proposal deadline has passed: the proposal can no longer change."))
    form = ProposalForm(obj=proposal)
    if form.validate_on_submit():
        try:
            services.update_proposal(current_user, proposal, form.proposal_data())
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The proposal is saved. Submit it to make this the version that counts."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return render_template("proposals/form.html", form=form, challenge=proposal.challenge, proposal=proposal,
                           trl=TRL_MEANINGS), 400 if form.errors or form.form_errors else 200


@bp.get("/proposals/<int:proposal_id>")
@login_required
def detail(proposal_id: int):
    return _render_detail(_proposal_or_404(proposal_id))


def _render_detail(proposal: Proposal, *, status: int = 200, message: str | None = None, submit_form=None,
                   partner_form=None, attachment_form=None, withdraw_form=None):
    now = utcnow()
    team = permissions.is_team(current_user, proposal)
    latest = services.latest_version(proposal)
    if partner_form is None:
        partner_form = PartnerForm()
    partner_form.organisation_id.choices = [(0, _("Choose…"))] + [(o.id, o.name) for o in services.partner_candidates(proposal)] \
        if permissions.can_change(current_user, proposal, now) else []
    page = render_template(
        "proposals/detail.html", proposal=proposal, challenge=proposal.challenge, now=now, team=team, message=message,
        latest=latest, content=proposal if team else None, frozen=None if team else (latest.content if latest else None),
        versions=services.versions(proposal) if team else [],
        unsubmitted=team and services.has_unsubmitted_changes(proposal, latest),
        files=services.version_files(latest) if latest and not team else [],
        submit_form=submit_form or SubmitForm(), partner_form=partner_form,
        attachment_form=attachment_form or AttachmentForm(), withdraw_form=withdraw_form or WithdrawForm(),
        button_form=EmptyForm(), trl=TRL_MEANINGS,
    )
    return page, status


def _act(proposal: Proposal, action, success: str, **forms):
    """Run one service call; on a refusal show the proposal page again with the message."""
    return run_service(action, success=success, redirect_to=url_for("proposals.detail", proposal_id=proposal.id),
                       on_refusal=lambda error: _render_detail(db.session.get(Proposal, proposal.id), status=error.status_code,
                                                               message=error.message, **forms))


@bp.post("/proposals/<int:proposal_id>/submit")
@login_required
def submit(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    require(permissions.is_proposer(current_user, proposal))
    form = SubmitForm()
    if not form.validate_on_submit():
        return _render_detail(proposal, status=400, submit_form=form)
    try:
        version = services.submit(current_user, proposal, form.declaration.data)
    except DomainError as error:
        if error.status_code == 403:
            raise
        db.session.rollback()
        return _render_detail(db.session.get(Proposal, proposal_id), status=error.status_code, message=error.message,
                              submit_form=form)
    db.session.commit()
    flash(_("Submitted: version %(n)d. Keep your receipt.", n=version.number), "success")
    return redirect(url_for("proposals.receipt", proposal_id=proposal.id, number=version.number))


@bp.post("/proposals/<int:proposal_id>/withdraw")
@login_required
def withdraw(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    require(permissions.is_proposer(current_user, proposal))
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render_detail(proposal, status=400, withdraw_form=form)
    return _act(proposal, lambda: services.withdraw(current_user, proposal, form.reason.data),
                _("The proposal is withdrawn. You can submit it again until the deadline."), withdraw_form=form)


@bp.post("/proposals/<int:proposal_id>/partners")
@login_required
def add_partner(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    require(permissions.is_proposer(current_user, proposal))
    form = PartnerForm()
    form.organisation_id.choices = [(0, "")] + [(o.id, o.name) for o in services.partner_candidates(proposal)]
    if not form.validate_on_submit():
        return _render_detail(proposal, status=400, partner_form=form)
    return _act(proposal, lambda: services.add_partner(current_user, proposal, form.organisation_id.data),
                _("The partner is invited; it must confirm before you can submit."), partner_form=form)


@bp.post("/proposals/<int:proposal_id>/partners/<int:organisation_id>/remove")
@login_required
def remove_partner(proposal_id: int, organisation_id: int):
    proposal = _proposal_or_404(proposal_id)
    require(permissions.is_proposer(current_user, proposal))
    require(EmptyForm().validate_on_submit())
    return _act(proposal, lambda: services.remove_partner(current_user, proposal, organisation_id), _("The partner is removed."))


@bp.post("/proposals/<int:proposal_id>/partnership")
@login_required
def answer_partnership(proposal_id: int):
    partner = db.session.get(ProposalPartner, (proposal_id, current_user.organisation_id or 0))
    if partner is None:
        abort(404)
    require(EmptyForm().validate_on_submit())
    confirm = request.form.get("answer") == "confirm"
    try:
        services.answer_partnership(current_user, partner, confirm)
    except DomainError as error:
        if error.status_code == 403:
            raise
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("proposals.mine"))
    db.session.commit()
    flash(_("You confirmed the partnership.") if confirm else _("You declined the partnership."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal_id) if confirm else url_for("proposals.mine"))


@bp.post("/proposals/<int:proposal_id>/attachments")
@login_required
def add_attachment(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    require(permissions.is_proposer(current_user, proposal))
    form = AttachmentForm()
    if not form.validate_on_submit():
        return _render_detail(proposal, status=400, attachment_form=form)
    try:
        services.add_attachment(current_user, proposal, form.file.data, form.title.data)
    except DomainError as error:
        if error.status_code == 403:
            raise
        db.session.rollback()
        form.file.errors.append(error.message)
        return _render_detail(db.session.get(Proposal, proposal_id), status=error.status_code, attachment_form=form)
    db.session.commit()
    flash(_("The document is added. Submit again to include it in the version that counts."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#attachments")


@bp.get("/proposals/<int:proposal_id>/attachments/<int:attachment_id>")
@login_required
def download_attachment(proposal_id: int, attachment_id: int):
    proposal = _proposal_or_404(proposal_id)
    if not permissions.is_team(current_user, proposal):
        abort(404)  # evaluators read the submitted version's files, not the working copy
    attachment = db.get_or_404(ProposalAttachment, attachment_id)
    if attachment.proposal_id != proposal.id:
        abort(404)
    return file_response(attachment.file)


@bp.get("/proposals/<int:proposal_id>/versions/<int:number>/files/<int:file_id>")
@login_required
def download_version_file(proposal_id: int, number: int, file_id: int):
    proposal = _proposal_or_404(proposal_id)
    version = services.version(proposal, number)
    if version is None:
        abort(404)
    if not permissions.is_team(current_user, proposal) and number != proposal.version_count:
        abort(404)  # others read only the version that counts
    item = db.session.get(VersionFile, (version.id, file_id))
    if item is None:
        abort(404)
    return file_response(item.file)


@bp.post("/proposals/<int:proposal_id>/attachments/<int:attachment_id>/delete")
@login_required
def remove_attachment(proposal_id: int, attachment_id: int):
    proposal = _proposal_or_404(proposal_id)
    require(permissions.is_proposer(current_user, proposal))
    require(EmptyForm().validate_on_submit())
    attachment = db.get_or_404(ProposalAttachment, attachment_id)
    if attachment.proposal_id != proposal.id:
        abort(404)
    return _act(proposal, lambda: services.remove_attachment(current_user, attachment), _("The document is removed."))


@bp.get("/proposals/<int:proposal_id>/versions/<int:number>")
@login_required
def receipt(proposal_id: int, number: int):
    proposal = _proposal_or_404(proposal_id)
    require(permissions.is_team(current_user, proposal) or permissions.is_owner(current_user, proposal.challenge))
    version = services.version(proposal, number)
    if version is None:
        abort(404)
    return render_template("proposals/receipt.html", proposal=proposal, version=version, problems=services.verify(version),
                           files=services.version_files(version))


@bp.get("/proposals/<int:proposal_id>/debrief")
@login_required
def debrief(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    require(permissions.can_read_debrief(current_user, proposal))
    challenge = proposal.challenge
    return render_template("proposals/debrief.html", proposal=proposal, challenge=challenge,
                           decision=services.decision_of(challenge), debrief=matrix.debrief(proposal.id, challenge),
                           selected=services.selected_companies(challenge), Outcome=Outcome)


# ---- evaluation ----------------------------------------------------------------------------------

def _evaluation_context(challenge: Challenge):
    member = services.panel_member(challenge, current_user)
    if not permissions.can_view_evaluation(current_user, challenge, member):
        abort(404)
    return member


@bp.get("/challenges/<int:challenge_id>/evaluation")
@login_required
def evaluation(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    return _render_evaluation(challenge, _evaluation_context(challenge))


def _render_evaluation(challenge: Challenge, member: PanelMember | None, *, status: int = 200, message: str | None = None,
                       panel_form=None, declaration_form=None, decision_form=None):
    now = utcnow()
    # who proposed is sealed too: the neutrality flag names companies only after the deadline
    flagged = [] if permissions.is_sealed_for(challenge, now) else services.flagged_proposals(challenge)
    complete = services.scoring_complete(challenge)
    is_owner = permissions.is_owner(current_user, challenge)
    consolidated = None
    if is_owner and complete or services.decision_of(challenge) is not None and is_owner:
        consolidated = matrix.consolidate(matrix.scores_frame(challenge.id), challenge)
    if panel_form is None:
        panel_form = PanelForm()
    panel_form.user_id.choices = [(0, _("Choose…"))] + [(u.id, f"{u.display_name} ({u.organisation.name})")
                                                          for u in services.panel_candidates(challenge)]
    # the proposals to select from once the panel has finished (before, only "no award" is possible)
    submitted = services.submitted_proposals(challenge) if is_owner and complete else []
    if decision_form is None:
        decision_form = DecisionForm()
    titles = services.submitted_titles(challenge) if submitted else {}
    decision_form.selected.choices = [(p.id, f"{p.company.name}: {titles[p.id]}") for p in submitted]
    page = render_template(
        "proposals/evaluation.html", challenge=challenge, member=member, now=now, message=message,
        panel=services.panel(challenge) if is_owner or member else [], flagged=flagged,
        needs_neutrality=member is not None and services.needs_neutrality_answer(member, challenge, flagged),
        proposing_companies=services.proposing_companies(challenge)
        if member is not None and not permissions.is_sealed_for(challenge, now) else [],
        queue=services.queue(member, challenge, now) if member is not None and member.cleared else [],
        complete=complete, consolidated=consolidated, submitted_count=services.submitted_count(challenge),
        decision=services.decision_of(challenge), is_owner=is_owner,
        panel_form=panel_form, declaration_form=declaration_form or DeclarationForm(), decision_form=decision_form,
        button_form=EmptyForm(), Neutrality=Neutrality,
    )
    return page, status


def _evaluation_act(challenge: Challenge, member, action, success: str, **forms):
    return run_service(action, success=success, redirect_to=url_for("proposals.evaluation", challenge_id=challenge.id),
                       on_refusal=lambda error: _render_evaluation(db.session.get(Challenge, challenge.id), member,
                                                                   status=error.status_code, message=error.message, **forms))


@bp.post("/challenges/<int:challenge_id>/evaluation/panel")
@login_required
def add_panel_member(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    member = _evaluation_context(challenge)
    require(permissions.can_manage_panel(current_user, challenge, utcnow()))
    form = PanelForm()
    form.user_id.choices = [(0, "")] + [(u.id, u.display_name) for u in services.panel_candidates(challenge)]
    if not form.validate_on_submit():
        return _render_evaluation(challenge, member, status=400, panel_form=form)
    return _evaluation_act(challenge, member, lambda: services.add_panel_member(current_user, challenge, form.user_id.data),
                           _("The evaluator is on the panel."), panel_form=form)


@bp.post("/challenges/<int:challenge_id>/evaluation/panel/<int:member_id>/remove")
@login_required
def remove_panel_member(challenge_id: int, member_id: int):
    challenge = _challenge_or_404(challenge_id)
    member = _evaluation_context(challenge)
    require(permissions.can_manage_panel(current_user, challenge, utcnow()))
    require(EmptyForm().validate_on_submit())
    target = db.get_or_404(PanelMember, member_id)
    if target.challenge_id != challenge.id:
        abort(404)
    return _evaluation_act(challenge, member, lambda: services.remove_panel_member(current_user, target),
                           _("The evaluator is removed from the panel."))


@bp.post("/challenges/<int:challenge_id>/evaluation/declaration")
@login_required
def declare(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    member = _evaluation_context(challenge)
    require(permissions.can_declare(current_user, member, challenge))
    form = DeclarationForm()
    if not form.validate_on_submit():
        return _render_evaluation(challenge, member, status=400, declaration_form=form)
    neutrality = Neutrality(form.neutrality.data) if form.neutrality.data else None
    return _evaluation_act(
        challenge, member,
        lambda: services.declare(current_user, member, form.conflict.data == "yes", form.note.data, neutrality,
                                 form.neutrality_note.data),
        _("Your declaration is recorded."), declaration_form=form)


@bp.route("/challenges/<int:challenge_id>/evaluation/proposals/<int:proposal_id>", methods=["GET", "POST"])
@login_required
def score(challenge_id: int, proposal_id: int):
    challenge = _challenge_or_404(challenge_id)
    member = _evaluation_context(challenge)
    proposal = db.get_or_404(Proposal, proposal_id)
    if proposal.challenge_id != challenge.id or not services.reads_as_evaluator_or_decider(current_user, proposal, utcnow()):
        abort(404)
    latest = services.latest_version(proposal)
    can_score = member is not None and permissions.can_score(current_user, member, challenge) and services.decision_of(challenge) is None
    own = services.my_scores(member, proposal) if member is not None else {}
    form = ScoreForm()
    if request.method == "GET":
        for criterion in challenge.criteria:
            saved = own.get(criterion.id)
            form.rows.append_entry({"criterion_id": criterion.id, "score": saved.score if saved else None,
                                    "comment": saved.comment if saved else ""})
    elif can_score and form.validate_on_submit():
        try:
            missing = services.save_scores(current_user, member, proposal, form.entries())
        except DomainError as error:
            if error.status_code == 403:
                raise
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Your scores are saved.") if not missing else
                  _("Your scores are saved; %(n)d comment(s) still missing.", n=missing), "success" if not missing else "warning")
            return redirect(url_for("proposals.evaluation", challenge_id=challenge.id))
    elif not can_score:
        abort(403)
    criteria = {c.id: c for c in challenge.criteria}
    status = 400 if form.errors or form.form_errors else 200
    return render_template("proposals/score.html", challenge=challenge, proposal=proposal, content=latest.content,
                           files=services.version_files(latest), latest=latest, form=form, criteria=criteria,
                           can_score=can_score, trl=TRL_MEANINGS), status


@bp.post("/challenges/<int:challenge_id>/evaluation/decision")
@login_required
def decide(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    member = _evaluation_context(challenge)
    require(permissions.can_decide(current_user, challenge))
    form = DecisionForm()
    form.selected.choices = [(p.id, p.title) for p in services.submitted_proposals(challenge)]
    if not form.validate_on_submit():
        return _render_evaluation(challenge, member, status=400, decision_form=form)
    return _evaluation_act(challenge, member,
                           lambda: services.decide(current_user, challenge, list(form.selected.data or []), form.reason.data),
                           _("The decision is recorded; every company can read its debrief."), decision_form=form)


@bp.get("/challenges/<int:challenge_id>/evaluation/matrix.<any(csv, xlsx):fmt>")
@login_required
def export_matrix(challenge_id: int, fmt: str):
    challenge = _challenge_or_404(challenge_id)
    require(permissions.is_owner(current_user, challenge))
    if not services.scoring_complete(challenge) and services.decision_of(challenge) is None:
        abort(404)
    scores = matrix.scores_frame(challenge.id)
    table = matrix.export_frame(matrix.consolidate(scores, challenge))
    if fmt == "csv":
        body, mimetype = matrix.to_csv(table), "text/csv"
    else:
        body, mimetype = matrix.to_xlsx(table, scores), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="evaluation-challenge-{challenge.id}.{fmt}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""Challenges: the public list, search, feed and detail page; posting, moderating, Q&A and follows."""
import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ppi.challenges import cpv, labels, permissions, services
from ppi.challenges.forms import AnswerForm, AttachmentForm, ChallengeForm, FilterForm, QuestionForm, TransitionForm
from ppi.challenges.models import Challenge, ChallengeAttachment, PublicChange, Question
from ppi.challenges.workflow import ChallengeStatus, needs_reason
from ppi.core.errors import DomainError
from ppi.core.files import file_response
from ppi.core.forms import EmptyForm
from ppi.core.pagecache import cached_page
from ppi.core.paging import paginate
from ppi.core.security import require
from ppi.core.timeutil import utcnow
from ppi.extensions import db

bp = Blueprint("challenges", __name__, url_prefix="/challenges")
MAX_PAGE = 100_000


@bp.app_context_processor
def challenges_context():
    return {"challenge_perms": permissions, "challenge_labels": labels, "ChallengeStatus": ChallengeStatus, "now": utcnow()}


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def _challenge_or_404(challenge_id: int) -> Challenge:
    challenge = db.get_or_404(Challenge, challenge_id)
    if not permissions.can_view_challenge(current_user, challenge):
        abort(404)  # drafts are not public: do not reveal that they exist
    return challenge


def _filter_form(default_status: str = "") -> FilterForm:
    """The filters from the URL; a URL without any (the first visit) gets `default_status`. Submitting the form
    always sends the status, so choosing "Any" shows every status."""
    args = request.args
    if default_status and not args.keys() - {"page"}:
        args = MultiDict([*args.items(multi=True), ("status", default_status)])
    form = FilterForm(args, authorities=services.authority_choices())
    form.validate()
    return form


@bp.get("/")
@cached_page(until=services.next_deadline)
def index():
    form = _filter_form(default_status="open")  # soonest deadline first, not the ones that closed years ago
    stmt = services.public_challenges(form.filters(), utcnow()).options(*services.CARD_LOADING)
    page = paginate(stmt, _page(), current_app.config["PAGE_SIZE"])
    return render_template("challenges/list.html", form=form, page=page)


@bp.get("/feed.atom")
def feed():
    form = _filter_form()
    stmt = services.public_challenges(form.filters(), utcnow()).order_by(None).order_by(
        Challenge.published_at.desc(), Challenge.id.desc()).limit(50)
    challenges = db.session.scalars(stmt).all()
    xml = render_template("challenges/feed.xml", challenges=challenges)
    return Response(xml, mimetype="application/atom+xml")


@bp.get("/cpv")
def cpv_lookup():
    query = request.args.get("q", "")[:100]
    return render_template("challenges/cpv.html", query=query, results=cpv.search(query))


@bp.get("/manage")
@login_required
def manage():
    require(current_user.organisation is not None)
    page = db.paginate(services.managed_challenges(current_user), page=_page(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    unanswered = services.unanswered_counts([challenge.id for challenge in page.items])
    return render_template("challenges/manage.html", page=page, unanswered=unanswered)


def _form_for(challenge: Challenge | None, lead_authority_id: int) -> ChallengeForm:
    form = ChallengeForm(
        clusters=services.verified_clusters(),
        partners=services.verified_authorities(excluding=lead_authority_id),
        published=challenge is not None and challenge.status == ChallengeStatus.PUBLISHED,
    )
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(permissions.can_create_challenge(current_user))
    form = _form_for(None, current_user.organisation_id)
    if request.method == "GET":
        form.cluster_id.data = current_app.config["PPI_DEFAULT_CLUSTER_ID"] or 0
        form.nuts_code.data = current_user.organisation.nuts_code
    if form.validate_on_submit():
        try:
            challenge = services.create_challenge(current_user, form.challenge_data())
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The challenge is saved as a draft. Submit it for moderation when it is ready."), "success")
            return redirect(url_for("challenges.detail", challenge_id=challenge.id))
    return render_template("challenges/form.html", form=form, challenge=None), 400 if form.errors or form.form_errors else 200


@bp.route("/<int:challenge_id>/edit", methods=["GET", "POST"])
@login_required
def edit(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    require(permissions.can_edit_challenge(current_user, challenge, utcnow()))
    form = _form_for(challenge, challenge.lead_authority_id)
    if request.method == "GET":
        form.fill_from(challenge)
    if form.validate_on_submit():
        try:
            services.update_challenge(current_user, challenge, form.challenge_data(), form.change_note.data)
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The challenge is saved."), "success")
            return redirect(url_for("challenges.detail", challenge_id=challenge.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("challenges/form.html", form=form, challenge=challenge), status


@bp.get("/<int:challenge_id>")
@cached_page(until=services.next_deadline)
def detail(challenge_id: int):
    loaded = services.challenge_for_page(challenge_id, current_user)
    if loaded is None or not permissions.can_view_challenge(current_user, loaded[0]):
        abort(404)  # drafts are not public: do not reveal that they exist
    challenge, following = loaded
    return _render_detail(challenge, following=following)


def _render_detail(challenge: Challenge, *, following: bool | None = None, transition_form=None, question_form=None,
                   answer_forms=None, attachment_form=None, failed_target=None, status: int = 200):
    now = utcnow()
    public_changes = db.session.scalars(
        sa.select(PublicChange).where(PublicChange.challenge_id == challenge.id).order_by(PublicChange.at)
    ).all()
    partners = [p.organisation for p in challenge.partners]
    can_see_moderation = permissions.is_owner(current_user, challenge) or permissions.is_moderator(current_user, challenge)
    questions = services.page_questions(challenge, current_user, permissions.can_see_unanswered(current_user, challenge))
    page = render_template(
        "challenges/detail.html",
        challenge=challenge, effective=challenge.status_at(now), now=now, partners=partners,
        history=services.status_history(challenge, can_see_moderation),
        public_changes=public_changes, answers=questions.answers, unanswered=questions.unanswered,
        own_questions=questions.own,
        brand_warnings=services.brand_warnings(challenge) if can_see_moderation else [],
        allowed=permissions.allowed_transitions(current_user, challenge, now),
        needs_reason=needs_reason,
        following=services.is_following(current_user, challenge) if following is None else following,
        attachments=challenge.attachments,
        transition_form=transition_form or TransitionForm(), failed_target=failed_target,
        question_form=question_form or QuestionForm(),
        answer_forms=answer_forms or {q.id: AnswerForm(prefix=f"q{q.id}") for q in questions.unanswered},
        attachment_form=attachment_form or AttachmentForm(), button_form=EmptyForm(),
    )
    return page, status


@bp.post("/<int:challenge_id>/status/<target>")
@login_required
def change_status(challenge_id: int, target: str):
    challenge = _challenge_or_404(challenge_id)
    try:
        target_status = ChallengeStatus(target)
    except ValueError:
        abort(404)
    form = TransitionForm()
    if not form.validate_on_submit():
        return _render_detail(challenge, transition_form=form, failed_target=target_status, status=400)
    brand_note = (form.brand_note.data or "") if form.brand_confirmed.data else None
    try:
        services.transition(current_user, challenge, target_status, form.reason.data, brand_note=brand_note)
    except DomainError as error:
        if error.status_code == 403:
            raise
        db.session.rollback()
        if error.status_code == 409:  # the state changed under the user: no field is to blame
            form.form_errors.append(error.message)
        else:
            form.reason.errors.append(error.message)
        return _render_detail(db.session.get(Challenge, challenge_id), transition_form=form,
                              failed_target=target_status, status=error.status_code)
    db.session.commit()
    flash(_("%(title)s: %(status)s.", title=challenge.title, status=labels.STATUS_LABELS[challenge.status_at(utcnow())]), "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge.id))


@bp.post("/<int:challenge_id>/attachments")
@login_required
def add_attachment(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    require(permissions.can_manage_attachments(current_user, challenge, utcnow()))
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            services.add_attachment(current_user, challenge, form.file.data, form.title.data)
        except DomainError as error:
            form.file.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The attachment is added."), "success")
            return redirect(url_for("challenges.detail", challenge_id=challenge.id) + "#attachments")
    return _render_detail(challenge, attachment_form=form, status=400)


@bp.get("/<int:challenge_id>/attachments/<int:attachment_id>")
def download_attachment(challenge_id: int, attachment_id: int):
    challenge = _challenge_or_404(challenge_id)
    attachment = db.get_or_404(ChallengeAttachment, attachment_id)
    if attachment.challenge_id != challenge.id:
        abort(404)
    return file_response(attachment.file)


@bp.post("/<int:challenge_id>/attachments/<int:attachment_id>/delete")
@login_required
def remove_attachment(challenge_id: int, attachment_id: int):
    challenge = _challenge_or_404(challenge_id)
    attachment = db.get_or_404(ChallengeAttachment, attachment_id)
    if attachment.challenge_id != challenge.id:
        abort(404)
    services.remove_attachment(current_user, attachment)
    db.session.commit()
    flash(_("The attachment is removed."), "info")
    return redirect(url_for("challenges.detail", challenge_id=challenge.id) + "#attachments")


@bp.post("/<int:challenge_id>/questions")
@login_required
def ask(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    require(permissions.can_ask_question(current_user, challenge, utcnow()))
    form = QuestionForm()
    if not form.validate_on_submit():
        return _render_detail(challenge, question_form=form, status=400)
    services.ask_question(current_user, challenge, form.text.data)
    db.session.commit()
    flash(_("Your question is sent. The answer will be published here for everyone, without your name."), "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge.id) + "#questions")


@bp.post("/questions/<int:question_id>/answer")
@login_required
def answer(question_id: int):
    question = db.get_or_404(Question, question_id)
    challenge = _challenge_or_404(question.challenge_id)
    require(permissions.can_answer(current_user, question, challenge))
    form = AnswerForm(prefix=f"q{question.id}")
    if not form.validate_on_submit():
        unanswered = services.unanswered_questions(challenge)
        forms = {q.id: (form if q.id == question.id else AnswerForm(prefix=f"q{q.id}")) for q in unanswered}
        return _render_detail(challenge, answer_forms=forms, status=400)
    services.answer_question(current_user, question, form.answer.data, form.published_question.data)
    db.session.commit()
    flash(_("The answer is published."), "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge.id) + "#questions")


@bp.post("/<int:challenge_id>/follow")
@login_required
def follow(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    if request.form.get("follow") == "0":
        services.unfollow(current_user, challenge)
        flash(_("You no longer follow this challenge."), "info")
    else:
        services.follow(current_user, challenge)
        flash(_("You follow this challenge: you will be told of changes, answers and deadlines."), "success")
    db.session.commit()
    return redirect(url_for("challenges.detail", challenge_id=challenge.id))

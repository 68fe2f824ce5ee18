"""Competence profiles, the suggestions for a challenge, invitations and shares."""
from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ppi.accounts.models import Organisation
from ppi.challenges import cpv
from ppi.challenges.models import Challenge
from ppi.challenges.permissions import can_view_challenge
from ppi.core.errors import DomainError
from ppi.core.forms import EmptyForm
from ppi.core.security import require
from ppi.core.timeutil import utcnow
from ppi.core.views import run_service
from ppi.extensions import db
from ppi.matching import labels, permissions, services
from ppi.matching.forms import ClusterChoiceForm, CompetenceForm, InviteForm, ProfileForm
from ppi.matching.models import Competence, ProfileConsent

bp = Blueprint("matching", __name__)


@bp.app_context_processor
def matching_context():
    return {"matching_perms": permissions, "matching_labels": labels, "matching_panel": challenge_panel,
            "matching_competences": services.competences_of, "matching_cpv": cpv}


def challenge_panel(challenge: Challenge) -> dict:
    return services.challenge_panel(current_user, challenge, utcnow())


# ---- competence profiles ---------------------------------------------------------------------------------------

def _company_or_404(org_id: int) -> Organisation:
    company = db.get_or_404(Organisation, org_id)
    if not permissions.can_view_profile(current_user, company):
        abort(404)
    return company


def _may_edit(company: Organisation) -> bool:
    return permissions.can_edit_profile(current_user, company, services.consenting_cluster_ids(company.id))


@bp.get("/organisations/<int:org_id>/competences")
def profile(org_id: int):
    return _render_profile(_company_or_404(org_id))


def _render_profile(company: Organisation, *, profile_form=None, consent_form=None, message=None, status: int = 200):
    consenting = services.consenting_cluster_ids(company.id)
    competences = services.competences_of(company.id)
    attached, unattached = services.pilots_by_competence(competences, services.platform_pilots(company.id))
    stored = services.profile_of(company.id)
    if profile_form is None:
        profile_form = ProfileForm(formdata=None, data={"languages": stored.languages if stored else [],
                                                        "markets": ", ".join(stored.markets) if stored else ""})
    show_consents = permissions.can_see_consents(current_user, company, consenting)
    return render_template(
        "matching/profile.html", company=company, competences=competences, pilots=attached, other_pilots=unattached,
        stored=stored, can_edit=permissions.can_edit_profile(current_user, company, consenting),
        profile_form=profile_form, message=message,
        consents=services.consents_of(company.id) if show_consents else [],
        consent_form=consent_form or ClusterChoiceForm(clusters=services.consentable_clusters(company.id)),
    ), status


@bp.route("/organisations/<int:org_id>/competences/new", methods=["GET", "POST"])
@login_required
def add_competence(org_id: int):
    company = _company_or_404(org_id)
    require(_may_edit(company))
    form = CompetenceForm()
    if not form.validate_on_submit():
        return _render_competence_form(company, form, None, 400 if form.is_submitted() else 200)
    return run_service(lambda: services.add_competence(current_user, company, form.competence_data()),
                       success=_("The competence is added to the profile."),
                       redirect_to=url_for("matching.profile", org_id=company.id),
                       on_refusal=lambda error: _render_competence_form(company, form, None, error.status_code,
                                                                        error.message))


def _render_competence_form(company: Organisation, form: CompetenceForm, competence: Competence | None, status: int,
                            message: str | None = None):
    if message:
        form.form_errors.append(message)
    return render_template("matching/competence_form.html", company=company, form=form, competence=competence,
                           on_behalf=permissions.edits_on_behalf(current_user, company)), status


def _competence_or_404(competence_id: int) -> Competence:
    competence = db.get_or_404(Competence, competence_id)
    _company_or_404(competence.organisation_id)
    return competence


@bp.route("/competences/<int:competence_id>/edit", methods=["GET", "POST"])
@login_required
def edit_competence(competence_id: int):
    competence = _competence_or_404(competence_id)
    company = competence.organisation
    require(_may_edit(company))
    form = CompetenceForm()
    if request.method == "GET":
        form.fill_from(competence)
    if not form.validate_on_submit():
        return _render_competence_form(company, form, competence, 400 if form.is_submitted() else 200)
    return run_service(lambda: services.update_competence(current_user, competence, form.competence_data()),
                       success=_("The competence is saved."), redirect_to=url_for("matching.profile", org_id=company.id),
                       on_refusal=lambda error: _render_competence_form(company, form, competence, error.status_code,
                                                                        error.message))


@bp.post("/competences/<int:competence_id>/delete")
@login_required
def delete_competence(competence_id: int):
    competence = _competence_or_404(competence_id)
    company = competence.organisation
    require(_may_edit(company) and EmptyForm().validate_on_submit())
    return run_service(lambda: services.delete_competence(current_user, competence),
                       success=_("The competence is removed from the profile."),
                       redirect_to=url_for("matching.profile", org_id=company.id),
                       on_refusal=lambda error: _render_profile(company, message=error.message, status=error.status_code))


@bp.post("/organisations/<int:org_id>/competences/profile")
@login_required
def set_profile(org_id: int):
    company = _company_or_404(org_id)
    require(_may_edit(company))
    form = ProfileForm()
    if not form.validate_on_submit():
        return _render_profile(company, profile_form=form, status=400)
    return run_service(lambda: services.set_profile(current_user, company, form.languages.data, form.market_list()),
                       success=_("The languages and markets are saved."),
                       redirect_to=url_for("matching.profile", org_id=company.id),
                       on_refusal=lambda error: _render_profile(company, profile_form=form, message=error.message,
                                                                status=error.status_code))


@bp.post("/organisations/<int:org_id>/profile-consents")
@login_required
def grant_consent(org_id: int):
    company = _company_or_404(org_id)
    require(permissions.can_manage_consent(current_user, company))
    form = ClusterChoiceForm(clusters=services.consentable_clusters(company.id))
    if not form.validate_on_submit():
        return _render_profile(company, consent_form=form, status=400)
    return run_service(lambda: services.grant_consent(current_user, company, form.cluster_id.data),
                       success=_("The cluster may now help edit your competence profile."),
                       redirect_to=url_for("matching.profile", org_id=company.id) + "#consents",
                       on_refusal=lambda error: _render_profile(company, consent_form=form, message=error.message,
                                                                status=error.status_code))


@bp.post("/profile-consents/<int:consent_id>/revoke")
@login_required
def revoke_consent(consent_id: int):
    consent = db.get_or_404(ProfileConsent, consent_id)
    company = _company_or_404(consent.company_id)
    require(permissions.can_manage_consent(current_user, company) and EmptyForm().validate_on_submit())
    return run_service(lambda: services.revoke_consent(current_user, consent),
                       success=_("The consent is revoked: the cluster can no longer edit your profile."),
                       redirect_to=url_for("matching.profile", org_id=company.id) + "#consents",
                       on_refusal=lambda error: _render_profile(company, message=error.message, status=error.status_code))


# ---- suggestions, invitations and shares -----------------------------------------------------------------------

def _challenge_or_404(challenge_id: int) -> Challenge:
    challenge = db.get_or_404(Challenge, challenge_id)
    if not can_view_challenge(current_user, challenge):
        abort(404)
    return challenge


@bp.get("/challenges/<int:challenge_id>/matches")
@login_required
def challenge_matches(challenge_id: int):
    return _render_matches(_challenge_or_404(challenge_id))


def _render_matches(challenge: Challenge, *, share_form=None, message: str | None = None, status: int = 200):
    now = utcnow()
    shared = services.shared_cluster_ids(challenge)
    require(permissions.can_see_suggestions(current_user, challenge, now, shared))
    shares = services.shares_of(challenge)
    can_share = permissions.can_share(current_user, challenge, now)
    return render_template(
        "matching/matches.html", challenge=challenge, suggestions=services.suggestions_for(current_user, challenge, now),
        invitations=services.visible_invitations(current_user, challenge),
        invited={invitation.company_id for invitation in services.invitations_of(challenge)},
        can_invite=permissions.can_invite(current_user, challenge, now, shared),
        cluster_names={challenge.cluster_id: challenge.cluster.name, **{s.cluster_id: s.cluster.name for s in shares}},
        shares=shares, can_share=can_share, message=message, button_form=EmptyForm(),
        share_form=share_form or ClusterChoiceForm(clusters=services.shareable_clusters(challenge) if can_share else ()),
    ), status


@bp.post("/challenges/<int:challenge_id>/invitations")
@login_required
def invite(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    require(permissions.can_invite(current_user, challenge, utcnow(), services.shared_cluster_ids(challenge)))
    form = InviteForm()
    if not form.validate_on_submit():
        return _render_matches(challenge, message=_("Choose a suggested company to invite."), status=400)
    return run_service(lambda: services.invite(current_user, challenge, form.company_id.data),
                       success=_("The company is invited to look at the challenge; the invitation is listed on it."),
                       redirect_to=url_for("matching.challenge_matches", challenge_id=challenge.id),
                       on_refusal=lambda error: _refused(challenge_id, error))


@bp.post("/challenges/<int:challenge_id>/shares")
@login_required
def share(challenge_id: int):
    challenge = _challenge_or_404(challenge_id)
    require(permissions.can_share(current_user, challenge, utcnow()))
    form = ClusterChoiceForm(clusters=services.shareable_clusters(challenge))
    if not form.validate_on_submit():
        return _render_matches(challenge, share_form=form, status=400)
    return run_service(lambda: services.share(current_user, challenge, form.cluster_id.data),
                       success=_("The challenge is shared: the cluster sees which of its members fit."),
                       redirect_to=url_for("matching.challenge_matches", challenge_id=challenge.id) + "#shares",
                       on_refusal=lambda error: _refused(challenge_id, error))


def _refused(challenge_id: int, error: DomainError):
    return _render_matches(db.session.get(Challenge, challenge_id), message=error.message, status=error.status_code)

"""Who may do what with a challenge: pure predicates over the user, the challenge, its state and the time."""
from datetime import datetime

from ppi.accounts.models import OrganisationKind
from ppi.accounts.permissions import acts_for_verified, is_platform_admin, is_signed_in
from ppi.challenges.models import Challenge, Question
from ppi.challenges.workflow import LIFECYCLE, PUBLIC_STATUSES, ChallengeStatus, questions_open

S = ChallengeStatus


def can_create_challenge(user) -> bool:
    return acts_for_verified(user, OrganisationKind.PUBLIC_AUTHORITY)


def is_owner(user, challenge: Challenge) -> bool:
    """A member of the lead authority or of a partner in the buyers' group."""
    return acts_for_verified(user, OrganisationKind.PUBLIC_AUTHORITY) and user.organisation_id in challenge.owner_ids


def is_moderator(user, challenge: Challenge) -> bool:
    """A member of the facilitating cluster."""
    return acts_for_verified(user, OrganisationKind.CLUSTER) and user.organisation_id == challenge.cluster_id


def is_public(challenge: Challenge) -> bool:
    """Published at some point and not back in draft; a draft cancelled before publication stays private."""
    return challenge.status in PUBLIC_STATUSES and challenge.published_at is not None


def can_view_challenge(user, challenge: Challenge) -> bool:
    return (
        is_public(challenge)
        or is_owner(user, challenge)
        or is_moderator(user, challenge)
        or is_platform_admin(user)
    )


def can_edit_challenge(user, challenge: Challenge, now: datetime) -> bool:
    """Drafts, and published challenges while still open (the edit is then shown publicly)."""
    return is_owner(user, challenge) and challenge.status_at(now) in (S.DRAFT, S.PUBLISHED)


# Who moves a challenge to each status (the state machine decides from where).
_MODERATOR_TARGETS = {S.PUBLISHED, S.DRAFT}
_OWNER_TARGETS = {S.IN_MODERATION, S.CANCELLED, S.IN_EVALUATION, S.ARCHIVED}
# Reached only through the evaluation's decision (which selects proposals and gives every company a debrief).
DECISION_TARGETS = frozenset({S.AWARDED, S.NO_AWARD})


def can_transition(user, challenge: Challenge, target: ChallengeStatus, now: datetime) -> bool:
    if not LIFECYCLE.can(challenge.status_at(now), target):
        return False
    if target in _MODERATOR_TARGETS:
        return is_moderator(user, challenge)
    if target == S.ARCHIVED:
        return is_owner(user, challenge) or is_moderator(user, challenge)
    return target in _OWNER_TARGETS and is_owner(user, challenge)


def allowed_transitions(user, challenge: Challenge, now: datetime) -> list[ChallengeStatus]:
    """In the lifecycle's order (the table holds sets), so that the buttons always stand in the same order."""
    return [target for target in ChallengeStatus if target in LIFECYCLE.targets(challenge.status_at(now))
            and can_transition(user, challenge, target, now)]


def can_ask_question(user, challenge: Challenge, now: datetime) -> bool:
    return acts_for_verified(user, OrganisationKind.COMPANY) and questions_open(challenge.status, challenge.questions_deadline, now)


def can_answer(user, question: Question, challenge: Challenge) -> bool:
    return is_owner(user, challenge) and question.answered_at is None and challenge.status == S.PUBLISHED


def can_see_unanswered(user, challenge: Challenge) -> bool:
    return is_owner(user, challenge) or is_moderator(user, challenge)


def asked_by_my_organisation(user, question: Question) -> bool:
    return is_signed_in(user) and user.organisation_id == question.asker_organisation_id


def can_follow(user, challenge: Challenge) -> bool:
    return is_signed_in(user) and can_view_challenge(user, challenge)


def can_manage_attachments(user, challenge: Challenge, now: datetime) -> bool:
    return can_edit_challenge(user, challenge, now)

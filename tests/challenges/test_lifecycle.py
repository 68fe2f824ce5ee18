"""Every transition through the app, by every role: allowed ones move the challenge and are audited,
refused ones are a 403 (wrong role) or a 409 (wrong state) page, never a 500."""
import pytest
import sqlalchemy as sa

from ppi.challenges.models import Challenge, ChallengePartner, StatusChange
from ppi.challenges.workflow import ChallengeStatus as S
from ppi.core.models import AuditEntry
from ppi.extensions import db
from tests.challenges.helpers import (
    REASON,
    audit_actions,
    challenge_form,
    count,
    field_error,
    get_challenge,
    notifications_of,
    text,
)
from tests.conftest import add_challenge

OWNERS = ("authority_admin", "authority_member", "partner_admin")  # the lead authority and its buyers'-group partner
MODERATORS = ("cluster_admin", "cluster_member")                   # the facilitating cluster
OUTSIDERS = ("company_admin", "company_member", "other_authority_admin", "other_cluster_admin", "unverified_admin",
             "platform_admin")
ROLES = (None, *OWNERS, *MODERATORS, *OUTSIDERS)
# Who moves a challenge to each status (the issue: the authority posts, submits, evaluates or cancels;
# the cluster approves or returns; either archives). Awarded and no award come only from the evaluation's
# decision (tests/proposals), never from this route.
ACTORS = {
    S.IN_MODERATION: OWNERS, S.CANCELLED: OWNERS, S.IN_EVALUATION: OWNERS, S.AWARDED: (), S.NO_AWARD: (),
    S.PUBLISHED: MODERATORS, S.DRAFT: MODERATORS, S.ARCHIVED: OWNERS + MODERATORS, S.CLOSED: (),
}
ALLOWED = {
    (S.DRAFT, S.IN_MODERATION), (S.DRAFT, S.CANCELLED),
    (S.IN_MODERATION, S.PUBLISHED), (S.IN_MODERATION, S.DRAFT), (S.IN_MODERATION, S.CANCELLED),
    (S.PUBLISHED, S.CANCELLED),
    (S.CLOSED, S.IN_EVALUATION), (S.CLOSED, S.CANCELLED),
    (S.IN_EVALUATION, S.AWARDED), (S.IN_EVALUATION, S.NO_AWARD), (S.IN_EVALUATION, S.CANCELLED),
    (S.AWARDED, S.ARCHIVED), (S.NO_AWARD, S.ARCHIVED),
}
PAST = dict(days_to_questions=-30, days_to_proposals=-20)
STATES = {  # how to make a challenge in each (effective) state
    S.DRAFT: dict(status=S.DRAFT),
    S.IN_MODERATION: dict(status=S.IN_MODERATION),
    S.PUBLISHED: dict(status=S.PUBLISHED),
    S.CLOSED: dict(status=S.PUBLISHED, days_to_questions=-10, days_to_proposals=-1),  # published, deadline passed
    S.IN_EVALUATION: dict(status=S.IN_EVALUATION, **PAST),
    S.AWARDED: dict(status=S.AWARDED, **PAST),
    S.NO_AWARD: dict(status=S.NO_AWARD, **PAST),
    S.ARCHIVED: dict(status=S.ARCHIVED, **PAST),
    S.CANCELLED: dict(status=S.CANCELLED, **PAST),
}


def make(app, world, state: S, **extra) -> int:
    """A challenge of the world's authority (with the partner in its buyers' group) in `state`."""
    with app.app_context():
        return add_challenge(world, partners=[ChallengePartner(organisation_id=world.orgs["partner"])],
                             **{**STATES[state], **extra})


def expected_status(state: S, target: S, role: str | None) -> set[int]:
    if role is None:
        return {302}  # to the sign-in page
    if state in (S.DRAFT, S.IN_MODERATION) and role in OUTSIDERS and role != "platform_admin":
        return {404}  # a draft is not shown to outsiders, not even as existing
    if (state, target) in ALLOWED:
        return {302} if role in ACTORS[target] else {403}
    if role in OWNERS + MODERATORS:
        return {409}
    return {403, 409}  # neither the role nor the state allows it


def stored(app, challenge_id: int) -> S:
    return get_challenge(app, challenge_id).status


@pytest.mark.parametrize("state", list(STATES), ids=str)
def test_every_target_by_every_role(app, more_world, client_as, state):
    world = more_world
    clients = {role: client_as(role) for role in ROLES}
    shared = make(app, world, state)  # refused attempts all go to this one, which must not move
    problems = []
    for target in S:
        for role in ROLES:
            expected = expected_status(state, target, role)
            challenge_id = make(app, world, state) if expected == {302} and role is not None else shared
            response = clients[role].post(f"/challenges/{challenge_id}/status/{target.value}", data={"reason": REASON})
            where = f"{state} -> {target} by {role}"
            if response.status_code not in expected:
                problems.append(f"{where}: {response.status_code}, expected {sorted(expected)}")
                continue
            page = text(response)
            if role is None:
                assert "/login" in response.location, where
            elif response.status_code == 302:
                assert_moved(app, world, challenge_id, state, target, role)
            elif response.status_code == 403:
                assert "You may not do this" in page, where
            elif response.status_code == 409:
                assert "Fall detection in care homes" in page, where  # the challenge's page (its message: below)
    assert not problems, "\n".join(problems)
    assert stored(app, shared) == STATES[state]["status"]
    assert count(app, StatusChange, StatusChange.challenge_id == shared) == 0
    assert audit_actions(app, "Challenge", shared) == []


def assert_moved(app, world, challenge_id: int, state: S, target: S, role: str) -> None:
    where = f"{state} -> {target} by {role}"
    challenge = get_challenge(app, challenge_id)
    assert challenge.status == target, where
    with app.app_context():
        change = db.session.scalar(sa.select(StatusChange).where(StatusChange.challenge_id == challenge_id))
        assert (change.from_status, change.to_status, change.actor_id, change.comment) == (
            state, target, world.users[role], REASON), where
        entries = db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.object_type == "Challenge", AuditEntry.object_id == challenge_id)).all()
    actions = {(entry.action, entry.organisation_id) for entry in entries}
    assert actions == {(f"challenge.{target.value}", world.orgs["authority"]),
                       (f"challenge.{target.value}", world.orgs["cluster"])}, where
    assert all(entry.actor_id == world.users[role] and entry.note == REASON for entry in entries), where
    assert all(entry.before == {"status": state.value} and entry.after == {"status": target.value} for entry in entries)
    if target == S.IN_MODERATION:
        assert challenge.submitted_at is not None
    if target == S.PUBLISHED:
        assert challenge.published_at is not None
    if target in (S.CANCELLED, S.NO_AWARD):
        assert challenge.public_reason == REASON


def test_an_unknown_target_is_not_found(app, more_world, client_as):
    challenge_id = make(app, more_world, S.DRAFT)
    assert client_as("authority_admin").post(f"/challenges/{challenge_id}/status/approved").status_code == 404
    assert client_as("authority_admin").post("/challenges/99999/status/cancelled", data={"reason": REASON}).status_code == 404
    assert stored(app, challenge_id) == S.DRAFT


@pytest.mark.parametrize("state, target, role", [
    (S.DRAFT, S.IN_EVALUATION, "authority_member"),   # the owner has other actions on a draft
    (S.IN_MODERATION, S.AWARDED, "cluster_member"),
    (S.DRAFT, S.PUBLISHED, "cluster_member"),         # approving a draft: the cluster has no action on a draft
    (S.PUBLISHED, S.PUBLISHED, "cluster_member"),
    (S.CANCELLED, S.ARCHIVED, "authority_admin"),     # nothing is possible any more
    (S.ARCHIVED, S.CANCELLED, "authority_admin"),
], ids=str)
def test_a_transition_in_the_wrong_state_is_a_clear_conflict(app, more_world, client_as, state, target, role):
    challenge_id = make(app, more_world, state)
    response = client_as(role).post(f"/challenges/{challenge_id}/status/{target.value}", data={"reason": REASON})
    page = text(response)
    assert response.status_code == 409
    assert "Fall detection in care homes" in page  # the challenge's own page ...
    assert "This action is not possible in the current state." in page  # ... with the reason it failed
    assert stored(app, challenge_id) == STATES[state]["status"]


@pytest.mark.parametrize("state, target, role", [
    (S.IN_MODERATION, S.DRAFT, "cluster_member"),    # return to the author
    (S.DRAFT, S.CANCELLED, "authority_member"),
    (S.PUBLISHED, S.CANCELLED, "authority_admin"),
    (S.CLOSED, S.CANCELLED, "partner_admin"),
    (S.IN_EVALUATION, S.CANCELLED, "authority_member"),
], ids=str)
def test_a_reason_is_required(app, more_world, client_as, state, target, role):
    challenge_id = make(app, more_world, state)
    client = client_as(role)
    for blank in ("", "   \n  "):
        response = client.post(f"/challenges/{challenge_id}/status/{target.value}", data={"reason": blank})
        page = text(response)
        assert response.status_code == 400
        assert "Give a reason: it is shown with the challenge." in field_error(page, "reason")
        assert 'aria-invalid="true"' in page
        assert stored(app, challenge_id) == STATES[state]["status"]
    assert count(app, StatusChange, StatusChange.challenge_id == challenge_id) == 0
    assert client.post(f"/challenges/{challenge_id}/status/{target.value}", data={"reason": REASON}).status_code == 302
    assert stored(app, challenge_id) == target


def test_a_cancelled_published_challenge_shows_its_reason_to_everyone(app, more_world, client_as):
    challenge_id = make(app, more_world, S.PUBLISHED)
    response = client_as("authority_admin").post(f"/challenges/{challenge_id}/status/cancelled",
                                                 data={"reason": "The ward closes in May."})
    assert response.status_code == 302
    page = text(client_as(None).get(f"/challenges/{challenge_id}"))
    assert "Cancelled" in page and "The ward closes in May." in page


def test_moderation_dialogue_return_fix_resubmit_publish(app, more_world, client_as):
    world = more_world
    author, cluster, anonymous = client_as("authority_member"), client_as("cluster_member"), client_as(None)
    response = author.post("/challenges/new", data=challenge_form(world))
    assert response.status_code == 302
    challenge_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    assert anonymous.get(f"/challenges/{challenge_id}").status_code == 404

    assert author.post(f"/challenges/{challenge_id}/status/in_moderation").status_code == 302
    assert "Night-time fall detection in care homes: In moderation" in notifications_of(app, world.users["cluster_member"])
    assert author.get(f"/challenges/{challenge_id}/edit").status_code == 403  # no edits while in moderation
    comment = "Please describe the night shift staffing."
    assert cluster.post(f"/challenges/{challenge_id}/status/draft", data={"reason": comment}).status_code == 302
    assert "Night-time fall detection in care homes: Draft" in notifications_of(app, world.users["authority_member"])
    assert comment in text(author.get(f"/challenges/{challenge_id}"))

    fixed = challenge_form(world, description="Two night nurses cover 60 residents; falls go unnoticed for hours.")
    assert author.post(f"/challenges/{challenge_id}/edit", data=fixed).status_code == 302
    assert author.post(f"/challenges/{challenge_id}/status/in_moderation").status_code == 302
    assert cluster.post(f"/challenges/{challenge_id}/status/published").status_code == 302

    assert stored(app, challenge_id) == S.PUBLISHED
    with app.app_context():
        history = db.session.execute(
            sa.select(StatusChange.from_status, StatusChange.to_status, StatusChange.comment)
            .where(StatusChange.challenge_id == challenge_id).order_by(StatusChange.id)
        ).all()
    assert [tuple(row) for row in history] == [
        (S.DRAFT, S.IN_MODERATION, None), (S.IN_MODERATION, S.DRAFT, comment),
        (S.DRAFT, S.IN_MODERATION, None), (S.IN_MODERATION, S.PUBLISHED, None),
    ]
    owner_page = text(author.get(f"/challenges/{challenge_id}"))
    assert comment in owner_page  # the comment history stays
    public_page = text(anonymous.get(f"/challenges/{challenge_id}"))
    assert "Two night nurses cover 60 residents" in public_page
    assert comment not in public_page  # the moderation dialogue is not public
    assert [action for action, _org in audit_actions(app, "Challenge", challenge_id)].count("challenge.published") == 2


def test_brand_warning_needs_confirmation_and_the_override_is_recorded(app, more_world, client_as):
    world = more_world
    challenge_id = make(app, world, S.DRAFT, description="Staff must be alerted on an iPad when a resident falls.")
    author = client_as("authority_admin")
    page = text(author.get(f"/challenges/{challenge_id}"))
    assert 'id="brand-warning"' in page and "iPad" in page and "Art 42(4)" in page
    assert 'id="brand-warning"' in text(client_as("cluster_member").get(f"/challenges/{challenge_id}"))

    refused = author.post(f"/challenges/{challenge_id}/status/in_moderation", data={"reason": ""})
    assert refused.status_code == 400
    assert "names a make, brand or product" in field_error(text(refused), "reason")
    assert stored(app, challenge_id) == S.DRAFT

    note = "Must work with the 300 tablets the wards already use."
    confirmed = author.post(f"/challenges/{challenge_id}/status/in_moderation",
                            data={"brand_confirmed": "y", "brand_note": note})
    assert confirmed.status_code == 302
    challenge = get_challenge(app, challenge_id)
    assert challenge.status == S.IN_MODERATION
    assert challenge.brand_override_note == note and challenge.brand_override_at is not None
    with app.app_context():
        overrides = db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "challenge.brand_warning_overridden", AuditEntry.object_id == challenge_id)).all()
    assert {entry.organisation_id for entry in overrides} == {world.orgs["authority"], world.orgs["cluster"]}
    assert all(entry.after == {"names": ["iPad"]} and entry.note == note for entry in overrides)
    moderator_page = text(client_as("cluster_member").get(f"/challenges/{challenge_id}"))
    assert "The author kept the references" in moderator_page and note in moderator_page


def test_no_warning_and_no_confirmation_needed_for_a_plain_need(app, more_world, client_as):
    challenge_id = make(app, more_world, S.DRAFT)
    author = client_as("authority_admin")
    assert 'id="brand-warning"' not in text(author.get(f"/challenges/{challenge_id}"))
    assert author.post(f"/challenges/{challenge_id}/status/in_moderation").status_code == 302
    assert get_challenge(app, challenge_id).brand_override_at is None


def test_closed_by_time_can_start_evaluation_but_an_open_one_cannot(app, more_world, client_as):
    closed = make(app, more_world, S.CLOSED)
    still_open = make(app, more_world, S.PUBLISHED)
    owner, anonymous = client_as("authority_member"), client_as(None)
    assert "Closed for proposals" in text(anonymous.get(f"/challenges/{closed}"))
    assert "Open for proposals" in text(anonymous.get(f"/challenges/{still_open}"))
    refused = owner.post(f"/challenges/{still_open}/status/in_evaluation")
    assert refused.status_code == 409 and stored(app, still_open) == S.PUBLISHED
    assert owner.post(f"/challenges/{closed}/status/in_evaluation").status_code == 302
    assert stored(app, closed) == S.IN_EVALUATION
    with app.app_context():
        change = db.session.scalar(sa.select(StatusChange).where(StatusChange.challenge_id == closed))
    assert change.from_status == S.CLOSED  # the derived state is what the history shows


@pytest.mark.parametrize("state, target, role", [
    (S.DRAFT, S.IN_MODERATION, "authority_admin"),
    (S.IN_MODERATION, S.PUBLISHED, "cluster_member"),
], ids=str)
def test_deadlines_already_past_cannot_be_submitted_or_published(app, more_world, client_as, state, target, role):
    challenge_id = make(app, more_world, state, days_to_questions=-3, days_to_proposals=-1)
    response = client_as(role).post(f"/challenges/{challenge_id}/status/{target.value}")
    assert response.status_code == 400
    assert "The proposal deadline must be in the future." in field_error(text(response), "reason")
    assert stored(app, challenge_id) == state


def test_partners_in_a_buyers_group_have_the_lead_authoritys_rights(app, more_world, client_as):
    world = more_world
    partner = client_as("partner_admin")
    challenge_id = make(app, world, S.DRAFT)
    assert partner.get(f"/challenges/{challenge_id}").status_code == 200
    assert partner.get(f"/challenges/{challenge_id}/edit").status_code == 200
    assert "Fall detection in care homes" in text(partner.get("/challenges/manage"))
    assert partner.post(f"/challenges/{challenge_id}/status/in_moderation").status_code == 302
    # another authority, not in the group, has none of these rights
    outsider = client_as("other_authority_admin")
    other = make(app, world, S.DRAFT)
    assert outsider.get(f"/challenges/{other}").status_code == 404
    assert outsider.get(f"/challenges/{other}/edit").status_code == 404
    assert "Fall detection in care homes" not in text(outsider.get("/challenges/manage"))
    public = make(app, world, S.PUBLISHED)
    assert outsider.get(f"/challenges/{public}/edit").status_code == 403
    assert outsider.post(f"/challenges/{public}/status/cancelled", data={"reason": REASON}).status_code == 403
    assert partner.post(f"/challenges/{public}/status/cancelled", data={"reason": REASON}).status_code == 302


@pytest.mark.parametrize("role, expected", [
    (None, 302), ("company_admin", 403), ("cluster_admin", 403), ("unverified_authority_admin", 403),
    ("platform_admin", 403), ("authority_member", 200), ("partner_admin", 200),
])
def test_only_members_of_verified_authorities_may_post(app, more_world, client_as, role, expected):
    client = client_as(role)
    assert client.get("/challenges/new").status_code == expected
    response = client.post("/challenges/new", data=challenge_form(more_world))
    assert response.status_code == (302 if expected == 200 else expected)
    assert count(app, Challenge) == (1 if expected == 200 else 0)


def test_the_detail_page_offers_each_role_only_its_own_actions(app, more_world, client_as):
    challenge_id = make(app, more_world, S.IN_MODERATION)
    moderator = text(client_as("cluster_member").get(f"/challenges/{challenge_id}"))
    assert "Approve and publish" in moderator and "Return to the author" in moderator
    assert "Cancel the challenge" not in moderator
    owner = text(client_as("authority_member").get(f"/challenges/{challenge_id}"))
    assert "Cancel the challenge" in owner and "Approve and publish" not in owner
    assert "Actions" not in text(client_as("platform_admin").get(f"/challenges/{challenge_id}"))

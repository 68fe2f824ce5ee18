"""Posting and editing a challenge: validation next to the fields, time zones, public change history,
who sees drafts."""
import pytest
import sqlalchemy as sa

from ppi.accounts.models import User
from ppi.challenges.models import Challenge, PublicChange
from ppi.challenges.workflow import ChallengeStatus as S
from ppi.core.models import AuditEntry, Notification
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from tests.challenges.helpers import (
    audit_actions,
    challenge_form,
    count,
    field_error,
    form_fields,
    get_challenge,
    local_input,
    notifications_of,
    outbox_to,
    text,
    utc,
)
from tests.conftest import add_challenge

NEXT_YEAR = utcnow().year + 1
TITLE_KEPT = 'value="Night-time fall detection in care homes"'


def post_new(client, world, **overrides):
    return client.post("/challenges/new", data=challenge_form(world, **overrides))


def new_id(response) -> int:
    assert response.status_code == 302, response.status_code
    return int(response.location.rstrip("/").rsplit("/", 1)[1])


def set_timezone(app, user_id: int, zone: str | None) -> None:
    with app.app_context():
        db.session.get(User, user_id).timezone = zone
        db.session.commit()


def follow(client, challenge_id: int) -> None:
    assert client.post(f"/challenges/{challenge_id}/follow", data={"follow": "1"}).status_code == 302


def test_posting_saves_a_draft_with_everything(app, more_world, client_as):
    world = more_world
    author = client_as("authority_member")
    assert author.get("/challenges/new").status_code == 200
    challenge_id = new_id(post_new(author, world, partner_ids=[str(world.orgs["partner"])]))
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
        assert challenge.status == S.DRAFT
        assert challenge.lead_authority_id == world.orgs["authority"] and challenge.cluster_id == world.orgs["cluster"]
        assert challenge.created_by_id == world.users["authority_member"]
        assert challenge.codes == ["33196200", "48000000"]
        assert [(c.name, c.weight) for c in challenge.criteria] == [("Effect on response time", 60), ("Usability for staff", 40)]
        assert challenge.languages == ["da", "en"] and challenge.nuts_code == "DK031"
        assert [p.organisation_id for p in challenge.partners] == [world.orgs["partner"]]
        assert challenge.pilot_budget_eur == 50000 and challenge.estimated_contract_value_eur == 400000
        assert challenge.contract_kind == "supplies" and challenge.ipr_model == "company_licence"
        assert challenge.test_users_offered == 40
    assert set(audit_actions(app, "Challenge", challenge_id)) == {
        ("challenge.created", world.orgs["authority"]), ("challenge.created", world.orgs["cluster"])}
    page = text(author.get(f"/challenges/{challenge_id}"))
    assert "33196200-2" in page and "Devices for the disabled" in page
    assert "48000000-8" in page and "Software package and information systems" in page
    assert "<strong>hours</strong>" in page and "<li>privacy of residents</li>" in page
    assert "Partner Municipality" in page


def test_a_budget_of_zero_and_no_contract_value_are_accepted(app, world, client_as):
    challenge_id = new_id(post_new(client_as("authority_admin"), world, pilot_budget_eur="0", estimated_contract_value_eur=""))
    challenge = get_challenge(app, challenge_id)
    assert challenge.pilot_budget_eur == 0 and challenge.estimated_contract_value_eur is None


@pytest.mark.parametrize("zone, typed, expected", [
    (None, f"{NEXT_YEAR}-01-15T12:00", utc(NEXT_YEAR, 1, 15, 11, 0)),        # Copenhagen in winter: UTC+1
    (None, f"{NEXT_YEAR}-07-15T12:00", utc(NEXT_YEAR, 7, 15, 10, 0)),        # Copenhagen in summer: UTC+2
    ("America/New_York", f"{NEXT_YEAR}-01-15T12:00", utc(NEXT_YEAR, 1, 15, 17, 0)),
    ("UTC", f"{NEXT_YEAR}-01-15T12:00", utc(NEXT_YEAR, 1, 15, 12, 0)),
])
def test_deadlines_typed_in_the_users_zone_are_stored_as_that_instant(app, world, client_as, zone, typed, expected):
    set_timezone(app, world.users["authority_admin"], zone)
    challenge_id = new_id(post_new(client_as("authority_admin"), world, questions_deadline=local_input(3),
                                   proposal_deadline=typed))
    assert get_challenge(app, challenge_id).proposal_deadline == expected


def test_deadlines_are_shown_in_the_viewers_zone(app, world, client_as):
    with app.app_context():
        challenge_id = add_challenge(world, questions_deadline=utc(NEXT_YEAR, 1, 15, 11, 0),
                                     proposal_deadline=utc(NEXT_YEAR, 7, 15, 10, 0))
    default_zone = text(client_as(None).get(f"/challenges/{challenge_id}"))
    assert f"Jan 15, {NEXT_YEAR}, 12:00:00" in default_zone and f"Jul 15, {NEXT_YEAR}, 12:00:00" in default_zone
    set_timezone(app, world.users["company_admin"], "America/New_York")
    new_york = text(client_as("company_admin").get(f"/challenges/{challenge_id}"))
    assert f"Jan 15, {NEXT_YEAR}, 6:00:00" in new_york and f"Jul 15, {NEXT_YEAR}, 6:00:00" in new_york


INVALID = {
    "weights-not-100": (dict(**{"criteria-1-weight": "30"}), "criteria", "The weights of the criteria must add up to 100.", 'value="30"'),
    "weight-missing": (dict(**{"criteria-1-weight": ""}), "criteria-1-weight", "Give the weight.", 'value="Usability for staff"'),
    "weight-zero": (dict(**{"criteria-0-weight": "0", "criteria-1-weight": "100"}), "criteria-0-weight",
                    "Number must be between 1 and 100.", 'value="0"'),
    "no-criteria": ({"criteria-0-name": "", "criteria-1-name": ""}, "criteria", "Give at least one evaluation criterion.", ""),
    "deadlines-in-wrong-order": (dict(questions_deadline=local_input(20), proposal_deadline=local_input(10)),
                                 "proposal_deadline", "The proposal deadline must be after the questions deadline.",
                                 f'value="{local_input(10)}"'),
    "deadlines-equal": (dict(questions_deadline=local_input(10), proposal_deadline=local_input(10)),
                        "proposal_deadline", "The proposal deadline must be after the questions deadline.", ""),
    "deadline-in-the-past": (dict(questions_deadline=local_input(-5), proposal_deadline=local_input(-1)),
                             "proposal_deadline", "The proposal deadline must be in the future.", f'value="{local_input(-1)}"'),
    "deadline-not-a-date": (dict(proposal_deadline="next Friday"), "proposal_deadline",
                            ("Not a valid datetime value.", "Give a date and time."),
                            'value="next Friday"'),
    "unknown-cpv": (dict(cpv_codes="33196200-2, 12345678"), "cpv_codes", "Not in the CPV 2008 list: 12345678",
                    "33196200-2, 12345678</textarea>"),
    "wrong-check-digit": (dict(cpv_codes="33196200-3"), "cpv_codes", "Not in the CPV 2008 list: 33196200-3", "33196200-3"),
    "cpv-missing": (dict(cpv_codes=""), "cpv_codes", "This field is required.", ""),
    "bad-nuts": (dict(nuts_code="D-K"), "nuts_code", "A NUTS code is the two-letter country code", 'value="D-K"'),
    "nuts-too-long": (dict(nuts_code="DK03100"), "nuts_code", "Field cannot be longer than 5 characters.", 'value="DK03100"'),
    "no-title": (dict(title=""), "title", "This field is required.", "Effect on response time"),
    "no-language": (dict(languages=None), "languages", "Choose at least one language.", TITLE_KEPT),
    "no-cluster": (dict(cluster_id="0"), "cluster_id", ("Choose the facilitating cluster.", "This field is required."), TITLE_KEPT),
    "negative-budget": (dict(pilot_budget_eur="-5"), "pilot_budget_eur", "Number must be between 0 and", 'value="-5"'),
    "no-test-users": (dict(test_users_offered="0"), "test_users_offered", ("Number must be between 1 and", "This field is required."),
                      'value="0"'),
}


@pytest.mark.parametrize("overrides, field_id, message, kept", INVALID.values(), ids=INVALID.keys())
def test_invalid_input_is_shown_next_to_the_field_and_kept(app, world, client_as, overrides, field_id, message, kept):
    response = post_new(client_as("authority_admin"), world, **overrides)
    page = text(response)
    assert response.status_code == 400
    shown = field_error(page, field_id)
    messages = message if isinstance(message, tuple) else (message,)
    assert any(m in shown for m in messages), f"next to {field_id}: {shown!r}"
    assert 'id="form-errors"' in page
    assert kept in page
    if field_id != "title":
        assert TITLE_KEPT in page
    assert count(app, Challenge) == 0


def test_partners_must_be_verified_authorities(app, more_world, client_as):
    world = more_world
    for not_an_authority in (world.orgs["company"], world.orgs["unverified_authority"], world.orgs["authority"]):
        response = post_new(client_as("authority_admin"), world, partner_ids=[str(not_an_authority)])
        assert response.status_code == 400 and field_error(text(response), "partner_ids")
    assert count(app, Challenge) == 0


def test_the_cluster_must_be_a_verified_cluster(app, more_world, client_as):
    response = post_new(client_as("authority_admin"), more_world, cluster_id=str(more_world.orgs["company"]))
    assert response.status_code == 400 and field_error(text(response), "cluster_id")
    assert count(app, Challenge) == 0


def published_challenge(app, world, **fields) -> int:
    with app.app_context():
        return add_challenge(world, **fields)


def test_an_edit_after_publication_needs_a_change_note(app, world, client_as):
    challenge_id = published_challenge(app, world)
    author = client_as("authority_admin")
    assert "the change and your note are shown to everyone" in text(author.get(f"/challenges/{challenge_id}/edit"))
    response = author.post(f"/challenges/{challenge_id}/edit", data=challenge_form(world, title="A new title"))
    assert response.status_code == 400
    assert "Say what changed and why: everyone will read it." in text(response)
    assert get_challenge(app, challenge_id).title == "Fall detection in care homes"
    assert count(app, PublicChange) == 0
    assert author.post(f"/challenges/{challenge_id}/edit",
                       data=challenge_form(world, title="A new title", change_note="   ")).status_code == 400
    assert get_challenge(app, challenge_id).title == "Fall detection in care homes"


def test_a_missing_change_note_is_shown_next_to_its_field(app, world, client_as):
    challenge_id = published_challenge(app, world)
    response = client_as("authority_admin").post(f"/challenges/{challenge_id}/edit", data=challenge_form(world, title="New"))
    assert response.status_code == 400
    assert "Say what changed and why" in field_error(text(response), "change_note")


def test_an_edit_after_publication_is_public_and_followers_are_told(app, world, client_as):
    challenge_id = published_challenge(app, world)
    follow(client_as("company_admin"), challenge_id)
    follow(client_as("other_company_admin"), challenge_id)
    note = "The proposal deadline moves by a week; usability now weighs more."
    form = challenge_form(world, proposal_deadline=local_input(27), change_note=note,
                          **{"criteria-0-weight": "50", "criteria-1-weight": "50"})
    response = client_as("authority_member").post(f"/challenges/{challenge_id}/edit", data=form)
    assert response.status_code == 302
    with app.app_context():
        change = db.session.scalar(sa.select(PublicChange).where(PublicChange.challenge_id == challenge_id))
        assert change.note == note
        assert {"proposal_deadline", "criteria", "title"} <= set(change.fields)
        updated = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "challenge.updated")).all()
        assert {entry.organisation_id for entry in updated} == {world.orgs["authority"], world.orgs["cluster"]}
        assert updated[0].after["criteria"][0][:2] == ["Effect on response time", 50] and updated[0].note == note
    page = text(client_as(None).get(f"/challenges/{challenge_id}"))
    assert "Changes since publication" in page and note in page
    title = "Night-time fall detection in care homes"
    for role, address in (("company_admin", "admin@company.test.org"), ("other_company_admin", "admin@other.test.org")):
        assert notifications_of(app, world.users[role]) == [f"Changed: {title}"]
        mails = outbox_to(app, address)
        assert len(mails) == 1 and mails[0].subject == f"Changed: {title}" and f"/challenges/{challenge_id}" in mails[0].body
    assert notifications_of(app, world.users["company_member"]) == []  # not following


def test_editing_a_draft_is_not_public_and_tells_nobody(app, world, client_as):
    challenge_id = published_challenge(app, world, status=S.DRAFT)
    follow(client_as("authority_member"), challenge_id)
    response = client_as("authority_admin").post(f"/challenges/{challenge_id}/edit", data=challenge_form(world, title="Better title"))
    assert response.status_code == 302
    assert get_challenge(app, challenge_id).title == "Better title"
    assert count(app, PublicChange) == 0 and count(app, Notification) == 0
    assert ("challenge.updated", world.orgs["authority"]) in audit_actions(app, "Challenge", challenge_id)


def fixed_deadline_challenge(app, world, status=S.DRAFT) -> int:
    with app.app_context():
        return add_challenge(world, status=status, cpv_codes=("33196200", "48000000"),
                             questions_deadline=utc(NEXT_YEAR, 1, 15, 11, 0), proposal_deadline=utc(NEXT_YEAR, 2, 15, 11, 0))


def test_the_edit_form_shows_the_saved_values_as_the_user_typed_them(app, world, client_as):
    challenge_id = fixed_deadline_challenge(app, world)
    fields = form_fields(text(client_as("authority_admin").get(f"/challenges/{challenge_id}/edit")), "title")
    assert fields["cpv_codes"] == ["33196200-2, 48000000-8"]
    assert fields["questions_deadline"] == [f"{NEXT_YEAR}-01-15T12:00"]  # Copenhagen, UTC+1 in January
    assert fields["proposal_deadline"] == [f"{NEXT_YEAR}-02-15T12:00"]
    assert fields["criteria-0-name"] == ["Effect"] and fields["criteria-0-weight"] == ["60"]
    assert fields["languages"] == ["da", "en"] and fields["contract_kind"] == ["supplies"]


def test_saving_the_edit_form_unchanged_changes_nothing(app, world, client_as):
    challenge_id = fixed_deadline_challenge(app, world)
    author = client_as("authority_admin")
    fields = form_fields(text(author.get(f"/challenges/{challenge_id}/edit")), "title")
    response = author.post(f"/challenges/{challenge_id}/edit", data=fields)
    assert response.status_code == 302, field_error(text(response), "cpv_codes")
    challenge = get_challenge(app, challenge_id)
    assert challenge.questions_deadline == utc(NEXT_YEAR, 1, 15, 11, 0)
    assert challenge.proposal_deadline == utc(NEXT_YEAR, 2, 15, 11, 0)
    with app.app_context():
        assert db.session.get(Challenge, challenge_id).codes == ["33196200", "48000000"]


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_MODERATION])
@pytest.mark.parametrize("role, expected", [
    (None, 404), ("company_admin", 404), ("other_company_admin", 404), ("other_authority_admin", 404),
    ("other_cluster_admin", 404), ("unverified_admin", 404),
    ("authority_admin", 200), ("authority_member", 200), ("partner_admin", 200), ("cluster_member", 200),
    ("cluster_admin", 200), ("platform_admin", 200),
])
def test_unpublished_challenges_are_seen_by_owners_and_the_cluster_only(app, more_world, client_as, status, role, expected):
    with app.app_context():
        from ppi.challenges.models import ChallengePartner

        challenge_id = add_challenge(more_world, status=status, title="Unpublished idea",
                                     partners=[ChallengePartner(organisation_id=more_world.orgs["partner"])])
    client = client_as(role)
    response = client.get(f"/challenges/{challenge_id}")
    assert response.status_code == expected
    assert ("Unpublished idea" in text(response)) is (expected == 200)
    assert "Unpublished idea" not in text(client.get("/challenges/"))
    assert "Unpublished idea" not in text(client.get("/challenges/feed.atom"))


def test_manage_lists_the_organisations_challenges_in_every_state(app, more_world, client_as):
    world = more_world
    with app.app_context():
        add_challenge(world, status=S.DRAFT, title="A draft of ours")
        add_challenge(world, status=S.IN_MODERATION, title="Waiting for the cluster")
    for role in ("authority_member", "cluster_member"):
        page = text(client_as(role).get("/challenges/manage"))
        assert "A draft of ours" in page and "Waiting for the cluster" in page
    for role in ("company_admin", "other_authority_admin", "other_cluster_admin"):
        page = text(client_as(role).get("/challenges/manage"))
        assert "A draft of ours" not in page and "None yet." in page
    assert client_as("platform_admin").get("/challenges/manage").status_code == 403
    assert client_as(None).get("/challenges/manage").status_code == 302


@pytest.mark.parametrize("status, role, expected", [
    (S.PUBLISHED, "company_admin", 403),
    (S.PUBLISHED, "cluster_member", 403),
    (S.PUBLISHED, "platform_admin", 403),
    (S.PUBLISHED, None, 302),
    (S.IN_MODERATION, "authority_admin", 403),   # no edits while the cluster reviews
    (S.IN_EVALUATION, "authority_admin", 403),
    (S.CANCELLED, "authority_admin", 403),
    (S.DRAFT, "authority_member", 200),
    (S.PUBLISHED, "authority_member", 200),
])
def test_who_may_edit(app, world, client_as, status, role, expected):
    challenge_id = published_challenge(app, world, status=status)
    client = client_as(role)
    assert client.get(f"/challenges/{challenge_id}/edit").status_code == expected
    response = client.post(f"/challenges/{challenge_id}/edit", data=challenge_form(world, title="Taken over", change_note="x"))
    assert response.status_code == (302 if expected == 200 else expected)
    assert (get_challenge(app, challenge_id).title == "Taken over") is (expected == 200)


def test_a_closed_challenge_can_no_longer_be_edited(app, world, client_as):
    challenge_id = published_challenge(app, world, days_to_questions=-5, days_to_proposals=-1)
    assert client_as("authority_admin").get(f"/challenges/{challenge_id}/edit").status_code == 403


def test_markdown_in_the_description_is_sanitised_on_the_page(app, world, client_as):
    hostile = ("We need **fewer falls**.\n\n<script>alert('owned')</script>\n\n<img src=x onerror=alert(2)>\n\n"
               "[see](javascript:alert(3))")
    challenge_id = new_id(post_new(client_as("authority_admin"), world, description=hostile, title="<b>Bold</b> title"))
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id)
        challenge.status, challenge.published_at = S.PUBLISHED, utcnow()
        db.session.commit()
    page = text(client_as(None).get(f"/challenges/{challenge_id}"))
    assert "<strong>fewer falls</strong>" in page
    assert "alert('owned')" not in page and "onerror" not in page and "javascript:" not in page
    assert "<b>Bold</b>" not in page and "&lt;b&gt;Bold&lt;/b&gt; title" in page


def test_the_form_tells_which_fields_are_required(app, world, client_as):
    page = text(client_as("authority_admin").get("/challenges/new"))
    assert page.count("(required)") >= 10
    assert 'value="DK03"' in page  # the authority's own region is proposed
    assert "Test Cluster" in page
    assert 'novalidate' in page

"""Clarification questions: asked before the questions deadline, answered for everyone, never showing who asked."""
import pytest
import sqlalchemy as sa

from ppi.accounts.models import User
from ppi.challenges.models import ChallengePartner, Question
from ppi.challenges.workflow import ChallengeStatus as S
from ppi.core.models import AuditEntry
from ppi.extensions import db
from tests.challenges.helpers import count, field_error, notifications_of, outbox_to, text
from tests.conftest import add_challenge

ASKER_NAME = "Birgitte Asker-Hansen"
ASKER_EMAIL = "member@company.test.org"
ASKER_ORG = "Test Company ApS"
ORIGINAL = "Our Vigil-Mat sensor from Test Company ApS needs mains power in each room: is that available?"
REWORDED = "Is mains power available in the room of each resident?"
ANSWER = "Yes: every room has two free sockets next to the bed."


@pytest.fixture
def challenge_id(app, more_world):
    with app.app_context():
        db.session.get(User, more_world.users["company_member"]).display_name = ASKER_NAME
        db.session.commit()
        return add_challenge(more_world, title="Fall detection in care homes",
                             partners=[ChallengePartner(organisation_id=more_world.orgs["partner"])])


def ask(client, challenge_id: int, question: str = ORIGINAL):
    return client.post(f"/challenges/{challenge_id}/questions", data={"text": question})


def question_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Question.id))


def answer(client, qid: int, reply: str = ANSWER, reworded: str | None = REWORDED):
    data = {f"q{qid}-answer": reply}
    if reworded is not None:
        data[f"q{qid}-published_question"] = reworded
    return client.post(f"/challenges/questions/{qid}/answer", data=data)


def test_a_company_asks_and_the_owners_are_told(app, more_world, client_as, challenge_id):
    world = more_world
    response = ask(client_as("company_member"), challenge_id)
    assert response.status_code == 302 and response.location.endswith(f"/challenges/{challenge_id}#questions")
    with app.app_context():
        question = db.session.scalar(sa.select(Question))
        assert question.text == ORIGINAL and question.challenge_id == challenge_id
        assert question.asked_by_id == world.users["company_member"]
        assert question.asker_organisation_id == world.orgs["company"]
        assert question.answered_at is None
        entries = db.session.execute(sa.select(AuditEntry.action, AuditEntry.organisation_id, AuditEntry.actor_id)
                                     .where(AuditEntry.object_type == "Question")).all()
    assert ("question.asked", world.orgs["company"], world.users["company_member"]) in entries
    assert ("question.received", world.orgs["authority"], None) in entries  # the authority does not learn who asked
    for owner in ("authority_admin", "authority_member", "partner_admin"):
        assert notifications_of(app, world.users[owner]) == ["New question on Fall detection in care homes"]
    mail = outbox_to(app, "admin@authority.test.org")
    assert len(mail) == 1 and ASKER_ORG not in mail[0].body and ASKER_NAME not in mail[0].body
    owner_page = text(client_as("authority_member").get(f"/challenges/{challenge_id}"))
    assert ORIGINAL in owner_page  # to be answered ...
    assert ASKER_NAME not in owner_page and ASKER_EMAIL not in owner_page  # ... without knowing who asked


def test_questions_close_at_the_questions_deadline(app, more_world, client_as):
    with app.app_context():
        closed_for_questions = add_challenge(more_world, days_to_questions=-1, days_to_proposals=10)
    company = client_as("company_admin")
    assert "Send the question" not in text(company.get(f"/challenges/{closed_for_questions}"))
    assert ask(company, closed_for_questions).status_code == 403
    assert count(app, Question) == 0


@pytest.mark.parametrize("role, expected", [
    (None, 302), ("authority_admin", 403), ("partner_admin", 403), ("cluster_member", 403),
    ("unverified_admin", 403), ("platform_admin", 403), ("other_authority_admin", 403),
    ("company_admin", 302), ("other_company_admin", 302),
])
def test_only_verified_companies_ask(app, more_world, client_as, challenge_id, role, expected):
    response = ask(client_as(role), challenge_id)
    assert response.status_code == expected
    assert count(app, Question) == (1 if role and expected == 302 else 0)
    if role is None:
        assert "/login" in response.location


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_MODERATION])
def test_no_questions_before_publication(app, more_world, client_as, status):
    with app.app_context():
        unpublished = add_challenge(more_world, status=status)
    assert ask(client_as("company_admin"), unpublished).status_code == 404
    assert count(app, Question) == 0


def test_an_empty_question_is_refused_next_to_the_field(app, more_world, client_as, challenge_id):
    response = ask(client_as("company_admin"), challenge_id, "   ")
    assert response.status_code == 400
    assert "This field is required." in field_error(text(response), "text")
    assert count(app, Question) == 0


def test_the_answer_is_public_and_the_asker_stays_anonymous(app, more_world, client_as, challenge_id):
    world = more_world
    assert ask(client_as("company_member"), challenge_id).status_code == 302
    qid = question_id(app)
    response = answer(client_as("authority_member"), qid)
    assert response.status_code == 302
    with app.app_context():
        question = db.session.get(Question, qid)
        assert question.answer == ANSWER and question.published_question == REWORDED
        assert question.answered_by_id == world.users["authority_member"] and question.answered_at is not None
    for viewer in ("other_company_admin", None, "cluster_member"):
        page = text(client_as(viewer).get(f"/challenges/{challenge_id}"))
        assert REWORDED in page and ANSWER in page, viewer
        for secret in (ASKER_ORG, ASKER_NAME, ASKER_EMAIL, "Vigil-Mat", ORIGINAL):
            assert secret not in page, (viewer, secret)
        assert "Questions your organisation asked" not in page


def test_the_asking_company_sees_its_own_questions(app, more_world, client_as, challenge_id):
    assert ask(client_as("company_member"), challenge_id).status_code == 302
    for colleague in ("company_member", "company_admin"):
        page = text(client_as(colleague).get(f"/challenges/{challenge_id}"))
        assert "Questions your organisation asked" in page and ORIGINAL in page and "waiting for the answer" in page
    assert answer(client_as("authority_admin"), question_id(app)).status_code == 302
    page = text(client_as("company_admin").get(f"/challenges/{challenge_id}"))
    assert "Questions your organisation asked" in page and "answered" in page and REWORDED in page
    assert "Questions your organisation asked" not in text(client_as("other_company_admin").get(f"/challenges/{challenge_id}"))


def test_an_answer_without_rewording_publishes_the_question_as_asked(app, more_world, client_as, challenge_id):
    plain = "How many night shifts are there per week?"
    assert ask(client_as("company_admin"), challenge_id, plain).status_code == 302
    assert answer(client_as("partner_admin"), question_id(app), reworded="").status_code == 302  # partners answer too
    page = text(client_as("other_company_admin").get(f"/challenges/{challenge_id}"))
    assert plain in page and ANSWER in page


@pytest.mark.parametrize("role, sees", [
    ("authority_member", True), ("partner_admin", True), ("cluster_member", True), ("cluster_admin", True),
    ("company_member", False), ("company_admin", False), ("other_company_admin", False), (None, False),
    ("other_cluster_admin", False), ("other_authority_admin", False),
])
def test_unanswered_questions_are_listed_for_the_owners_and_the_cluster_only(app, more_world, client_as, challenge_id,
                                                                             role, sees):
    assert ask(client_as("company_member"), challenge_id, "Who installs the sensors?").status_code == 302
    page = text(client_as(role).get(f"/challenges/{challenge_id}"))
    assert ("Unanswered questions" in page) is sees
    if role != "company_member" and role != "company_admin":
        assert ("Who installs the sensors?" in page) is sees
    assert ("Publish the answer" in page) is (role in ("authority_member", "partner_admin"))  # the cluster does not answer


@pytest.mark.parametrize("role, expected", [
    ("cluster_member", 403), ("company_admin", 403), ("other_company_admin", 403), ("other_authority_admin", 403),
    (None, 302),
])
def test_only_owners_answer(app, more_world, client_as, challenge_id, role, expected):
    assert ask(client_as("company_member"), challenge_id).status_code == 302
    qid = question_id(app)
    assert answer(client_as(role), qid).status_code == expected
    with app.app_context():
        assert db.session.get(Question, qid).answered_at is None


def test_an_answer_is_given_once_and_must_not_be_empty(app, more_world, client_as, challenge_id):
    assert ask(client_as("company_member"), challenge_id).status_code == 302
    qid = question_id(app)
    owner = client_as("authority_admin")
    empty = answer(owner, qid, reply="  ")
    assert empty.status_code == 400
    assert "This field is required." in field_error(text(empty), f"q{qid}-answer")
    assert answer(owner, qid).status_code == 302
    assert answer(owner, qid, reply="A different answer").status_code == 403
    with app.app_context():
        assert db.session.get(Question, qid).answer == ANSWER
    assert client_as("authority_admin").post("/challenges/questions/99999/answer", data={}).status_code == 404


def test_followers_are_told_of_the_answer(app, more_world, client_as, challenge_id):
    world = more_world
    follower = client_as("other_company_admin")
    assert follower.post(f"/challenges/{challenge_id}/follow", data={"follow": "1"}).status_code == 302
    assert ask(client_as("company_member"), challenge_id).status_code == 302
    assert notifications_of(app, world.users["other_company_admin"]) == []
    assert answer(client_as("authority_member"), question_id(app)).status_code == 302
    assert notifications_of(app, world.users["other_company_admin"]) == ["New answer on Fall detection in care homes"]
    mails = outbox_to(app, "admin@other.test.org")
    assert len(mails) == 1 and f"/challenges/{challenge_id}" in mails[0].body
    assert ASKER_ORG not in mails[0].body and ASKER_NAME not in mails[0].body
    assert notifications_of(app, world.users["company_admin"]) == []  # not following


def test_questions_still_get_answered_after_the_questions_deadline(app, more_world, client_as):
    with app.app_context():
        challenge_id = add_challenge(more_world, days_to_questions=5)
    assert ask(client_as("company_admin"), challenge_id).status_code == 302
    with app.app_context():
        from datetime import timedelta

        from ppi.challenges.models import Challenge
        from ppi.core.timeutil import utcnow

        db.session.get(Challenge, challenge_id).questions_deadline = utcnow() - timedelta(hours=1)
        db.session.commit()
    assert answer(client_as("authority_admin"), question_id(app)).status_code == 302

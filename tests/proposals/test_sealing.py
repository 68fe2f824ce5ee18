"""Sealing: until the deadline only the proposing company (and its confirmed partners) read a proposal;
everyone else gets "not found", the authority and the cluster see a count. After the deadline an evaluator
reads the submitted version only once cleared of conflicts, and never the unsubmitted working copy."""
import re

import pytest
import sqlalchemy as sa

from ppi.challenges.models import Challenge
from ppi.challenges.workflow import ChallengeStatus as S
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from ppi.proposals.models import ProposalAttachment, VersionFile
from tests.challenges.helpers import pdf_bytes, png_bytes
from tests.conftest import add_challenge
from tests.proposals.helpers import (
    PROPOSAL_FORM,
    add_to_panel,
    close_deadline,
    declare,
    propose,
    start_evaluation,
    submit,
    text,
    upload,
)

PLAN = pdf_bytes()
LATE_PHOTO = png_bytes()
UNSUBMITTED_TITLE = "Working copy title, never submitted"
OUTSIDERS = ["authority_admin", "authority_member", "cluster_admin", "cluster_member", "other_company_admin",
             "unverified_admin", "platform_admin", None]


@pytest.fixture
def sealed(app, world, client_as):
    """A submitted proposal with a document; afterwards its working copy changed and got another document
    (not submitted). The panel is an authority member and a cluster member. Returns the URLs."""
    with app.app_context():
        challenge_id = add_challenge(world)
    company, authority = client_as("company_admin"), client_as("authority_admin")
    proposal_id = propose(company, challenge_id)
    assert upload(company, proposal_id, PLAN, "plan.pdf", "Pilot plan").status_code == 302
    assert submit(company, proposal_id).status_code == 302
    assert company.post(f"/proposals/{proposal_id}/edit", data={**PROPOSAL_FORM, "title": UNSUBMITTED_TITLE,
                                                                "summary": "A summary nobody submitted."}).status_code == 302
    assert upload(company, proposal_id, LATE_PHOTO, "late.png", "Late photo").status_code == 302
    late_partner = company.post(f"/proposals/{proposal_id}/partners", data={"organisation_id": str(world.orgs["other_company"])})
    assert late_partner.status_code == 302
    for role in ("authority_member", "cluster_member"):
        add_to_panel(authority, challenge_id, world.users[role])
    with app.app_context():
        plan_attachment, late_attachment = db.session.scalars(sa.select(ProposalAttachment.id).order_by(ProposalAttachment.id)).all()
        [version_file] = db.session.scalars(sa.select(VersionFile.file_id)).all()
        late_file = db.session.scalar(sa.select(ProposalAttachment.file_id).where(ProposalAttachment.id == late_attachment))
    urls = {
        "detail": f"/proposals/{proposal_id}",
        "attachment": f"/proposals/{proposal_id}/attachments/{plan_attachment}",
        "late_attachment": f"/proposals/{proposal_id}/attachments/{late_attachment}",
        "version_file": f"/proposals/{proposal_id}/versions/1/files/{version_file}",
        "late_file_as_version_file": f"/proposals/{proposal_id}/versions/1/files/{late_file}",
        "receipt": f"/proposals/{proposal_id}/versions/1",
        "score": f"/challenges/{challenge_id}/evaluation/proposals/{proposal_id}",
        "debrief": f"/proposals/{proposal_id}/debrief",
        "edit": f"/proposals/{proposal_id}/edit",
    }
    exports = [f"/challenges/{challenge_id}/evaluation/matrix.csv", f"/challenges/{challenge_id}/evaluation/matrix.xlsx"]
    return challenge_id, proposal_id, urls, exports


@pytest.mark.parametrize("role", OUTSIDERS, ids=lambda role: role or "anonymous")
def test_before_the_deadline_nobody_else_reaches_the_proposal(app, world, client_as, sealed, role):
    challenge_id, proposal_id, urls, exports = sealed
    client = client_as(role)
    for name, url in urls.items():
        response = client.get(url)
        if role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"], name
        else:
            assert response.status_code == 404, (name, response.status_code)
        assert b"NightWatch" not in response.data and PLAN not in response.data
    for url in exports:
        response = client.get(url)
        # the owners: not found until the panel has scored; the others may not export at all
        assert response.status_code == (302 if role is None else 404 if role in ("authority_admin", "authority_member") else 403), url
        assert b"NightWatch" not in response.data
    # nor can they act on it
    for url, data in ((urls["edit"], PROPOSAL_FORM), (f"/proposals/{proposal_id}/submit", {"declaration": "y"}),
                      (f"/proposals/{proposal_id}/withdraw", {})):
        assert client.post(url, data=data).status_code == (302 if role is None else 404)


def test_before_the_deadline_the_authority_and_the_cluster_see_only_the_count(app, world, client_as, sealed):
    challenge_id, proposal_id, _urls, _exports = sealed
    for role in ("authority_admin", "authority_member", "cluster_admin", "cluster_member"):
        page = text(client_as(role).get(f"/challenges/{challenge_id}"))
        assert re.search(r'<p id="proposal-count">\s*1 proposal submitted.\s*</p>', page), role
        assert "NightWatch" not in page and UNSUBMITTED_TITLE not in page and f"/proposals/{proposal_id}" not in page
    evaluation = text(client_as("authority_admin").get(f"/challenges/{challenge_id}/evaluation"))
    assert "1 proposal submitted." in evaluation and "Proposals stay sealed until" in evaluation
    assert "NightWatch" not in evaluation and "Test Company ApS" not in evaluation
    # the public and other companies do not even see the count
    for role in (None, "other_company_admin", "platform_admin"):
        assert 'id="proposal-count"' not in text(client_as(role).get(f"/challenges/{challenge_id}"))


def test_the_company_reads_everything_of_its_own_proposal(app, world, client_as, sealed):
    _challenge_id, _proposal_id, urls, _exports = sealed
    for role in ("company_admin", "company_member"):
        client = client_as(role)
        assert UNSUBMITTED_TITLE in text(client.get(urls["detail"]))
        assert client.get(urls["attachment"]).data == PLAN
        assert client.get(urls["late_attachment"]).data == LATE_PHOTO
        assert client.get(urls["version_file"]).data == PLAN
        assert client.get(urls["receipt"]).status_code == 200
    # the late photo is not part of version 1
    assert client_as("company_admin").get(urls["late_file_as_version_file"]).status_code == 404


def after_the_deadline(app, client_as, challenge_id):
    start_evaluation(app, client_as("authority_admin"), challenge_id)


def test_after_the_deadline_an_evaluator_who_has_not_declared_is_still_refused(app, world, client_as, sealed):
    challenge_id, _proposal_id, urls, _exports = sealed
    after_the_deadline(app, client_as, challenge_id)
    evaluator = client_as("authority_member")
    for name in ("detail", "version_file", "receipt", "score", "attachment"):
        assert evaluator.get(urls[name]).status_code == 404, name
    page = text(evaluator.get(f"/challenges/{challenge_id}/evaluation"))
    assert "Declaration pending" in page and 'id="queue"' not in page and "NightWatch" not in page


def test_after_the_deadline_a_cleared_evaluator_reads_the_submitted_version_only(app, world, client_as, sealed):
    challenge_id, proposal_id, urls, _exports = sealed
    after_the_deadline(app, client_as, challenge_id)
    evaluator = client_as("authority_member")
    assert declare(evaluator, challenge_id, "no").status_code == 302
    for name in ("detail", "score"):
        page = text(evaluator.get(urls[name]))
        assert "NightWatch radar" in page, name
        assert "Ceiling radar that alerts night staff within a minute of a fall." in page
        assert UNSUBMITTED_TITLE not in page and "A summary nobody submitted." not in page, name
        assert "Late photo" not in page and "late.png" not in page
        assert "Other Company A/S" not in page  # invited after the submission
        assert urls["version_file"] in page and urls["attachment"] not in page
    queue = text(evaluator.get(f"/challenges/{challenge_id}/evaluation"))
    assert "NightWatch radar" in queue and UNSUBMITTED_TITLE not in queue
    assert evaluator.get(urls["version_file"]).data == PLAN
    # the working copy's documents stay the team's
    assert evaluator.get(urls["attachment"]).status_code == 404
    assert evaluator.get(urls["late_attachment"]).status_code == 404
    assert evaluator.get(urls["late_file_as_version_file"]).status_code == 404
    # the receipt of the version that counts, as the owning authority reads it
    receipt = text(evaluator.get(urls["receipt"]))
    assert "NightWatch radar" in receipt and UNSUBMITTED_TITLE not in receipt
    # the other panel member has not declared yet: still nothing
    assert client_as("cluster_member").get(urls["detail"]).status_code == 404
    # and the authority, not on the panel, waits for the complete scoring
    for name in ("detail", "score", "version_file"):
        assert client_as("authority_admin").get(urls[name]).status_code == 404, name


def test_after_the_deadline_an_evaluator_who_declared_a_conflict_cannot_read(app, world, client_as, sealed):
    challenge_id, _proposal_id, urls, _exports = sealed
    after_the_deadline(app, client_as, challenge_id)
    evaluator = client_as("authority_member")
    refused = declare(evaluator, challenge_id, "yes")
    assert refused.status_code == 400 and "Describe the conflict of interest." in text(refused)
    assert declare(evaluator, challenge_id, "yes", note="My brother runs the company.").status_code == 302
    for name in ("detail", "score", "version_file", "receipt"):
        assert evaluator.get(urls[name]).status_code == 404, name
    page = text(evaluator.get(f"/challenges/{challenge_id}/evaluation"))
    assert "Conflict declared: excluded" in page and "NightWatch" not in page
    # the declaration cannot be changed afterwards
    again = declare(evaluator, challenge_id, "no")
    assert again.status_code in (400, 403) and evaluator.get(urls["detail"]).status_code == 404


def test_a_withdrawn_proposal_stays_closed_to_the_panel(app, world, client_as, sealed):
    challenge_id, proposal_id, urls, _exports = sealed
    assert client_as("company_admin").post(f"/proposals/{proposal_id}/withdraw", data={}).status_code == 302
    after_the_deadline(app, client_as, challenge_id)
    evaluator = client_as("authority_member")
    declare(evaluator, challenge_id, "no")
    for name in ("detail", "score", "version_file"):
        assert evaluator.get(urls[name]).status_code == 404, name
    assert "NightWatch" not in text(evaluator.get(f"/challenges/{challenge_id}/evaluation"))


def test_a_draft_never_submitted_stays_closed_after_the_deadline(app, world, client_as):
    with app.app_context():
        challenge_id = add_challenge(world)
    proposal_id = propose(client_as("company_admin"), challenge_id)
    authority = client_as("authority_admin")
    add_to_panel(authority, challenge_id, world.users["authority_member"])
    start_evaluation(app, authority, challenge_id)
    evaluator = client_as("authority_member")
    declare(evaluator, challenge_id, "no")
    assert evaluator.get(f"/proposals/{proposal_id}").status_code == 404
    assert evaluator.get(f"/challenges/{challenge_id}/evaluation/proposals/{proposal_id}").status_code == 404


def test_the_deadline_alone_opens_nothing_to_the_authority(app, world, client_as, sealed):
    """Closed but not yet in evaluation: the authority still sees only the count."""
    challenge_id, _proposal_id, urls, _exports = sealed
    close_deadline(app, challenge_id)
    for role in ("authority_admin", "cluster_admin", "platform_admin"):
        for name in ("detail", "version_file", "score"):
            assert client_as(role).get(urls[name]).status_code == 404, (role, name)
    with app.app_context():
        assert db.session.get(Challenge, challenge_id).status_at(utcnow()) == S.CLOSED

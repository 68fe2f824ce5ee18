"""`flask ppi demo`, `send-mail`, `create-admin` and `set-verification`: the CLI calls the same services."""
import smtplib

import pytest
import sqlalchemy as sa

from ppi.accounts.models import Organisation, OrganisationKind, User
from ppi.accounts.sme import SizeClass
from ppi.core.mail import queue_mail
from ppi.core.models import AuditEntry, OutboxMessage
from ppi.demo import DEMO_PASSWORD
from ppi.extensions import db

TABLES = [Organisation, User, AuditEntry, OutboxMessage]


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in TABLES}


def test_demo_is_believable_and_loads_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["ppi", "demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        loaded = counts()
        kinds = dict(db.session.execute(sa.select(Organisation.kind, sa.func.count()).group_by(Organisation.kind)).all())
        sizes = {org.size_class for org in db.session.scalars(sa.select(Organisation).where(Organisation.kind == OrganisationKind.COMPANY))}
    assert kinds[OrganisationKind.PUBLIC_AUTHORITY] == 3 and kinds[OrganisationKind.CLUSTER] == 2
    assert {SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE} <= sizes
    second = runner.invoke(args=["ppi", "demo"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    with app.app_context():
        assert counts() == loaded
    client = app.test_client()
    for email in ("admin@ppi.example.org", "innovation@rsyd.example.org", "anna@caresense.example.org",
                  "peter@caresense.example.org", "cluster@healthtech.example.org", "founder@pending.example.org"):
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/logout")


class FakeSMTP:
    sent: list = []
    fail_for: set = set()

    def __init__(self, host, port, timeout):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def quit(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if message["To"] in self.fail_for:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        FakeSMTP.sent.append(message)


def test_send_mail_delivers_the_outbox_and_retries_failures(app_factory, monkeypatch):
    app = app_factory(MAIL_SERVER="smtp.test.org")
    with app.app_context():
        queue_mail("one@example.org", "First", "Hello")
        queue_mail("bounce@example.org", "Second", "Hello")
        db.session.commit()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail_for = [], {"bounce@example.org"}
    result = app.test_cli_runner().invoke(args=["ppi", "send-mail"])
    assert result.exit_code == 0 and "sent 1, failed 1" in result.output
    assert [m["To"] for m in FakeSMTP.sent] == ["one@example.org"]
    with app.app_context():
        bounced = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_address == "bounce@example.org"))
        assert bounced.sent_at is None and bounced.attempts == 1 and "no such user" in bounced.last_error
    FakeSMTP.fail_for = set()
    again = app.test_cli_runner().invoke(args=["ppi", "send-mail"])
    assert "sent 1, failed 0" in again.output  # the delivered one is not sent twice


def test_a_malformed_message_does_not_hold_up_the_others(app_factory, monkeypatch):
    app = app_factory(MAIL_SERVER="smtp.test.org")
    with app.app_context():
        queue_mail("first@example.org", "First", "Hello")
        queue_mail("bad\r\nBcc: victim@example.org", "Second", "Hello")
        queue_mail("third@example.org", "Third\r\nBcc: victim@example.org", "Hello")
        db.session.commit()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail_for = [], set()
    runner = app.test_cli_runner()
    assert "sent 2, failed 1" in runner.invoke(args=["ppi", "send-mail"]).output
    assert "sent 0, failed 1" in runner.invoke(args=["ppi", "send-mail"]).output  # only the bad one is retried
    assert [m["To"] for m in FakeSMTP.sent] == ["first@example.org", "third@example.org"]
    assert FakeSMTP.sent[1]["Subject"] == "Third Bcc: victim@example.org"  # one header line, no injected Bcc
    assert all(m["Bcc"] is None for m in FakeSMTP.sent)


def test_send_mail_without_smtp_says_so(app):
    with app.app_context():
        queue_mail("one@example.org", "First", "Hello")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["ppi", "send-mail"])
    assert result.exit_code != 0 and "MAIL_SERVER is not set; 1 message(s) wait" in result.output


def test_create_admin_and_set_verification(app, world):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["ppi", "create-admin", "--email", "ops@ppi.test.org", "--name", "Ops", "--password", "123456"])
    assert weak.exit_code != 0 and "at least 12" in weak.output
    made = runner.invoke(args=["ppi", "create-admin", "--email", "ops@ppi.test.org", "--name", "Ops", "--password", "Harbour-Crane-4412"])
    assert made.exit_code == 0, made.output
    result = runner.invoke(args=["ppi", "set-verification", str(world.orgs["unverified"]), "verified", "--as", "ops@ppi.test.org"])
    assert result.exit_code == 0 and "verified" in result.output
    refused = runner.invoke(args=["ppi", "set-verification", str(world.orgs["company"]), "rejected", "--as", "admin@company.test.org"])
    assert refused.exit_code != 0
    with app.app_context():
        assert db.session.get(Organisation, world.orgs["unverified"]).is_verified
        assert db.session.scalar(sa.select(User.is_platform_admin).where(User.email == "ops@ppi.test.org"))


@pytest.mark.parametrize("args", [["ppi", "set-verification", "999", "verified", "--as", "nobody@x.org"]])
def test_cli_refuses_unknown_objects_clearly(app, world, args):
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and "No such" in result.output

"""Translations: every text users read is marked, every language the app offers has a complete catalogue, a page
says the language it is really in, and e-mails and notifications go out in each recipient's language.

The lead's check before committing catalogues: `pytest tests/test_translations.py` (after `make translations`)."""
import pytest
import sqlalchemy as sa
from babel.messages.frontend import parse_mapping_cfg
from babel.util import pathmatch
from flask_babel import lazy_gettext as _l
from jinja2 import DictLoader, Environment

from config import Config
from ppi import create_app
from ppi.accounts import services as account_services
from ppi.accounts.models import OrgRole, User
from ppi.accounts.workflow import VerificationStatus
from ppi.core.models import Notification, OutboxMessage
from ppi.core.notify import notify
from ppi.extensions import babel, db
from tests.accounts.test_signup_and_sign_in import signup_form
from tests.conftest import add_user
from tests.i18n_checks import ROOT, catalogue_problems, extract_messages, unmarked_template_text, write_catalogue

OFFERED = [code for code in Config.LANGUAGES if code != Config.BABEL_DEFAULT_LOCALE]


# ---- templates ------------------------------------------------------------------------------------------

def test_every_template_marks_the_text_users_read():
    env = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://").jinja_env
    findings = unmarked_template_text(env)
    assert not findings, "Wrap these in _() (or, for a name the same in every language, see ALLOWED_WORDS):\n" + \
        "\n".join(map(str, findings))


def test_every_template_is_in_the_extraction_mapping():
    with open(ROOT / "babel.cfg") as mapping:
        patterns = [pattern for pattern, _ in parse_mapping_cfg(mapping)[0]]
    templates = [path.relative_to(ROOT).as_posix() for path in (ROOT / "templates").rglob("*") if path.is_file()]
    assert [name for name in templates if not any(pathmatch(pattern, name) for pattern in patterns)] == []


SAMPLE_TEMPLATES = {
    "_macros.html": '{% macro submit(label, class="btn") %}<button class="{{ class }}">{{ label }}</button>{% endmacro %}',
    "page.html": (
        '{% from "_macros.html" import submit %}\n'
        '<h1>{{ _("Marked") }}</h1>\n'
        '<p>Unmarked text</p>\n'
        '<img alt="A chart" src="chart.png">\n'
        '<input type="submit" value="Send">\n'
        '<p>{{ "Yes" if done else "–" }}</p>\n'
        '{{ submit("Save", class="btn-primary") }}\n'
        '<span>{{ case.status.value|capitalize }}</span>\n'
        '<p>{{ _("%(stage)s deadline", stage=stage.value) }}</p>\n'
        '<input placeholder="{{ _(\'Search\') }} here">\n'
    ),
    "clean.html": (
        '{# a comment with words #}<a class="{{ "active" if on }}" title="{{ _("Home") }}" href="/">PPI</a>&nbsp;&copy;\n'
        '<button name="answer" value="confirm">{{ _("Confirm") }}</button> <code>flask ppi demo</code>\n'
        '<span class="badge status-{{ case.status.value }}">{{ labels[case.status] }}</span> CPV {{ code }}, 12 kB\n'
        '<p{{ lang_attribute(language) }}>{{ text }}</p>{{ submit(_("Save")) }}\n'
    ),
}


@pytest.fixture
def sample_env():
    return Environment(loader=DictLoader(SAMPLE_TEMPLATES), extensions=["jinja2.ext.i18n"], autoescape=True)


def test_the_template_check_finds_each_kind_of_unmarked_text(sample_env):
    findings = {(finding.line, finding.text) for finding in unmarked_template_text(sample_env, ["page.html"])}
    assert {line for line, _ in findings} == {3, 4, 5, 6, 7, 8, 9, 10}
    assert {(3, "Unmarked text"), (4, "A chart"), (5, "Send"), (7, "Save"), (10, "… here")} <= findings
    assert any(line == 6 and "Yes" in text for line, text in findings)  # a constant written out by {{ }}
    assert any(line == 8 and ".value" in text for line, text in findings)  # an enum's stored code shown as it is
    assert (9, "stage=….value in a translated sentence") in findings


def test_the_template_check_leaves_marked_text_codes_and_markup_alone(sample_env):
    assert unmarked_template_text(sample_env, ["clean.html"]) == []


# ---- catalogues -------------------------------------------------------------------------------------------

def _mini_project(root):
    """A project with the repository's babel.cfg and one string of each kind `make messages` extracts."""
    (root / "babel.cfg").write_text((ROOT / "babel.cfg").read_text())
    (root / "ppi").mkdir()
    (root / "ppi" / "labels.py").write_text(
        'from flask_babel import gettext as _, lazy_gettext as _l, ngettext\n'
        'from ppi.core.i18n import N_\n'
        'LABEL = _l("Hello %(name)s")\n'
        'STATEMENT = N_("Marked in a data module")\n'
        'def count(n):\n'
        '    return _("Goodbye") + ngettext("%(num)d day", "%(num)d days", n)\n'
    )
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text('<h1>{{ _("Page title") }}</h1>')
    (root / "templates" / "mail.txt").write_text('{{ _("Hello,") }}')


EXTRACTED = {"Hello %(name)s", "Marked in a data module", "Goodbye", "%(num)d day", "Page title", "Hello,"}


def test_messages_are_extracted_as_make_messages_extracts_them(tmp_path):
    _mini_project(tmp_path)
    ids = {message.id[0] if isinstance(message.id, tuple) else message.id for message in extract_messages(tmp_path) if message.id}
    assert ids == EXTRACTED


def test_the_catalogue_check_finds_missing_untranslated_fuzzy_and_broken_messages(tmp_path):
    _mini_project(tmp_path)
    po_file = write_catalogue(tmp_path / "translations", "da", {
        "Hello %(name)s": "Hej %(navn)s",  # a placeholder translated: the code fills in `name`, so this breaks
        "Marked in a data module": "",
        "Goodbye": "Farvel",
        "Page title": "Sidens titel",
        "Hello,": "Hej,",
    }, fuzzy=frozenset({"Goodbye"}), compile_it=False)
    problems = catalogue_problems(extract_messages(tmp_path), po_file)
    assert sorted(problems) == sorted([
        "placeholders ['%(navn)s'] instead of ['%(name)s']: 'Hello %(name)s'",
        "not translated: 'Marked in a data module'",
        "fuzzy: 'Goodbye'",
        "missing: ('%(num)d day', '%(num)d days')",
    ])


def test_a_complete_catalogue_passes_the_check(tmp_path):
    _mini_project(tmp_path)
    po_file = write_catalogue(tmp_path / "translations", "da", {
        "Hello %(name)s": "Hej %(name)s", "Marked in a data module": "Markeret i et datamodul", "Goodbye": "Farvel",
        "Page title": "Sidens titel", "Hello,": "Hej,", ("%(num)d day", "%(num)d days"): ("%(num)d dag", "%(num)d dage"),
    }, compile_it=False)
    assert catalogue_problems(extract_messages(tmp_path), po_file) == []


@pytest.fixture(scope="module")
def project_messages():
    return extract_messages()


@pytest.mark.parametrize("language", OFFERED)
def test_every_offered_language_has_a_complete_catalogue(project_messages, language):
    po_file = ROOT / "ppi" / "translations" / language / "LC_MESSAGES" / "messages.po"
    assert po_file.is_file(), f"{language} is offered (config.py, LANGUAGES) but has no catalogue: run `make translations`"
    problems = catalogue_problems(project_messages, po_file)
    assert not problems, f"{len(problems)} messages to translate in {po_file.relative_to(ROOT)}:\n" + "\n".join(problems[:40])


# ---- the language pages and e-mails are in ----------------------------------------------------------------

DANISH = {
    "Skip to main content": "Gå til hovedindholdet",
    "Welcome to PPI": "Velkommen til PPI",
    "Hello %(name)s,": "Hej %(name)s,",
    "Your organisation on PPI: %(status)s": "Jeres organisation på PPI: %(status)s",
    "Verified": "Verificeret",
    "Hello,": "Hej,",
}


@pytest.fixture
def danish_app(app_factory, tmp_path):
    """An app whose translations directory holds only a small compiled Danish catalogue (German has none).
    Flask-Babel caches catalogues by language across apps: emptied before and after."""
    write_catalogue(tmp_path, "da", DANISH)
    app = app_factory(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path))
    with app.app_context():
        babel.domain_instance.cache.clear()
    yield app
    with app.app_context():
        babel.domain_instance.cache.clear()


def test_a_page_says_the_language_its_text_is_in(danish_app, world_factory):
    world_factory(danish_app)
    client = danish_app.test_client()
    danish = client.get("/", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert '<html lang="da">' in danish and "Gå til hovedindholdet" in danish
    german = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="en">' in german and "Skip to main content" in german  # no German catalogue: English text
    assert 'value="de" lang="de" selected' in german  # German stays chosen (dates and numbers)


def test_e_mails_are_written_in_each_recipients_language(danish_app, world_factory):
    world = world_factory(danish_app)
    with danish_app.app_context():
        admin = db.session.get(User, world.users["unverified_admin"])
        admin.locale = "da"
        add_user("second@unverified.test.org", admin.organisation, OrgRole.ADMIN)  # never chose a language
        db.session.commit()
    # The platform admin acts from a German browser: neither e-mail follows the sender's language.
    with danish_app.test_request_context(headers={"Accept-Language": "de"}):
        org = db.session.get(User, world.users["unverified_admin"]).organisation
        account_services.set_verification(db.session.get(User, world.users["platform_admin"]), org, VerificationStatus.VERIFIED)
        db.session.commit()
        mails = {m.to_address: (m.subject, m.body) for m in db.session.scalars(sa.select(OutboxMessage))}
    danish, english = mails["admin@unverified.test.org"], mails["second@unverified.test.org"]
    assert danish[0] == "Jeres organisation på PPI: Verificeret" and danish[1].startswith("Hej,")
    assert english[0] == "Your organisation on PPI: Verified" and english[1].startswith("Hello,")


def test_notifications_are_written_in_each_recipients_language(danish_app, world_factory):
    world = world_factory(danish_app)
    with danish_app.app_context():  # no request: as `flask ppi send-reminders` sends them
        danish, english = (db.session.get(User, world.users[role]) for role in ("company_admin", "company_member"))
        danish.locale = "da"
        notify([danish, english], _l("Welcome to PPI"), "main.dashboard")
        db.session.commit()
        texts = dict(db.session.execute(sa.select(Notification.user_id, Notification.text)).all())
        subjects = dict(db.session.execute(sa.select(OutboxMessage.to_address, OutboxMessage.subject)).all())
    assert texts == {world.users["company_admin"]: "Velkommen til PPI", world.users["company_member"]: "Welcome to PPI"}
    assert subjects == {"admin@company.test.org": "Velkommen til PPI", "member@company.test.org": "Welcome to PPI"}


def test_an_account_keeps_the_language_it_was_made_in(danish_app, world_factory):
    world_factory(danish_app)
    response = danish_app.test_client().post("/signup", data=signup_form(), headers={"Accept-Language": "da,en;q=0.5"})
    assert response.status_code == 302
    with danish_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "ida.berg@nordic-sensors.example.org"))
        subjects = dict(db.session.execute(sa.select(OutboxMessage.to_address, OutboxMessage.subject)).all())
    assert user.locale == "da"
    assert subjects[user.email] == "Velkommen til PPI"  # the welcome, in the language the account was made in
    assert subjects["root@platform.test.org"].startswith("New organisation to verify")  # the admin chose none

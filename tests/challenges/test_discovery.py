"""Finding challenges, signed in or not, on both databases: search, filters, sorting, paging, the shared URL,
the Atom feed, and a bounded number of queries."""
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event

from ppi.challenges.models import ChallengePartner
from ppi.challenges.workflow import ChallengeStatus as S
from ppi.core.timeutil import utcnow
from ppi.extensions import db
from tests.challenges.helpers import COPENHAGEN, REASON, listed_titles, text
from tests.conftest import add_challenge

ATOM = "{http://www.w3.org/2005/Atom}"
FALL = "Fall detection in care homes"
SCHOOL = "Digital school logistics"
BEDS = "Hospital bed logistics"
ENERGY = "Energy monitoring in municipal buildings"
LONELY = "Loneliness among elderly citizens"
PUBLIC = {FALL, SCHOOL, BEDS, ENERGY, LONELY}
OPEN = {FALL, SCHOOL, BEDS}


def seed(app, world) -> dict[str, int]:
    """Five public challenges in different states, places and divisions, and two unpublished ones."""
    now = utcnow()
    with app.app_context():
        ids = {
            FALL: add_challenge(
                world, title=FALL, summary="Know within minutes when a resident falls.",
                description="Residents fall at night; a nocturnal alarm must reach the care staff.",
                cpv_codes=("33196200",), nuts_code="DK031", days_to_questions=10, days_to_proposals=20,
                published_at=now - timedelta(days=3)),
            SCHOOL: add_challenge(
                world, title=SCHOOL, summary="Rooms and timetables for 40 schools.",
                description="Every morning substitute teachers are found by phone.",
                cpv_codes=("48000000",), nuts_code="DK012", lead_authority_id=world.orgs["other_authority"],
                days_to_questions=30, days_to_proposals=40, published_at=now - timedelta(days=1)),
            BEDS: add_challenge(
                world, title=BEDS, summary="Clean beds where they are needed.",
                description="Porters push empty beds across the campus for kilometres a day.",
                cpv_codes=("34000000",), nuts_code="SE224", days_to_questions=2, days_to_proposals=5,
                published_at=now - timedelta(days=5)),
            ENERGY: add_challenge(
                world, title=ENERGY, summary="See where heat is lost.",
                description="Thermography and smart meters in 120 municipal buildings.",
                cpv_codes=("09000000",), nuts_code="DK032", days_to_questions=-20, days_to_proposals=-2,
                published_at=now - timedelta(days=30)),
            LONELY: add_challenge(
                world, status=S.IN_EVALUATION, title=LONELY, summary="Reach those who live alone.",
                description="Volunteers and a simple device for calls.",
                cpv_codes=("85000000",), nuts_code="DK011", days_to_questions=-60, days_to_proposals=-40,
                published_at=now - timedelta(days=70)),
            "draft": add_challenge(
                world, status=S.DRAFT, title="Secret draft", summary="Not public.",
                description="A nocturnal alarm with thermography.", cpv_codes=("33196200",)),
            "moderation": add_challenge(
                world, status=S.IN_MODERATION, title="Pending review", summary="Not public yet.",
                description="A nocturnal alarm with thermography.", cpv_codes=("33196200",)),
        }
    return ids


@pytest.fixture
def seeded(app, more_world):
    return seed(app, more_world)


def titles(client, **args) -> list[str]:
    response = client.get("/challenges/", query_string=args)
    assert response.status_code == 200
    return listed_titles(text(response))


def local_day(days: int) -> str:
    return (utcnow() + timedelta(days=days)).astimezone(COPENHAGEN).date().isoformat()


@pytest.mark.parametrize("query, expected", [
    ("nocturnal", [FALL]),                # a word of the description
    ("NOCTURNAL", [FALL]),                # whatever the case
    ("thermography", [ENERGY]),           # closed ones are found too; drafts never
    ("substitute teachers", [SCHOOL]),    # every word must appear
    ("timetables", [SCHOOL]),             # a word of the summary
    ("hospital", [BEDS]),                 # a word of the title
    ("nocturnal timetables", []),         # words from two different challenges
    ("submarine", []),
    ("secret", []),
    ("pending", []),
])
def test_full_text_search(client, seeded, query, expected):
    assert sorted(titles(client, q=query)) == sorted(expected)


def test_search_ignores_the_case_of_letters_beyond_ascii(app, more_world, client):
    with app.app_context():
        add_challenge(more_world, title="Ældreplejens natlige fald", summary="Øget tryghed om natten.",
                      description="Beboere på plejehjem falder om natten.")
        add_challenge(more_world, title="Unrelated", summary="Nothing here.", description="Something else.")
    assert titles(client, q="ældreplejens") == ["Ældreplejens natlige fald"]
    assert titles(client, q="øget") == ["Ældreplejens natlige fald"]


@pytest.mark.parametrize("args, expected", [
    ({}, OPEN),  # the first visit: the open challenges, not those that closed long ago
    ({"status": ""}, PUBLIC),  # "Any" status, as the form sends it
    ({"status": "open"}, OPEN),
    ({"status": "closed"}, {ENERGY}),
    ({"status": "in_evaluation"}, {LONELY}),
    ({"status": "awarded"}, set()),
    ({"cpv": "33"}, {FALL}),
    ({"cpv": "48"}, {SCHOOL}),
    ({"cpv": "09"}, {ENERGY}),
    ({"region": "DK03"}, {FALL, ENERGY}),
    ({"region": "dk03"}, {FALL, ENERGY}),
    ({"region": "DK"}, {FALL, SCHOOL, ENERGY, LONELY}),
    ({"region": "SE"}, {BEDS}),
    ({"region": "DK031"}, {FALL}),
    ({"status": "open", "region": "DK"}, {FALL, SCHOOL}),
    ({"q": "beds", "region": "DK"}, set()),
])
def test_filters(client, seeded, args, expected):
    assert set(titles(client, **args)) == expected


def test_filter_by_authority_counts_partners_in_a_buyers_group(app, more_world, client, seeded):
    other = str(more_world.orgs["other_authority"])
    assert set(titles(client, authority=other)) == {SCHOOL}
    with app.app_context():
        db.session.add(ChallengePartner(challenge_id=seeded[BEDS], organisation_id=more_world.orgs["other_authority"]))
        db.session.commit()
    assert set(titles(client, authority=other)) == {SCHOOL, BEDS}
    assert set(titles(client, authority=str(more_world.orgs["authority"]))) == {FALL, BEDS, ENERGY, LONELY}


@pytest.mark.parametrize("window, expected", [
    (dict(deadline_from=10, deadline_to=25), {FALL}),
    (dict(deadline_from=30), {SCHOOL}),
    (dict(deadline_to=10), {BEDS, ENERGY, LONELY}),
    (dict(deadline_from=-10, deadline_to=10), {BEDS, ENERGY}),
    (dict(deadline_from=50), set()),
])
def test_filter_by_deadline_window(client, seeded, window, expected):
    args = {name: local_day(days) for name, days in window.items()}
    assert set(titles(client, **args)) == expected


def test_the_deadline_window_includes_its_last_day(app, more_world, client):
    tomorrow_evening = (utcnow() + timedelta(days=1)).astimezone(COPENHAGEN).replace(hour=23, minute=30, second=0, microsecond=0)
    with app.app_context():
        add_challenge(more_world, title="Late evening deadline", questions_deadline=utcnow() + timedelta(hours=1),
                      proposal_deadline=tomorrow_evening)
    day = tomorrow_evening.date().isoformat()
    assert titles(client, deadline_from=day, deadline_to=day) == ["Late evening deadline"]


@pytest.mark.parametrize("sort, expected", [
    ("deadline", [BEDS, FALL, SCHOOL]),
    ("", [BEDS, FALL, SCHOOL]),          # the default: soonest deadline first
    ("title", [SCHOOL, FALL, BEDS]),
    ("newest", [SCHOOL, FALL, BEDS]),    # by publication, newest first
])
def test_sorting(client, seeded, sort, expected):
    assert titles(client, status="open", sort=sort) == expected


def test_all_public_states_sorted_by_deadline(client, seeded):
    assert titles(client, status="") == [LONELY, ENERGY, BEDS, FALL, SCHOOL]
    assert titles(client) == [BEDS, FALL, SCHOOL]  # the first visit: the open ones


def test_pages_keep_the_filters_in_their_links(app_factory, world_factory):
    app = app_factory(PAGE_SIZE=2)
    world = world_factory(app)
    with app.app_context():
        for number in range(5):
            add_challenge(world, title=f"Logistics challenge {number}", days_to_proposals=20 + number)
        add_challenge(world, title="Something else entirely", description="Nothing in common.",
                      summary="Nothing either.")
    client = app.test_client()
    args = {"q": "logistics", "region": "DK", "status": "open", "sort": "title", "cpv": "33"}
    first = client.get("/challenges/", query_string=args)
    page = text(first)
    assert listed_titles(page) == ["Logistics challenge 0", "Logistics challenge 1"]
    assert "5 challenges found" in page and "Page 1 of 3" in page
    next_link = re.search(r'<a class="page-link" href="([^"]+)">Next</a>', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(next_link).query) == {**{k: [v] for k, v in args.items()}, "page": ["2"]}
    second = text(client.get(next_link))
    assert listed_titles(second) == ["Logistics challenge 2", "Logistics challenge 3"]
    previous = re.search(r'<a class="page-link" href="([^"]+)">Previous</a>', second).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(previous).query)["q"] == ["logistics"]
    assert listed_titles(text(client.get("/challenges/", query_string={**args, "page": "3"}))) == ["Logistics challenge 4"]
    beyond = client.get("/challenges/", query_string={**args, "page": "40"})
    assert beyond.status_code == 200 and listed_titles(text(beyond)) == []


def test_the_search_form_and_the_feed_link_carry_the_current_filters(client, more_world, seeded):
    authority = str(more_world.orgs["other_authority"])
    args = {"q": "substitute", "status": "open", "cpv": "48", "region": "DK01", "authority": authority, "sort": "title",
            "deadline_from": local_day(1), "deadline_to": local_day(60)}
    page = text(client.get("/challenges/", query_string=args))
    assert listed_titles(page) == [SCHOOL]
    assert re.search(r'<input[^>]*name="q"[^>]*value="substitute"', page)
    assert re.search(r'<input[^>]*name="region"[^>]*value="DK01"', page)
    assert re.search(r'<input[^>]*name="deadline_from"[^>]*value="%s"' % args["deadline_from"], page)
    for name, value in (("status", "open"), ("cpv", "48"), ("authority", authority), ("sort", "title")):
        select = re.search(r'<select[^>]*name="%s".*?</select>' % name, page, re.S).group(0)
        assert re.search(r'<option selected value="%s">' % re.escape(value), select), name
    feed_link = re.search(r'href="([^"]*/challenges/feed\.atom[^"]*)"', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(feed_link).query) == {k: [v] for k, v in args.items()}


BAD_FILTERS = [
    {"status": "bogus"}, {"status": "closed'--"}, {"status": "draft"}, {"cpv": "zz"}, {"cpv": "3"}, {"cpv": "%"},
    {"region": "%"}, {"region": "_"}, {"region": "DK0310000"}, {"authority": "abc"}, {"authority": "-1"},
    {"authority": "99999999999999999999"}, {"deadline_from": "2024-13-45"}, {"deadline_to": "yesterday"},
    {"deadline_from": "0001-01-01"}, {"deadline_to": "9999-12-31"}, {"sort": "evil"}, {"sort": "title; drop table x"},
    {"page": "-3"}, {"page": "abc"}, {"page": "99999999999"}, {"q": "' OR 1=1 --"}, {"q": "a & | ! ( ) : * <->"},
    {"q": '"unbalanced'}, {"q": "x" * 5000}, {"q": "%_%"}, {"endpoint": "x"}, {"_external": "1"}, {"_method": "POST"},
    {"_anchor": "x"},
]


@pytest.mark.parametrize("args", BAD_FILTERS, ids=lambda args: "&".join(f"{k}={v[:20]}" for k, v in args.items()))
@pytest.mark.parametrize("path", ["/challenges/", "/challenges/feed.atom"])
def test_bad_filter_values_never_fail(client, seeded, path, args):
    response = client.get(path, query_string=args)
    assert response.status_code == 200
    if path.endswith(".atom"):
        ET.fromstring(response.data)
    else:
        assert "Secret draft" not in text(response)


def test_a_status_filter_cannot_reveal_unpublished_challenges(client, seeded):
    for status in ("draft", "in_moderation"):
        shown = titles(client, status=status)
        assert set(shown) == PUBLIC  # not a status one may filter by: ignored


def feed(client, **args) -> ET.Element:
    response = client.get("/challenges/feed.atom", query_string=args)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    return root


def entry_titles(root: ET.Element) -> set[str]:
    return {entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")}


def test_the_atom_feed_parses_and_holds_published_challenges_only(client, seeded):
    root = feed(client)
    assert root.findtext(f"{ATOM}title") and root.findtext(f"{ATOM}updated")
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    assert entry_titles(root) == PUBLIC
    entries = {entry.findtext(f"{ATOM}title"): entry for entry in root.findall(f"{ATOM}entry")}
    fall = entries[FALL]
    assert fall.findtext(f"{ATOM}id").endswith(f"/challenges/{seeded[FALL]}")
    assert fall.find(f"{ATOM}link").get("href").endswith(f"/challenges/{seeded[FALL]}")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fall.findtext(f"{ATOM}published"))
    assert fall.findtext(f"{ATOM}author/{ATOM}name") == "Test Region"
    assert [c.get("term") for c in fall.findall(f"{ATOM}category")] == ["33196200-2"]
    assert "Know within minutes when a resident falls." in fall.findtext(f"{ATOM}summary")
    newest_first = [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]
    assert newest_first == [SCHOOL, FALL, BEDS, ENERGY, LONELY]


@pytest.mark.parametrize("args, expected", [
    ({"q": "nocturnal"}, {FALL}),
    ({"cpv": "48"}, {SCHOOL}),
    ({"status": "closed"}, {ENERGY}),
    ({"region": "SE"}, {BEDS}),
    ({"q": "submarine"}, set()),
])
def test_the_atom_feed_respects_the_filters(client, seeded, args, expected):
    root = feed(client, **args)
    assert entry_titles(root) == expected
    self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
    assert parse_qs(urlsplit(self_link).query) == {k: [v] for k, v in args.items()}


def test_the_atom_feed_escapes_what_authors_type(app, world, client):
    with app.app_context():
        add_challenge(world, title='Beds & <trolleys> "fast"', summary="Less than 5 < 10 & more ]]>")
    root = feed(client)
    assert entry_titles(root) == {'Beds & <trolleys> "fast"'}
    assert "5 < 10 & more ]]>" in root.find(f"{ATOM}entry").findtext(f"{ATOM}summary")


def cancel_a_draft(app, world, client_as) -> int:
    with app.app_context():
        add_challenge(world, title="Published one")
        draft = add_challenge(world, status=S.DRAFT, title="Withdrawn draft", description="Confidential budget notes.")
    assert client_as("authority_admin").post(f"/challenges/{draft}/status/cancelled", data={"reason": REASON}).status_code == 302
    return draft


def test_the_feed_still_works_after_a_draft_is_cancelled(app, world, client_as):
    cancel_a_draft(app, world, client_as)
    anonymous = client_as(None)
    assert "Published one" in entry_titles(feed(anonymous))
    assert titles(anonymous, sort="newest")[0] == "Published one"


def test_a_challenge_cancelled_before_publication_stays_private(app, world, client_as):
    draft = cancel_a_draft(app, world, client_as)
    anonymous = client_as(None)
    assert anonymous.get(f"/challenges/{draft}").status_code == 404
    assert titles(anonymous) == ["Published one"]
    assert client_as("company_admin").get(f"/challenges/{draft}").status_code == 404
    assert client_as("authority_member").get(f"/challenges/{draft}").status_code == 200  # its owners still see it


def test_the_cpv_finder(client):
    page = text(client.get("/challenges/cpv", query_string={"q": "33196200"}))
    assert "33196200-2" in page and "Devices for the disabled" in page
    page = text(client.get("/challenges/cpv", query_string={"q": "wheelchair"}))
    assert "33193120-6" in page
    assert "No code matches." in text(client.get("/challenges/cpv", query_string={"q": "zzzzqqq"}))
    assert client.get("/challenges/cpv", query_string={"q": "x" * 5000}).status_code == 200


def count_statements(app, client, url: str) -> int:
    with app.app_context():
        engine = db.engine
    seen = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
    assert response.status_code == 200
    return len(seen)


def add_many(app, world, number: int, start: int) -> None:
    with app.app_context():
        for index in range(start, start + number):
            add_challenge(world, title=f"Challenge number {index:03}", cpv_codes=("33196200", "48000000"),
                          partners=[ChallengePartner(organisation_id=world.orgs["other_authority"])])


@pytest.mark.parametrize("role", [None, "company_admin", "authority_admin"])
def test_the_list_issues_a_bounded_number_of_queries(app, more_world, client_as, role):
    client = client_as(role)
    url = "/challenges/?q=challenge&region=DK&sort=title"
    add_many(app, more_world, 3, 0)
    client.get(url)  # warm-up
    with_3 = count_statements(app, client, url)
    add_many(app, more_world, 27, 3)
    with_30 = count_statements(app, client, url)
    assert "Challenge number 024" in text(client.get(url)) and "Challenge number 025" not in text(client.get(url))
    assert with_3 == with_30, (with_3, with_30)
    assert with_30 <= 12, with_30
    assert count_statements(app, client, "/challenges/feed.atom") <= 12


def test_every_cpv_code_of_a_challenge_is_shown_in_the_list(app, world, client):
    with app.app_context():
        add_challenge(world, cpv_codes=("48000000", "33196200"))
    assert "CPV 33196200-2, 48000000-8" in text(client.get("/challenges/"))

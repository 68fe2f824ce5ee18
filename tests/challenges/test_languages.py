"""A challenge is shown as its author wrote it, never machine-translated: its text is marked with its language when it
has one (WCAG 3.1.2), and its page and the list say which languages it is in."""
import re

from tests.conftest import add_challenge


def _element(page: str, tag: str, text: str) -> str:
    """The start tag of the `tag` element whose content begins with `text`."""
    match = re.search(rf"<{tag}\b[^>]*>\s*(?:<a\b[^>]*>)?{re.escape(text)}", page)
    assert match, f"no <{tag}> holding {text!r}"
    return match.group(0)


def test_a_one_language_challenge_marks_its_text_with_that_language(app, world, client):
    with app.app_context():
        challenge_id = add_challenge(world, title="Faldregistrering på plejehjem", languages=["da"],
                                     summary="Opdag fald om natten uden at beboerne bærer noget.")
    page = client.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert '<html lang="en">' in page  # the interface is English …
    assert 'lang="da"' in _element(page, "h1", "Faldregistrering")  # … the author's text Danish
    assert 'lang="da"' in _element(page, "p", "Opdag fald om natten")
    assert re.search(r'<div class="markdown" lang="da">\s*<p>Residents fall', page)
    assert "Written in Danish" in page
    listed = client.get("/challenges/").get_data(as_text=True)
    assert 'lang="da"' in _element(listed, "h2", "Faldregistrering") and "Written in Danish" in listed


def test_a_challenge_in_several_languages_leaves_its_text_unmarked_and_names_them(app, world, client):
    with app.app_context():
        challenge_id = add_challenge(world, languages=["da", "en"])
    page = client.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert "lang=" not in _element(page, "h1", "Fall detection in care homes")
    assert "Languages: Danish, English" in page
    assert "Languages: Danish, English" in client.get("/challenges/").get_data(as_text=True)


def test_the_languages_are_named_in_the_viewers_language(app, world, client):
    with app.app_context():
        challenge_id = add_challenge(world, languages=["da", "de"])
    page = client.get(f"/challenges/{challenge_id}", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Dänisch, Deutsch" in page

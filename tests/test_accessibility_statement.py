"""The accessibility statement (/accessibility): the parts of the EU model statement, its configured contact and
enforcement body, and the link to it in every page's footer."""
import re

from babel.dates import format_date

from ppi.main.views import ACCESSIBILITY_STATEMENT_PREPARED, ACCESSIBILITY_STATEMENT_REVIEWED

# The parts of the model statement of Commission Implementing Decision (EU) 2018/1523, in its order.
MODEL_PARTS = ["Compliance status", "Non-accessible content", "Non-compliance with the accessibility requirements",
               "Disproportionate burden", "Content not within the scope of the applicable legislation",
               "Preparation of this accessibility statement", "Feedback and contact information",
               "Enforcement procedure"]


def headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html, re.S)]


def test_the_statement_has_the_model_parts_in_order_and_its_dates(app, client):
    response = client.get("/accessibility")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = [heading for heading in headings(html) if heading in MODEL_PARTS]
    assert found == MODEL_PARTS
    assert "Directive (EU) 2016/2102" in html and "WCAG" in html and "axe-core" in html
    for when in (ACCESSIBILITY_STATEMENT_PREPARED, ACCESSIBILITY_STATEMENT_REVIEWED):
        assert format_date(when, "long", locale="en") in html  # "November 26, 2026"


def test_the_contact_and_the_enforcement_body_come_from_the_configuration(app_factory):
    app = app_factory(PPI_ACCESSIBILITY_CONTACT="a11y@region.example.org", PPI_ACCESSIBILITY_PHONE="+45 70 11 22 33",
                      PPI_ACCESSIBILITY_ENFORCEMENT_BODY="The Web Accessibility Monitor",
                      PPI_ACCESSIBILITY_ENFORCEMENT_URL="https://monitor.example.org/complaints",
                      PPI_OCDS_PUBLISHER="Region of Example")
    html = app.test_client().get("/accessibility").get_data(as_text=True)
    assert '<a href="mailto:a11y@region.example.org">a11y@region.example.org</a>' in html
    assert '<a href="tel:+4570112233">+45 70 11 22 33</a>' in html
    assert "The Web Accessibility Monitor" in html and 'href="https://monitor.example.org/complaints"' in html
    assert "Region of Example is committed to making this platform accessible" in html


def test_without_a_telephone_number_only_the_address_is_given(app, client):
    html = client.get("/accessibility").get_data(as_text=True)
    assert f'href="mailto:{app.config["PPI_ACCESSIBILITY_CONTACT"]}"' in html and 'href="tel:' not in html


def test_every_page_links_to_the_statement_in_its_footer(app, client):
    for path in ("/", "/login", "/challenges/", "/no-such-page"):
        footer = client.get(path).get_data(as_text=True).partition("<footer")[2]
        assert '<a href="/accessibility">Accessibility statement</a>' in footer, path

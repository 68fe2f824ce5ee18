"""Pure helpers of the challenges domain: CPV codes, brand names, Markdown sanitising, file types by content."""
import pytest
from markupsafe import Markup

from ppi.challenges import brands, cpv
from ppi.core import files
from ppi.core.text import render_markdown
from tests.challenges.helpers import docx_bytes, jpeg_bytes, pdf_bytes, png_bytes, xlsx_bytes, zip_bytes


# --- CPV codes -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("33196200-2", "33196200"),     # with the right check digit
    ("33196200", "33196200"),       # without the check digit
    ("  48000000-8 ", "48000000"),  # surrounding blanks
    ("48000000", "48000000"),
    ("33196200-3", None),           # wrong check digit
    ("33196200-0", None),
    ("12345678", None),             # eight digits, not in the vocabulary
    ("12345678-9", None),
    ("3319620", None),              # too short
    ("331962000", None),            # too long
    ("33196200-", None),
    ("33196200-22", None),
    ("33196200 2", None),
    ("ABCDEFGH", None),
    ("", None),
    ("drop table challenges;", None),
])
def test_cpv_parse(typed, expected):
    assert cpv.parse(typed) == expected


def test_cpv_titles_check_digits_and_divisions():
    assert cpv.with_check_digit("33196200") == "33196200-2"
    assert cpv.with_check_digit("48000000") == "48000000-8"
    assert cpv.title("33196200") == "Devices for the disabled"
    assert cpv.title("12345678") == ""
    assert cpv.division("33196200") == "33"
    divisions = dict(cpv.divisions())
    assert len(divisions) == 45 and divisions["48"] == "Software package and information systems"
    assert all(len(code) == 2 and code.isdigit() for code in divisions)


def test_cpv_search_by_digits_and_by_words():
    assert ("33196200-2", "Devices for the disabled") in cpv.search("33196200")
    assert ("33196200-2", "Devices for the disabled") in cpv.search("3319620")
    by_word = cpv.search("Wheelchairs")
    assert by_word and all("wheelchair" in title.lower() for _code, title in by_word)
    assert cpv.search("") == [] and cpv.search("   ") == []
    assert len(cpv.search("a", limit=5)) == 5


# --- Need, not solution ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Staff must be alerted on an iPad when a resident falls.", ["iPad"]),
    ("We use Philips lifelines today.", ["Philips"]),
    ("Compatible with Microsoft Teams.", ["Microsoft", "Teams"]),
    ("The dashboard runs on a ThinkPad X200.", ["ThinkPad", "X200"]),
    ("A sensor like the FallGuard™ mat.", ["FallGuard"]),
    ("As described in EP1234567 and US 7654321.", ["EP1234567", "US 7654321"]),
])
def test_brand_mentions_are_found(text, expected):
    found = brands.mentions(text)
    assert set(expected) <= set(found), found


@pytest.mark.parametrize("text", [
    "Staff must be alerted on an iPad or equivalent when a resident falls.",
    "Staff must be alerted on an iPad (or equivalent) when a resident falls.",
    "Alarms compatible with Philips lifelines or equivalent systems.",
    "Sensors from Bosch or Equivalent.",
])
def test_or_equivalent_suppresses_the_warning(text):
    assert brands.mentions(text) == []


def test_or_equivalent_covers_only_the_reference_it_follows():
    assert brands.mentions("An iPad or equivalent, and a Fitbit watch.") == ["Fitbit"]


@pytest.mark.parametrize("text", [
    "Residents fall at night and lie for hours before staff find them.",
    "The care staff need to know within minutes, without cameras in private rooms. "
    "The solution must respect the privacy of residents and work in 3 care homes.",
    "Measure CO2, NO2 and PM10 in schools of region DK031 after COVID-19.",
    "",
])
def test_plain_need_text_gives_no_warning(text):
    assert brands.mentions(text) == []


# --- Markdown through the sanitiser ----------------------------------------------------------------------

@pytest.mark.parametrize("hostile", [
    "<script>alert('x')</script>",
    "Text <SCRIPT src=https://evil.example/x.js></SCRIPT> more",
    "<img src=x onerror=alert(1)>",
    '<p onclick="steal()">hello</p>',
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">click me</a>',
    "<iframe src='https://evil.example'></iframe>",
    "<style>body { display: none }</style>",
    '<svg onload="alert(1)"></svg>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
])
def test_nothing_executable_survives_the_sanitiser(hostile):
    html = str(render_markdown(hostile)).lower()
    for forbidden in ("<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "<style", "<svg", "data:text"):
        assert forbidden not in html, html


def test_markdown_formatting_survives():
    html = str(render_markdown(
        "We need **fewer falls** at night.\n\n- first need\n- second need\n\n"
        "| Site | Residents |\n|------|-----------|\n| North | 40 |\n\n[The strategy](https://example.org/strategy)"
    ))
    assert "<strong>fewer falls</strong>" in html
    assert "<ul>" in html and "<li>first need</li>" in html and "<li>second need</li>" in html
    assert "<table>" in html and "<th>Site</th>" in html and "<td>North</td>" in html and "<td>40</td>" in html
    assert 'href="https://example.org/strategy"' in html and "nofollow" in html


def test_markdown_returns_safe_markup_and_handles_nothing():
    assert isinstance(render_markdown("plain"), Markup)
    assert str(render_markdown(None)) == ""
    assert "&lt;" in str(render_markdown("a < b"))


# --- File types by content -------------------------------------------------------------------------------

@pytest.mark.parametrize("content, kind", [
    (pdf_bytes(), files.PDF),
    (png_bytes(), files.PNG),
    (jpeg_bytes(), files.JPEG),
    (docx_bytes(), files.DOCX),
    (xlsx_bytes(), files.XLSX),
], ids=["pdf", "png", "jpeg", "docx", "xlsx"])
def test_accepted_kinds_are_recognised_by_their_bytes(content, kind):
    assert files.sniff(content) == kind


@pytest.mark.parametrize("content", [
    zip_bytes({"hello.txt": "just a zip"}),                                         # a ZIP that is no Office file
    zip_bytes({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"}),  # an Office file, not DOCX/XLSX
    zip_bytes({"word/document.xml": "<w/>"}),                                       # no [Content_Types].xml
    b"PK\x03\x04 this is not really a zip",
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode",
    b"\x7fELF\x02\x01\x01\x00",
    b"This is a plain text file someone named report.pdf\n",
    b"<html><script>alert(1)</script></html>",
    b" %PDF-1.4 but not at the start",
    b"",
], ids=["plain-zip", "pptx", "no-content-types", "broken-zip", "exe", "elf", "text", "html", "pdf-later", "empty"])
def test_other_content_is_refused(content):
    assert files.sniff(content) is None


def test_accepted_labels_name_every_kind():
    assert files.accepted_labels() == "PDF, Word (DOCX), Excel (XLSX), PNG, JPEG"

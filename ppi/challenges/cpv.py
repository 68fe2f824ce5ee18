"""CPV 2008 codes (Regulation (EC) 213/2008), validated by lookup in the official list shipped with the app.

No published algorithm reproduces the check digits, so a code is valid when it is in the list; the check
digit, when typed, must be the listed one. Codes are stored as their 8 digits.
"""
import json
import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "cpv-2008-en.json"
CODE = re.compile(r"^(\d{8})(?:-(\d))?$")


@cache
def _vocabulary() -> dict[str, tuple[str, str]]:
    """8-digit code -> (check digit, English title)."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return {key[:8]: (key[9], title) for key, title in raw.items()}


def parse(text: str) -> str | None:
    """The 8-digit code for `text` ('33196200-2' or '33196200'), or None when it is not a CPV code."""
    match = CODE.match(text.strip())
    if not match:
        return None
    digits, check = match.groups()
    entry = _vocabulary().get(digits)
    if entry is None or (check is not None and check != entry[0]):
        return None
    return digits


def parse_many(text: str) -> tuple[list[str], list[str]]:
    """The 8-digit codes of a list typed with commas, semicolons or spaces between them, and the entries that are not
    CPV codes."""
    tokens = [token for token in re.split(r"[\s,;]+", text or "") if token]
    return [code for code in map(parse, tokens) if code], [token for token in tokens if parse(token) is None]


def with_check_digit(code: str) -> str:
    return f"{code}-{_vocabulary()[code][0]}"


def title(code: str) -> str:
    entry = _vocabulary().get(code)
    return entry[1] if entry else ""


def division(code: str) -> str:
    return code[:2]


@cache
def divisions() -> list[tuple[str, str]]:
    """The 45 divisions (XX000000), for the list filter."""
    return [(code[:2], entry[1]) for code, entry in sorted(_vocabulary().items()) if code.endswith("000000")]


def search(query: str, limit: int = 30) -> list[tuple[str, str]]:
    """Codes whose number starts with, or whose title contains, the query."""
    query = query.strip().lower()
    if not query:
        return []
    found = []
    for code, (check, label) in _vocabulary().items():
        if code.startswith(query.replace("-", "")[:8]) or query in label.lower():
            found.append((f"{code}-{check}", label))
            if len(found) >= limit:
                break
    return found

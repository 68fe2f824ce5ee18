"""Password rules: long enough, not a well-known password, not the user's own name or address."""
from functools import cache

from flask_babel import gettext as _
from zxcvbn.frequency_lists import FREQUENCY_LISTS


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords from leaked-password corpora, as zxcvbn ships them."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, *, min_length: int, email: str = "", display_name: str = "") -> list[str]:
    problems = []
    if len(password) < min_length:
        problems.append(_("Use at least %(n)d characters.", n=min_length))
    lowered = password.lower()
    if lowered in common_passwords() or lowered.strip("0123456789!?.") in common_passwords():
        problems.append(_("This password is on a list of commonly used passwords. Choose another."))
    personal = {email.lower(), email.lower().split("@")[0], display_name.lower()} - {""}
    if lowered in personal:
        problems.append(_("Do not use your name or e-mail address as your password."))
    return problems

"""Languages: which ones have a compiled catalogue, the names of languages, and marking text in data modules.

The catalogues are ppi/translations/<language>/LC_MESSAGES/messages.po, compiled to .mo by `make install`
(README, Languages).
"""
from functools import cache
from pathlib import Path

from babel import Locale
from flask import current_app, has_request_context
from flask_babel import get_babel, get_locale


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it here (`pybabel extract` knows N_ as a keyword).

    For text in pure data modules (the directive's procedures, the SUS statements) that must also stay
    English where it leaves the app (OCDS): the page translates it with `_()` / `lazy_gettext()` when it
    shows it."""
    return message


def has_compiled_catalogue(language: str) -> bool:
    """Whether a compiled catalogue of `language` is in one of Flask-Babel's translation directories."""
    return _catalogue_compiled(language, tuple(get_babel().translation_directories))


@cache
def _catalogue_compiled(language: str, directories: tuple[str, ...]) -> bool:
    """Asked on every page: looked up on disk once per process, since catalogues are compiled before the app starts
    (`make install`, a deploy) and Flask-Babel itself loads each one once."""
    return any((Path(directory) / language / "LC_MESSAGES" / "messages.mo").is_file() for directory in directories)


def content_language() -> str:
    """The language the page's text is really in: the chosen one if its catalogue is compiled, else the
    default (English), whose text is the source."""
    chosen, default = str(get_locale()), current_app.config["BABEL_DEFAULT_LOCALE"]
    return chosen if chosen == default or has_compiled_catalogue(chosen) else default


def request_language() -> str | None:
    """The language chosen for the current request (the visitor's choice or their browser's), to be saved on an
    account made in it, so that its e-mails are in that language too. None outside a request."""
    return str(get_locale()) if has_request_context() else None


def language_name(code: str) -> str:
    """The name of the language `code` (ISO 639-1) in the viewer's language, e.g. "dansk", "Danish"."""
    return (get_locale() or Locale("en")).languages.get(code, code)

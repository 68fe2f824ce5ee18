"""Jinja filters and globals: dates in the viewer's zone and locale, amounts in the locale's format."""
from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app, request, url_for
from markupsafe import Markup
from ppi.core.geo import country_names
from ppi.core.i18n import content_language, language_name
from ppi.core.text import render_markdown
from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale, get_timezone


def datetime_filter(value: datetime | None, fmt: str = "medium") -> str:
    return format_datetime(value, fmt) if value else ""


def date_filter(value: date | datetime | None, fmt: str = "medium") -> str:
    return format_date(value, fmt) if value else ""


def money_filter(value: Decimal | int | float | None, currency: str = "EUR") -> str:
    """An amount in any ISO 4217 currency, written the viewer's locale's way: "1.475.000,00 kr." in Danish."""
    return format_currency(value, currency) if value is not None else ""


def number_filter(value: Decimal | int | float | None) -> str:
    return format_decimal(value) if value is not None else ""


def lang_attribute(language: str | None) -> Markup:
    """` lang="da"` for an element holding text in a language of its own (what users wrote), or nothing when that
    language is unknown (WCAG 3.1.2, language of parts)."""
    return Markup(' lang="{}"').format(language) if language else Markup()


def country_name(code: str) -> str:
    return country_names(str(get_locale())).get(code, code)


def url_with_args(endpoint: str, **changes) -> str:
    """`endpoint`'s URL keeping the current query string (a search, its filters), with `changes` applied.
    Names that url_for reserves (endpoint, _external, _method…) are never taken from the visitor's query."""
    args = {key: value for key, value in request.args.items() if key != "endpoint" and not key.startswith("_")}
    return url_for(endpoint, **{**args, **(request.view_args or {}), **changes})


def register_templating(app: Flask) -> None:
    app.add_template_filter(datetime_filter, "datetime")
    app.add_template_filter(date_filter, "date")
    app.add_template_filter(money_filter, "money")
    app.add_template_filter(number_filter, "number")
    app.add_template_global(country_name)
    app.add_template_global(lang_attribute)
    app.add_template_filter(language_name, "language_name")
    app.add_template_global(url_with_args)
    app.add_template_filter(render_markdown, "markdown")

    @app.context_processor
    def language_context():
        return {
            "languages": current_app.config["LANGUAGES"],
            "current_locale": str(get_locale()),
            "content_language": content_language(),
            "current_timezone": str(get_timezone()),
            "current_path": request.full_path.rstrip("?") if request else "/",
        }

"""Countries (ISO 3166-1 alpha-2) and NUTS region codes, as the EU's statistical regions use them."""
import re
from functools import cache

from babel import Locale
from flask_babel import gettext as _

# Codes in CLDR's territory list that are not ISO 3166-1 countries.
_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}

# NUTS covers the EU Member States, the EFTA countries and the candidate countries (Eurostat).
# NUTS writes Greece as EL; every other code equals the ISO alpha-2 code.
NUTS_COUNTRIES = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "GR", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    "IS", "LI", "NO", "CH",
    "AL", "ME", "MK", "RS", "TR",
}
_NUTS_PREFIX_EXCEPTIONS = {"GR": "EL"}
# Country prefix, then one character per level (digits, then capitals past nine units); Z = extra-regio.
NUTS_PATTERN = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")


@cache
def country_names(locale: str = "en") -> dict[str, str]:
    territories = Locale.parse(locale).territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


def is_country(code: str) -> bool:
    return code in country_names("en")


def country_choices(locale: str) -> list[tuple[str, str]]:
    names = country_names(locale)
    return sorted(names.items(), key=lambda item: item[1])


def nuts_prefix(country: str) -> str:
    return _NUTS_PREFIX_EXCEPTIONS.get(country, country)


def nuts_error(country: str, nuts_code: str) -> str | None:
    """Why `nuts_code` cannot be the region of an organisation in `country`, or None when it can."""
    if country not in NUTS_COUNTRIES:
        if nuts_code:
            return _("NUTS codes exist only for EU, EFTA and candidate countries: leave the region empty.")
        return None
    if not nuts_code:
        return _("Enter the NUTS code of your region (e.g. DK03 or DK031).")
    if not NUTS_PATTERN.match(nuts_code):
        return _("A NUTS code is the two-letter country code followed by up to three letters or digits (e.g. DK031).")
    if not nuts_code.startswith(nuts_prefix(country)):
        return _("A NUTS code in this country starts with %(prefix)s.", prefix=nuts_prefix(country))
    return None

"""Need, not solution: find trade marks, brands, patents and named products in a challenge's text.

Dir. 2014/24/EU Art 42(4): technical specifications shall not refer to a specific make or source, a
particular process, trade marks, patents, types or a specific origin or production, unless justified by
the subject-matter and accompanied by the words "or equivalent". This is a starting list plus patterns
for product-like tokens; it warns, it does not decide.
"""
import re

WELL_KNOWN = {
    "Apple", "iPad", "iPhone", "Mac", "MacBook", "Microsoft", "Windows", "Excel", "PowerPoint", "Outlook",
    "Teams", "SharePoint", "Google", "Android", "Chromebook", "Samsung", "Galaxy", "Philips", "Siemens",
    "Bosch", "Oracle", "SAP", "Cisco", "Intel", "Lenovo", "ThinkPad", "Dell", "HP", "Kinect", "Alexa",
    "Amazon", "Zoom", "Slack", "Tesla", "Velcro", "Lego", "LEGO", "Post-it", "Kleenex", "Xbox", "PlayStation",
    "Fitbit", "Garmin", "Nintendo", "Sony", "Panasonic", "Medtronic", "Dräger", "Arjo", "Invacare",
    "Epic", "Cerner", "Salesforce", "Bluetooth", "Wi-Fi", "Zigbee", "Raspberry Pi", "Arduino", "Tobii",
}
_WELL_KNOWN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, WELL_KNOWN), key=len, reverse=True)) + r")s?\b")
# InnerCaps product names (ThinkPad, PowerPoint), model numbers (X200, S21, GT-9000), marks, patent numbers.
_CAMEL = re.compile(r"\b[A-Z][a-z]+[A-Z][A-Za-z]*\b")
_MODEL = re.compile(r"\b(?=[A-Z0-9-]*[A-Z])(?=[A-Z0-9-]*\d)[A-Z][A-Z0-9-]{2,}\b")
_MARK = re.compile(r"(\b[\w-]+)\s*[®™©]")
_PATENT = re.compile(r"\b(?:EP|US|WO|DK|DE)\s?\d{6,}\b")
# Not products: units, pollutants, the pandemic, NUTS region codes (two letters and digits).
_NOT_PRODUCTS = re.compile(r"^(?:CO2|NO2|PM\d+|COVID-19|SARS-COV-2|[A-Z]{2}\d{1,3}|[A-Z]{2}Z{1,3})$")
_OR_EQUIVALENT = re.compile(r"^\W{0,3}(?:\S+\s+){0,3}or equivalent", re.IGNORECASE)


def mentions(text: str) -> list[str]:
    """Names in `text` that look like a make, brand, trade mark, patent or product, without 'or equivalent'."""
    found: dict[str, None] = {}
    for pattern in (_WELL_KNOWN, _CAMEL, _MODEL, _MARK, _PATENT):
        for match in pattern.finditer(text or ""):
            name = match.group(1) if pattern.groups else match.group(0)
            if _NOT_PRODUCTS.match(name):
                continue
            if not _OR_EQUIVALENT.match(text[match.end():]):
                found.setdefault(name, None)
    return list(found)

"""Translatable names for the matching domain's levels and scales."""
from flask_babel import lazy_gettext as _l

from ppi.matching.scoring import CpvLevel, RegionLevel

CPV_LEVEL_LABELS = {
    CpvLevel.SAME: _l("the same code"),
    CpvLevel.CLASS: _l("the same class"),
    CpvLevel.GROUP: _l("the same group"),
    CpvLevel.DIVISION: _l("the same division"),
}
REGION_LABELS = {
    RegionLevel.REGION: _l("based in the region"),
    RegionLevel.LARGER_REGION: _l("based in the wider region (NUTS 1)"),
    RegionLevel.COUNTRY: _l("based in the same country"),
    RegionLevel.MARKET: _l("wants to enter this market"),
}
# Technology readiness levels as the EU's Horizon programmes define them.
TRL_LABELS = {
    1: _l("TRL 1 – basic principles observed"),
    2: _l("TRL 2 – technology concept formulated"),
    3: _l("TRL 3 – experimental proof of concept"),
    4: _l("TRL 4 – technology validated in the lab"),
    5: _l("TRL 5 – technology validated in a relevant environment"),
    6: _l("TRL 6 – technology demonstrated in a relevant environment"),
    7: _l("TRL 7 – system prototype demonstrated in an operational environment"),
    8: _l("TRL 8 – system complete and qualified"),
    9: _l("TRL 9 – actual system proven in an operational environment"),
}

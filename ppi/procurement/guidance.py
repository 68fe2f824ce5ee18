"""The guidance panel: which routes fit a piloted innovation, from the reference's facts. Information, not
legal advice; each note names its article."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ppi.procurement import directive


@dataclass(frozen=True)
class Note:
    title: object
    text: object
    article: str


def notes(above_threshold: bool | None, piloted: bool, cpv_codes: list[str], has_prior_participants: bool) -> list[Note]:
    """The notes that apply to a case with these facts."""
    result = []
    if above_threshold is False:
        result.append(Note(_l("Below the EU threshold"), _l(
            "The directive's procedures do not apply; national rules and the Treaty principles (equal treatment, "
            "transparency) do. The pilot company may still only win in a fair competition."), "Art 4"))
    if above_threshold is None:
        result.append(Note(_l("Threshold unknown for this date"), _l(
            "No threshold figures are on record for the date of the notice: check the delegated regulation in force."), "Art 4, Art 6"))
    result.append(Note(_l("Innovation partnership"), _l(
        "Fits when the need cannot be met by what is already on the market and you want the development and the "
        "later purchase in one procedure: phases with intermediate targets, remuneration in instalments, award "
        "only on the best price-quality ratio, at least 3 candidates invited where enough qualify."), "Art 31, Art 65(2)"))
    result.append(Note(_l("Competitive dialogue or competitive procedure with negotiation"), _l(
        "Fits when ready solutions must be adapted, the purchase includes design or innovative solutions, or the "
        "specifications cannot be set precisely: record the Art 26(4) ground."), "Art 26(4), Arts 29–30"))
    result.append(Note(_l("Open or restricted procedure"), _l(
        "Always available. When the pilot showed that a solution exists and it can be specified precisely, buy it "
        "in an open or restricted procedure, describing the need, not the piloted product."), "Arts 26(2), 27–28, 42(4)"))
    if any(directive.is_covered_rnd_cpv(code) for code in cpv_codes) or piloted:
        result.append(Note(_l("Pre-commercial procurement"), _l(
            "When more research and development is needed before buying, R&D services whose benefits do not accrue "
            "exclusively to the authority (or that it does not wholly pay) are outside the directive; competitive "
            "development in phases; no commercial volumes, which need a procedure of their own later."), "Art 14, COM(2007) 799"))
    result.append(Note(_l("Negotiated procedure without prior publication"), _l(
        "Only on the exhaustive Art 32 grounds, documented. Having piloted a prototype does not make its company the "
        "only possible supplier: exclusive rights or technical reasons count only where no reasonable alternative "
        "exists and the competition is not artificially narrowed."), "Art 32(2)(b)"))
    if has_prior_participants:
        result.append(Note(_l("The pilot company may tender"), _l(
            "Share with all candidates the relevant information from the pilot and fix adequate time limits; exclude it "
            "only if equal treatment cannot be ensured otherwise, after hearing it; document the measures in the Art 84 "
            "report."), "Art 41"))
    return result

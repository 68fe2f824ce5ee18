"""Checks that keep the interface translatable, used by tests/test_translations.py.

- `unmarked_template_text`: text in a template that users read but that is not wrapped in `_()`.
- `catalogue_problems`: what a language's .po file lacks compared with the messages extracted from the code.
"""
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parent.parent
# The keywords of `make messages` (`pybabel extract -k _l -k lazy_gettext`): lazy strings for forms and labels.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

# Stands for a `{{ … }}` in the text the HTML parser reads: not a letter, so it is never taken for text.
EXPRESSION = "\ue000"
# Stands for a `{{ x.value }}`: an enum's code (or a number not formatted for the locale) shown as it is stored.
RAW_VALUE = "\ue001"
# Filters that leave a value as it is stored (`|number`, `|date` … write it the locale's way).
UNFORMATTING_FILTERS = {"capitalize", "title", "lower", "upper", "replace", "string", "trim", "e", "escape"}
WORD = re.compile(r"[^\W\d_]+")
# Attributes whose value people read (tooltips, screen readers, empty-field hints, alternative text).
READABLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-roledescription", "aria-valuetext"}
# An <input> of these types shows its value as its caption; a <button>'s value is only sent, its content is shown.
BUTTON_INPUTS = {"submit", "button", "reset"}
TRANSLATING_FUNCTIONS = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
# Macro parameters that end up as text on the page (`submit(label)`, `button_form(action, label)`, …).
READABLE_PARAMETERS = {"label", "title", "caption", "heading", "text", "message", "placeholder", "alt"}
# Words that are the same in every language, so not marked; a text is unmarked when it has any other word.
ALLOWED_WORDS = {
    "PPI",  # the platform's name
    "CPV", "TRL",  # the EU's procurement vocabulary and the technology readiness levels, as used in every language
    "UTC", "kB", "SHA",  # the time standard, an SI unit, an algorithm's name (SHA-256)
    "Art",  # citations of the directive's articles stay as cited, as in ppi/procurement/directive.py
    "CSV", "csv", "XLSX", "JSON", "Excel",  # file formats, extensions, a product name
}
# Whole texts allowed in one template, with the reason.
ALLOWED_TEXTS = {
    ("accounts/audit.html", "organisation."): "an example of an audit action code; codes are English everywhere",
}
# Elements whose content is code or data, never prose.
CODE_ELEMENTS = {"code", "pre", "kbd", "samp", "script", "style"}


@dataclass(frozen=True)
class Finding:
    template: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.text!r}"


def unmarked_template_text(env: Environment, names: list[str] | None = None) -> list[Finding]:
    """User-facing text in the templates `names` (default: all) that is not marked for translation: text between the
    tags (outside `{{ }}` and `{% %}`, comments, entities and code elements stripped), human-readable attributes,
    string constants written out by `{{ }}`, text given to a macro's label-like parameter, and enum codes shown
    as they are stored."""
    macros = _macro_parameters(env)
    findings = []
    for name in env.list_templates() if names is None else names:
        tree = env.parse(env.loader.get_source(env, name)[0], name)
        scanner = _HtmlTextScanner(name, _template_pieces(tree))
        scanner.scan()
        findings += scanner.findings + _call_findings(name, tree, macros)
    return findings


def needs_translation(template: str, text: str) -> bool:
    allowed = (template, text) in ALLOWED_TEXTS
    return not allowed and any(word not in ALLOWED_WORDS for word in WORD.findall(text))


def _template_pieces(node: nodes.Node):
    """(line, text) of the template in document order: its text, and for each `{{ … }}` the string constants it
    may write out followed by EXPRESSION (so that a constant is judged where it lands: in text, or in a class)."""
    if isinstance(node, nodes.Output):
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                yield child.lineno, child.data
            elif shows_raw_value(child):
                yield child.lineno, " " + RAW_VALUE
            else:  # the space keeps `<h1{{ … }}>` a tag named h1 for the HTML parser
                yield child.lineno, " " + " ".join(const.value for const in _written_constants(child)) + EXPRESSION
        return
    for child in node.iter_child_nodes():
        yield from _template_pieces(child)


class _HtmlTextScanner(HTMLParser):
    def __init__(self, name: str, pieces):
        super().__init__(convert_charrefs=False)  # entities are handed over apart, and dropped
        self.name = name
        self.pieces = list(pieces)
        self.findings: list[Finding] = []
        self.open_code_elements = 0
        self.line_starts: list[tuple[int, int]] = []  # (line in the joined text, line in the template)

    def scan(self) -> None:
        joined_line = 1
        for template_line, text in self.pieces:
            self.line_starts.append((joined_line, template_line))
            joined_line += text.count("\n")
        self.feed("".join(text for _, text in self.pieces))
        self.close()

    def template_line(self) -> int:
        """The template line of the parser's position (pieces that span several lines are counted from their
        first line)."""
        joined_line = self.getpos()[0]
        start, template_line = max((s for s in self.line_starts if s[0] <= joined_line), default=(1, 1))
        return template_line + joined_line - start

    def report(self, text: str) -> None:
        readable = " ".join(text.replace(EXPRESSION, " … ").split())
        if needs_translation(self.name, readable):
            self.findings.append(Finding(self.name, self.template_line(), readable))

    def handle_data(self, data: str) -> None:
        if self.open_code_elements:
            return
        if RAW_VALUE in data:
            self.findings.append(Finding(self.name, self.template_line(), "a `.value` shown as it is stored: "
                                         "show the enum's label, or the number through |number"))
        self.report(data.replace(RAW_VALUE, EXPRESSION))

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in CODE_ELEMENTS:
            self.open_code_elements += 1
        values = dict(attrs)
        for attribute, value in attrs:
            value = value.replace(RAW_VALUE, EXPRESSION) if value else value  # a class, a form value: fine
            if value and (attribute in READABLE_ATTRIBUTES or self.is_button_caption(tag, attribute, values)):
                self.report(value)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_ELEMENTS and self.open_code_elements:
            self.open_code_elements -= 1

    @staticmethod
    def is_button_caption(tag: str, attribute: str, values: dict) -> bool:
        return attribute == "value" and tag == "input" and values.get("type") in BUTTON_INPUTS


def shows_raw_value(node: nodes.Node) -> bool:
    """`{{ x.value }}`, or `{{ x.value|capitalize }}`: a stored value written out as it is."""
    while isinstance(node, nodes.Filter) and node.name in UNFORMATTING_FILTERS:
        node = node.node
    return isinstance(node, nodes.Getattr) and node.attr == "value"


def _macro_parameters(env: Environment) -> dict[str, list[str]]:
    """Every macro of every template with its parameter names (the macros are called across templates)."""
    parameters = {}
    for name in env.list_templates():
        tree = env.parse(env.loader.get_source(env, name)[0], name)
        for macro in tree.find_all(nodes.Macro):
            parameters[macro.name] = [argument.name for argument in macro.args]
    return parameters


def _call_findings(name: str, tree: nodes.Template, macros: dict[str, list[str]]) -> list[Finding]:
    """Text given to a macro's label-like parameter, and stored values put into a translated sentence."""
    findings = []
    for call in tree.find_all(nodes.Call):
        findings += [Finding(name, const.lineno, const.value) for const in _readable_arguments(call, macros)
                     if needs_translation(name, const.value)]
        if isinstance(call.node, nodes.Name) and call.node.name in TRANSLATING_FUNCTIONS:
            findings += [Finding(name, keyword.lineno, f"{keyword.key}=….value in a translated sentence")
                         for keyword in call.kwargs if shows_raw_value(keyword.value)]
    return findings


def _written_constants(node: nodes.Node):
    """String constants that `{{ … }}` writes out as they are: `{{ "Yes" }}`, `{{ a or "none" }}`,
    `{{ x if y else "–" }}`."""
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        yield node
    elif isinstance(node, nodes.CondExpr):
        yield from _written_constants(node.expr1)
        if node.expr2 is not None:
            yield from _written_constants(node.expr2)
    elif isinstance(node, (nodes.Or, nodes.And)):
        yield from _written_constants(node.left)
        yield from _written_constants(node.right)
    elif isinstance(node, nodes.Concat):
        for part in node.nodes:
            yield from _written_constants(part)


def _readable_arguments(call: nodes.Call, macros: dict[str, list[str]]):
    """String constants given to a macro's label-like parameter, by position or by name."""
    if not isinstance(call.node, nodes.Name) or call.node.name not in macros:
        return
    parameters = macros[call.node.name]
    named = [(parameters[index], argument) for index, argument in enumerate(call.args) if index < len(parameters)]
    named += [(keyword.key, keyword.value) for keyword in call.kwargs]
    for parameter, argument in named:
        if parameter in READABLE_PARAMETERS:
            yield from _written_constants(argument)


def extract_messages(root: Path = ROOT) -> Catalog:
    """The messages `make messages` extracts (same mapping file and keywords), without writing a file."""
    with open(root / "babel.cfg") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping, "babel.cfg")
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        root, method_map, options_map, keywords=KEYWORDS, directory_filter=_source_directory,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _source_directory(path: str) -> bool:
    """Leave out hidden folders and installed packages (and no more: Babel's default also leaves out folders whose
    name starts with "_", such as templates/_macros, hence `--ignore-dirs` in `make messages`)."""
    name = Path(path).name
    return not name.startswith(".") and name not in ("node_modules", "__pycache__")


def catalogue_problems(expected: Catalog, po_file: Path) -> list[str]:
    """Each expected message that `po_file` does not translate, marks fuzzy, or translates with other
    placeholders (`%(name)s`, `%d`: the code fills them in; a missing or misspelt one breaks the page)."""
    with open(po_file, "rb") as handle:
        catalogue = read_po(handle)
    problems = []
    for message in expected:
        if not message.id:
            continue
        problem = _message_problem(message, catalogue.get(message.id, context=message.context))
        if problem:
            problems.append(f"{problem}: {message.id!r}")
    return problems


def _message_problem(expected: Message, found: Message | None) -> str | None:
    if found is None:
        return "missing"
    if found.fuzzy:
        return "fuzzy"
    ids = expected.id if isinstance(expected.id, tuple) else (expected.id,)
    translations = found.string if isinstance(found.string, tuple) else (found.string,)
    if not all(translations):
        return "not translated"
    for index, translation in enumerate(translations):
        original = ids[min(index, len(ids) - 1)]  # singular for the first form, plural for the others
        if placeholders(translation) != placeholders(original):
            return f"placeholders {sorted(placeholders(translation).elements())} instead of " \
                   f"{sorted(placeholders(original).elements())}"
    return None


def placeholders(text: str) -> Counter:
    """The Python-format placeholders of `text`, and any stray `%` (it breaks formatting) counted as one."""
    found = Counter(match.group(0) for match in PYTHON_FORMAT.finditer(text) if match.group(0) != "%%")
    stray = PYTHON_FORMAT.sub("", text).count("%")
    if stray:
        found["%"] += stray
    return found


def write_catalogue(directory: Path, language: str, translations: dict, fuzzy: frozenset = frozenset(),
                    compile_it: bool = True) -> Path:
    """A catalogue of `language` under `directory` (a translations directory): the .po file, and the compiled .mo
    unless `compile_it` is false. `translations` maps msgids to translations, (singular, plural) to a tuple of
    forms. Returns the .po file's path."""
    catalogue = Catalog(locale=language)
    for message_id, translation in translations.items():
        catalogue.add(message_id, translation, flags={"fuzzy"} if message_id in fuzzy else ())
    folder = directory / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "messages.po", "wb") as po_file:
        write_po(po_file, catalogue)
    if compile_it:
        with open(folder / "messages.mo", "wb") as mo_file:
            write_mo(mo_file, catalogue)
    return folder / "messages.po"

"""axe-core in the browser tests: the WCAG 2.1 level A and AA rules run on the page as it is, and its violations written
out so that a failure says where (page, role, width), which rule and which elements.

axe-core comes from npm (package.json's devDependencies, installed by `make install`), never from a CDN. The
Content-Security-Policy forbids injected inline scripts, so the source goes in through Playwright, which the CSP does
not govern: `BrowserContext.add_init_script` before each page's own scripts, or `Page.evaluate` on a page open already.
"""
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_RUN = "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"


def axe_script() -> Path:
    """The path of axe-core's script; fails the test (never skips it) when it is not installed."""
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"axe-core is not installed ({AXE_SCRIPT} is missing): run `make install`, whose `npm ci` "
                    "installs it from package.json", pytrace=False)
    return AXE_SCRIPT


def load_axe_on_every_page(context: BrowserContext) -> None:
    context.add_init_script(path=axe_script())


def violations(page: Page) -> list[dict]:
    """axe's violations of the WCAG 2.1 A and AA rules on the page now (axe is loaded first if the page lacks it)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_script().read_text(encoding="utf-8"))
    return page.evaluate(_RUN, WCAG_21_AA)["violations"]


def describe(where: str, found: list[dict], nodes_shown: int = 5) -> str:
    """One violation a paragraph: where, the rule, its impact and help, then the first elements with axe's summary."""
    lines = []
    for violation in found:
        lines.append(f"{where}: {violation['id']} ({violation['impact']}): {violation['help']} — "
                     f"{violation['helpUrl']}")
        for node in violation["nodes"][:nodes_shown]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' > '.join(map(str, node['target']))}: {summary}")
        if len(violation["nodes"]) > nodes_shown:
            lines.append(f"    … and {len(violation['nodes']) - nodes_shown} more elements")
    return "\n".join(lines)

"""What the browser tests check on any page: messages, accessibility, fit, focus, errors,
the values the browser keeps, valid HTML."""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Locator, Page, Response, expect
from playwright.sync_api import Error as PlaywrightError

from ..helpers import running_in_ci

# WCAG 2.2 levels A and AA, as axe-core tags its rules (2.2 adds AA rules only).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
# axe-core as bundled by axe-playwright-python.
AXE_SCRIPT = Axe().axe_script
# Run axe in the page and send back only the violations, one line per element: its full
# results (what `Axe().run()` returns) are far bigger and slow to carry over on every page.
AXE_RUN_JS = """async options => {
  const results = await axe.run(document, options);
  return results.violations.flatMap(v => v.nodes.map(node =>
    `${v.id} (${v.impact}): ${v.help} — ${node.target.join(" ")}: ${node.failureSummary}`
      .replace(/\\s+/g, " ")));
}"""
UNREACHABLE_CONTROLS_JS = (Path(__file__).parent / "unreachable_controls.js").read_text()


def follow(locator: Locator) -> None:
    """Click a link or button that loads a new page, and wait until that page has loaded.

    Checks made right after then pass at their first try instead of polling the old page.
    """
    with locator.page.expect_navigation():
        locator.click()


def follow_key(page: Page, key: str) -> None:
    """Press a key that loads a new page (Enter on a link, Space on a button) and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def said(page: Page, text: str) -> None:
    """The page confirms the action with a message."""
    expect(page.get_by_role("status")).to_contain_text(text)


def with_axe(context: BrowserContext) -> BrowserContext:
    """Have axe-core loaded into every page of the context, ready to run."""
    context.add_init_script(AXE_SCRIPT)
    return context


def accessibility_violations(page: Page) -> list[str]:
    """Run axe-core on the page; return one line per element breaking a WCAG 2.2 A/AA rule."""
    if not page.evaluate("() => 'axe' in window"):
        page.evaluate(AXE_SCRIPT)
    return [f"{page.url} {line}" for line in page.evaluate(AXE_RUN_JS, AXE_OPTIONS)]


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def unreachable_controls(page: Page) -> list[str]:
    """The buttons, links and fields in <main> that a person cannot see within the width.

    A control counts as reachable when it is rendered, has a size, lies within the window's
    width (so scrolling down, never sideways, brings it into view), and nothing covers its
    centre once scrolled there. Also listed: boxes other than a table's `.table-responsive`
    that scroll sideways, hiding part of their text.
    """
    return page.evaluate(UNREACHABLE_CONTROLS_JS)


def ratings_without_stars(page: Page) -> list[str]:
    """The ratings on the page written as bare figures ("4.5 / 5"), and the star ratings
    that lack their stars or the words a screen reader says ("4.5 out of 5")."""
    return page.evaluate(
        r"""() => {
          const main = document.querySelector('main');
          const text = main ? main.innerText : '';
          const bare = [...text.matchAll(/\b\d(?:\.\d)? ?\/ ?5\b/g)]
            .map(m => `a rating as bare figures: "${m[0]}"`);
          const stars = [...document.querySelectorAll('.rating:not(.rating-none)')].flatMap(r =>
            r.querySelectorAll('.rating-stars .bi').length === 5
              && / out of 5/.test(r.querySelector('.visually-hidden')?.textContent || '')
              ? [] : [`a rating without five stars and words: "${r.textContent.trim()}"`]);
          return [...bare, ...stars];
        }"""
    )


def focus_ring(page: Page) -> str | None:
    """Describe the focused element's focus ring, or None if it draws no visible one.

    Visible means an outline at least 2px wide, or an opaque box-shadow ring at least 2px
    wide: Bootstrap's own ring (blue at 25% opacity) is too faint to count.
    """
    return page.evaluate(
        r"""() => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const style = getComputedStyle(el);
          const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
            && !style.outlineColor.endsWith(', 0)');
          const ring = /rgb\(\d+, \d+, \d+\) 0px 0px 0px ([2-9]|\d\d)/.test(style.boxShadow);
          if (!outline && !ring) return null;
          return `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}`
            + `; ${style.boxShadow}`;
        }"""
    )


def unexplained_errors(page: Page) -> list[str]:
    """The fields marked invalid whose error message is not tied to them by aria-describedby.

    A radio or checkbox group may carry the reference on its fieldset.
    """
    return page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid="true"]')].flatMap(field => {
          const holder = field.closest('fieldset[aria-describedby]') || field;
          const ids = (holder.getAttribute('aria-describedby') || '').split(/\\s+/);
          const described = ids.some(id => {
            const el = id && document.getElementById(id);
            return el && el.classList.contains('invalid-feedback') && el.innerText.trim();
          });
          return described ? [] : [`${field.name}: its error is not tied to it`];
        })"""
    )


# --- Every page a browser test visits, as the server sent it ---
# tests/e2e/conftest.py keeps the HTML of each page any test loads, checks at the end of the
# test that the browser kept every field's value, and at the end of the browser tests runs
# the Nu HTML checker over all of them in one go.

ROOT = Path(__file__).resolve().parents[2]
# Installed by `make setup` (the version is pinned in the Makefile).
VNU_JAR = ROOT / ".venv" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_INSTALL = (
    "run `make setup` (it installs vnu-jar from npm into .venv/vnu; it needs npm and Java 17+)"
)

# A browser silently empties a date, number, email... input whose value it cannot parse
# (`20/12/2026` in a date input): the form then posts nothing for it.
DROPPED_VALUES_JS = """() => [...document.querySelectorAll('input[value]')]
  .filter(input => input.value !== input.getAttribute('value'))
  .map(input => `the ${input.type} input "${input.name}" was sent value="`
    + `${input.getAttribute('value')}", which the browser turned into "${input.value}"`)"""


@dataclass
class VisitedPages:
    """The HTML of every page the browser tests loaded, once per distinct page."""

    html: dict[str, tuple[str, str]] = field(default_factory=dict)  # digest -> (url, html)
    unchecked: list[tuple[str, str]] = field(default_factory=list)

    def add(self, url: str, html: str) -> None:
        digest = sha256(html.encode()).hexdigest()
        if digest not in self.html:
            self.html[digest] = (url, html)
            self.unchecked.append((url, html))

    def take_unchecked(self) -> list[tuple[str, str]]:
        taken, self.unchecked = self.unchecked, []
        return taken


def keep_documents(context: BrowserContext, pages: VisitedPages) -> None:
    """Keep the HTML of every page loaded in the context (not redirects, not assets)."""

    def on_response(response: Response) -> None:
        if response.request.resource_type != "document" or response.status in range(300, 400):
            return
        if "text/html" not in (response.headers.get("content-type") or ""):
            return
        try:
            pages.add(response.url, response.text())
        except PlaywrightError:
            pass  # the test closed the page before its body was read: nothing left to check

    context.on("response", on_response)


def dropped_values(checker: Page, html: str) -> list[str]:
    """The input values in `html` that a browser drops or rewrites.

    `checker` is a page with JavaScript off: the HTML is parsed, nothing on it runs.
    """
    checker.set_content(html, wait_until="domcontentloaded")
    return checker.evaluate(DROPPED_VALUES_JS)


def nu_checker_java() -> str:
    """The java to run the Nu HTML checker with; skip (fail under CI) if it is not installed."""
    java = shutil.which("java")
    if not java or not VNU_JAR.exists():
        message = f"The Nu HTML checker did not run: to install it, {VNU_INSTALL}."
        if running_in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return java


# The Django admin's markup is Django's own (its password widget, its selects), not our
# templates; the accessibility walk leaves it out for the same reason.
NOT_VALIDATED = ("/admin/",)


def nu_html_errors(pages: list[tuple[str, str]], java: str) -> list[str]:
    """Validate every page with the Nu HTML checker in one Java process; one line per error."""
    pages = [(url, html) for url, html in pages if not urlsplit(url).path.startswith(NOT_VALIDATED)]
    if not pages:
        return []
    with tempfile.TemporaryDirectory(prefix="tasker-html-") as folder:
        urls = {}
        for number, (url, html) in enumerate(pages):
            path = Path(folder) / f"page-{number}.html"
            path.write_text(html, encoding="utf-8")
            urls[path.name] = url
        command = [java, "-jar", str(VNU_JAR), "--errors-only", "--exit-zero-always"]
        result = subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [*command, "--format", "json", "--stdout", *sorted(Path(folder).iterdir())],
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
    errors = []
    for message in json.loads(result.stdout)["messages"]:
        url = urls.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url"))
        where = f"line {message['lastLine']}" if "lastLine" in message else "page"
        extract = " ".join((message.get("extract") or "").split())
        errors.append(f"{url} ({where}): {message['message']} — {extract}")
    return errors

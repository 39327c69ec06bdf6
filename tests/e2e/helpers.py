"""What the browser tests check on any page: messages, accessibility, fit, focus, errors."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Locator, Page, expect

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

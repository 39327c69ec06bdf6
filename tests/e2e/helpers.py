"""What the browser tests check on any page: messages, accessibility, fit, focus."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

# WCAG 2.2 levels A and AA, as axe-core tags its rules (2.2 adds AA rules only).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
_axe = Axe()
UNREACHABLE_CONTROLS_JS = (Path(__file__).parent / "unreachable_controls.js").read_text()


def said(page: Page, text: str) -> None:
    """The page confirms the action with a message."""
    expect(page.get_by_role("status")).to_contain_text(text)


def accessibility_violations(page: Page) -> list[str]:
    """Run axe-core on the page; return one line per element breaking a WCAG 2.2 A/AA rule."""
    results = _axe.run(page, options=AXE_OPTIONS).response
    return [
        f"{page.url} {violation['id']} ({violation['impact']}): {violation['help']} — "
        f"{', '.join(map(str, node['target']))}: {node.get('failureSummary', '')}".replace(
            "\n", " "
        )
        for violation in results["violations"]
        for node in violation["nodes"]
    ]


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

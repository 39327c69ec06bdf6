"""Browser tests: Playwright drives Chromium against pytest-django's live server.

pytest-playwright provides the fixtures (a session-wide `playwright` and `browser`, a fresh
`context` and `page` per test); this file points them at the system Chromium. Tests take
`page` (or make contexts with `new_context`) and `live_server`, and are marked `e2e`, with
transactional database access because the live server runs in another thread and must see
what the test writes.

Every context made here fails its test if a page breaks the Content-Security-Policy or throws
a JavaScript error: the site must run with no inline script or style. It also keeps the HTML
of every page it loads: the test fails if the browser dropped a field's value it was sent
(a date input given `20/12/2026` shows empty and posts nothing), and once all the browser
tests have run, the Nu HTML checker validates every page they saw, in one Java process.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, ConsoleMessage, Page

from ..helpers import force_login, running_in_ci
from .helpers import (
    VisitedPages,
    dropped_values,
    keep_documents,
    nu_checker_java,
    nu_html_errors,
)

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 720}  # pytest-playwright's default window

# Playwright's sync API runs an event loop in the test thread from the moment it starts, so
# Django would refuse the ORM calls made between browser steps (and by the database fixtures).
# Nothing here is really async.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch the system Chromium; never a browser Playwright downloads."""
    if not CHROMIUM.exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(or set CHROMIUM_PATH)."
        )
        if running_in_ci():
            pytest.fail(message, pytrace=False)  # CI must run the browser tests, never skip
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Let tests write `page.goto("/")`: relative URLs go to the live server."""
    return live_server.url


@pytest.fixture
def browser_problems() -> list[str]:
    """What the pages of this test broke: CSP violations and uncaught JavaScript errors."""
    return []


@pytest.fixture(scope="package")
def visited_pages() -> Iterator[VisitedPages]:
    """The pages every browser test loaded; at the end, the Nu HTML checker reads them all."""
    pages = VisitedPages()
    yield pages
    if not pages.html:
        return
    if errors := nu_html_errors(list(pages.html.values()), nu_checker_java()):
        pytest.fail(
            f"The Nu HTML checker found {len(errors)} errors in the pages the browser tests "
            "visited:\n" + "\n".join(errors),
            pytrace=False,
        )


@pytest.fixture
def new_context(
    new_context, browser, browser_problems: list[str], visited_pages: VisitedPages
) -> Callable[..., BrowserContext]:
    """Make a context like pytest-playwright does, watching its pages for broken rules.

    `new_context(java_script_enabled=False)` gives a browser with JavaScript off. The test
    fails at teardown if any page logged a Content-Security-Policy violation or threw, or
    was sent an input value that the browser dropped.
    """

    def make(**kwargs) -> BrowserContext:
        context = new_context(**kwargs)

        def on_console(message: ConsoleMessage) -> None:
            if "Content Security Policy" in message.text:
                where = message.page.url if message.page else message.location.get("url")
                browser_problems.append(f"{where}: {message.text}")

        context.on("console", on_console)
        context.on("weberror", lambda error: browser_problems.append(str(error.error)))
        keep_documents(context, visited_pages)
        return context

    yield make
    if unchecked := visited_pages.take_unchecked():
        checker = browser.new_context(java_script_enabled=False)
        page = checker.new_page()
        for url, html in unchecked:
            browser_problems += [f"{url}: {problem}" for problem in dropped_values(page, html)]
        checker.close()
    if browser_problems:
        pytest.fail("The pages broke the rules:\n" + "\n".join(browser_problems), pytrace=False)


@pytest.fixture
def sign_in(base_url) -> Callable[[BrowserContext, object], BrowserContext]:
    """Sign a user in to a context without the log-in form (pages under test start there)."""

    def add_session(context: BrowserContext, user) -> BrowserContext:
        client = force_login(Client(), user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
        return context

    return add_session


@pytest.fixture
def screenshot(browser) -> Callable[..., list[Path]]:
    """Save screenshots to test-artifacts/screenshots/, the size of the window by default.

    `screenshot("name", page)` saves that page as name.png; `screenshot("name")` saves every
    page open in the browser: name.png if there is one, name-1.png, name-2.png... if several.
    `full_page=True` saves the whole page instead of what the window shows.
    """

    def take(name: str, page: Page | None = None, *, full_page: bool = False) -> list[Path]:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pages = [page] if page else [p for c in browser.contexts for p in c.pages]
        paths = [
            SCREENSHOTS / (f"{name}.png" if len(pages) == 1 else f"{name}-{number}.png")
            for number in range(1, len(pages) + 1)
        ]
        for shot, path in zip(pages, paths, strict=True):
            shot.screenshot(path=path, full_page=full_page)
        return paths

    return take

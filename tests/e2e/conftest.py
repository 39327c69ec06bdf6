"""Browser tests: Playwright drives Chromium against pytest-django's live server.

pytest-playwright provides the fixtures (a session-wide `playwright` and `browser`, a fresh
`context` and `page` per test); this file points them at the system Chromium. Tests take
`page` and `live_server`, and are marked `e2e`, with transactional database access because
the live server runs in another thread and must see what the test writes.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

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

# Playwright's sync API runs an event loop in the test thread from the moment it starts, so
# Django would refuse the ORM calls made between browser steps (and by the database fixtures).
# Nothing here is really async.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"true", "1", "yes"}


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
def screenshot(browser) -> Callable[..., list[Path]]:
    """Save full-page screenshots to test-artifacts/screenshots/.

    `screenshot("name", page)` saves that page as name.png; `screenshot("name")` saves every
    page open in the browser: name.png if there is one, name-1.png, name-2.png... if several.
    """

    def take(name: str, page=None) -> list[Path]:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pages = [page] if page else [p for c in browser.contexts for p in c.pages]
        paths = [
            SCREENSHOTS / (f"{name}.png" if len(pages) == 1 else f"{name}-{number}.png")
            for number in range(1, len(pages) + 1)
        ]
        for shot, path in zip(pages, paths, strict=True):
            shot.screenshot(path=path, full_page=True)
        return paths

    return take

"""Every page, for every persona, on a phone and on a desktop.

At 375 px and at 1280 px wide nothing scrolls sideways (with long titles, names, skills and
links in the data), axe-core finds no WCAG 2.2 A or AA violation (contrast included), and
every rating is stars with words, never bare figures. On the phone every control is also
rendered within the width and not covered. One walk does it all: a page is loaded once,
looked at on the phone, then widened.

The Django admin is left out of axe: it is Django's own, not our templates (test_csp.py
walks it for CSP violations).
"""

import pytest
from django.urls import reverse
from django.utils.text import slugify
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE
from .helpers import (
    accessibility_violations,
    follow,
    horizontal_overflow,
    ratings_without_stars,
    unreachable_controls,
    with_axe,
)
from .scene import PERSONAS, build_scene

# Saved to test-artifacts/screenshots/ as <persona>-<page>.png and phone-<persona>-<page>.png
# (the README's pictures come from here).
PICTURED = {
    "visitor": {"home", "browse"},
    "customer": {
        "task, as the owner with bids",
        "agreement, reviewed",
        "conversation",
        "dashboard",
    },
}
PICTURED_ON_PHONE = {
    "visitor": {"browse"},
    "customer": {"home", "task, as the owner with bids", "dashboard"},
}
WHOLE_PAGE = {"task, as the owner with bids"}  # the bids are below the window's fold
# Pages that must show a rating as stars (the walk checks every rating on every page).
RATED = {
    "visitor": {"task, as a visitor", "profile"},
    "customer": {"task, as the owner with bids", "agreement, reviewed", "tasker's profile"},
    "tasker": {"own profile", "agreement, reviewed"},
}
# Every other page must answer 200 (and, signed in, not as the log-in page).
STATUS = {"not found": 404, "invalid unsubscribe link": 400}

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_fits_a_phone_and_passes_axe(persona, new_context, sign_in, screenshot):
    scene = build_scene()
    role, pages = PERSONAS[persona]
    context = with_axe(new_context(viewport=PHONE, is_mobile=True, has_touch=True))
    if role:
        sign_in(context, getattr(scene, role))
    page = context.new_page()
    problems = []
    for name, url in pages(scene).items():
        page.set_viewport_size(PHONE)
        status = page.goto(url).status
        if status != STATUS.get(name, 200) or (role and "/accounts/login/" in page.url):
            problems.append(f"[{name}] {url}: {status} at {page.url}, not the page itself")
            continue
        if overflow := horizontal_overflow(page):
            problems.append(f"[{name}, phone] {url}: {overflow}px wider than the phone")
        problems += [f"[{name}, phone] {url}: {line}" for line in unreachable_controls(page)]
        problems += [f"[{name}, phone] {line}" for line in accessibility_violations(page)]
        problems += [f"[{name}] {url}: {line}" for line in ratings_without_stars(page)]
        if name in RATED.get(persona, ()) and not page.locator(".rating-stars").count():
            problems.append(f"[{name}] {url}: no star rating")
        if name in PICTURED_ON_PHONE.get(persona, ()):
            screenshot(f"phone-{persona}-{slugify(name)}", page)

        page.set_viewport_size(DESKTOP)
        if overflow := horizontal_overflow(page):
            problems.append(f"[{name}, desktop] {url}: {overflow}px wider than the window")
        problems += [f"[{name}, desktop] {line}" for line in accessibility_violations(page)]
        if name in PICTURED.get(persona, ()):
            screenshot(f"{persona}-{slugify(name)}", page, full_page=name in WHOLE_PAGE)
    assert not problems, "\n".join(problems)


def test_the_too_many_requests_page_passes_axe(page, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "0/h"}
    page.goto(reverse("accounts:signup"))
    follow(page.get_by_role("main").get_by_role("button", name="Create account"))
    expect(page.get_by_role("heading", name="You are going a little fast")).to_be_visible()
    assert not accessibility_violations(page)

"""axe-core finds no WCAG 2.2 A or AA violation on any page, for every persona.

The Django admin is left out: it is Django's own, not our templates.
"""

import pytest
from django.urls import reverse
from django.utils.text import slugify
from playwright.sync_api import expect

from .helpers import accessibility_violations, with_axe
from .scene import PERSONAS, build_scene

# Saved to test-artifacts/screenshots/ as <persona>-<page>.png (README pictures come from here)
PICTURED = {
    "visitor": {"home", "browse"},
    "customer": {"task, as the owner with bids", "agreement, reviewed", "inbox", "conversation"},
}

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_passes_axe(persona, new_context, sign_in, screenshot):
    scene = build_scene()
    role, pages = PERSONAS[persona]
    context = with_axe(new_context())
    if role:
        sign_in(context, getattr(scene, role))
    page = context.new_page()
    violations = []
    for name, url in pages(scene).items():
        page.goto(url)
        violations += [f"[{name}] {line}" for line in accessibility_violations(page)]
        if name in PICTURED.get(persona, ()):
            screenshot(f"{persona}-{slugify(name)}", page)
    assert not violations, "\n".join(violations)


def test_the_too_many_requests_page_passes_axe(page, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "0/h"}
    page.goto(reverse("accounts:signup"))
    page.get_by_role("main").get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="You are going a little fast")).to_be_visible()
    assert not accessibility_violations(page)

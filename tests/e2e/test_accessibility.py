"""axe-core finds no WCAG 2.2 A or AA violation on any page, for every persona.

The Django admin is left out: it is Django's own, not our templates.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .helpers import accessibility_violations
from .scene import PERSONAS, build_scene

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_passes_axe(persona, new_context, sign_in):
    scene = build_scene()
    role, pages = PERSONAS[persona]
    context = new_context()
    if role:
        sign_in(context, getattr(scene, role))
    page = context.new_page()
    violations = []
    for name, url in pages(scene).items():
        page.goto(url)
        violations += [f"[{name}] {line}" for line in accessibility_violations(page)]
    assert not violations, "\n".join(violations)


def test_the_too_many_requests_page_passes_axe(page, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "0/h"}
    page.goto(reverse("accounts:signup"))
    page.get_by_role("main").get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="You are going a little fast")).to_be_visible()
    assert not accessibility_violations(page)

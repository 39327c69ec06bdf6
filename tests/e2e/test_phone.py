"""On a 375×812 phone every page fits the width and every control can be reached."""

import pytest
from django.utils.text import slugify

from .conftest import PHONE
from .helpers import horizontal_overflow, unreachable_controls
from .scene import PERSONAS, build_scene

# Saved to test-artifacts/screenshots/ as phone-<persona>-<page>.png
PICTURED = {"customer": {"home", "task, as the owner with bids"}, "tasker": {"task, as a bidder"}}

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_fits_a_phone(persona, new_context, sign_in, screenshot):
    scene = build_scene()
    role, pages = PERSONAS[persona]
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    if role:
        sign_in(context, getattr(scene, role))
    page = context.new_page()
    problems = []
    for name, url in pages(scene).items():
        page.goto(url)
        if overflow := horizontal_overflow(page):
            problems.append(f"[{name}] {url}: {overflow}px wider than the phone")
        problems += [f"[{name}] {url}: {problem}" for problem in unreachable_controls(page)]
        if name in PICTURED.get(persona, ()):
            screenshot(f"phone-{persona}-{slugify(name)}", page)
    assert not problems, "\n".join(problems)

"""axe-core finds no WCAG 2.2 A or AA violation on any page, for every persona.

The Django admin is left out: it is Django's own, not our templates.
"""

import pytest

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

"""The Content-Security-Policy (default-src 'self') holds: no template has inline script or
style, and the Django admin runs without a violation too.

Every browser test fails on a CSP violation in the pages it opens (see conftest.py); the
site's own pages are walked by the accessibility and phone tests.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .scene import build_scene

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_no_page_template_has_inline_script_style_or_event_handler():
    pages = [p for p in TEMPLATES.rglob("*.html") if "emails" not in p.parts]  # mail, not pages
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group().strip()}"
        for path in sorted(pages)
        for match in INLINE.finditer(path.read_text())
    ]
    assert INLINE.search('<p style="color: red">') and INLINE.search("<script>x()</script>")
    assert not offenders


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_staff_work_in_the_admin_without_a_csp_violation(new_context, sign_in):
    scene = build_scene()
    page = sign_in(new_context(), scene.staff).new_page()
    for url in (
        reverse("admin:index"),
        reverse("admin:marketplace_task_changelist"),
        reverse("admin:marketplace_task_change", args=[scene.hidden_task.pk]),
        reverse("admin:marketplace_report_changelist"),
        reverse("admin:accounts_user_change", args=[scene.tasker.pk]),
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()

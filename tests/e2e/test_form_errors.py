"""Forms sent empty show their errors accessibly: axe-core finds nothing, every field in
error points at its message (aria-describedby), and one-form pages open on a focused
summary of the errors, with "Error:" in the page title."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.world import World

from .helpers import accessibility_violations, follow, unexplained_errors, with_axe
from .scene import build_scene

WITHOUT_SUMMARY = {"browse", "conversation"}  # not one-form pages
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def forms(scene: World, persona: str) -> list[tuple[str, str, str, str | None]]:
    """The persona's forms: (name, url, the button that sends it, a field to empty first)."""
    agreement, completed, tasker = scene.agreement.pk, scene.completed.pk, scene.tasker.pk
    return {
        "visitor": [
            ("sign-up", reverse("accounts:signup"), "Create account", None),
            ("log-in", reverse("accounts:login"), "Sign in", None),
            ("password reset", reverse("accounts:password_reset"), "Send reset link", None),
            ("browse", reverse("marketplace:task_list") + "?budget_min=90&budget_max=10", "", None),
        ],
        "customer": [
            ("task form", reverse("marketplace:task_create"), "Post task", None),
            ("email change", reverse("accounts:email_change"), "Send the link", None),
            ("password change", reverse("accounts:password_change"), "Change password", None),
            (
                "agreement cancel",
                reverse("marketplace:agreement_cancel", args=[agreement]),
                "Cancel the agreement",
                None,
            ),
            (
                "review form",
                reverse("marketplace:review_create", args=[completed]),
                "Publish review",
                None,
            ),
            (
                "report form",
                reverse("marketplace:report_create", args=["user", tasker]),
                "Send report",
                None,
            ),
            ("conversation", scene.conversation.get_absolute_url(), "Send", None),
        ],
        "tasker": [
            ("bid", scene.task_without_bids.get_absolute_url(), "Send bid", None),
            (
                "bid edit",
                reverse("marketplace:bid_edit", args=[scene.bid.pk]),
                "Save revised bid",
                "Message",
            ),
            ("save a search", reverse("marketplace:saved_search_create"), "Save this search", None),
            (
                "saved search edit",
                reverse("marketplace:saved_search_edit", args=[scene.search.pk]),
                "Save",
                "Name",
            ),
        ],
    }[persona]


@pytest.mark.parametrize("persona", ["visitor", "customer", "tasker"])
def test_forms_sent_empty_show_accessible_errors(persona, new_context, sign_in):
    scene = build_scene()
    context = with_axe(new_context())
    if persona != "visitor":
        sign_in(context, getattr(scene, persona))
    page = context.new_page()
    problems = []
    for name, url, button, to_empty in forms(scene, persona):
        page.goto(url)
        if to_empty:
            page.get_by_label(to_empty).fill("")
        if button:
            follow(page.get_by_role("main").get_by_role("button", name=button, exact=True))
        expect(page.locator('[aria-invalid="true"]').first).to_be_attached()
        if name not in WITHOUT_SUMMARY:
            expect(page.get_by_role("region", name="There is a problem")).to_be_focused()
            expect(page).to_have_title(re.compile(r"^Error: "))
        problems += [f"[{name}] {line}" for line in accessibility_violations(page)]
        problems += [f"[{name}] {line}" for line in unexplained_errors(page)]
    assert not problems, "\n".join(problems)

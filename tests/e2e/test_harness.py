"""The browser tests' own guards can fail: a test that cannot fail is a defect."""

import pytest
from playwright.sync_api import Page

from .helpers import accessibility_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_inline_style_is_caught_as_a_csp_violation(page: Page, browser_problems):
    page.goto("/")
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">')")
    assert "inline style" in browser_problems[0]
    browser_problems.clear()  # the guard worked; let the test pass


def test_a_script_error_is_caught(page: Page, browser_problems):
    page.goto("/")
    with page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => { throw new Error('broken on purpose'); })")
    assert "broken on purpose" in browser_problems[0]
    browser_problems.clear()


def test_axe_reports_an_unlabelled_field(page: Page):
    page.goto("/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input>')")
    assert any("label" in line for line in accessibility_violations(page))

"""The browser tests' own guards can fail: a test that cannot fail is a defect."""

import pytest
from playwright.sync_api import Page

from .helpers import accessibility_violations, dropped_values, nu_checker_java, nu_html_errors

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


def test_a_value_the_browser_drops_is_caught(page: Page):
    assert dropped_values(page, '<input type="date" name="due" value="2026-12-20">') == []
    [problem] = dropped_values(page, '<input type="date" name="due" value="20/12/2026">')
    assert 'date input "due"' in problem
    assert dropped_values(page, '<input type="number" name="budget" value="12,50">')


def test_the_nu_html_checker_reports_an_error():
    page = (
        '<!doctype html><html lang="en"><head><title>t</title></head><body>'
        '<time datetime="2026-11-30T11:05:31.525146+00:00">30 Nov</time></body></html>'
    )
    [error] = nu_html_errors([("http://testserver/t/", page)], nu_checker_java())
    assert error.startswith("http://testserver/t/ (line 1): Bad value")
    assert "fraction of a second" in error

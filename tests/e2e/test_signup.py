"""A newcomer signs up in a real browser, signs out and signs back in."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.helpers import STRONG_PASSWORD

from .helpers import follow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_signs_up_as_a_tasker_signs_out_and_signs_back_in_by_email(
    page: Page, screenshot
):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Get your to-do list done")
    screenshot("home", page)

    follow(page.get_by_role("link", name="Sign up to earn as a tasker"))
    expect(page.get_by_role("heading", name="Create your Tasker account")).to_be_visible()
    page.get_by_label("Username").fill("tara")
    page.get_by_label("Email").fill("Tara@Example.com")
    page.get_by_label("Display name").fill("Tara Tasker")
    page.get_by_label("Tasker — I do tasks").check()
    page.get_by_label("City").fill("Leeds")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(STRONG_PASSWORD)  # not "confirmation"
    page.get_by_label("Password confirmation").fill(STRONG_PASSWORD)
    screenshot("signup-filled", page)
    follow(page.get_by_role("button", name="Create account"))

    expect(page.get_by_role("status")).to_contain_text("Welcome to Tasker, Tara Tasker!")
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Tara Tasker")).to_be_visible()
    screenshot("dashboard-after-signup", page)
    assert User.objects.get(username="tara").role == User.Role.TASKER

    follow(main_nav.get_by_role("button", name="Sign out"))
    expect(page.get_by_role("status")).to_contain_text("You have been signed out.")
    expect(main_nav.get_by_role("link", name="Sign in")).to_be_visible()
    expect(main_nav.get_by_role("link", name="Tara Tasker")).to_have_count(0)

    follow(main_nav.get_by_role("link", name="Sign in"))
    page.get_by_label("Username or email").fill("tara@example.com")
    page.get_by_label("Password").fill(STRONG_PASSWORD)
    screenshot("login-filled", page)
    follow(page.get_by_role("button", name="Sign in"))

    expect(page.get_by_role("status")).to_contain_text("Signed in as Tara Tasker.")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(main_nav.get_by_role("link", name="Tara Tasker")).to_be_visible()

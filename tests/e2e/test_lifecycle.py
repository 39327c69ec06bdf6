"""Two people in two browsers take a task from posted to two published reviews."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-memorable-passphrase"


def said(page: Page, text: str) -> None:
    """The page confirms the action with a message."""
    expect(page.get_by_role("status")).to_contain_text(text)


def sign_up(page: Page, username: str, role: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sign up", exact=True).first.click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email address").fill(f"{username}@example.com")
    page.get_by_label("Display name").fill(username.title())
    page.get_by_label(role).check()
    page.get_by_label("City").fill("Leeds")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    said(page, f"Welcome to Tasker, {username.title()}")


def test_a_task_goes_from_posted_to_two_reviews(browser, base_url, screenshot):
    customer = browser.new_context(base_url=base_url).new_page()
    tasker = browser.new_context(base_url=base_url).new_page()
    sign_up(customer, "carol", "Customer — I post tasks")
    sign_up(tasker, "tom", "Tasker — I do tasks")

    # The customer posts a task.
    customer.get_by_role("link", name="Post a task").first.click()
    customer.get_by_label("Title").fill("Assemble a PAX wardrobe")
    customer.get_by_label("Description").fill("Two-door wardrobe, all parts and tools here.")
    customer.get_by_label("Category").select_option(label="Furniture assembly")
    customer.get_by_label("Budget").fill("90")
    customer.get_by_label("City").fill("Leeds")
    due = datetime.date.today() + datetime.timedelta(days=5)
    customer.get_by_label("Due date").fill(due.isoformat())
    customer.get_by_role("button", name="Post task").click()
    said(customer, "Your task is live")
    task_url = customer.url

    # The tasker finds it by searching, and bids.
    tasker.get_by_role("link", name="Browse tasks").first.click()
    tasker.get_by_label("Search").fill("wardrobe")
    tasker.get_by_role("button", name="Show tasks").click()
    tasker.get_by_role("link", name="Assemble a PAX wardrobe").click()
    tasker.get_by_label("Your price (£)").fill("75")
    tasker.get_by_label("Message").fill("I have built dozens of these; Saturday morning suits me.")
    tasker.get_by_role("button", name="Send bid").click()
    said(tasker, "Your bid was sent")

    # The customer compares and accepts.
    customer.goto(task_url)
    expect(customer.get_by_role("table")).to_contain_text("Tom")
    screenshot("task-owner-bids", customer)
    customer.get_by_role("button", name=re.compile("Accept Tom's bid")).click()
    said(customer, "Bid accepted")
    agreement_url = customer.url

    # The tasker delivers; the customer confirms.
    tasker.goto(agreement_url)
    tasker.get_by_role("button", name="Mark as delivered").click()
    said(tasker, "Marked as delivered")
    customer.reload()
    customer.get_by_role("button", name="Confirm completion").click()
    said(customer, "Completion confirmed")

    # Both review; the reviews publish when the second one arrives.
    for page, rating, comment in ((customer, "5 ★", "Quick and tidy."), (tasker, "4 ★", "Kind.")):
        page.goto(agreement_url)
        page.get_by_role("link", name="Write your review").click()
        page.get_by_label(rating).check()
        page.get_by_label("Comment").fill(comment)
        page.get_by_role("button", name="Publish review").click()
        said(page, "Thanks for your review")
    customer.goto(agreement_url)
    expect(customer.get_by_text("Quick and tidy.")).to_be_visible()
    expect(customer.get_by_text("Kind.")).to_be_visible()
    screenshot("agreement-completed", customer)

    tasker.goto("/u/tom/")
    expect(tasker.get_by_text("5.0 / 5")).to_be_visible()

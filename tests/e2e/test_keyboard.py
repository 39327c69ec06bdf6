"""With the keyboard alone (Tab, Shift+Tab, Enter, Space, and typing), a customer posts a
task and a tasker bids on it, and the focused element always shows a visible focus ring."""

import datetime
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from marketplace.models import Task
from tests.factories import CustomerFactory, TaskerFactory

from .helpers import focus_ring, follow_key, said

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def press_until_focused(page: Page, target: Locator, key: str = "Tab", limit: int = 40) -> int:
    """Press `key` until `target` has the focus; every stop on the way shows a focus ring.

    Return how many presses it took.
    """
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        focused = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
        assert focus_ring(page), f"No visible focus ring on {focused}"
        if target.evaluate("el => el === document.activeElement"):
            return presses
    pytest.fail(f"{key} x{limit} never reached {target}")


def keyboard_page(new_context, sign_in, user) -> Page:
    # Bootstrap animates its focus ring; without motion the ring is there at once.
    context = new_context(reduced_motion="reduce")
    sign_in(context, user)
    return context.new_page()


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page):
    page.goto("/")
    assert press_until_focused(page, page.get_by_role("link", name="Skip to main content")) == 1
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is the page's first control, not the navbar
    expect(page.get_by_role("link", name="Sign up to post a task")).to_be_focused()


def test_a_task_is_posted_and_bid_on_with_the_keyboard_alone(new_context, sign_in):
    customer = keyboard_page(new_context, sign_in, CustomerFactory(display_name="Carol"))
    type_ = customer.keyboard.type

    # From the home page: skip to main, then Shift+Tab back up into the navbar.
    customer.goto("/")
    customer.keyboard.press("Tab")
    customer.keyboard.press("Enter")
    expect(customer.get_by_role("main")).to_be_focused()
    nav = customer.get_by_role("navigation", name="Main")
    press_until_focused(customer, nav.get_by_role("link", name="Post a task"), key="Shift+Tab")
    follow_key(customer, "Enter")
    expect(customer.get_by_role("heading", name="Post a task", level=1)).to_be_visible()

    press_until_focused(customer, customer.get_by_label("Title"))
    type_("Set up my new laptop")
    customer.keyboard.press("Tab")
    type_("Install the printer, copy my photos and set up email on a new laptop.")
    customer.keyboard.press("Tab")
    type_("Tech")  # a closed select picks the option its name starts with
    customer.keyboard.press("Tab")
    type_("60")
    customer.keyboard.press("Tab")
    type_("Leeds")
    press_until_focused(customer, customer.get_by_label("Can be done remotely"))
    customer.keyboard.press("Space")
    expect(customer.get_by_label("Can be done remotely")).to_be_checked()
    # Back up to raise the budget; tabbing into a field selects what is in it.
    press_until_focused(customer, customer.get_by_label("Budget"), key="Shift+Tab")
    type_("75")
    press_until_focused(customer, customer.get_by_label("Due date"))
    # Day and month alike, so the date reads the same typed day-first or month-first.
    due = datetime.date(datetime.date.today().year + 1, 6, 6)
    type_(due.strftime("%d%m%Y"))
    press_until_focused(customer, customer.get_by_role("button", name="Post task"))
    follow_key(customer, "Enter")
    said(customer, "Your task is live")

    task = Task.objects.get(title="Set up my new laptop")
    assert (task.category.slug, task.budget, task.city, task.is_remote, task.due_date) == (
        "tech-help",
        75,
        "Leeds",
        True,
        due,
    )

    # The tasker browses to the task and bids, submitting with Space.
    tasker = keyboard_page(new_context, sign_in, TaskerFactory(display_name="Tom"))
    tasker.goto("/")
    press_until_focused(tasker, tasker.get_by_role("link", name="Browse tasks").first)
    follow_key(tasker, "Enter")
    expect(tasker.get_by_role("heading", name="Open tasks")).to_be_visible()
    press_until_focused(tasker, tasker.get_by_role("link", name="Set up my new laptop"))
    follow_key(tasker, "Enter")
    expect(tasker.get_by_role("heading", level=1)).to_have_text("Set up my new laptop")
    press_until_focused(tasker, tasker.get_by_label("Your price (£)"))
    tasker.keyboard.type("70")
    tasker.keyboard.press("Tab")
    tasker.keyboard.type("I set up laptops every week and can come on Tuesday evening.")
    tasker.keyboard.press("Tab")
    tasker.keyboard.type("2")
    press_until_focused(tasker, tasker.get_by_role("button", name="Send bid"))
    follow_key(tasker, "Space")
    said(tasker, "Your bid was sent")
    expect(tasker.get_by_role("heading", name=re.compile(r"Your bid: £70"))).to_be_visible()
    assert task.bids.get().estimated_hours == 2

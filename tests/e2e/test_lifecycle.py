"""Two newcomers in two browsers take a task from posted to two published reviews.

The whole story runs twice: with JavaScript, and with JavaScript turned off, where every
step must still work through plain links and forms.
"""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import follow, said

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-memorable-passphrase"
TITLE = "Assemble a PAX wardrobe"


def navbar(page: Page):
    return page.get_by_role("navigation", name="Main")


def sign_up(page: Page, username: str, role: str) -> None:
    """A new visitor arrives on the home page and signs up."""
    page.goto("/")
    follow(navbar(page).get_by_role("link", name="Sign up"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email address").fill(f"{username}@example.com")
    page.get_by_label("Display name").fill(username.title())
    page.get_by_label(role).check()
    page.get_by_label("City").fill("Leeds")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    follow(page.get_by_role("button", name="Create account"))
    said(page, f"Welcome to Tasker, {username.title()}")


def expect_badges(page: Page, *, messages: int, notifications: int) -> None:
    """The navbar counts what is unread (a number and the words "unread" for screen readers)."""
    for label, count in (("Messages", messages), ("Notifications", notifications)):
        name = f"{label} {count} unread" if count else label
        expect(navbar(page).get_by_role("link", name=name, exact=True)).to_be_visible()


def open_notification(page: Page, text: str) -> None:
    """Go to the notifications page and open the one that says `text`."""
    follow(navbar(page).get_by_role("link", name=re.compile("^Notifications")))
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    item = page.get_by_role("listitem").filter(has_text=text)
    expect(item.get_by_text("New")).to_be_visible()
    follow(item.get_by_role("button", name=re.compile("^Open")))


def open_conversation(page: Page, other: str) -> None:
    """Go to the inbox and open the unread conversation with `other`."""
    follow(navbar(page).get_by_role("link", name=re.compile("^Messages")))
    conversation = page.get_by_role("listitem").filter(has_text=other)
    expect(conversation.get_by_text("1 unread")).to_be_visible()
    follow(conversation.get_by_role("link", name=other))
    expect(page.get_by_role("heading", name=f"Conversation with {other}")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript-on", "javascript-off"])
def test_a_task_goes_from_posted_to_two_reviews(javascript, new_context, screenshot):
    customer = new_context(java_script_enabled=javascript).new_page()
    tasker = new_context(java_script_enabled=javascript).new_page()

    def picture(name: str, page: Page) -> None:
        if javascript:  # one set of pictures is enough
            screenshot(name, page)

    sign_up(customer, "carol", "Customer — I post tasks")
    sign_up(tasker, "tom", "Tasker — I do tasks")

    # The customer posts a task.
    follow(navbar(customer).get_by_role("link", name="Post a task"))
    customer.get_by_label("Title").fill(TITLE)
    customer.get_by_label("Description").fill("Two-door wardrobe, all parts and tools here.")
    customer.get_by_label("Category").select_option(label="Furniture assembly")
    customer.get_by_label("Budget").fill("90")
    customer.get_by_label("City").fill("Leeds")
    due = datetime.date.today() + datetime.timedelta(days=5)
    customer.get_by_label("Due date").fill(due.isoformat())
    follow(customer.get_by_role("button", name="Post task"))
    said(customer, "Your task is live")
    expect(customer.get_by_role("heading", level=1)).to_have_text(TITLE)

    # The tasker finds it by category, then by searching.
    follow(navbar(tasker).get_by_role("link", name="Browse tasks"))
    filters = tasker.get_by_role("search")
    filters.get_by_label("Category").select_option(label="Gardening")
    follow(filters.get_by_role("button", name="Show tasks"))
    expect(tasker.get_by_role("heading", name="No tasks match")).to_be_visible()
    filters.get_by_label("Category").select_option(label="Furniture assembly")
    follow(filters.get_by_role("button", name="Show tasks"))
    expect(tasker.get_by_text("1 open task found.")).to_be_visible()
    expect(tasker.get_by_role("link", name=TITLE)).to_be_visible()
    follow(filters.get_by_role("link", name="Clear filters"))
    filters.get_by_label("Search").fill("wardrobe")
    follow(filters.get_by_role("button", name="Show tasks"))
    picture("browse", tasker)
    follow(tasker.get_by_role("link", name=TITLE))

    # The tasker asks the customer a question, then bids.
    follow(tasker.get_by_role("button", name="Ask the customer a question"))
    expect(tasker.get_by_role("heading", name="Conversation with Carol")).to_be_visible()
    tasker.get_by_label("Your message").fill("Is the wardrobe on the ground floor?")
    follow(tasker.get_by_role("button", name="Send", exact=True))
    said(tasker, "Message sent.")
    follow(tasker.get_by_role("link", name=TITLE))
    tasker.get_by_label("Your price (£)").fill("75")
    tasker.get_by_label("Message").fill("I have built dozens of these; Saturday morning suits me.")
    follow(tasker.get_by_role("button", name="Send bid"))
    said(tasker, "Your bid was sent")
    expect(tasker.get_by_role("heading", name=re.compile(r"Your bid: £75\.00"))).to_be_visible()

    # The customer sees the message and the bid in the navbar, and reads and answers.
    customer.goto("/")
    expect_badges(customer, messages=1, notifications=2)
    open_conversation(customer, "Tom")
    expect(customer.get_by_text("Is the wardrobe on the ground floor?")).to_be_visible()
    customer.get_by_label("Your message").fill("Yes, and there is parking outside.")
    follow(customer.get_by_role("button", name="Send", exact=True))
    said(customer, "Message sent.")
    picture("conversation", customer)
    expect_badges(customer, messages=0, notifications=1)  # reading cleared the nudge

    # The customer opens the bid's notification, compares the bids and accepts.
    open_notification(customer, "Tom bid £75.00 on")
    expect(customer.get_by_role("heading", level=1)).to_have_text(TITLE)
    bids = customer.get_by_role("table", name=re.compile("Bids on this task"))
    expect(bids.get_by_role("rowheader", name="Tom")).to_be_visible()
    expect(bids).to_contain_text("£75.00")
    picture("task-owner-bids", customer)
    expect_badges(customer, messages=0, notifications=0)
    # Accepting asks first, saying what will happen, and GET changed nothing.
    follow(customer.get_by_role("link", name="Accept Tom's bid of £75.00"))
    expect(customer.get_by_role("heading", level=1)).to_have_text("Accept Tom's bid of £75.00?")
    expect(customer.get_by_text("There are no other pending bids.")).to_be_visible()
    picture("confirm-accept", customer)
    follow(customer.get_by_role("link", name="Back to the bids"))
    expect(customer.get_by_role("heading", name="Bids (1)")).to_be_visible()
    follow(customer.get_by_role("link", name="Accept Tom's bid of £75.00"))
    follow(customer.get_by_role("button", name="Accept the bid of £75.00"))
    said(customer, "Bid accepted")
    expect(customer.get_by_role("heading", level=1)).to_have_text(f"Agreement: {TITLE}")
    agreement_url = customer.url

    # The tasker hears of it, reads the answer, delivers; the customer confirms.
    tasker.goto("/")
    expect_badges(tasker, messages=1, notifications=2)
    open_conversation(tasker, "Carol")
    expect(tasker.get_by_text("Yes, and there is parking outside.")).to_be_visible()
    open_notification(tasker, "was accepted")
    expect(tasker).to_have_url(agreement_url)
    follow(tasker.get_by_role("link", name="Mark as delivered"))
    expect(tasker.get_by_text("You tell Carol the work is done")).to_be_visible()
    follow(tasker.get_by_role("button", name="Mark as delivered"))
    said(tasker, "Marked as delivered")

    open_notification(customer, "marked “Assemble a PAX wardrobe” as delivered")
    follow(customer.get_by_role("link", name="Confirm completion"))
    expect(customer.get_by_text("The agreement of £75.00 is completed")).to_be_visible()
    follow(customer.get_by_role("button", name="Confirm completion"))
    said(customer, "Completion confirmed")
    picture("agreement", customer)

    # Both review from the agreement page; the reviews publish when the second one arrives.
    open_notification(tasker, "is complete")
    for page, rating, comment in ((customer, "5 ★", "Quick and tidy."), (tasker, "4 ★", "Kind.")):
        expect(page).to_have_url(agreement_url)
        follow(page.get_by_role("link", name="Write your review"))
        page.get_by_label(rating).check()
        page.get_by_label("Comment").fill(comment)
        follow(page.get_by_role("button", name="Publish review"))
        said(page, "Thanks for your review")
    # What each was told: the first waits for the other side, the second publishes both.
    expect(tasker.get_by_role("status")).to_contain_text("both reviews are now published")
    customer.reload()
    expect(customer.get_by_text("Quick and tidy.")).to_be_visible()
    expect(customer.get_by_text("Kind.")).to_be_visible()
    expect_badges(customer, messages=0, notifications=1)
    open_notification(customer, "Tom reviewed you")
    expect(customer.get_by_role("heading", level=1)).to_have_text("Carol")
    expect(
        customer.get_by_role("definition").get_by_text("4.0 out of 5, 1 review")
    ).to_be_attached()

    # The tasker's public profile shows the new rating.
    open_notification(tasker, "Carol reviewed you")
    expect(tasker.get_by_role("heading", level=1)).to_have_text("Tom")
    expect(tasker.get_by_role("definition").get_by_text("5.0 out of 5, 1 review")).to_be_attached()
    expect(tasker.get_by_text("Quick and tidy.")).to_be_visible()
    expect_badges(tasker, messages=0, notifications=0)

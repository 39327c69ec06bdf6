"""Bids through their pages: place, revise, withdraw, and who sees which amount."""

from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.models import Bid, BidRevision, Notification, Task, TaskEvent

from .conftest import client_for
from .factories import BidFactory, ReviewFactory, TaskerFactory, TaskFactory, UserFactory
from .helpers import make_agreement, messages_of, snapshot

MESSAGE = "I have assembled dozens of these and can come on Saturday."


def bid_data(**overrides) -> dict:
    return {"amount": "75.00", "message": MESSAGE, "estimated_hours": "3"} | overrides


def bid_url(task) -> str:
    return reverse("marketplace:bid_create", args=[task.pk])


@pytest.fixture
def task(customer):
    return TaskFactory(customer=customer, budget=Decimal("80.00"))


@pytest.fixture
def bid(task, tasker):
    return BidFactory(task=task, tasker=tasker, amount=Decimal("120.00"))


# --- Place ---


def test_a_tasker_bids_from_the_task_page(tasker_client, task, tasker, customer):
    page = tasker_client.get(task.get_absolute_url()).content.decode()
    assert f'action="{bid_url(task)}"' in page

    response = tasker_client.post(bid_url(task), bid_data())
    bid = Bid.objects.get()
    assert response.status_code == 302 and response["Location"] == bid.get_absolute_url()
    assert messages_of(response) == ["Your bid was sent to the customer."]
    assert (bid.task, bid.tasker, bid.amount, bid.status) == (task, tasker, 75, "pending")
    assert bid.estimated_hours == 3
    assert task.events.get().kind == TaskEvent.Kind.BID_PLACED
    notification = Notification.objects.get(recipient=customer)
    assert notification.kind == Notification.Kind.BID_PLACED


def test_the_bid_form_has_its_own_page(tasker_client, task):
    response = tasker_client.get(bid_url(task))
    assert response.status_code == 200
    assert f"Bid on “{task.title}”" in response.content.decode()


def test_bidding_on_your_own_task_is_refused(db):
    owner = UserFactory()  # role "both": a tasker too
    own_task = TaskFactory(customer=owner)
    client = client_for(owner)
    assert "bid_form" not in client.get(own_task.get_absolute_url()).context
    response = client.post(bid_url(own_task), bid_data())
    assert response.status_code == 200
    assert "You cannot bid on your own task." in response.content.decode()
    assert not Bid.objects.exists()


def test_a_customer_only_account_is_asked_to_switch_role(other_customer_client, task):
    response = other_customer_client.post(bid_url(task), bid_data())
    assert "Only taskers can bid." in response.content.decode()
    assert not Bid.objects.exists()


def test_bidding_twice_is_a_form_error_not_a_crash(tasker_client, bid):
    before = snapshot()
    response = tasker_client.post(bid_url(bid.task), bid_data(amount="60"))
    assert response.status_code == 200
    assert "You already have a bid on this task. Edit it instead." in response.content.decode()
    assert snapshot() == before


def test_a_tasker_may_bid_again_after_withdrawing(tasker_client, bid):
    tasker_client.post(reverse("marketplace:bid_withdraw", args=[bid.pk]))
    response = tasker_client.post(bid_url(bid.task), bid_data(amount="65"))
    assert response.status_code == 302
    assert sorted(Bid.objects.values_list("status", flat=True)) == ["pending", "withdrawn"]


@pytest.mark.parametrize("status", ["assigned", "completed", "cancelled", "expired"])
def test_no_bid_on_a_task_that_is_not_open(tasker_client, customer, status):
    closed = TaskFactory(customer=customer, status=status)
    assert "bid_form" not in tasker_client.get(closed.get_absolute_url()).context
    response = tasker_client.post(bid_url(closed), bid_data())
    assert f"You cannot bid on this task: it is {status}." in response.content.decode()
    assert not Bid.objects.exists()


def test_no_bid_on_a_hidden_task(tasker_client, task):
    Task.objects.filter(pk=task.pk).update(is_hidden=True)
    assert tasker_client.get(bid_url(task)).status_code == 404
    assert tasker_client.post(bid_url(task), bid_data()).status_code == 404
    assert not Bid.objects.exists()


def test_anonymous_is_sent_to_log_in_to_bid(client, task):
    response = client.post(bid_url(task), bid_data())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Bid.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "-10", "greater than or equal to 0.01"),
        ("amount", "0", "greater than or equal to 0.01"),
        ("amount", "0.001", "no more than 2 decimal places"),
        ("amount", "100000.01", "less than or equal to 100000"),
        ("amount", "99999999999", "no more than 9 digits"),
        ("amount", "seventy", "Enter a number"),
        ("amount", "", "This field is required"),
        ("estimated_hours", "0", "greater than or equal to 0.1"),
        ("estimated_hours", "5000", "less than or equal to 1000"),
        ("estimated_hours", "soon", "Enter a number"),
        ("message", "Hi", "Write at least a sentence"),
    ],
)
def test_bad_bids_are_form_errors(tasker_client, task, field, value, message):
    response = tasker_client.post(bid_url(task), bid_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Bid.objects.exists()


# --- Revise ---


def edit_url(bid) -> str:
    return reverse("marketplace:bid_edit", args=[bid.pk])


def test_the_tasker_revises_a_pending_bid_and_the_old_terms_are_kept(tasker_client, bid, customer):
    form = tasker_client.get(edit_url(bid))
    assert form.status_code == 200 and 'value="120.00"' in form.content.decode()

    response = tasker_client.post(
        edit_url(bid), bid_data(amount="100", message="New price, same care.")
    )
    assert response.status_code == 302 and response["Location"] == bid.get_absolute_url()
    assert messages_of(response) == ["Your bid was revised. The customer has been told."]
    bid.refresh_from_db()
    assert (bid.amount, bid.message, bid.status) == (100, "New price, same care.", "pending")
    revision = BidRevision.objects.get()
    assert (revision.old_amount, revision.new_amount, revision.old_message) == (120, 100, MESSAGE)
    assert bid.task.events.get().kind == TaskEvent.Kind.BID_EDITED
    assert Notification.objects.get(recipient=customer).kind == Notification.Kind.BID_CHANGED


def test_the_owner_sees_every_revision(tasker_client, customer_client, bid):
    tasker_client.post(edit_url(bid), bid_data(amount="100"))
    tasker_client.post(edit_url(bid), bid_data(amount="90.50"))
    html = customer_client.get(bid.task.get_absolute_url()).content.decode()
    assert "Revised from £120.00 to £100.00" in html
    assert "Revised from £100.00 to £90.50" in html
    assert html.index("£120.00 to £100.00") < html.index("£100.00 to £90.50")


def test_a_revision_sent_unchanged_records_nothing_and_says_so(tasker_client, bid):
    bid.refresh_from_db()
    unchanged = {
        "amount": f"{bid.amount:.2f}",
        "message": bid.message,
        "estimated_hours": "" if bid.estimated_hours is None else str(bid.estimated_hours),
    }
    before = snapshot()
    response = tasker_client.post(edit_url(bid), unchanged)
    assert response.status_code == 302 and response["Location"] == bid.get_absolute_url()
    assert messages_of(response) == ["Nothing was changed."]
    assert snapshot() == before


@pytest.mark.parametrize("amount", ["-1", "0", "100001", "abc", ""])
def test_a_bad_revision_changes_nothing(tasker_client, bid, amount):
    before = snapshot()
    response = tasker_client.post(edit_url(bid), bid_data(amount=amount))
    assert response.status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize(
    "persona", ["customer_client", "other_tasker_client", "other_customer_client", "staff_client"]
)
def test_only_its_tasker_can_revise_a_bid(request, persona, bid):
    client = request.getfixturevalue(persona)
    before = snapshot()
    assert client.get(edit_url(bid)).status_code == 404
    assert client.post(edit_url(bid), bid_data(amount="1")).status_code == 404
    assert snapshot() == before


def test_a_bid_cannot_be_revised_once_the_task_is_assigned(tasker_client, customer, tasker):
    agreement = make_agreement(customer=customer, tasker=tasker)
    before = snapshot()
    response = tasker_client.post(edit_url(agreement.bid), bid_data(amount="10"))
    assert response.status_code == 200
    assert "This task is no longer open, so its bids cannot change." in response.content.decode()
    assert snapshot() == before


# --- Withdraw ---


def withdraw_url(bid) -> str:
    return reverse("marketplace:bid_withdraw", args=[bid.pk])


def test_the_tasker_withdraws_a_pending_bid(tasker_client, bid, customer):
    response = tasker_client.post(withdraw_url(bid))
    assert response["Location"] == bid.get_absolute_url()
    assert messages_of(response) == ["Your bid was withdrawn."]
    bid.refresh_from_db()
    assert bid.status == Bid.Status.WITHDRAWN
    assert Notification.objects.get(recipient=customer).kind == Notification.Kind.BID_CHANGED


def test_withdraw_asks_on_get_and_changes_nothing(tasker_client, bid):
    before = snapshot()
    response = tasker_client.get(withdraw_url(bid))
    assert response.status_code == 200
    assert f"Withdraw your bid of £{bid.amount}" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["customer_client", "other_tasker_client", "staff_client"])
def test_only_its_tasker_can_withdraw_a_bid(request, persona, bid):
    client = request.getfixturevalue(persona)  # signing in is no change of ours
    before = snapshot()
    assert client.post(withdraw_url(bid)).status_code == 404
    assert snapshot() == before


def test_withdrawing_twice_says_why_not(tasker_client, bid):
    tasker_client.post(withdraw_url(bid))
    before = snapshot()
    response = tasker_client.post(withdraw_url(bid))
    assert messages_of(response)[-1] == "You cannot withdraw this bid: it is withdrawn."
    assert snapshot() == before


# --- Who sees which amount ---


def test_other_taskers_never_see_another_taskers_amount(
    request, task, tasker, other_tasker, customer_client
):
    BidFactory(task=task, tasker=tasker, amount=Decimal("123.45"))
    BidRevision.objects.create(
        bid=Bid.objects.get(),
        old_amount=Decimal("234.56"),
        new_amount=Decimal("123.45"),
        old_message=MESSAGE,
    )
    BidFactory(task=task, tasker=other_tasker, amount=Decimal("67.89"))

    owner = customer_client.get(task.get_absolute_url()).content.decode()
    assert "123.45" in owner and "234.56" in owner and "67.89" in owner

    mine = request.getfixturevalue("tasker_client").get(task.get_absolute_url()).content.decode()
    assert "123.45" in mine and "67.89" not in mine

    theirs = request.getfixturevalue("other_tasker_client").get(task.get_absolute_url())
    theirs = theirs.content.decode()
    assert "67.89" in theirs and "123.45" not in theirs and "234.56" not in theirs

    for persona in ("client", "other_customer_client"):
        html = request.getfixturevalue(persona).get(task.get_absolute_url()).content.decode()
        assert "123.45" not in html and "67.89" not in html and "234.56" not in html


# --- The owner's table of bids ---


def test_the_owner_can_sort_bids_by_price_or_by_rating(customer_client, task, other_customer):
    unrated = BidFactory(task=task, tasker=TaskerFactory(), amount=Decimal("50.00"))
    good = BidFactory(task=task, tasker=TaskerFactory(), amount=Decimal("90.00"))
    best = BidFactory(task=task, tasker=TaskerFactory(), amount=Decimal("95.00"))
    for bid, rating in ((good, 3), (best, 5)):
        done = make_agreement(customer=other_customer, tasker=bid.tasker, status="completed")
        ReviewFactory(agreement=done, rating=rating, published_at=done.completed_at)

    def order(sort):
        response = customer_client.get(task.get_absolute_url(), {"sort": sort})
        return list(response.context["bids"])

    assert order("amount") == [unrated, good, best]
    assert order("rating") == [best, good, unrated]  # no rating yet goes last
    assert order("nonsense") == [unrated, good, best]


# --- Which buttons the task page shows: the bids' own transition table decides ---


def test_the_task_page_offers_only_the_bid_actions_the_rules_allow(
    tasker_client, customer_client, bid, task
):
    page = task.get_absolute_url()
    revise = reverse("marketplace:bid_edit", args=[bid.pk]).encode()
    withdraw = withdraw_url(bid).encode()
    accept = reverse("marketplace:bid_accept", args=[bid.pk]).encode()

    mine = tasker_client.get(page).content
    assert revise in mine and withdraw in mine and accept not in mine
    owners = customer_client.get(page).content
    assert accept in owners and withdraw not in owners

    tasker_client.post(withdraw_url(bid))
    mine = tasker_client.get(page).content
    assert revise not in mine and withdraw not in mine
    assert accept not in customer_client.get(page).content


def test_no_bid_can_be_accepted_from_the_page_once_the_task_is_assigned(
    customer_client, bid, task, tasker
):
    other = BidFactory(task=task, tasker=TaskerFactory())
    customer_client.post(reverse("marketplace:bid_accept", args=[bid.pk]))
    html = customer_client.get(task.get_absolute_url()).content
    assert reverse("marketplace:bid_accept", args=[other.pk]).encode() not in html

"""Accepting a bid: one agreement with a fixed snapshot of the terms, the rest rejected."""

from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.models import Agreement, Bid, Notification, Task, TaskEvent

from .factories import BidFactory, TaskFactory
from .helpers import messages_of, snapshot


def accept_url(bid) -> str:
    return reverse("marketplace:bid_accept", args=[bid.pk])


@pytest.fixture
def task(customer):
    return TaskFactory(
        customer=customer,
        title="Build an IKEA PAX wardrobe",
        description="Two-door PAX, the boxes are in the hallway. Tools provided.",
        budget=Decimal("90.00"),
    )


@pytest.fixture
def bids(task, tasker, other_tasker, other_customer):
    chosen = BidFactory(task=task, tasker=tasker, amount=Decimal("85.00"))
    other = BidFactory(task=task, tasker=other_tasker, amount=Decimal("70.00"))
    gone = BidFactory(task=task, tasker=other_customer, status=Bid.Status.WITHDRAWN)
    return chosen, other, gone


def test_the_owner_accepts_a_bid_and_gets_one_agreement(customer_client, task, bids, tasker):
    chosen, other, gone = bids
    page = customer_client.get(task.get_absolute_url()).content.decode()
    assert f'href="{accept_url(chosen)}"' in page and f'href="{accept_url(other)}"' in page

    response = customer_client.post(accept_url(chosen))
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response["Location"] == agreement.get_absolute_url()
    assert messages_of(response) == ["Bid accepted. You now have an agreement with the tasker."]
    assert (agreement.task, agreement.bid, agreement.tasker) == (task, chosen, tasker)
    assert agreement.customer == task.customer
    assert (agreement.title, agreement.description, agreement.price) == (
        "Build an IKEA PAX wardrobe",
        "Two-door PAX, the boxes are in the hallway. Tools provided.",
        Decimal("85.00"),
    )
    assert agreement.status == Agreement.Status.ACTIVE
    task.refresh_from_db()
    assert task.status == Task.Status.ASSIGNED
    statuses = {b.pk: b.status for b in Bid.objects.all()}
    assert statuses == {chosen.pk: "accepted", other.pk: "rejected", gone.pk: "withdrawn"}
    event = task.events.get(kind=TaskEvent.Kind.BID_ACCEPTED)
    assert (event.actor, event.from_status, event.to_status) == (task.customer, "open", "assigned")


def test_accepting_tells_the_chosen_tasker_and_the_others(customer_client, bids):
    chosen, other, gone = bids
    customer_client.post(accept_url(chosen))
    kinds = dict(Notification.objects.values_list("recipient", "kind"))
    assert kinds == {
        chosen.tasker_id: Notification.Kind.BID_ACCEPTED,
        other.tasker_id: Notification.Kind.BID_REJECTED,
    }


def test_the_snapshot_does_not_follow_later_changes_to_the_task(customer_client, task, bids):
    customer_client.post(accept_url(bids[0]))
    # The owner cannot edit an assigned task; a moderator may still change it in the admin.
    Task.objects.filter(pk=task.pk).update(
        title="Something else", description="Changed later.", budget=Decimal("5.00")
    )
    Bid.objects.filter(pk=bids[0].pk).update(amount=Decimal("1.00"))
    agreement = Agreement.objects.get()
    assert (agreement.title, agreement.price) == ("Build an IKEA PAX wardrobe", Decimal("85.00"))
    page = customer_client.get(agreement.get_absolute_url()).content.decode()
    assert "Agreement: Build an IKEA PAX wardrobe" in page and "£85.00" in page


def test_accept_asks_on_get_in_words_and_changes_nothing(customer_client, bids):
    before = snapshot()
    bid = bids[0]
    response = customer_client.get(accept_url(bid))
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert f"Accept {bid.tasker.name}'s bid of £{bid.amount}?" in page
    # The withdrawn bid is not counted: only the other pending one is declined.
    assert "The other 1 pending bid will be declined" in page
    assert snapshot() == before


@pytest.mark.parametrize(
    "persona", ["tasker_client", "other_tasker_client", "other_customer_client", "staff_client"]
)
def test_only_the_task_owner_can_accept(request, persona, bids):
    client = request.getfixturevalue(persona)  # signing in is no change of ours
    before = snapshot()
    assert client.post(accept_url(bids[0])).status_code == 404
    assert snapshot() == before


def test_anonymous_is_sent_to_log_in_to_accept(client, bids):
    before = snapshot()
    response = client.post(accept_url(bids[0]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert snapshot() == before


def test_a_second_accept_is_refused_with_a_message(customer_client, task, bids):
    customer_client.post(accept_url(bids[0]))
    before = snapshot()
    response = customer_client.post(accept_url(bids[1]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == task.get_absolute_url()
    assert "This task is no longer open, so its bids cannot change." in response.content.decode()
    assert snapshot() == before


def test_a_withdrawn_bid_cannot_be_accepted(customer_client, task, bids):
    before = snapshot()
    response = customer_client.post(accept_url(bids[2]))
    assert response["Location"] == task.get_absolute_url()
    assert messages_of(response) == ["You cannot accept this bid: it is withdrawn."]
    assert snapshot() == before


def test_a_cancelled_tasks_bid_cannot_be_accepted(customer_client, task, bids):
    customer_client.post(reverse("marketplace:task_cancel", args=[task.pk]))
    before = snapshot()
    customer_client.post(accept_url(bids[0]))
    assert snapshot() == before
    assert not Agreement.objects.exists()

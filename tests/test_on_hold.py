"""A task hidden by a moderator is on hold: nothing moves forward, and everyone involved is
told why in words rather than meeting a 404."""

from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace import services
from marketplace.models import Agreement, Bid, Task

from .factories import BidFactory, TaskFactory
from .helpers import make_agreement, messages_of, snapshot

pytestmark = pytest.mark.django_db

ON_HOLD = "A moderator has hidden this task, so it is on hold"


def hide(task, reason="Reported as a scam; we are checking.") -> None:
    Task.objects.filter(pk=task.pk).update(is_hidden=True, hidden_reason=reason)
    task.refresh_from_db()


@pytest.fixture
def hidden_task(customer, tasker):
    task = TaskFactory(customer=customer)
    BidFactory(task=task, tasker=tasker, amount=Decimal("80.00"))
    hide(task)
    return task


def words(response) -> str:
    return " ".join(response.content.decode().split())


def test_its_owner_cannot_accept_a_bid(customer_client, hidden_task):
    bid = hidden_task.bids.get()
    before = snapshot()
    url = reverse("marketplace:bid_accept", args=[bid.pk])
    response = customer_client.post(url)
    assert ON_HOLD in messages_of(response)[0]
    assert snapshot() == before
    assert not Agreement.objects.exists()
    asked = customer_client.get(url)  # the confirmation page is not offered either
    assert asked["Location"] == bid.get_absolute_url()


def test_nobody_can_bid_on_it(other_tasker_client, other_tasker, hidden_task):
    with pytest.raises(services.DomainError, match=ON_HOLD):
        services.bid_place(
            task=hidden_task,
            by=other_tasker,
            amount=Decimal(50),
            message="I can do it.",
            estimated_hours=None,
        )
    assert hidden_task.bids.count() == 1


def test_its_owner_cannot_edit_it_and_is_told_why(customer_client, hidden_task):
    response = customer_client.get(reverse("marketplace:task_edit", args=[hidden_task.pk]))
    assert ON_HOLD in messages_of(response)[0]
    page = words(customer_client.get(hidden_task.get_absolute_url()))
    assert "On hold: a moderator has hidden this task" in page
    assert "Reason given: Reported as a scam; we are checking." in page
    assert "checking.." not in page


def test_a_bidder_sees_the_task_from_their_dashboard_with_the_reason_in_words(
    tasker_client, hidden_task
):
    dashboard = tasker_client.get(reverse("marketplace:dashboard")).content.decode()
    assert hidden_task.get_absolute_url() in dashboard
    response = tasker_client.get(hidden_task.get_absolute_url())
    assert response.status_code == 200
    page = words(response)
    assert "You can see it because you bid on it" in page
    assert "You can still withdraw your bid" in page
    assert "Reported as a scam" not in page  # the reason was written for its author


def test_a_stranger_still_gets_404(other_tasker_client, hidden_task):
    assert other_tasker_client.get(hidden_task.get_absolute_url()).status_code == 404


def test_an_agreement_on_a_hidden_task_waits_but_can_be_cancelled(
    customer, tasker, customer_client, tasker_client
):
    agreement = make_agreement(customer=customer, tasker=tasker)
    hide(agreement.task)
    before = snapshot()
    response = tasker_client.post(reverse("marketplace:agreement_deliver", args=[agreement.pk]))
    assert ON_HOLD in messages_of(response)[0]
    assert snapshot() == before

    for client in (customer_client, tasker_client):
        page = words(client.get(agreement.get_absolute_url()))
        assert "The agreement is on hold too" in page
        assert "Either of you can still cancel it" in page
        task_page = client.get(agreement.task.get_absolute_url())
        assert task_page.status_code == 200
    assert "You can see it because you have an agreement on it" in words(task_page)

    services.agreement_cancel(agreement=agreement, by=tasker, reason="The task was hidden.")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.CANCELLED


def test_the_customer_cannot_confirm_a_delivered_agreement_on_a_hidden_task(customer):
    agreement = make_agreement(
        customer=customer, tasker=BidFactory().tasker, status=Agreement.Status.DELIVERED
    )
    hide(agreement.task)
    with pytest.raises(services.DomainError, match=ON_HOLD):
        services.agreement_confirm(agreement=agreement, by=customer)


def test_showing_the_task_again_lifts_the_hold(customer, hidden_task):
    Task.objects.filter(pk=hidden_task.pk).update(is_hidden=False, hidden_reason="")
    agreement = services.bid_accept(bid=hidden_task.bids.get(), by=customer)
    assert agreement.bid.status == Bid.Status.ACCEPTED


def test_its_status_says_hidden_on_the_owners_dashboard_and_task_page(customer_client, hidden_task):
    for url in (reverse("marketplace:dashboard"), hidden_task.get_absolute_url()):
        page = words(customer_client.get(url))
        assert "Hidden by a moderator" in page, url
        assert "Open for bids" not in page, url

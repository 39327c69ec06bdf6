"""A live bid is pending or accepted; every count and list uses that one definition."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.models import Bid, Task

from .factories import BidFactory, TaskFactory

pytestmark = pytest.mark.django_db


def words(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def task(customer, tasker, other_tasker):
    task = TaskFactory(customer=customer, title="Paint the hallway")
    BidFactory(task=task, tasker=tasker, amount=Decimal("120.00"))
    BidFactory(task=task, tasker=other_tasker, amount=Decimal("80.00"), status="withdrawn")
    return task


def test_the_task_page_counts_and_lists_only_live_bids(customer_client, task):
    response = customer_client.get(task.get_absolute_url())
    page = words(response)
    assert "Bids (1)" in page
    table = page.split("<table")[1].split("</table>")[0]
    assert "£120.00" in table and "£80.00" not in table
    assert "Withdrawn or not chosen (1)" in page


def test_the_dashboard_and_browse_count_the_same(customer_client, client, task):
    assert Task.objects.with_card_data().get(pk=task.pk).bid_count == 1
    assert Bid.objects.live().filter(task=task).count() == 1
    dashboard = customer_client.get(reverse("marketplace:dashboard")).context["tasks"]
    assert [t.bid_count for t in dashboard] == [1]
    assert re.search(r"\b1 bid\b(?!s)", words(client.get(reverse("marketplace:task_list"))))


@pytest.mark.parametrize("status", [Task.Status.CANCELLED, Task.Status.EXPIRED])
def test_an_ended_task_does_not_promise_bids(customer_client, customer, status):
    task = TaskFactory(customer=customer, status=status)
    page = words(customer_client.get(task.get_absolute_url()))
    assert "We will notify you" not in page
    assert "No bids in play" in page

"""Query counts, pinned: a page costs the same number of queries for 1 row and for 30.

Each test measures a page with one row, adds 29 more, and measures it again against the
same pinned number: a query in a template loop (N+1) fails it.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.models import Agreement, BidRevision, TaskEvent

from .conftest import client_for
from .factories import (
    BidFactory,
    ReviewFactory,
    TaskerFactory,
    TaskFactory,
    UserFactory,
    seed_categories,
)
from .helpers import make_agreement

BROWSE = reverse("marketplace:task_list")
MORE = 29

# Every signed-in request reads its session and its user, and the navbar's two unread
# counts (messages, notifications) in one query.
SIGNED_IN = 3


@pytest.fixture
def pinned(django_assert_num_queries):
    def check(client, url, expected: int, *, grow) -> None:
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200
        grow()
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200

    return check


def more_tasks(customer, **fields):
    return lambda: TaskFactory.create_batch(MORE, customer=customer, **fields)


def test_browse_anonymous(client, customer, pinned):
    TaskFactory(customer=customer)
    # the page's tasks, their count, the category choices of the filter form
    pinned(client, BROWSE, 3, grow=more_tasks(customer))


def test_browse_filtered_and_signed_in(tasker_client, customer, pinned):
    gardening = next(c for c in seed_categories() if c.slug == "gardening")
    TaskFactory(customer=customer, title="Weed the beds", category=gardening)
    url = f"{BROWSE}?q=weed&category=gardening&sort=budget_asc&budget_min=1"
    # The filter form looks up the chosen category: one more than anonymous browsing.
    pinned(
        tasker_client,
        url,
        SIGNED_IN + 4,
        grow=more_tasks(customer, title="Weed the beds", category=gardening),
    )


def test_home_page(client, customer, pinned):
    TaskFactory(customer=customer)
    # the categories, the latest open tasks
    pinned(
        client, reverse("home"), 2, grow=lambda: TaskFactory.create_batch(MORE, customer=customer)
    )


def bids_with_history(task, n: int) -> None:
    """n bids from n taskers, each revised once, each tasker with a track record."""
    for _ in range(n):
        bid = BidFactory(task=task, tasker=TaskerFactory(), amount=Decimal("60.00"))
        BidRevision.objects.create(
            bid=bid, old_amount=Decimal("75.00"), new_amount=bid.amount, old_message="First go."
        )
        TaskEvent.objects.create(task=task, actor=bid.tasker, kind=TaskEvent.Kind.BID_PLACED)
        done = make_agreement(customer=task.customer, tasker=bid.tasker, status="completed")
        ReviewFactory(agreement=done, published_at=done.completed_at)


def test_task_page_as_owner_with_bids(customer_client, customer, pinned):
    task = TaskFactory(customer=customer)
    bids_with_history(task, 1)
    # task (with the customer's reputation), events, bids (with each tasker's), revisions,
    # agreement
    pinned(
        customer_client,
        task.get_absolute_url(),
        SIGNED_IN + 5,
        grow=lambda: bids_with_history(task, MORE),
    )


def test_task_page_sorted_by_rating(customer_client, customer, pinned):
    task = TaskFactory(customer=customer)
    bids_with_history(task, 1)
    pinned(
        customer_client,
        task.get_absolute_url() + "?sort=rating",
        SIGNED_IN + 5,
        grow=lambda: bids_with_history(task, MORE),
    )


def test_task_page_as_anonymous_visitor(client, customer, pinned):
    task = TaskFactory(customer=customer)
    bids_with_history(task, 1)
    # task, events, agreement
    pinned(client, task.get_absolute_url(), 3, grow=lambda: bids_with_history(task, MORE))


def test_task_page_as_a_bidder(tasker_client, tasker, customer, pinned):
    task = TaskFactory(customer=customer)
    bid = BidFactory(task=task, tasker=tasker)

    def grow():
        bids_with_history(task, MORE)
        for i in range(MORE):
            BidRevision.objects.create(
                bid=bid, old_amount=Decimal(80 + i), new_amount=bid.amount, old_message="Before."
            )

    # task, events, my bid, its revisions, agreement
    pinned(tasker_client, task.get_absolute_url(), SIGNED_IN + 5, grow=grow)


def test_agreement_page(customer_client, customer, tasker, pinned):
    agreement = make_agreement(customer=customer, tasker=tasker, status="completed")
    ReviewFactory(agreement=agreement, published_at=agreement.completed_at)

    def grow():
        for _ in range(MORE):
            TaskEvent.objects.create(
                task=agreement.task, actor=TaskerFactory(), kind=TaskEvent.Kind.BID_PLACED
            )

    # agreement (with task and parties), its reviews, the task's events
    pinned(customer_client, agreement.get_absolute_url(), SIGNED_IN + 3, grow=grow)


def test_profile_page(client, tasker, pinned):
    def review_of_tasker():
        done = make_agreement(customer=TaskerFactory(), tasker=tasker, status="completed")
        ReviewFactory(agreement=done, published_at=done.completed_at)

    review_of_tasker()
    # the user with reputation, the page's reviews, their count
    pinned(
        client,
        tasker.get_absolute_url(),
        3,
        grow=lambda: [review_of_tasker() for _ in range(9)],  # the reviews page holds 10
    )


def test_dashboard(db, pinned):
    me = UserFactory()  # both roles, so every section shows
    other = UserFactory()

    def one_of_each():
        TaskFactory(customer=me)
        BidFactory(tasker=me)
        make_agreement(customer=me, tasker=other, status=Agreement.Status.DELIVERED)
        make_agreement(customer=other, tasker=me, status=Agreement.Status.COMPLETED)

    one_of_each()
    client = client_for(me)
    # the sections' counts and the totals (one query); waiting for me; a page each of
    # agreements, tasks and bids
    pinned(
        client,
        reverse("marketplace:dashboard"),
        SIGNED_IN + 5,
        grow=lambda: [one_of_each() for _ in range(12)],
    )

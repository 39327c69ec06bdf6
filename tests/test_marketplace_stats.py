"""`manage.py marketplace_stats`: the marketplace's figures, as a table or JSON."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from marketplace.models import Agreement, Bid, Review, Task, TaskEvent

from .command_helpers import row_counts, run
from .factories import (
    AgreementFactory,
    BidFactory,
    CompletedAgreementFactory,
    CustomerFactory,
    MessageFactory,
    ReviewFactory,
    TaskerFactory,
    TaskFactory,
)

HOUR = datetime.timedelta(hours=1)


def stats(*args) -> dict:
    return json.loads(run("marketplace_stats", "--json", *args))


def task_with_first_bid_after(hours: float, **task_fields) -> Task:
    posted = timezone.now() - datetime.timedelta(days=3)
    task = TaskFactory(created_at=posted, **task_fields)
    BidFactory(task=task, created_at=posted + hours * HOUR)
    BidFactory(task=task, created_at=posted + (hours + 5) * HOUR)  # later bids don't count
    return task


def test_it_counts_tasks_by_status_listing_every_status(db):
    TaskFactory.create_batch(2)
    TaskFactory(status=Task.Status.EXPIRED)

    figures = stats()

    assert figures["tasks"] == {
        "total": 3,
        "by_status": {"open": 2, "assigned": 0, "completed": 0, "cancelled": 0, "expired": 1},
    }


def test_bids_per_task_and_acceptance_rate(db):
    AgreementFactory()  # a task whose bid was accepted
    BidFactory.create_batch(2)  # two tasks with a pending bid each
    TaskFactory()  # no bids: not in the acceptance rate

    figures = stats()

    assert figures["bids"]["total"] == 3
    assert figures["bids"]["per_task"] == 3 / 4
    assert figures["acceptance"] == {
        "tasks_with_bids": 3,
        "tasks_with_accepted_bid": 1,
        "rate": 1 / 3,
    }


@pytest.mark.parametrize(("waits", "median"), [([1, 2, 4], 2), ([1, 2, 4, 10], 3), ([5], 5)])
def test_median_time_to_first_bid(db, waits, median):
    for hours in waits:
        task_with_first_bid_after(hours)
    TaskFactory()  # no bid yet: not counted

    figures = stats()

    assert figures["first_bid"] == {"median_seconds": median * 3600, "tasks": len(waits)}


def test_average_rating_counts_only_published_reviews(db):
    agreement = CompletedAgreementFactory()
    now = timezone.now()
    ReviewFactory(agreement=agreement, rating=5, published_at=now)
    ReviewFactory(
        agreement=agreement,
        author=agreement.tasker,
        subject=agreement.customer,
        rating=4,
        published_at=now,
    )
    ReviewFactory(rating=1)  # the other side has not reviewed yet: still private
    ReviewFactory(rating=1, published_at=now, is_hidden=True)  # hidden by a moderator

    figures = stats()

    assert figures["reviews"] == {"published": 2, "average_rating": 4.5}


def test_active_users_signed_in_acted_on_a_task_or_sent_a_message(db):
    now = timezone.now()
    long_ago = now - datetime.timedelta(days=40)
    CustomerFactory(last_login=now - datetime.timedelta(days=2))  # signed in
    bidder = TaskerFactory(last_login=long_ago)
    TaskEvent.objects.create(
        task=TaskFactory(customer__last_login=long_ago),
        actor=bidder,
        kind=TaskEvent.Kind.BID_PLACED,
        created_at=now - HOUR,
    )
    writer = CustomerFactory(last_login=long_ago)
    MessageFactory(
        sender=writer, conversation__user_a=writer, conversation__user_b__last_login=long_ago
    )
    CustomerFactory(last_login=long_ago)  # not active
    CustomerFactory(last_login=now, is_active=False)  # suspended: not counted at all

    figures = stats()

    assert figures["users"]["active"] == 3
    assert figures["users"]["total"] == 6
    assert figures["users"]["active_days"] == 30
    assert stats("--days", "60")["users"]["active"] == 6


def test_the_table_is_readable_and_ends_with_a_summary(db):
    task = task_with_first_bid_after(2)
    AgreementFactory(
        status=Agreement.Status.DELIVERED,
        task__created_at=task.created_at,
        bid__created_at=task.created_at + 2 * HOUR,
    )

    output = run("marketplace_stats")

    assert "Median time to first bid" in output and "2 h 00 min" in output
    assert "Acceptance rate" in output and "50.0%" in output
    assert output.strip().splitlines()[-1].startswith("Statistics for 2 tasks")


def test_json_mode_prints_only_json_on_stdout(db):
    out, err = io.StringIO(), io.StringIO()

    call_command("marketplace_stats", "--json", stdout=out, stderr=err)

    assert json.loads(out.getvalue())["tasks"]["total"] == 0
    assert "Statistics for 0 tasks" in err.getvalue()


def test_an_empty_marketplace_has_no_rates(db):
    figures = stats()

    assert figures["acceptance"]["rate"] is None
    assert figures["first_bid"]["median_seconds"] is None
    assert figures["reviews"]["average_rating"] is None
    assert "–" in run("marketplace_stats")


def test_it_changes_nothing(db):
    BidFactory.create_batch(3)
    before = row_counts()

    run("marketplace_stats")
    run("marketplace_stats", "--json")

    assert row_counts() == before


def test_the_number_of_queries_does_not_grow_with_the_data(db, django_assert_num_queries):
    task_with_first_bid_after(1)
    with django_assert_num_queries(12) as one_row:
        run("marketplace_stats")

    for hours in range(2, 30):
        task_with_first_bid_after(hours, status=Task.Status.OPEN)
    CompletedAgreementFactory.create_batch(5)
    Bid.objects.update(created_at=timezone.now())
    ReviewFactory.create_batch(3, published_at=timezone.now())
    with django_assert_num_queries(len(one_row.captured_queries)):
        run("marketplace_stats")


@pytest.mark.parametrize("days", ["0", "-1", "month"])
def test_bad_days_are_a_clear_error(db, days):
    with pytest.raises(CommandError, match="1 or more"):
        run("marketplace_stats", "--days", days)


def test_reviews_not_yet_published_are_left_out_until_the_blind_period_ends(db):
    old = CompletedAgreementFactory(completed_at=timezone.now() - datetime.timedelta(days=15))
    ReviewFactory(agreement=old, rating=2)

    assert stats()["reviews"] == {"published": 1, "average_rating": 2.0}
    assert Review.objects.count() == 1

"""`manage.py expire_tasks`: open tasks past their due date expire, once."""

import datetime

import pytest
from django.core.management import CommandError
from django.utils import timezone

from marketplace import services
from marketplace.models import Bid, Notification, Task, TaskEvent
from marketplace.states import DomainError

from .command_helpers import run
from .factories import AgreementFactory, BidFactory, TaskFactory


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def overdue(customer):
    return TaskFactory(customer=customer, due_date=days_from_today(-1))


def test_an_open_task_past_its_due_date_expires(overdue, tasker):
    bid = BidFactory(task=overdue, tasker=tasker)

    output = run("expire_tasks")

    overdue.refresh_from_db()
    bid.refresh_from_db()
    assert overdue.status == Task.Status.EXPIRED
    assert bid.status == Bid.Status.REJECTED
    event = overdue.events.get(kind=TaskEvent.Kind.EXPIRED)
    assert (event.actor, event.from_status, event.to_status) == (None, "open", "expired")
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {overdue.customer.username, tasker.username}
    assert output.strip() == "Expired 1 task."


def test_tasks_due_today_or_later_and_tasks_not_open_stay_as_they_are(customer):
    due_today = TaskFactory(customer=customer, due_date=days_from_today(0))
    due_later = TaskFactory(customer=customer, due_date=days_from_today(5))
    agreement = AgreementFactory(task__customer=customer, task__due_date=days_from_today(-3))
    cancelled = TaskFactory(
        customer=customer, due_date=days_from_today(-3), status=Task.Status.CANCELLED
    )

    output = run("expire_tasks")

    for task, status in [
        (due_today, Task.Status.OPEN),
        (due_later, Task.Status.OPEN),
        (agreement.task, Task.Status.ASSIGNED),
        (cancelled, Task.Status.CANCELLED),
    ]:
        task.refresh_from_db()
        assert task.status == status
    assert "Expired 0 tasks." in output


def test_days_also_expires_open_tasks_posted_longer_ago(customer):
    old = TaskFactory(
        customer=customer,
        due_date=days_from_today(10),
        created_at=timezone.now() - datetime.timedelta(days=31),
    )
    recent = TaskFactory(
        customer=customer,
        due_date=days_from_today(10),
        created_at=timezone.now() - datetime.timedelta(days=29),
    )

    assert "Expired 0 tasks." in run("expire_tasks")
    assert "Expired 1 task." in run("expire_tasks", "--days", "30")

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == (Task.Status.EXPIRED, Task.Status.OPEN)


def test_dry_run_lists_what_would_expire_and_changes_nothing(overdue, tasker):
    BidFactory(task=overdue, tasker=tasker)

    output = run("expire_tasks", "--dry-run")

    overdue.refresh_from_db()
    assert overdue.status == Task.Status.OPEN
    assert not TaskEvent.objects.exists() and not Notification.objects.exists()
    assert f"#{overdue.pk} “{overdue.title}”" in output
    assert "Would expire 1 task" in output


def test_a_second_run_expires_nothing_more(overdue):
    run("expire_tasks")
    events = TaskEvent.objects.count()

    output = run("expire_tasks")

    assert output.strip() == "Expired 0 tasks."
    assert TaskEvent.objects.count() == events


def test_a_task_that_changed_meanwhile_is_left_alone(overdue, customer, monkeypatch):
    other = TaskFactory(customer=customer, due_date=days_from_today(-2))
    expire = services.task_expire

    def accepted_meanwhile(*, task):
        if task.pk == overdue.pk:
            raise DomainError("You cannot expire this task: it is assigned.")
        return expire(task=task)

    monkeypatch.setattr(services, "task_expire", accepted_meanwhile)

    output = run("expire_tasks")

    other.refresh_from_db()
    assert other.status == Task.Status.EXPIRED
    assert "Expired 1 task. 1 task changed meanwhile" in output
    assert f"#{overdue.pk}" in output


@pytest.mark.parametrize("days", ["0", "-3", "soon"])
def test_bad_days_are_a_clear_error(db, days):
    with pytest.raises(CommandError, match="1 or more"):
        run("expire_tasks", "--days", days)

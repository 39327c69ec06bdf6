"""The once-only guard of saved-search alerts, raced for real (threads, each with its own
database connection; file SQLite in WAL mode, and PostgreSQL)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.alerts import alert_task, claim, send_digests
from marketplace.models import SavedSearch, TaskAlert

from .factories import SavedSearchFactory, TaskFactory, seed_categories
from .helpers import race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def search(tasker):
    seed_categories()
    return SavedSearchFactory(
        owner=tasker,
        q="fence",
        frequency=SavedSearch.Frequency.INSTANT,
        created_at=timezone.now() - datetime.timedelta(hours=1),
    )


def test_ten_workers_alerting_the_same_task_send_one_email(search, customer, tasker):
    task = TaskFactory(customer=customer, title="Mend a garden fence")

    outcomes = race(10, lambda i: alert_task(task.pk))

    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert sum(outcomes) == 1
    assert TaskAlert.objects.filter(search=search, task=task).count() == 1
    assert [m.to for m in mail.outbox] == [[tasker.email]]


def test_racing_claims_share_the_tasks_out_without_overlap(search, customer):
    tasks = [TaskFactory(customer=customer, title=f"Fence {n}") for n in range(5)]
    ids = [task.pk for task in tasks]

    outcomes = race(8, lambda i: claim(search, ids))

    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    claimed = [pk for outcome in outcomes for pk in outcome]
    assert sorted(claimed) == sorted(ids)  # each task claimed by exactly one racer


def test_two_digest_runs_at_once_send_each_digest_once(search, customer, tasker):
    SavedSearch.objects.filter(pk=search.pk).update(frequency=SavedSearch.Frequency.DAILY)
    TaskFactory(customer=customer, title="Mend a garden fence")

    outcomes = race(4, lambda i: send_digests().emails)

    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert sum(outcomes) == 1
    assert len(mail.outbox) == 1

"""`manage.py seed_demo --users N --tasks N --bids N --messages N`: benchmark-size data."""

import pytest
from django.core.management import CommandError
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import User
from marketplace.demo.story_content import DEMO_PASSWORD, DEMO_TASKS, DEMO_USERS
from marketplace.models import (
    Agreement,
    Bid,
    Conversation,
    Message,
    Notification,
    Review,
    Task,
    TaskEvent,
)

from .command_helpers import row_counts, run, seed_categories, seeded_once
from .factories import CustomerFactory

SMALL_SCALE = ["--users", "50", "--tasks", "200", "--bids", "500", "--messages", "300"]
T, B, A = Task.Status, Bid.Status, Agreement.Status


@pytest.fixture(scope="class")
def scaled(django_db_setup, django_db_blocker):
    with seeded_once(django_db_blocker, *SMALL_SCALE) as output:
        yield output


@pytest.mark.usefixtures("scaled", "db")
class TestSmallScale:
    def test_it_creates_exactly_the_requested_rows_besides_the_demo(self, scaled):
        assert User.objects.count() == 50 + len(DEMO_USERS)
        assert User.objects.filter(username__regex=r"^user\d{5}$").count() == 50
        assert Task.objects.count() == 200 + len(DEMO_TASKS)
        assert Bid.objects.filter(tasker__username__startswith="user").count() == 500
        assert Message.objects.filter(sender__username__startswith="user").count() == 300
        assert "Created 50 users, 200 tasks, 500 bids" in scaled

    def test_every_state_is_there(self):
        generated = Task.objects.filter(customer__username__startswith="user")
        assert set(generated.values_list("status", flat=True)) == set(T.values)
        assert generated.filter(status=T.OPEN).count() > generated.count() / 3
        assert set(Agreement.objects.values_list("status", flat=True)) == set(A.values)
        assert set(Bid.objects.values_list("status", flat=True)) == set(B.values)

    def test_every_assigned_or_completed_task_has_one_agreement_from_an_accepted_bid(self):
        with_deal = Task.objects.filter(status__in=[T.ASSIGNED, T.COMPLETED])
        assert not with_deal.filter(agreement__isnull=True).exists()
        assert not with_deal.exclude(agreement__bid__status=B.ACCEPTED).exists()
        accepted = Count("bids", filter=Q(bids__status=B.ACCEPTED))
        assert not with_deal.annotate(accepted=accepted).exclude(accepted=1).exists()
        assert Bid.objects.filter(status=B.ACCEPTED).count() == Agreement.objects.count()
        assert not Agreement.objects.exclude(price=F("bid__amount")).exists()
        assert not Agreement.objects.exclude(task=F("bid__task")).exists()

    def test_agreements_and_their_tasks_agree(self):
        for agreement_status, task_status in [
            (A.ACTIVE, T.ASSIGNED),
            (A.DELIVERED, T.ASSIGNED),
            (A.COMPLETED, T.COMPLETED),
            (A.CANCELLED, T.CANCELLED),
        ]:
            agreements = Agreement.objects.filter(status=agreement_status)
            assert not agreements.exclude(task__status=task_status).exists()
        assert not Agreement.objects.filter(status=A.COMPLETED, completed_at__isnull=True)
        assert not Agreement.objects.filter(status=A.CANCELLED, cancellation_reason="")

    def test_reviews_are_only_on_completed_agreements_between_its_parties(self):
        assert Review.objects.exists()
        assert not Review.objects.exclude(agreement__status=A.COMPLETED).exists()
        assert not Review.objects.filter(author=F("subject")).exists()
        customer_to_tasker = Q(author=F("agreement__customer"), subject=F("agreement__tasker"))
        tasker_to_customer = Q(author=F("agreement__tasker"), subject=F("agreement__customer"))
        assert not Review.objects.exclude(customer_to_tasker | tasker_to_customer).exists()

    def test_nobody_bids_on_their_own_task_and_pending_bids_are_on_open_tasks(self):
        assert not Bid.objects.filter(tasker=F("task__customer")).exists()
        assert not Bid.objects.filter(status=B.PENDING).exclude(task__status=T.OPEN).exists()
        assert not Task.objects.filter(status=T.OPEN, due_date__lt=timezone.localdate()).exists()

    def test_timelines_cover_every_task_and_follow_it(self):
        assert not Task.objects.exclude(events__kind=TaskEvent.Kind.POSTED).exists()
        assert not TaskEvent.objects.filter(created_at__lt=F("task__created_at")).exists()
        assert not Bid.objects.filter(created_at__lt=F("task__created_at")).exists()
        assert not TaskEvent.objects.filter(created_at__gt=timezone.now()).exists()
        for status, kind in [
            (T.EXPIRED, TaskEvent.Kind.EXPIRED),
            (T.COMPLETED, TaskEvent.Kind.COMPLETED),
            (T.ASSIGNED, TaskEvent.Kind.BID_ACCEPTED),
        ]:
            assert not Task.objects.filter(status=status).exclude(events__kind=kind).exists()
        placed = TaskEvent.objects.filter(kind=TaskEvent.Kind.BID_PLACED).count()
        assert placed == Bid.objects.count()

    def test_conversations_are_between_a_customer_and_one_of_their_bidders(self):
        generated = Conversation.objects.filter(user_a__username__startswith="user")
        assert generated.exists()
        for conversation in generated.select_related("task"):
            people = {conversation.user_a_id, conversation.user_b_id}
            assert conversation.task.customer_id in people
            bidders = set(conversation.task.bids.values_list("tasker_id", flat=True))
            assert people - {conversation.task.customer_id} <= bidders
            assert set(conversation.messages.values_list("sender_id", flat=True)) <= people

    def test_notifications_say_what_the_services_would(self):
        placed = Notification.objects.filter(kind=Notification.Kind.BID_PLACED)
        assert placed.count() == Bid.objects.count()
        generated = placed.filter(recipient__username__startswith="user")
        assert not generated.exclude(text__regex=r" bid £[0-9]+\.[0-9]{2} on “").exists()
        assert Notification.objects.filter(kind=Notification.Kind.MESSAGE).exists()
        assert Notification.objects.filter(is_read=True).exists()
        # As agreement_cancel writes it: the reason stays off the public timeline.
        cancelled = TaskEvent.objects.filter(
            kind=TaskEvent.Kind.AGREEMENT_CANCELLED, task__customer__username__startswith="user"
        )
        assert cancelled.exists() and not cancelled.exclude(note="").exists()

    def test_generated_users_log_in_with_the_demo_password(self):
        assert User.objects.get(username="user00050").check_password(DEMO_PASSWORD)

    def test_a_second_run_adds_nothing_and_says_so(self):
        before = row_counts()

        output = run("seed_demo", *SMALL_SCALE)

        assert row_counts() == before
        assert "Benchmark data already exists" in output


@pytest.fixture
def categories(db):
    seed_categories()


def test_dry_run_writes_nothing(categories):
    output = run("seed_demo", "--dry-run", *SMALL_SCALE)

    assert not User.objects.exists()
    assert "Would create benchmark data: 50 users" in output


def test_the_same_seed_gives_the_same_data(categories):
    args = ["--users", "10", "--tasks", "20", "--bids", "30", "--seed", "7"]
    run("seed_demo", *args)
    generated = Task.objects.filter(customer__username__startswith="user").order_by("pk")
    first = list(generated.values_list("title", "budget", "status"))
    User.objects.filter(username__startswith="user").delete()

    run("seed_demo", *args)

    assert list(generated.values_list("title", "budget", "status")) == first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--users", "-1"], "0 or more"),
        (["--users", "many"], "0 or more"),
        (["--tasks", "5"], "--users 2 or more"),
        (["--users", "5", "--bids", "5"], "--bids needs --tasks"),
        (["--users", "5", "--tasks", "5", "--messages", "5"], "--messages needs --bids"),
        (["--users", "2", "--tasks", "2", "--bids", "50"], "one bid per tasker per task"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_arguments_are_a_clear_error_that_writes_nothing(categories, args, message):
    with pytest.raises(CommandError, match=message):
        run("seed_demo", *args)
    assert not User.objects.exists()


def test_a_clash_with_an_existing_account_writes_nothing_and_says_why(categories):
    CustomerFactory(username="user00002")

    with pytest.raises(
        CommandError, match=r"clashes with existing rows \(.*\)\. Nothing was written"
    ):
        run("seed_demo", "--users", "3")
    assert not User.objects.filter(username="user00001").exists()

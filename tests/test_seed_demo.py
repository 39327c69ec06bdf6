"""`manage.py seed_demo` without options: the demo accounts and a living marketplace."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import OutputWrapper
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from marketplace.demo.story_content import (
    DEMO_PASSWORD,
    DEMO_REPORTS,
    DEMO_TASKS,
    DEMO_USERS,
)
from marketplace.management.progress import Progress
from marketplace.models import (
    Agreement,
    Bid,
    BidRevision,
    Category,
    Conversation,
    Message,
    Notification,
    Question,
    Report,
    Review,
    Task,
    TaskEvent,
)
from marketplace.selectors import reportable

from .command_helpers import row_counts, run, seed_categories, seeded_once
from .factories import CustomerFactory
from .helpers import force_login


def statuses(model) -> set[str]:
    return set(model.objects.values_list("status", flat=True))


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    with seeded_once(django_db_blocker) as output:
        yield output


@pytest.mark.usefixtures("demo", "db")
class TestTheDemo:
    def test_it_creates_every_demo_account_with_the_printed_password(self, demo):
        for spec in DEMO_USERS:
            user = User.objects.get(username=spec.username)
            assert user.role == spec.role
            assert user.check_password(DEMO_PASSWORD)
            assert spec.username in demo
        admin = User.objects.get(username="demo-admin")
        assert admin.is_staff and admin.is_superuser
        assert User.objects.filter(is_staff=True).count() == 1
        assert f"password for all: {DEMO_PASSWORD}" in demo
        assert demo.strip().splitlines()[-1].startswith("Done in ")

    def test_it_has_tasks_bids_and_agreements_in_every_state(self):
        assert statuses(Task) == set(Task.Status.values)
        assert statuses(Bid) == set(Bid.Status.values)
        assert statuses(Agreement) == set(Agreement.Status.values)
        assert Task.objects.count() == len(DEMO_TASKS)
        assert Task.objects.values("category").distinct().count() == Category.objects.count()
        assert Task.objects.filter(is_remote=True).exists()
        assert Task.objects.exclude(city="").values("city").distinct().count() >= 4
        assert BidRevision.objects.exists()

    def test_it_has_published_pairs_and_one_unpublished_review(self):
        pairs = Agreement.objects.annotate(n=Count("reviews")).filter(n=2)
        assert pairs.count() >= 2
        assert not Review.objects.filter(agreement__in=pairs, published_at__isnull=True).exists()
        unpublished = Review.objects.exclude(pk__in=Review.objects.visible())
        assert unpublished.count() == 1
        # ... and the other side can still write theirs.
        review = unpublished.get()
        assert review.agreement.can("review", review.subject)

    def test_it_has_conversations_and_read_and_unread_notifications(self):
        assert Conversation.objects.count() >= 5
        assert Message.objects.count() >= 2 * Conversation.objects.count()
        assert not Conversation.objects.filter(task__isnull=True).exists()
        customer = User.objects.get(username="demo-customer")
        assert customer.notifications.filter(is_read=False).exists()
        assert customer.notifications.filter(is_read=True).exists()

    def test_it_fills_the_moderation_queue_with_open_reports(self, client):
        reports = Report.objects.filter(status=Report.Status.OPEN)
        assert reports.count() == len(DEMO_REPORTS) >= 3
        assert set(reports.values_list("kind", flat=True)) == {"task", "message", "user"}
        for report in reports:  # each about something its reporter may report, as on the site
            assert reportable(report.kind, report.reporter).filter(pk=report.object_id).exists()
        force_login(client, User.objects.get(username="demo-admin"))
        queue = client.get(reverse("admin:marketplace_report_changelist"))
        assert queue.context["cl"].result_count == len(DEMO_REPORTS)

    def test_every_timeline_is_in_order_and_ends_in_the_task_status(self):
        now = timezone.now()
        for task in Task.objects.prefetch_related("events"):
            events = sorted(task.events.all(), key=lambda e: e.pk)
            assert events[0].kind == TaskEvent.Kind.POSTED
            assert events[0].created_at == task.created_at
            times = [e.created_at for e in events]
            assert times == sorted(times), task.title
            assert times[-1] <= now
            task_changes = [e.to_status for e in events if e.to_status in Task.Status.values]
            assert (task_changes or [Task.Status.OPEN])[-1] == task.status, task.title

    def test_it_spreads_over_past_weeks(self):
        for agreement in Agreement.objects.select_related("task"):
            assert agreement.created_at > agreement.task.created_at
            if agreement.completed_at:
                assert agreement.created_at < agreement.delivered_at < agreement.completed_at
        oldest = Task.objects.order_by("created_at").first().created_at
        assert timezone.now() - oldest > timezone.timedelta(days=30)

    def test_its_accounts_have_the_default_email_preferences(self):
        assert not User.objects.exclude(email_muted_kinds=[]).exists()

    def test_a_second_run_adds_nothing_and_says_so(self):
        before = row_counts()

        output = run("seed_demo")

        assert row_counts() == before
        assert "already exists" in output
        assert "demo-customer" in output  # the accounts are printed every time

    def test_it_has_public_questions_on_open_tasks_most_answered_and_fixed(self, client):
        questions = list(Question.objects.select_related("task"))
        assert len(questions) >= 3
        assert {q.task.status for q in questions} == {Task.Status.OPEN}
        answered = [q for q in questions if q.answered_at]
        assert answered and len(answered) < len(questions)
        for question in answered:  # already past the time an answer can be edited
            assert question.refusal("edit_answer", question.task.customer)
        page = client.get(answered[0].task.get_absolute_url()).content.decode()
        assert answered[0].answer.replace("'", "&#x27;") in page

    def test_its_pages_render(self, client):
        assert client.get("/").status_code == 200
        assert client.get("/tasks/").status_code == 200
        for task in Task.objects.all():
            assert client.get(task.get_absolute_url()).status_code == 200
        client.force_login(User.objects.get(username="demo-customer"))
        assert client.get("/dashboard/").status_code == 200


@pytest.fixture
def categories(db):
    seed_categories()


def test_it_sends_no_email(categories, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        run("seed_demo")

    assert Notification.objects.exists()
    assert mailoutbox == []


def test_dry_run_writes_nothing_and_says_what_it_would_do(categories):
    before = row_counts()

    output = run("seed_demo", "--dry-run")

    assert row_counts() == before
    assert "Would create the demo data" in output
    assert output.strip().splitlines()[-1].startswith("Dry run, nothing written")


def test_it_recreates_categories_a_flush_removed_and_keeps_edited_ones(db):
    seed_categories()
    Category.objects.filter(slug="cleaning").update(name="Cleaning and ironing")
    Category.objects.exclude(slug="cleaning").delete()

    output = run("seed_demo")

    assert Category.objects.count() == 8
    assert Category.objects.get(slug="cleaning").name == "Cleaning and ironing"
    assert "Recreated the missing categories: Moving, Handyman" in output
    assert Task.objects.count() == len(DEMO_TASKS)


def test_it_warns_when_debug_is_off(categories, settings):
    settings.DEBUG = False
    err = io.StringIO()

    call_command("seed_demo", stdout=io.StringIO(), stderr=err)

    assert "Never seed a public site" in err.getvalue()


# --- Progress on a terminal ---


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_on_a_terminal():
    out = FakeTerminal()

    with Progress(OutputWrapper(out), "Tasks", 10) as progress:
        progress.advance(10)

    assert "\rTasks: 10/10 (100%)" in out.getvalue().replace("\033[K", "")


def test_progress_stays_silent_when_not_a_terminal():
    out = io.StringIO()

    with Progress(OutputWrapper(out), "Tasks", 10) as progress:
        progress.advance(10)

    assert out.getvalue() == ""


def test_any_demo_account_already_there_means_the_demo_is_not_written_again(categories):
    CustomerFactory(username="demo-tasker")

    output = run("seed_demo")

    assert "Demo data already exists (demo-tasker is there)" in output
    assert not Task.objects.exists()

"""Tasks through their pages: post, edit, cancel, repost, and the task page per persona."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace import services
from marketplace.forms import TaskForm
from marketplace.models import Agreement, Bid, Category, Notification, Task, TaskEvent
from marketplace.states import DomainError

from .factories import BidFactory, CustomerFactory, TaskFactory
from .helpers import make_agreement, messages_of, snapshot, task_data


def url(name, task) -> str:
    return reverse(f"marketplace:{name}", args=[task.pk])


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


# --- Post ---


def test_a_customer_posts_a_task(customer_client, customer):
    response = customer_client.post(reverse("marketplace:task_create"), task_data())
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert (task.customer, task.status, task.budget) == (customer, Task.Status.OPEN, 120)
    assert task.events.get().kind == TaskEvent.Kind.POSTED
    assert "Your task is live" in messages_of(response)[0]


def test_a_tasker_is_asked_to_switch_role_before_posting(tasker_client):
    response = tasker_client.post(reverse("marketplace:task_create"), task_data())
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile_edit")
    assert messages_of(response) == [
        "To post tasks, switch your role to “customer” or “both” in your profile."
    ]
    assert not Task.objects.exists()


def test_anonymous_is_sent_to_log_in_to_post(client, db):
    assert_login_redirect(client.get(reverse("marketplace:task_create")))
    assert_login_redirect(client.post(reverse("marketplace:task_create"), task_data()))
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("budget", "-5", "greater than or equal to 0.01"),
        ("budget", "0", "greater than or equal to 0.01"),
        ("budget", "100000.01", "less than or equal to 100000"),
        ("budget", "1e9", "no more than 9 digits"),
        ("budget", "lots", "Enter a number"),
        ("budget", "NaN", "Enter a number"),
        ("budget", "", "This field is required"),
        ("due_date", "2001-01-01", "The due date cannot be in the past"),
        ("due_date", "tomorrow", "Enter a valid date"),
        ("title", "Hi", "at least 5 characters"),
        ("description", "Too short", "at least 20 characters"),
        ("city", "", "Say where the task is"),
        ("category", "999999", "Select a valid choice"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_posted(
    customer_client, field, value, message
):
    response = customer_client.post(reverse("marketplace:task_create"), task_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Task.objects.exists()


def test_yesterday_is_in_the_past_but_today_is_fine(customer_client):
    today = timezone.localdate()
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    response = customer_client.post(
        reverse("marketplace:task_create"), task_data(due_date=yesterday)
    )
    assert "The due date cannot be in the past" in response.content.decode()
    customer_client.post(reverse("marketplace:task_create"), task_data(due_date=today.isoformat()))
    assert Task.objects.get().due_date == today


def test_the_largest_budget_allowed_is_accepted(customer_client):
    customer_client.post(reverse("marketplace:task_create"), task_data(budget="100000"))
    assert Task.objects.get().budget == Decimal("100000")


# --- Edit ---


@pytest.fixture
def open_task(customer, tasker, other_tasker):
    task = TaskFactory(customer=customer, budget=Decimal("80.00"))
    BidFactory(task=task, tasker=tasker)
    BidFactory(task=task, tasker=other_tasker, status=Bid.Status.WITHDRAWN)
    return task


def test_the_owner_sees_the_edit_form_filled_in(customer_client, open_task):
    response = customer_client.get(url("task_edit", open_task))
    assert response.status_code == 200
    assert f'value="{open_task.title}"' in response.content.decode()


def test_editing_an_open_task_records_it_and_tells_pending_bidders(
    customer_client, open_task, tasker, other_tasker
):
    response = customer_client.post(
        url("task_edit", open_task),
        task_data(title=open_task.title, budget="95.00", category=open_task.category.pk),
    )
    assert response.status_code == 302 and response["Location"] == open_task.get_absolute_url()
    assert messages_of(response) == ["Your task was updated. Bidders have been told."]
    open_task.refresh_from_db()
    assert open_task.budget == Decimal("95.00")
    event = open_task.events.get(kind=TaskEvent.Kind.EDITED)
    assert event.actor == open_task.customer and "budget" in event.note
    notified = Notification.objects.filter(kind=Notification.Kind.TASK_CHANGED)
    assert [n.recipient for n in notified] == [tasker]  # not the one who withdrew
    assert open_task.title in notified.get().text


@pytest.mark.parametrize("persona", ["other_customer_client", "tasker_client", "staff_client"])
def test_someone_elses_task_cannot_be_edited(request, persona, open_task):
    client = request.getfixturevalue(persona)
    before = snapshot()
    assert client.get(url("task_edit", open_task)).status_code == 404
    assert client.post(url("task_edit", open_task), task_data()).status_code == 404
    assert snapshot() == before


def test_anonymous_is_sent_to_log_in_to_edit(client, open_task):
    assert_login_redirect(client.get(url("task_edit", open_task)))
    assert_login_redirect(client.post(url("task_edit", open_task), task_data()))


@pytest.mark.parametrize("budget", ["-1", "0", "100001", "eighty"])
def test_a_bad_edit_changes_nothing(customer_client, open_task, budget):
    before = snapshot()
    response = customer_client.post(url("task_edit", open_task), task_data(budget=budget))
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert snapshot() == before


def test_an_assigned_task_cannot_be_edited_and_the_agreement_keeps_its_terms(
    customer_client, customer, tasker
):
    agreement = make_agreement(customer=customer, tasker=tasker)
    task = agreement.task
    terms = (agreement.title, agreement.description, agreement.price)

    response = customer_client.get(url("task_edit", task))
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert messages_of(response) == ["You cannot edit this task: it is assigned."]

    before = snapshot()
    response = customer_client.post(
        url("task_edit", task),
        task_data(title="Something else entirely", description="A different job " * 3),
    )
    assert response.status_code == 200
    assert "You cannot edit this task: it is assigned." in response.content.decode()
    assert snapshot() == before
    agreement.refresh_from_db()
    assert (agreement.title, agreement.description, agreement.price) == terms


# --- Cancel ---


def test_the_owner_cancels_an_open_task_and_pending_bids_are_rejected(
    customer_client, open_task, tasker
):
    response = customer_client.post(url("task_cancel", open_task))
    assert response.status_code == 302 and response["Location"] == open_task.get_absolute_url()
    assert messages_of(response) == ["Your task was cancelled. Bidders have been told."]
    open_task.refresh_from_db()
    assert open_task.status == Task.Status.CANCELLED
    statuses = dict(open_task.bids.values_list("tasker__username", "status"))
    assert statuses == {"tom": Bid.Status.REJECTED, "tina": Bid.Status.WITHDRAWN}
    assert Notification.objects.get(kind=Notification.Kind.TASK_CHANGED).recipient == tasker
    event = open_task.events.get(kind=TaskEvent.Kind.CANCELLED)
    assert (event.from_status, event.to_status) == ("open", "cancelled")


def test_cancel_asks_on_get_and_changes_nothing(customer_client, open_task):
    before = snapshot()
    response = customer_client.get(url("task_cancel", open_task))
    assert response.status_code == 200
    assert f"Cancel “{open_task.title}”?" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["other_customer_client", "tasker_client", "staff_client"])
def test_someone_elses_task_cannot_be_cancelled(request, persona, open_task):
    client = request.getfixturevalue(persona)  # signing in is no change of ours
    before = snapshot()
    assert client.post(url("task_cancel", open_task)).status_code == 404
    assert snapshot() == before


def test_anonymous_is_sent_to_log_in_to_cancel(client, open_task):
    before = snapshot()
    assert_login_redirect(client.post(url("task_cancel", open_task)))
    assert snapshot() == before


def test_cancelling_twice_says_why_not(customer_client, open_task):
    customer_client.post(url("task_cancel", open_task))
    before = snapshot()
    response = customer_client.post(url("task_cancel", open_task), follow=True)
    assert response.status_code == 200
    assert "You cannot cancel this task: it is cancelled." in response.content.decode()
    assert snapshot() == before


# --- Repost ---


@pytest.fixture
def cancelled_task(customer):
    return TaskFactory(
        customer=customer,
        status=Task.Status.CANCELLED,
        title="Mow the back lawn",
        postcode="LS6 2AB",
        budget=Decimal("35.50"),
    )


def test_repost_prefills_the_form(customer_client, cancelled_task):
    response = customer_client.get(url("task_repost", cancelled_task))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "Mow the back lawn"
    assert form.initial["budget"] == Decimal("35.50")
    html = response.content.decode()
    assert 'value="Mow the back lawn"' in html and 'value="LS6 2AB"' in html


def test_repost_makes_a_new_open_task_linked_to_the_old(customer_client, cancelled_task):
    response = customer_client.post(
        url("task_repost", cancelled_task), task_data(title="Mow the back lawn")
    )
    new = Task.objects.get(reposted_from=cancelled_task)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    assert messages_of(response) == ["Your task is live. Taskers can now bid on it."]
    assert new.status == Task.Status.OPEN and new.customer == cancelled_task.customer
    assert new.events.get().kind == TaskEvent.Kind.REPOSTED
    cancelled_task.refresh_from_db()
    assert cancelled_task.status == Task.Status.CANCELLED


def test_an_open_task_cannot_be_reposted(customer_client, open_task):
    response = customer_client.get(url("task_repost", open_task))
    assert response["Location"] == open_task.get_absolute_url()
    assert messages_of(response) == ["You cannot repost this task: it is open."]
    before = snapshot()
    customer_client.post(url("task_repost", open_task), task_data())
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["other_customer_client", "tasker_client", "staff_client"])
def test_someone_elses_task_cannot_be_reposted(request, persona, cancelled_task):
    client = request.getfixturevalue(persona)
    before = snapshot()
    assert client.get(url("task_repost", cancelled_task)).status_code == 404
    assert client.post(url("task_repost", cancelled_task), task_data()).status_code == 404
    assert snapshot() == before


def test_a_customer_gets_404_on_someone_elses_repost(other_customer_client, cancelled_task):
    assert other_customer_client.get(url("task_repost", cancelled_task)).status_code == 404


# --- The task page ---


def test_anyone_sees_an_open_task(client, open_task):
    response = client.get(open_task.get_absolute_url())
    assert response.status_code == 200
    assert open_task.title in response.content.decode()
    assert "Sign in to bid" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("client", 404),
        ("other_customer_client", 404),
        ("tasker_client", 200),  # has a bid on it: the page says why it is on hold
        ("other_tasker_client", 200),  # withdrew theirs
        ("customer_client", 200),
        ("staff_client", 200),
    ],
)
def test_a_hidden_task_is_seen_only_by_those_involved_and_staff(
    request, persona, status, open_task
):
    Task.objects.filter(pk=open_task.pk).update(is_hidden=True, hidden_reason="Spam")
    response = request.getfixturevalue(persona).get(open_task.get_absolute_url())
    assert response.status_code == status


def test_a_suspended_customers_tasks_are_not_shown(client, tasker_client):
    task = TaskFactory(customer=CustomerFactory(is_active=False))
    assert client.get(task.get_absolute_url()).status_code == 404
    assert tasker_client.get(task.get_absolute_url()).status_code == 404


def test_a_missing_or_absurd_id_is_404(client, db):
    assert client.get("/tasks/987654/").status_code == 404
    assert client.get("/tasks/99999999999999999999999/").status_code == 404


def test_the_owner_sees_their_buttons_and_a_visitor_none(customer_client, client, open_task):
    owner = customer_client.get(open_task.get_absolute_url()).content.decode()
    assert url("task_edit", open_task) in owner and url("task_cancel", open_task) in owner
    visitor = client.get(open_task.get_absolute_url()).content.decode()
    assert url("task_edit", open_task) not in visitor
    assert url("task_cancel", open_task) not in visitor


def test_only_the_parties_see_the_link_to_the_agreement(customer, tasker, request):
    agreement = make_agreement(customer=customer, tasker=tasker)
    link = agreement.get_absolute_url()
    for persona, sees in [
        ("customer_client", True),
        ("tasker_client", True),
        ("staff_client", True),
        ("other_tasker_client", False),
        ("client", False),
    ]:
        html = request.getfixturevalue(persona).get(agreement.task.get_absolute_url())
        assert (link in html.content.decode()) is sees, persona
    assert Agreement.objects.count() == 1


def test_an_edit_saves_only_what_the_form_changed(customer, open_task):
    """Someone else's change while its owner edits the task is not undone by the edit."""
    stale = Task.objects.get(pk=open_task.pk)
    Task.objects.filter(pk=open_task.pk).update(postcode="LS1 1AA")
    stale.budget = Decimal("99.00")
    services.task_edit(task=stale, by=customer, changed=["budget"])
    open_task.refresh_from_db()
    assert (open_task.budget, open_task.postcode) == (Decimal("99.00"), "LS1 1AA")


def test_an_edit_is_refused_once_a_moderator_has_hidden_the_task(customer, open_task):
    stale = Task.objects.get(pk=open_task.pk)
    Task.objects.filter(pk=open_task.pk).update(is_hidden=True, hidden_reason="Spam")
    stale.budget = Decimal("99.00")
    with pytest.raises(DomainError, match="A moderator has hidden this task"):
        services.task_edit(task=stale, by=customer, changed=["budget"])
    open_task.refresh_from_db()
    assert open_task.budget != Decimal("99.00")
    assert (open_task.is_hidden, open_task.hidden_reason) == (True, "Spam")


def test_saving_the_form_unchanged_tells_nobody(customer_client, open_task):
    form = customer_client.get(url("task_edit", open_task)).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["due_date"] = open_task.due_date.isoformat()
    before = snapshot()
    response = customer_client.post(url("task_edit", open_task), data)
    assert response.status_code == 302 and response["Location"] == open_task.get_absolute_url()
    assert messages_of(response) == ["Nothing was changed."]
    assert snapshot() == before


@pytest.mark.parametrize("due", ["9999-12-31", "far"])
def test_a_due_date_more_than_a_year_away_is_refused_in_words(customer_client, due):
    latest = timezone.localdate() + timezone.timedelta(days=365)
    if due == "far":
        due = (latest + timezone.timedelta(days=1)).isoformat()
    page = customer_client.get(reverse("marketplace:task_create")).content.decode()
    assert f"within a year (by {latest:%-d %B %Y})" in page
    data = {
        "title": "Paint the garden fence",
        "description": "Two coats on a twelve-metre fence; paint and brushes are here.",
        "category": Category.objects.first().pk,
        "budget": "120",
        "city": "York",
        "due_date": due,
    }
    response = customer_client.post(reverse("marketplace:task_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["due_date"] == [
        f"Choose a due date within a year, by {latest:%-d %B %Y} at the latest."
    ]
    assert not Task.objects.exists()


def test_a_due_date_exactly_a_year_away_is_fine(customer_client):
    latest = timezone.localdate() + timezone.timedelta(days=365)
    form = TaskForm(
        data={
            "title": "Paint the garden fence",
            "description": "Two coats on a twelve-metre fence; paint and brushes are here.",
            "category": Category.objects.first().pk,
            "budget": "120",
            "city": "York",
            "due_date": latest.isoformat(),
        }
    )
    assert form.is_valid(), form.errors

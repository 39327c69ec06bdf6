import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.forms.models import model_to_dict

from accounts import services as account_services
from marketplace.models import Notification, Report, Review, Task, TaskEvent

from .conftest import client_for
from .factories import (
    PASSWORD,
    MessageFactory,
    ReportFactory,
    ReviewFactory,
    TaskFactory,
    UserFactory,
)
from .helpers import STRONG_PASSWORD, admin_form_data, make_agreement


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mo", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_client(moderator):
    return client_for(moderator)


def run_action(client, url, action, ids, **extra):
    return client.post(url, {"action": action, "_selected_action": ids, **extra})


def test_moderators_group_exists_with_only_view_and_change_permissions(db):
    codenames = set(
        Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True)
    )
    assert {"change_task", "change_review", "change_message", "change_report"} <= codenames
    assert not any(code.startswith(("add_", "delete_")) for code in codenames)
    assert "change_group" not in codenames and "change_permission" not in codenames


def test_moderator_hides_a_task_with_a_reason(moderator_client, customer):
    task = TaskFactory(customer=customer)
    url = "/admin/marketplace/task/"
    response = run_action(moderator_client, url, "hide_selected", [task.pk])
    assert response.status_code == 200
    assert b"reason" in response.content
    task.refresh_from_db()
    assert not task.is_hidden  # nothing happens before the reason is given

    response = run_action(
        moderator_client, url, "hide_selected", [task.pk], apply="1", reason="Spam link"
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.is_hidden and task.hidden_reason == "Spam link"
    assert TaskEvent.objects.filter(task=task, kind=TaskEvent.Kind.HIDDEN).exists()
    assert LogEntry.objects.filter(
        object_id=str(task.pk), change_message__contains="Hidden"
    ).exists()
    assert Notification.objects.filter(
        recipient=customer, kind=Notification.Kind.MODERATION
    ).exists()


def test_hidden_task_disappears_from_public_pages_but_its_owner_sees_why(
    client, customer_client, customer
):
    task = TaskFactory(
        customer=customer, title="Spammy wardrobe job", is_hidden=True, hidden_reason="Spam"
    )
    assert b"Spammy wardrobe job" not in client.get("/tasks/").content
    assert b"Spammy wardrobe job" not in client.get("/").content
    assert client.get(f"/tasks/{task.pk}/").status_code == 404
    response = customer_client.get(f"/tasks/{task.pk}/")
    assert response.status_code == 200
    assert b"On hold: a moderator has hidden this task" in response.content
    assert b"Reason given: Spam" in response.content


def test_moderator_unhides_a_task(moderator_client, customer):
    task = TaskFactory(customer=customer, is_hidden=True, hidden_reason="Mistake")
    run_action(moderator_client, "/admin/marketplace/task/", "unhide_selected", [task.pk])
    task.refresh_from_db()
    assert not task.is_hidden
    assert TaskEvent.objects.filter(task=task, kind=TaskEvent.Kind.UNHIDDEN).exists()


def test_hidden_review_is_gone_from_the_profile(client, moderator_client):
    review = ReviewFactory(comment="Rude words here")
    Review.objects.filter(pk=review.pk).update(published_at=review.created_at)
    profile = f"/u/{review.subject.username}/"
    assert b"Rude words here" in client.get(profile).content
    run_action(
        moderator_client,
        "/admin/marketplace/review/",
        "hide_selected",
        [review.pk],
        apply="1",
        reason="Abusive",
    )
    assert b"Rude words here" not in client.get(profile).content


def test_moderator_suspends_a_user_who_is_signed_out_and_cannot_sign_in(
    moderator_client, customer, client
):
    customer_session = client_for(customer)
    assert customer_session.get("/dashboard/").status_code == 200
    task = TaskFactory(customer=customer, title="Task of a soon suspended user")

    run_action(
        moderator_client,
        "/admin/accounts/user/",
        "suspend_selected",
        [customer.pk],
        apply="1",
        reason="Repeated no-shows",
    )

    customer.refresh_from_db()
    assert not customer.is_active
    assert customer_session.get("/dashboard/").status_code == 302  # signed out
    response = client.post(
        "/accounts/login/", {"username": customer.username, "password": PASSWORD}
    )
    assert response.status_code == 200 and not response.context["user"].is_authenticated
    assert client.get(f"/tasks/{task.pk}/").status_code == 404
    assert LogEntry.objects.filter(
        object_id=str(customer.pk), change_message="Suspended: Repeated no-shows"
    ).exists()

    run_action(moderator_client, "/admin/accounts/user/", "reinstate_selected", [customer.pk])
    customer.refresh_from_db()
    assert customer.is_active


def test_moderator_cannot_make_anyone_staff(moderator_client, customer):
    url = f"/admin/accounts/user/{customer.pk}/change/"
    page = moderator_client.get(url)
    assert page.status_code == 200
    assert b'name="is_staff"' not in page.content
    assert b'name="is_superuser"' not in page.content
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        username=customer.username,
        email=customer.email,
        role=customer.role,
        date_joined_0="2026-01-01",
        date_joined_1="10:00:00",
        is_staff="on",
        is_superuser="on",
        groups=[Group.objects.get(name="Moderators").pk],
    )
    data.pop("password", None)
    data.pop("last_login", None)
    assert moderator_client.post(url, data).status_code == 302  # saved, minus those fields
    customer.refresh_from_db()
    assert not customer.is_staff and not customer.is_superuser
    assert not customer.groups.exists()


def test_moderator_cannot_set_a_users_password_or_email(moderator_client, customer):
    """Either would let a moderator sign in as the user (an email takes a reset link)."""
    password_url = f"/admin/accounts/user/{customer.pk}/password/"
    new = {"password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD}
    assert moderator_client.get(password_url).status_code == 403
    assert moderator_client.post(password_url, new).status_code == 403

    url = f"/admin/accounts/user/{customer.pk}/change/"
    page = moderator_client.get(url)
    assert b'name="email"' not in page.content
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.pop("password", None)
    data.pop("last_login", None)
    data.update(
        username=customer.username,
        role=customer.role,
        city="Whitby",
        date_joined_0="2026-01-01",
        date_joined_1="10:00:00",
        email="moderator@example.com",
    )
    assert moderator_client.post(url, data).status_code == 302

    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)
    assert customer.email == "carol@example.com"
    assert customer.city == "Whitby"  # the rest of the profile is the moderator's to fix


def test_a_superuser_can_still_set_a_users_password(staff_client, customer):
    url = f"/admin/accounts/user/{customer.pk}/password/"
    new = STRONG_PASSWORD
    staff_client.post(url, {"password1": new, "password2": new, "usable_password": "true"})

    customer.refresh_from_db()
    assert customer.check_password(new)


@pytest.mark.parametrize(
    ("model", "make", "changes"),
    [
        ("message", lambda: MessageFactory(), {"body": "Words never written", "sender": 1}),
        ("review", lambda: ReviewFactory(), {"comment": "Awful", "rating": "1", "author": 1}),
        ("task", lambda: TaskFactory(), {"title": "Renamed by staff", "budget": "1"}),
    ],
)
def test_moderators_hide_content_but_cannot_rewrite_it(moderator_client, model, make, changes):
    obj = make()
    before = model_to_dict(obj)
    url = f"/admin/marketplace/{model}/{obj.pk}/change/"
    page = moderator_client.get(url)
    assert page.status_code == 200
    for field in changes:
        assert f'name="{field}"'.encode() not in page.content, field

    # The page's own form with the changes on top: a post the admin accepts (302).
    response = moderator_client.post(url, admin_form_data(page) | changes)
    assert response.status_code == 302

    obj.refresh_from_db()
    assert model_to_dict(obj) == before


def test_moderator_cannot_edit_or_suspend_another_staff_member(moderator_client, staff):
    url = f"/admin/accounts/user/{staff.pk}/change/"
    assert b'name="username"' not in moderator_client.get(url).content  # read-only view
    assert moderator_client.post(url, {"username": "renamed"}).status_code == 403
    run_action(
        moderator_client,
        "/admin/accounts/user/",
        "suspend_selected",
        [staff.pk],
        apply="1",
        reason="Testing",
    )
    staff.refresh_from_db()
    assert staff.is_active and staff.username == "sam"


def test_report_queue_opens_on_open_reports(moderator_client):
    open_report = ReportFactory(details="still open")
    ReportFactory(details="long closed", status=Report.Status.RESOLVED)
    response = moderator_client.get("/admin/marketplace/report/")
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == [open_report]
    assert f"/admin/marketplace/task/{open_report.object_id}/change/".encode() in response.content


def test_moderator_resolves_and_dismisses_reports_with_a_note(moderator_client, moderator):
    first, second = ReportFactory(), ReportFactory()
    url = "/admin/marketplace/report/"
    run_action(moderator_client, url, "resolve_selected", [first.pk], apply="1", note="Task hidden")
    run_action(moderator_client, url, "dismiss_selected", [second.pk], apply="1", note="Fine")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.resolution_note, first.resolved_by) == (
        Report.Status.RESOLVED,
        "Task hidden",
        moderator,
    )
    assert second.status == Report.Status.DISMISSED
    assert LogEntry.objects.filter(object_id=str(first.pk)).exists()


def test_report_changelist_query_count_is_flat(moderator_client, django_assert_max_num_queries):
    ReportFactory.create_batch(30)
    with django_assert_max_num_queries(12):
        assert moderator_client.get("/admin/marketplace/report/").status_code == 200


@pytest.mark.parametrize("model", ["task", "bid", "agreement", "review", "taskevent", "report"])
def test_changelists_load_for_a_moderator(moderator_client, model):
    TaskFactory()
    assert moderator_client.get(f"/admin/marketplace/{model}/").status_code == 200


def test_user_changelist_searches_by_email(moderator_client, customer):
    response = moderator_client.get("/admin/accounts/user/", {"q": customer.email.upper()})
    assert list(response.context["cl"].result_list) == [customer]


def test_tasks_of_a_suspended_user_are_hidden_from_browse(client, customer, moderator):
    TaskFactory(customer=customer, title="Visible while active")
    assert b"Visible while active" in client.get("/tasks/").content
    account_services.user_suspend(user=customer, by=moderator, reason="Fake listings.")
    assert b"Visible while active" not in client.get("/tasks/").content
    assert Task.objects.count() == 1


def test_even_a_superuser_cannot_rewrite_agreed_terms_bids_or_the_timeline(
    staff_client, customer, tasker
):
    """Agreements and bids come from the site's actions and the timeline records them:
    the admin shows them but cannot add, rewrite or delete them."""
    agreement = make_agreement(customer=customer, tasker=tasker)
    TaskEvent.objects.create(task=agreement.task, kind=TaskEvent.Kind.POSTED)
    event = TaskEvent.objects.get(task=agreement.task)
    for model in ("bid", "agreement", "taskevent"):
        assert staff_client.get(f"/admin/marketplace/{model}/add/").status_code == 403
    url = f"/admin/marketplace/agreement/{agreement.pk}/change/"
    page = staff_client.get(url)
    assert page.status_code == 200 and b'name="price"' not in page.content
    staff_client.post(url, {"price": "1.00", "title": agreement.title})
    agreement.refresh_from_db()
    assert agreement.price == agreement.bid.amount
    bid_page = staff_client.get(f"/admin/marketplace/bid/{agreement.bid.pk}/change/")
    assert b'name="amount"' not in bid_page.content
    event_url = f"/admin/marketplace/taskevent/{event.pk}/"
    assert staff_client.post(f"{event_url}delete/", {"post": "yes"}).status_code == 403
    assert b'name="note"' not in staff_client.get(f"{event_url}change/").content
    assert TaskEvent.objects.filter(pk=event.pk).exists()

"""Suspending a user asks for a reason, tells the user, and tells them again at sign-in."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from accounts import services
from marketplace.states import DomainError

from .conftest import client_for
from .factories import PASSWORD, UserFactory
from .helpers import page_form

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"
REASON = "Asked customers to pay outside the site"


@pytest.fixture(autouse=True)
def emails_sent_at_once(monkeypatch):
    """Each test runs in one transaction that never commits: send what waits for the
    commit (the emails) straight away instead."""
    monkeypatch.setattr("accounts.emails.transaction.on_commit", lambda f, robust=False: f())


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mo", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def choose_suspend(client, user):
    return client.post(CHANGELIST, {"action": "suspend_selected", "_selected_action": [user.pk]})


def test_suspending_in_the_admin_first_asks_for_a_reason(moderator, customer):
    client = client_for(moderator)
    response = choose_suspend(client, customer)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Suspend 1 user(s)" in page
    assert 'name="reason"' in page
    customer.refresh_from_db()
    assert customer.is_active
    assert mail.outbox == []


def test_the_reason_page_refuses_an_empty_reason(moderator, customer):
    client = client_for(moderator)
    data = page_form(choose_suspend(client, customer)) | {"reason": "   "}
    response = client.post(CHANGELIST, data)
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.is_active


def test_the_reason_is_recorded_with_who_and_the_user_is_emailed(moderator, customer):
    client = client_for(moderator)
    data = page_form(choose_suspend(client, customer)) | {"reason": REASON}
    response = client.post(CHANGELIST, data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert not customer.is_active
    assert customer.suspension_reason == REASON
    assert customer.suspended_by == moderator
    assert customer.suspended_at is not None
    entry = LogEntry.objects.get(object_id=str(customer.pk))
    assert entry.user == moderator
    assert entry.change_message == f"Suspended: {REASON}"
    (told,) = mail.outbox
    assert told.to == [customer.email]
    assert REASON in told.body
    assert "support@tasker.local" in told.body


def test_reinstating_clears_the_reason_and_tells_the_user(moderator, customer):
    services.user_suspend(user=customer, by=moderator, reason=REASON)
    mail.outbox.clear()
    client = client_for(moderator)
    client.post(CHANGELIST, {"action": "reinstate_selected", "_selected_action": [customer.pk]})
    customer.refresh_from_db()
    assert customer.is_active and customer.suspension_reason == ""
    assert [m.to for m in mail.outbox] == [[customer.email]]


def test_the_service_refuses_a_suspension_without_a_reason(moderator, customer):
    with pytest.raises(DomainError):
        services.user_suspend(user=customer, by=moderator, reason=" ")
    customer.refresh_from_db()
    assert customer.is_active


def sign_in(client, login, password):
    url = reverse("accounts:login")
    data = page_form(client.get(url)) | {"username": login, "password": password}
    return client.post(url, data)


def test_a_suspended_user_with_the_right_password_is_told_why_and_how_to_appeal(
    client, moderator, customer, settings
):
    settings.SUPPORT_EMAIL = "appeals@tasker.example"
    services.user_suspend(user=customer, by=moderator, reason=REASON)
    response = sign_in(client, customer.email, PASSWORD)
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    page = response.content.decode()
    assert "This account is suspended" in page
    assert REASON in page
    assert "appeals@tasker.example" in page


def test_a_wrong_password_reveals_nothing_about_a_suspension(client, moderator, customer):
    services.user_suspend(user=customer, by=moderator, reason=REASON)
    suspended = sign_in(client, customer.username, "not-the-password")
    unknown = sign_in(client, "nobody-here", "not-the-password")
    assert suspended.context["form"].errors == unknown.context["form"].errors
    assert "suspended" not in suspended.content.decode()

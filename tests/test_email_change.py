"""Changing the email address takes the password and a link opened at the new address."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User

from .factories import PASSWORD, UserFactory
from .helpers import STRONG_PASSWORD, messages_of, page_form, signup_fields

pytestmark = pytest.mark.django_db

ATTACKER = "mallory@evil.example"


@pytest.fixture(autouse=True)
def emails_sent_at_once(monkeypatch):
    """Each test runs in one transaction that never commits: send what waits for the
    commit (the emails) straight away instead."""
    monkeypatch.setattr("accounts.emails.transaction.on_commit", lambda f, robust=False: f())


def confirm_link_in(message) -> str:
    match = re.search(
        re.escape(settings.SITE_URL) + r"(/accounts/email/confirm/\S+/)", message.body
    )
    assert match, message.body
    return match.group(1)


def ask_for_change(client, new_email=ATTACKER, password=PASSWORD):
    url = reverse("accounts:email_change")
    data = page_form(client.get(url)) | {"email": new_email, "password": password}
    return client.post(url, data)


def test_a_stolen_session_cannot_change_the_email_from_the_profile_form(customer_client, customer):
    url = reverse("accounts:profile_edit")
    data = page_form(customer_client.get(url)) | {"email": ATTACKER}
    response = customer_client.post(url, data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.email == "carol@example.com"
    assert mail.outbox == []


@pytest.mark.parametrize("password", ["", "not-my-password"])
def test_changing_the_email_needs_the_current_password(customer_client, customer, password):
    response = ask_for_change(customer_client, password=password)
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    customer.refresh_from_db()
    assert customer.email == "carol@example.com"
    assert mail.outbox == []


def test_the_new_address_gets_a_link_and_the_old_one_is_told(customer_client, customer):
    response = ask_for_change(customer_client)
    assert response.status_code == 302
    assert messages_of(response) == [
        f"We sent a link to {ATTACKER}. Your address changes when you open it; until then "
        "we keep writing to carol@example.com."
    ]
    customer.refresh_from_db()
    assert customer.email == "carol@example.com"
    to_new, to_old = mail.outbox
    assert to_new.to == [ATTACKER]
    assert to_old.to == ["carol@example.com"]
    assert ATTACKER in to_old.body
    assert f"{settings.SITE_URL}/accounts/password/reset/" in to_old.body


def test_opening_the_link_shows_a_confirm_page_and_changes_nothing(customer_client, customer):
    ask_for_change(customer_client)
    link = confirm_link_in(mail.outbox[0])
    response = Client().get(link)
    assert response.status_code == 200
    assert f"Confirm {ATTACKER}" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "carol@example.com"


def test_confirming_the_link_changes_the_address_without_signing_in(customer_client, customer):
    ask_for_change(customer_client, new_email="carol.new@example.com")
    link = confirm_link_in(mail.outbox[0])
    visitor = Client()
    response = visitor.post(link, page_form(visitor.get(link), action=None))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    customer.refresh_from_db()
    assert customer.email == "carol.new@example.com"
    assert customer.email_verified
    told = mail.outbox[-1]
    assert told.to == ["carol@example.com"]
    assert "carol.new@example.com" in told.body


def test_a_link_works_once(customer_client, customer):
    ask_for_change(customer_client, new_email="carol.new@example.com")
    link = confirm_link_in(mail.outbox[0])
    customer_client.post(link)
    response = customer_client.post(link)
    assert "This link no longer works" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "carol.new@example.com"


def test_an_expired_link_changes_nothing(customer_client, customer, settings):
    ask_for_change(customer_client)
    link = confirm_link_in(mail.outbox[0])
    settings.EMAIL_CONFIRM_MAX_AGE = -1
    response = Client().post(link)
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "carol@example.com"


def test_a_tampered_link_changes_nothing(customer_client, customer):
    ask_for_change(customer_client)
    link = confirm_link_in(mail.outbox[0])
    flipped = "A" if link[-5] != "A" else "B"
    response = Client().post(link[:-5] + flipped + link[-4:])
    assert "This link no longer works" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "carol@example.com"


def test_an_address_taken_meanwhile_is_refused_at_confirmation(customer_client, customer):
    ask_for_change(customer_client, new_email="taken@example.com")
    UserFactory(email="TAKEN@example.com")
    response = Client().post(confirm_link_in(mail.outbox[0]))
    assert "Another account now uses taken@example.com" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "carol@example.com"


def test_another_accounts_address_is_refused_on_the_form(customer_client, customer, tasker):
    response = ask_for_change(customer_client, new_email=tasker.email.upper())
    assert response.context["form"].has_error("email", code="duplicate_email")
    assert mail.outbox == []


def test_the_takeover_sequence_leaves_the_reset_email_with_the_owner(customer_client, customer):
    """A stolen session asks for the change; the link is never opened; a reset goes home."""
    ask_for_change(customer_client)
    mail.outbox.clear()
    Client().post(reverse("accounts:password_reset"), {"email": customer.email})
    assert [message.to for message in mail.outbox] == [["carol@example.com"]]
    Client().post(reverse("accounts:password_reset"), {"email": ATTACKER})
    assert len(mail.outbox) == 1


def test_changing_the_password_tells_the_address_on_file(customer_client, customer):
    url = reverse("accounts:password_change")
    new = STRONG_PASSWORD
    data = page_form(customer_client.get(url)) | {
        "old_password": PASSWORD,
        "new_password1": new,
        "new_password2": new,
    }
    assert customer_client.post(url, data).status_code == 302
    (told,) = mail.outbox
    assert told.to == ["carol@example.com"]
    assert "password" in told.subject.lower()


def test_email_change_requests_are_rate_limited(customer_client, customer, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "email_change": "1/h"}
    assert ask_for_change(customer_client, new_email="one@example.com").status_code == 302
    assert ask_for_change(customer_client, new_email="two@example.com").status_code == 429
    assert len(mail.outbox) == 2


def test_a_new_account_is_unverified_until_the_link_is_confirmed(client):
    url = reverse("accounts:signup")
    data = page_form(client.get(url)) | signup_fields()
    client.post(url, data)
    user = User.objects.get(username="newbie")
    assert not user.email_verified
    page = client.get(reverse("marketplace:dashboard")).content.decode()
    assert "Please confirm your email address" in page
    (message,) = mail.outbox
    assert message.to == ["newbie@example.com"]
    link = confirm_link_in(message)
    response = client.post(link, page_form(client.get(link)))
    assert response.url == reverse("accounts:profile_edit")
    user.refresh_from_db()
    assert user.email_verified
    assert "Please confirm your email address" not in client.get("/").content.decode()


def test_resending_the_link_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "email_verify": "2/h"}
    user = UserFactory(email_verified=False)
    client.force_login(user)
    url = reverse("accounts:email_verify_resend")
    data = page_form(client.get("/"), action=url)
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 429
    assert len(mail.outbox) == 2


def test_resending_asks_first_on_a_page_of_its_own(client):
    """Signing in again from the banner's form (a ?next= to the resend URL) lands on a page."""
    user = UserFactory(email_verified=False)
    client.force_login(user)
    url = reverse("accounts:email_verify_resend")
    page = client.get(url)
    assert page.status_code == 200
    assert mail.outbox == []
    assert client.post(url, page_form(page)).status_code == 302
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_resending_for_a_confirmed_address_says_so(customer_client, customer):
    response = customer_client.get(reverse("accounts:email_verify_resend"), follow=True)
    assert f"Your address {customer.email} is already confirmed." in messages_of(response)
    assert mail.outbox == []


def test_profiles_mark_a_verified_email(client):
    verified = UserFactory()
    unverified = UserFactory(email_verified=False)
    assert "Verified email" in client.get(verified.get_absolute_url()).content.decode()
    assert "Verified email" not in client.get(unverified.get_absolute_url()).content.decode()


def test_existing_accounts_are_marked_verified_by_the_migration():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0004_user_email_verified")
    user = UserFactory(email_verified=False)
    migration.mark_existing_accounts_verified(apps, None)
    user.refresh_from_db()
    assert user.email_verified

"""Sessions: a new key at sign-in, nothing left at sign-out, every other session ended by a
password reset, and a suspended user's next request — a POST included — does nothing.

(tests/test_accounts.py covers sign-out by POST only, the password change ending other
sessions and a suspended user being signed out; these fill the gaps.)
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import services
from marketplace.models import Bid

from .factories import PASSWORD, TaskFactory
from .helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, login: str = "carol", password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": login, "password": password})


def session_key(client: Client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie and cookie.value else None


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("marketplace:dashboard")).status_code == 200


def with_session(key: str) -> Client:
    """Another browser presenting the session cookie `key` (stolen, planted or kept)."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def test_signing_in_gives_a_new_session_key_and_drops_a_planted_one(client, customer):
    planted = client.session  # a session an attacker made and slipped into the browser
    planted["lang"] = "en"
    planted.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key

    assert sign_in(client).status_code == 302

    assert session_key(client) != planted.session_key
    assert client.session[SESSION_KEY] == str(customer.pk)
    assert not Session.objects.filter(session_key=planted.session_key).exists()
    assert not is_signed_in(with_session(planted.session_key))


def test_signing_in_gives_a_new_csrf_token(client, customer):
    client.get(reverse("accounts:login"))
    before = client.cookies[settings.CSRF_COOKIE_NAME].value

    sign_in(client)

    assert client.cookies[settings.CSRF_COOKIE_NAME].value != before


def test_signing_out_deletes_the_session_so_a_kept_cookie_is_worthless(client, customer):
    sign_in(client)
    key = session_key(client)
    assert Session.objects.filter(session_key=key).exists()

    client.post(reverse("accounts:logout"))

    assert not Session.objects.filter(session_key=key).exists()
    assert not is_signed_in(client)
    assert not is_signed_in(with_session(key))


def test_a_password_reset_ends_every_session_of_the_account(customer):
    laptop, phone, reset = Client(), Client(), Client()
    sign_in(laptop)
    sign_in(phone)

    reset.post(reverse("accounts:password_reset"), {"email": customer.email})
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    form = reset.get(link, follow=True).redirect_chain[-1][0]
    reset.post(form, {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD})

    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert is_signed_in(reset)  # signed in afresh by the reset itself


def test_a_suspended_users_next_post_does_nothing_and_ends_the_session(tasker, staff):
    client = Client()
    sign_in(client, "tom")
    key = session_key(client)
    task = TaskFactory()
    services.user_suspend(user=tasker, by=staff, reason="Repeated no-shows")

    response = client.post(
        reverse("marketplace:bid_create", args=[task.pk]),
        {"amount": "50", "message": "I can come on Saturday with my own tools."},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Bid.objects.exists()
    assert not Session.objects.filter(session_key=key).exists()
    services.user_reinstate(user=tasker, by=staff)
    assert not is_signed_in(with_session(key))  # reinstating does not revive the session

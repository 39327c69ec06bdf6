"""Password reset emails: a few an hour, links on SITE_URL, the same page for everyone."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from .helpers import STRONG_PASSWORD, messages_of

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password_reset")
SAID = ["If an account uses that email, a reset link is on its way."]


@pytest.fixture
def reset_limits(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "password_reset": "3/h",
        "password_reset_account": "3/h",
    }


def ask(email, addr="10.0.0.1"):
    return Client().post(URL, {"email": email}, REMOTE_ADDR=addr)


def test_thirty_resets_for_one_address_send_three_emails(customer, reset_limits):
    responses = [ask(customer.email, addr=f"10.5.0.{n}") for n in range(30)]
    assert len(mail.outbox) == 3
    # Every one got the same page: nothing tells the asker that mail stopped.
    assert {r.status_code for r in responses} == {302}
    assert all(messages_of(r) == SAID for r in responses)


def test_the_limit_per_account_ignores_the_case_of_the_address(customer, reset_limits):
    for n, spelling in enumerate(["carol@example.com", "CAROL@example.com", "Carol@Example.com"]):
        ask(spelling, addr=f"10.6.0.{n}")
    ask("cArOl@example.com", addr="10.6.0.9")
    assert len(mail.outbox) == 3


def test_one_address_asking_for_many_accounts_is_stopped(reset_limits, db):
    from .factories import UserFactory

    users = UserFactory.create_batch(5)
    statuses = [ask(user.email, addr="10.7.0.1").status_code for user in users]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


def test_an_unknown_address_gets_the_same_answer_over_the_limit(customer, reset_limits):
    known = [ask(customer.email, addr=f"10.8.0.{n}") for n in range(5)]
    unknown = [ask("nobody@example.com", addr=f"10.9.0.{n}") for n in range(5)]
    for a, b in zip(known, unknown, strict=True):
        assert (a.status_code, a.url, messages_of(a)) == (b.status_code, b.url, messages_of(b))


def test_the_link_is_built_from_site_url_not_the_host_header(customer, settings):
    settings.SITE_URL = "https://tasker.example"
    response = Client().post(URL, {"email": customer.email}, HTTP_HOST="localhost")
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "https://tasker.example/accounts/password/reset/" in message.body
    assert "localhost" not in message.body


def test_a_password_reset_lifts_a_lock_on_the_account(customer, settings, client):
    import re

    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = "3/d"
    login = reverse("accounts:login")
    for n in range(3):
        Client().post(
            login, {"username": customer.email, "password": "x"}, REMOTE_ADDR=f"10.4.0.{n}"
        )
    locked = Client().post(
        login, {"username": customer.username, "password": "pw"}, REMOTE_ADDR="10.4.1.1"
    )
    assert locked.status_code == 429
    client.post(URL, {"email": customer.email})
    path = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    new = STRONG_PASSWORD
    client.post(form_url, {"new_password1": new, "new_password2": new})
    again = Client().post(
        login, {"username": customer.username, "password": new}, REMOTE_ADDR="10.4.1.1"
    )
    assert again.status_code == 302

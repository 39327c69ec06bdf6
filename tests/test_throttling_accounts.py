"""Sign-in throttling counts against the account, whatever the spelling or the address."""

import pytest
from django.test import Client

from .factories import PASSWORD, UserFactory
from .helpers import race

LOGIN = "/accounts/login/"


WRONG = "wrong-password"  # noqa: S105


def attempt(login, password=WRONG, addr="10.0.0.1", client=None):
    return (client or Client()).post(
        LOGIN, {"username": login, "password": password}, REMOTE_ADDR=addr
    )


def test_after_a_lock_the_email_in_any_case_is_locked_too(customer):
    for _ in range(5):
        attempt(customer.username)
    for spelling in (customer.email, customer.email.upper(), customer.username.upper()):
        response = attempt(spelling, PASSWORD)
        assert response.status_code == 429
        assert not response.wsgi_request.user.is_authenticated


def test_failures_by_email_and_by_username_add_up(customer):
    for login in (customer.email, customer.email.upper(), customer.username, customer.email):
        assert attempt(login).status_code == 200
    assert attempt(customer.username.upper()).status_code == 429


@pytest.mark.django_db(transaction=True)
def test_concurrent_tries_by_email_after_a_lock_all_get_the_lock_page(db):
    user = UserFactory(username="demo-both", email="demo-both@example.com")
    for _ in range(5):
        attempt(user.username)
    n = 12

    def act(i: int) -> int:
        password = PASSWORD if i == n - 1 else f"guess-{i}"
        return attempt("Demo-Both@Example.com", password).status_code

    statuses = race(n, act)
    assert statuses == [429] * n


def test_spraying_one_address_across_thirty_usernames_is_stopped(db):
    users = UserFactory.create_batch(30)
    statuses = [attempt(user.username, addr="10.0.0.50").status_code for user in users]
    assert statuses[:19] == [200] * 19
    assert statuses[19:] == [429] * 11
    # The address stays paused, even with a right password for a fresh account.
    assert attempt(UserFactory().username, PASSWORD, addr="10.0.0.50").status_code == 429
    # Another address is not.
    assert attempt(users[-1].username, PASSWORD, addr="10.0.0.51").status_code == 302


def test_one_account_from_many_addresses_is_stopped(customer, settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = "12/d"
    statuses = [attempt(customer.username, addr=f"10.1.0.{n}").status_code for n in range(12)]
    assert statuses == [200] * 11 + [429]
    right = attempt(customer.email, PASSWORD, addr="10.1.1.1")
    assert right.status_code == 429
    assert not right.wsgi_request.user.is_authenticated


def test_the_wider_limits_answer_alike_whether_the_account_exists_or_not(customer, settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = "6/d"
    known = [attempt(customer.username, addr=f"10.2.0.{n}").status_code for n in range(6)]
    unknown = [attempt("nobody-here", addr=f"10.3.0.{n}").status_code for n in range(6)]
    assert known == unknown == [200] * 5 + [429]


def test_a_password_reset_lifts_the_account_lock(customer, settings):
    from accounts.throttle import unlock_account

    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = "3/d"
    for n in range(3):
        attempt(customer.email, addr=f"10.4.0.{n}")
    assert attempt(customer.username, PASSWORD, addr="10.4.1.1").status_code == 429
    unlock_account(customer.username)
    assert attempt(customer.username, PASSWORD, addr="10.4.1.1").status_code == 302

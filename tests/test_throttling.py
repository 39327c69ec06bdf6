import pytest
from django.test import Client

from marketplace.models import Bid, Message, Report
from marketplace.services import conversation_start

from .factories import PASSWORD, TaskFactory

LOGIN = "/accounts/login/"


def fail_login(client, username, times, addr="10.0.0.1"):
    for _ in range(times):
        response = client.post(
            LOGIN, {"username": username, "password": "wrong-password"}, REMOTE_ADDR=addr
        )
    return response


def test_five_failures_lock_the_username_and_address_with_a_429(client, customer):
    assert fail_login(client, customer.username, 4).status_code == 200
    response = fail_login(client, customer.username, 1)
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    # Locked even with the right password now.
    right = client.post(
        LOGIN, {"username": customer.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert right.status_code == 429
    assert not right.wsgi_request.user.is_authenticated


def test_the_lock_counts_the_email_and_username_spellings_alike(client, customer):
    fail_login(client, customer.username.upper(), 4)
    assert fail_login(client, customer.username, 1).status_code == 429


def test_an_unknown_username_is_answered_like_a_wrong_password(client, customer):
    known = fail_login(client, customer.username, 1)
    unknown = fail_login(client, "nobody-by-this-name", 1)
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
    assert fail_login(client, "nobody-by-this-name", 4).status_code == 429


def test_the_real_user_from_another_address_is_not_locked_out(client, customer):
    fail_login(client, customer.username, 5, addr="10.0.0.66")
    response = client.post(
        LOGIN, {"username": customer.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 302
    assert response.wsgi_request.user == customer


def test_the_admin_login_is_throttled_too(client, staff):
    for _ in range(5):
        response = client.post(
            "/admin/login/",
            {"username": staff.username, "password": "nope"},
            REMOTE_ADDR="10.0.0.9",
        )
    assert response.status_code == 429


@pytest.fixture
def tight_limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "bid": "2/h", "report": "1/h", "signup": "1/h"}


def test_bids_over_the_limit_get_a_429_and_are_not_saved(tasker_client, tight_limits):
    data = {"amount": "50", "message": "I can do this on Saturday morning, tools included."}
    for task in TaskFactory.create_batch(2):
        assert tasker_client.post(f"/tasks/{task.pk}/bid/", data).status_code == 302
    third = TaskFactory()
    response = tasker_client.post(f"/tasks/{third.pk}/bid/", data)
    assert response.status_code == 429
    assert b"You are going a little fast" in response.content
    assert not Bid.objects.filter(task=third).exists()


def test_reports_over_the_limit_get_a_429(tasker_client, tight_limits):
    first, second = TaskFactory.create_batch(2)
    tasker_client.post(f"/report/task/{first.pk}/", {"reason": "spam"})
    assert tasker_client.post(f"/report/task/{second.pk}/", {"reason": "spam"}).status_code == 429
    assert Report.objects.count() == 1


def test_signups_are_limited_per_address(client, tight_limits, db):
    def sign_up(name):
        return client.post(
            "/accounts/signup/",
            {
                "username": name,
                "email": f"{name}@example.com",
                "role": "customer",
                "password1": "a-long-enough-passphrase",
                "password2": "a-long-enough-passphrase",
            },
        )

    assert sign_up("first").status_code == 302
    client.post("/accounts/logout/")
    assert sign_up("second").status_code == 429


def test_reading_pages_is_never_limited(tasker_client, tight_limits):
    task = TaskFactory()
    for _ in range(5):
        assert tasker_client.get(f"/tasks/{task.pk}/bid/").status_code == 200


def test_messages_over_the_limit_get_a_429_and_are_not_saved(tasker, tasker_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "message": "1/h"}
    conversation = conversation_start(task=TaskFactory(), by=tasker)
    url = f"/messages/{conversation.pk}/"
    assert tasker_client.post(url, {"body": "Is the wardrobe still boxed?"}).status_code == 302
    response = tasker_client.post(url, {"body": "And is there parking?"})
    assert response.status_code == 429
    assert list(Message.objects.values_list("body", flat=True)) == ["Is the wardrobe still boxed?"]


@pytest.mark.parametrize("url", [LOGIN, "/admin/login/"])
def test_a_login_longer_than_any_account_is_refused_and_still_counted(client, db, url):
    from axes.models import AccessAttempt

    huge = "x" * 5000
    for _ in range(4):
        response = client.post(url, {"username": huge, "password": "nope"}, REMOTE_ADDR="10.0.0.7")
        assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "x" * 255
    response = client.post(url, {"username": huge, "password": "nope"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429


# --- Behind reverse proxies ---


def through_proxy(client, username, client_address, spoofed=""):
    """A failed sign-in that reached us through one proxy at 127.0.0.1."""
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return client.post(
        LOGIN,
        {"username": username, "password": "wrong-password"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_a_proxy_one_attacker_cannot_lock_everybody_out(client, customer, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        response = through_proxy(client, customer.username, "203.0.113.66")
    assert response.status_code == 429

    real = client.post(
        LOGIN,
        {"username": customer.username, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert real.status_code == 302


def test_a_spoofed_forwarded_for_entry_does_not_dodge_the_lock(client, customer, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        response = through_proxy(client, customer.username, "203.0.113.66", f"10.9.9.{n}")
    assert response.status_code == 429


def test_without_proxies_forwarded_for_is_ignored(client, customer):
    for n in range(5):
        response = client.post(
            LOGIN,
            {"username": customer.username, "password": "wrong-password"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}",
        )
    assert response.status_code == 429


def test_behind_a_proxy_signups_are_limited_per_client(client, tight_limits, settings, db):
    settings.TRUSTED_PROXY_COUNT = 1

    def sign_up(name, address):
        return Client().post(
            "/accounts/signup/",
            {
                "username": name,
                "email": f"{name}@example.com",
                "role": "customer",
                "password1": "a-long-enough-passphrase",
                "password2": "a-long-enough-passphrase",
            },
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=address,
        )

    assert sign_up("first", "198.51.100.1").status_code == 302
    assert sign_up("second", "198.51.100.2").status_code == 302
    assert sign_up("third", "198.51.100.1").status_code == 429

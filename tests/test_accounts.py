"""Sign-up, log-in, log-out, profile editing and passwords."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User

from .factories import PASSWORD, UserFactory
from .helpers import STRONG_PASSWORD, messages_of


def signup_data(**overrides) -> dict:
    data = {
        "username": "newbie",
        "email": "newbie@example.com",
        "display_name": "Nina Newbie",
        "role": User.Role.CUSTOMER,
        "city": "York",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
    }
    return {**data, **overrides}


def signed_in_user_id(client: Client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def log_in(client: Client, login: str, password: str) -> bool:
    """Sign in through the log-in page, as a person does; return whether it worked."""
    client.post(reverse("accounts:login"), {"username": login, "password": password})
    return signed_in_user_id(client) is not None


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Sign-up ---


@pytest.mark.django_db
@pytest.mark.parametrize("role", [User.Role.CUSTOMER, User.Role.TASKER, User.Role.BOTH])
def test_signing_up_creates_a_user_with_the_chosen_role_and_signs_them_in(client, role):
    response = client.post(reverse("accounts:signup"), signup_data(role=role), follow=True)

    user = User.objects.get(username="newbie")
    assert user.role == role
    assert user.email == "newbie@example.com"
    assert user.check_password(STRONG_PASSWORD)
    assert response.redirect_chain[-1][0] == reverse("marketplace:dashboard")
    assert signed_in_user_id(client) == user.pk
    assert shown_messages(response) == ["Welcome to Tasker, Nina Newbie! You are signed in."]


@pytest.mark.django_db
def test_sign_up_is_refused_for_an_email_that_differs_only_in_case(client):
    UserFactory(email="Taken@Example.com")

    response = client.post(reverse("accounts:signup"), signup_data(email="taken@EXAMPLE.com"))

    assert response.status_code == 200
    assert response.context["form"].has_error("email", code="duplicate_email")
    assert "An account with this email already exists." in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_a_signed_in_user_visiting_sign_up_goes_to_their_dashboard(customer_client):
    response = customer_client.get(reverse("accounts:signup"))

    assert response.status_code == 302
    assert response.url == reverse("marketplace:dashboard")


# --- Log-in ---


@pytest.mark.django_db
def test_a_user_can_log_in_with_their_username(client, customer):
    response = client.post(
        reverse("accounts:login"), {"username": "carol", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("marketplace:dashboard")
    assert signed_in_user_id(client) == customer.pk
    assert "Signed in as Carol Customer." in shown_messages(response)


@pytest.mark.django_db
def test_a_user_can_log_in_with_their_email_in_any_case(client, customer):
    customer.email = "Carol@Example.com"
    customer.save()

    response = client.post(
        reverse("accounts:login"), {"username": "cAROL@example.COM", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert signed_in_user_id(client) == customer.pk


@pytest.mark.django_db
def test_a_wrong_password_is_a_form_error_and_signs_nobody_in(client, customer):
    response = client.post(
        reverse("accounts:login"), {"username": "carol", "password": "not-the-password"}
    )

    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", code="invalid_login")
    assert "do not match an active account" in response.content.decode()
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_log_in_honours_a_safe_next_url(client, customer):
    response = client.post(
        reverse("accounts:login") + "?next=/tasks/",
        {"username": "carol", "password": PASSWORD, "next": "/tasks/"},
    )

    assert response.status_code == 302
    assert response.url == "/tasks/"


@pytest.mark.django_db
def test_log_in_ignores_a_next_url_on_another_site(client, customer):
    response = client.post(
        reverse("accounts:login"),
        {"username": "carol", "password": PASSWORD, "next": "https://evil.example.com/"},
    )

    assert response.status_code == 302
    assert response.url == reverse("marketplace:dashboard")


# --- Log-out ---


@pytest.mark.django_db
def test_log_out_asks_on_get_and_keeps_the_user_signed_in(customer_client, customer):
    response = customer_client.get(reverse("accounts:logout"))

    assert response.status_code == 200
    assert "Sign out of Tasker?" in response.content.decode()
    assert signed_in_user_id(customer_client) == customer.pk


@pytest.mark.django_db
def test_log_out_by_post_signs_the_user_out(customer_client):
    response = customer_client.post(reverse("accounts:logout"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert signed_in_user_id(customer_client) is None
    assert "You have been signed out." in shown_messages(response)


# --- Suspended users ---


@pytest.mark.django_db
def test_an_inactive_user_cannot_log_in(client, customer):
    customer.is_active = False
    customer.save()

    response = client.post(reverse("accounts:login"), {"username": "carol", "password": PASSWORD})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_a_suspended_user_is_signed_out_on_their_next_request(customer_client, customer):
    assert customer_client.get(reverse("marketplace:dashboard")).status_code == 200
    customer.is_active = False
    customer.save()

    response = customer_client.get(reverse("marketplace:dashboard"), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert signed_in_user_id(customer_client) is None
    assert "You have been signed out because your account is no longer active." in (
        shown_messages(response)
    )
    customer.is_active = True
    customer.save()
    assert customer_client.get(reverse("marketplace:dashboard")).status_code == 302


# --- Profile ---


def profile_data(user: User, **overrides) -> dict:
    data = {
        "display_name": user.display_name,
        "email": user.email,
        "role": user.role,
        "city": user.city,
        "bio": "",
        "skills": "",
        "hourly_rate": "",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_a_user_can_edit_their_own_profile(tasker_client, tasker):
    response = tasker_client.post(
        reverse("accounts:profile_edit"),
        profile_data(
            tasker, display_name="Tom T.", role=User.Role.BOTH, skills="IKEA", hourly_rate="25"
        ),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("accounts:profile_edit")
    assert "Your profile was saved." in shown_messages(response)
    tasker.refresh_from_db()
    assert tasker.display_name == "Tom T."
    assert tasker.role == User.Role.BOTH
    assert tasker.skills == "IKEA"
    assert str(tasker.hourly_rate) == "25.00"


@pytest.mark.django_db
def test_posting_another_users_id_or_username_to_the_profile_form_changes_only_mine(
    customer_client, customer, tasker
):
    response = customer_client.post(
        reverse("accounts:profile_edit"),
        profile_data(
            customer,
            display_name="Changed",
            id=tasker.pk,
            pk=tasker.pk,
            username=tasker.username,
            is_staff="on",
        ),
    )

    assert response.status_code == 302
    tasker.refresh_from_db()
    customer.refresh_from_db()
    assert tasker.display_name == "Tom Tasker"
    assert customer.display_name == "Changed"
    assert customer.username == "carol"
    assert not customer.is_staff


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_from_the_profile_form(client):
    url = reverse("accounts:profile_edit")

    for response in (client.get(url), client.post(url, {"display_name": "x"})):
        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.django_db
def test_the_public_profile_shows_the_users_name(client, tasker):
    response = client.get(reverse("accounts:profile", args=["tom"]))

    assert response.status_code == 200
    assert "Tom Tasker" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_public_profile_is_404(client):
    assert client.get(reverse("accounts:profile", args=["nobody"])).status_code == 404


# --- Passwords ---


def reset_link_from(message) -> str:
    match = re.search(
        re.escape(settings.SITE_URL) + r"(/accounts/password/reset/\S+/)", message.body
    )
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_a_password_reset_mails_one_link_that_sets_a_new_password(client, customer):
    response = client.post(reverse("accounts:password_reset"), {"email": "CAROL@example.com"})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["carol@example.com"]

    form_page = client.get(reset_link_from(mail.outbox[0]), follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    set_password = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD},
    )
    assert set_password.status_code == 302
    assert set_password.url == reverse("accounts:password_reset_complete")

    client.post(reverse("accounts:logout"))
    assert not log_in(Client(), "carol", PASSWORD)
    assert log_in(Client(), "carol@example.com", STRONG_PASSWORD)


@pytest.mark.django_db
def test_a_reset_link_works_only_once(client, customer):
    client.post(reverse("accounts:password_reset"), {"email": customer.email})
    link = reset_link_from(mail.outbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD})

    again = Client().get(link, follow=True)

    assert not again.context["validlink"]
    assert "This link no longer works" in again.content.decode()


@pytest.mark.django_db
def test_a_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert messages_of(response) == ["If an account uses that email, a reset link is on its way."]
    assert mail.outbox == []


@pytest.mark.django_db
def test_changing_the_password_keeps_me_signed_in_and_ends_my_other_sessions(customer):
    here, elsewhere = Client(), Client()
    assert log_in(here, "carol", PASSWORD)
    assert log_in(elsewhere, "carol", PASSWORD)

    response = here.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": STRONG_PASSWORD,
            "new_password2": STRONG_PASSWORD,
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("accounts:profile_edit")
    assert "Your password was changed." in " ".join(shown_messages(response))
    customer.refresh_from_db()
    assert customer.check_password(STRONG_PASSWORD)
    assert here.get(reverse("marketplace:dashboard")).status_code == 200
    assert signed_in_user_id(here) == customer.pk
    other = elsewhere.get(reverse("marketplace:dashboard"))
    assert other.status_code == 302
    assert other.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_a_wrong_old_password_does_not_change_the_password(customer_client, customer):
    response = customer_client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "nope",
            "new_password1": STRONG_PASSWORD,
            "new_password2": STRONG_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].has_error("old_password")
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_100_character_passphrase_works_with_bcrypt_sha256(client, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    passphrase = "correct horse battery staple " * 3 + "and a long tail of words!"
    passphrase = passphrase[:100]
    assert len(passphrase) == 100

    client.post(
        reverse("accounts:signup"),
        signup_data(password1=passphrase, password2=passphrase),
    )
    user = User.objects.get(username="newbie")
    assert user.password.startswith("bcrypt_sha256$")
    client.post(reverse("accounts:logout"))

    # bcrypt alone reads only 72 bytes; the SHA-256 step makes every character count.
    assert (
        Client()
        .post(reverse("accounts:login"), {"username": "newbie", "password": passphrase})
        .status_code
        == 302
    )
    same_first_72 = passphrase[:72] + "x" * 28
    assert (
        Client()
        .post(reverse("accounts:login"), {"username": "newbie", "password": same_first_72})
        .status_code
        == 200
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["accounts:signup", "accounts:login", "accounts:password_change"]
)
def test_a_form_with_errors_gives_the_focus_to_its_error_summary_alone(
    client, customer_client, url_name
):
    browser = customer_client if url_name == "accounts:password_change" else client
    url = reverse(url_name)
    assert browser.get(url).content.decode().count("autofocus") == 1  # the first field
    html = browser.post(url, {}).content.decode()
    assert html.count("autofocus") == 1
    assert re.search(r'<section class="alert alert-danger error-summary"[^>]*autofocus', html)

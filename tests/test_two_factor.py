"""Staff reach the admin only with a second factor: a TOTP app, or a recovery code."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.two_factor import totp_code

from .factories import PASSWORD
from .helpers import page_form

pytestmark = pytest.mark.django_db

ADMIN = reverse("admin:index")
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


def password_only(user) -> Client:
    """A staff member who has given the right password, and nothing more."""
    client = Client()
    response = client.post(
        reverse("admin:login") + f"?next={ADMIN}",
        {"username": user.username, "password": PASSWORD, "next": ADMIN},
    )
    assert response.status_code == 302
    return client


def code_for_key(hex_key: str, steps_ahead: int = 0) -> str:
    totp = TOTP(bytes.fromhex(hex_key), step=30, t0=0, digits=6, drift=0)
    totp.time += 30 * steps_ahead
    return f"{totp.token():06d}"


def test_staff_without_a_device_cannot_reach_the_admin_index(staff):
    client = password_only(staff)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0] == f"{SETUP}?next=%2Fadmin%2F"
    assert "Set up two-step sign-in" in response.content.decode()
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


def test_setting_up_shows_a_qr_image_the_csp_allows(staff):
    client = password_only(staff)
    response = client.get(SETUP)
    page = response.content.decode()
    assert re.search(r'<img[^>]+src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', page)
    assert "data:" in response["Content-Security-Policy"].split("img-src")[1].split(";")[0]
    assert not TOTPDevice.objects.exists()  # the GET wrote nothing


def test_a_wrong_setup_code_turns_nothing_on(staff):
    client = password_only(staff)
    key = client.get(SETUP) and client.session["two_factor_setup_key"]
    data = page_form(client.get(SETUP)) | {"code": code_for_key(key, steps_ahead=5)}
    response = client.post(SETUP, data)
    assert response.status_code == 200
    assert "That code does not match" in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert client.get(ADMIN).status_code == 302


def test_setting_up_with_the_apps_code_opens_the_admin_and_shows_recovery_codes(staff):
    client = password_only(staff)
    page = client.get(f"{SETUP}?next={ADMIN}")
    key = client.session["two_factor_setup_key"]
    data = page_form(page) | {"code": code_for_key(key)}
    response = client.post(SETUP, data)
    assert response.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(codes) == 10
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed and device.key == key
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    assert client.get(ADMIN).status_code == 200


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="App", confirmed=True)


def test_staff_with_a_device_enter_a_code_after_the_password(staff, settings):
    # django-otp makes each wrong code wait longer before the next (1 s, 2 s, 4 s …).
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = enrolled(staff)
    client = password_only(staff)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0] == f"{VERIFY}?next=%2Fadmin%2F"
    wrong = client.post(VERIFY, page_form(response) | {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get(ADMIN).status_code == 302
    right = client.post(VERIFY, page_form(response) | {"code": totp_code(device)})
    assert right.status_code == 302 and right.url == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_right_code_just_after_a_wrong_one_waits(staff):
    device = enrolled(staff)
    client = password_only(staff)
    client.post(VERIFY, {"code": "000000"})
    client.post(VERIFY, {"code": totp_code(device)})
    assert client.get(ADMIN).status_code == 302


def test_a_recovery_code_works_once(staff):
    enrolled(staff)
    device = staff.staticdevice_set.create(name="Recovery codes", confirmed=True)
    device.token_set.create(token="abcd2345")
    first = password_only(staff)
    assert first.post(VERIFY, {"code": "abcd2345", "next": ADMIN}).status_code == 302
    assert first.get(ADMIN).status_code == 200
    second = password_only(staff)
    second.post(VERIFY, {"code": "abcd2345", "next": ADMIN})
    assert second.get(ADMIN).status_code == 302


def test_staff_left_with_recovery_codes_only_set_up_a_new_app(staff):
    """A superuser removed the lost app's device; the recovery codes are still there."""
    recovery = staff.staticdevice_set.create(name="Recovery codes", confirmed=True)
    recovery.token_set.create(token="abcd2345")
    client = password_only(staff)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0] == f"{SETUP}?next=%2Fadmin%2F"
    assert response.status_code == 200


def test_a_foreign_next_is_not_followed(staff):
    device = enrolled(staff)
    client = password_only(staff)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response.url == ADMIN


def test_members_have_no_second_factor_pages(customer_client):
    assert customer_client.get(SETUP).status_code == 404
    assert customer_client.get(VERIFY).status_code == 404


def test_seed_demo_gives_the_admin_a_device_and_prints_a_working_code(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    code = re.search(r"demo-admin also needs a code after the password: (\d{6})", out)[1]
    admin = User.objects.get(username="demo-admin")
    client = Client()
    client.post(reverse("accounts:login"), {"username": "demo-admin", "password": _demo_pw()})
    response = client.post(VERIFY, {"code": code, "next": ADMIN})
    assert response.status_code == 302 and response.url == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).count() == 1


def _demo_pw() -> str:
    from marketplace.demo.story_content import DEMO_PASSWORD

    return DEMO_PASSWORD

"""HTTPS in production: HSTS for a year with subdomains, secure cookies, the SSL redirect,
and X-Forwarded-Proto trusted only when SECURE_PROXY_SSL_HEADER says a proxy sets it.

First the environment → settings (Django started in a subprocess with only the production
variables), then settings → behaviour (the same values, in this process).
"""

import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from .factories import PASSWORD
from .test_settings import PRODUCTION_ENV, run_django

YEAR = 31536000
PRINT_SETTINGS = (
    "import json, django; django.setup()\n"
    "from django.conf import settings as s\n"
    "print(json.dumps({name: getattr(s, name, None) for name in ["
    "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',"
    "'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY',"
    "'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER',"
    "'X_FRAME_OPTIONS', 'SECURE_CONTENT_TYPE_NOSNIFF', 'DEBUG']}))\n"
)
HTTPS_ON = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": YEAR,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "DEBUG": False,
}
PROXY = {"HTTP_X_FORWARDED_PROTO": "https"}


def production_settings(**env: str) -> dict:
    result = run_django(["-c", PRINT_SETTINGS], **{**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def example_env() -> dict:
    """The variables .env.example documents for production, with a secret filled in."""
    lines = (Path(django_settings.BASE_DIR) / ".env.example").read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {name: value for name, value in pairs} | {"SECRET_KEY": "x" * 50}


# --- Environment → settings ---


def test_production_variables_turn_on_hsts_secure_cookies_and_the_redirect():
    values = production_settings()

    assert {name: values[name] for name in HTTPS_ON} == HTTPS_ON
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # not behind a proxy unless told


def test_the_documented_example_environment_is_as_safe():
    values = production_settings(**example_env())

    assert {name: values[name] for name in HTTPS_ON} == HTTPS_ON
    assert values["SECURE_HSTS_PRELOAD"] is False


def test_the_proxy_header_is_trusted_only_when_the_environment_says_so():
    values = production_settings(SECURE_PROXY_SSL_HEADER="true")

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


# --- Settings → behaviour ---


@pytest.fixture
def https_on(settings):
    for name, value in HTTPS_ON.items():
        setattr(settings, name, value)
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_without_hsts(https_on):
    response = Client().get("/tasks/?page=2")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/tasks/?page=2"
    assert "Strict-Transport-Security" not in response


@pytest.mark.django_db
def test_https_through_the_proxy_gets_a_year_of_hsts_with_subdomains(https_on):
    response = Client().get("/", **PROXY)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains"


@pytest.mark.django_db
def test_a_forwarded_proto_header_is_ignored_when_no_proxy_is_configured(https_on):
    https_on.SECURE_PROXY_SSL_HEADER = None

    response = Client().get("/", **PROXY)

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_the_session_cookie_is_http_only(
    https_on, customer
):
    client = Client()
    login = reverse("accounts:login")
    form = client.get(login, **PROXY)
    signed_in = client.post(login, {"username": "carol", "password": PASSWORD}, **PROXY)

    assert signed_in.status_code == 302
    csrf = form.cookies[django_settings.CSRF_COOKIE_NAME]
    session = signed_in.cookies[django_settings.SESSION_COOKIE_NAME]
    assert csrf["secure"] and session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    assert int(session["max-age"]) == django_settings.SESSION_COOKIE_AGE

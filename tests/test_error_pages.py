"""With DEBUG off, every error is our own page: no traceback, SQL or settings."""

from unittest import mock

import pytest
from django.test import Client

from .factories import TaskFactory

LEAKS = [b"Traceback", b"SELECT", b"SECRET_KEY", b"DATABASES", b"django.core"]


def assert_ours(response, status: int, text: bytes) -> None:
    assert response.status_code == status
    assert text in response.content
    for leak in LEAKS:
        assert leak not in response.content


@pytest.mark.django_db
def test_a_wrong_host_header_is_a_400(client):
    assert_ours(client.get("/", HTTP_HOST="evil.example.com"), 400, b"could not understand")


@pytest.mark.django_db
def test_a_missing_csrf_token_is_our_403(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert_ours(client.post("/tasks/new/", {"title": "x"}), 403, b"This form has expired")


@pytest.mark.django_db
def test_an_unknown_page_is_our_404(client):
    assert_ours(client.get("/no/such/page/"), 404, b"We could not find that page")


@pytest.mark.django_db
def test_a_crash_is_our_500(client):
    client.raise_request_exception = False
    with mock.patch("marketplace.views.HomeView.get_context_data", side_effect=RuntimeError):
        response = client.get("/")
    assert_ours(response, 500, b"Something went wrong on our side")


def test_too_many_requests_is_our_429(tasker_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": "0/h"}
    task = TaskFactory()
    response = tasker_client.post(f"/report/task/{task.pk}/", {"reason": "spam"})
    assert_ours(response, 429, b"You are going a little fast")


@pytest.mark.django_db
def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"

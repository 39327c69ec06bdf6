"""Security headers, and pages that keep to the Content-Security-Policy."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = (d.split() for d in policy.split(";") if d.strip())
    return {name: values for name, *values in directives}


def test_the_home_page_sends_a_same_origin_content_security_policy(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_pages_cannot_be_framed(client):
    response = client.get(reverse("home"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "url_name",
    [
        "home",
        "accounts:signup",
        "accounts:login",
        "accounts:password_reset",
        "marketplace:task_list",
    ],
)
def test_public_pages_have_no_inline_script_or_style_the_policy_would_block(client, url_name):
    html = client.get(reverse(url_name)).content.decode()

    inline_scripts = [s for s in re.findall(r"<script\b[^>]*>", html) if "src=" not in s]
    assert inline_scripts == []
    assert re.search(r"\sstyle\s*=", html) is None
    assert re.search(r"<style\b", html) is None
    assert re.search(r"\son[a-z]+\s*=", html) is None  # onclick= and friends


def test_signed_in_pages_have_no_inline_script_or_style(customer_client):
    for url in (reverse("marketplace:dashboard"), reverse("accounts:profile_edit")):
        html = customer_client.get(url).content.decode()
        assert re.search(r"<script\b(?![^>]*\bsrc=)[^>]*>", html) is None, url
        assert re.search(r"\sstyle\s*=", html) is None, url

"""Production settings: the deploy check, the required secret and the mailer.

These start Django in a subprocess with only the variables given, as a server would.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "tasker.settings",
    "DEBUG": "false",
    "SECRET_KEY": "prod-" + "k3y-n0t-f0r-real-" * 4,
    "ALLOWED_HOSTS": "tasker.example.com",
    "EMAIL_URL": "smtp+tls://u:p@smtp.example.com:587",
    "SECURE_SSL_REDIRECT": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
}


def run_django(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run `python <args>` in the project with a clean environment plus `env`."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_with_production_variables():
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "check_id"),
    [
        ("SECURE_SSL_REDIRECT", "false", "security.W008"),
        ("EMAIL_URL", "consolemail://", "tasker.E001"),
        ("TASK_QUEUE", "immediate", "tasker.E002"),
    ],
)
def test_the_deploy_check_fails_when_a_production_variable_is_wrong(variable, value, check_id):
    env = {**PRODUCTION_ENV, variable: value}

    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)

    assert result.returncode != 0
    assert check_id in result.stderr


def test_start_up_stops_with_one_line_when_debug_is_off_and_there_is_no_secret_key():
    # An explicit empty value, so a developer's .env cannot fill it in.
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}

    result = run_django(["manage.py", "check"], **env)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "SECRET_KEY is not set: set it in the environment or .env (or set DEBUG=true)."
    ]


def test_the_production_email_url_becomes_an_smtp_mailer_with_tls():
    code = (
        "import django; django.setup()\n"
        "from django.core.mail import mailers\n"
        "m = mailers['outgoing']\n"
        "print(type(m).__module__, m.host, m.port, m.use_tls, m.username, m.password)\n"
    )

    result = run_django(["-W", "error", "-c", code], **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp",
        "smtp.example.com",
        "587",
        "True",
        "u",
        "p",
    ]


def test_starting_django_prints_no_axes_banner():
    # `make run` starts Django three times (migrate, seed_demo, runserver).
    result = run_django(["manage.py", "check"], **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "AXES" not in result.stdout + result.stderr


SHOW_SITE_URL = (
    "import django; django.setup(); from django.conf import settings as s; print(s.SITE_URL)"
)


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8101"}, "http://127.0.0.1:8101"),
        ({"PORT": "8101", "SITE_URL": "https://tasker.example.com/"}, "https://tasker.example.com"),
    ],
)
def test_emails_link_to_the_port_the_site_runs_on_unless_site_url_is_set(env, site_url):
    result = run_django(["-c", SHOW_SITE_URL], **PRODUCTION_ENV, **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == site_url


def test_make_run_passes_its_port_on_to_the_server():
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", "PORT=8101"],  # noqa: S607
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert "PORT=8101 .venv/bin/python manage.py runserver 127.0.0.1:8101" in result.stdout

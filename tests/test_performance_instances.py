"""Past one machine: two app servers serve one site, and share what they must.

Each test starts two gunicorn instances on two ports, against the suite's own test
database (the SQLite file, or PostgreSQL when DATABASE_URL says so) and one Redis, and
drives them over HTTP like a browser behind a load balancer: signed in through one, you
are signed in through the other (sessions are in the database), and a rate limit counts
requests to both (tasker/ratelimit.py counts in the cache).

Redis is at TEST_REDIS_URL (default redis://127.0.0.1:6379/6; the database is emptied).
Without it the tests are skipped, except under CI=true, where that is a failure.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection

from .factories import PASSWORD, UserFactory
from .helpers import running_in_ci

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
SIGNUP_LIMIT = 2

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        reason = f"Redis is not reachable at {REDIS_URL} ({error})"
        if running_in_ci():
            pytest.fail(f"{reason}; CI must run these tests, not skip them.")
        pytest.skip(f"{reason}; start redis-server or set TEST_REDIS_URL.")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


def database_url() -> str:
    """The test database, as a DATABASE_URL another process can use."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = urllib.parse.quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Instance:
    """One gunicorn serving the site on its own port."""

    def __init__(self, cache_url: str, log_dir: str) -> None:
        self.port = free_port()
        self.log = Path(log_dir) / f"gunicorn-{self.port}.log"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DJANGO_SETTINGS_MODULE": "tests.settings_instances",
            "DEBUG": "false",
            "SECRET_KEY": "the-same-secret-on-every-instance-" * 2,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url(),
            "CACHE_URL": cache_url,
            "EMAIL_URL": "dummymail://",
            "RATE_LIMIT_SIGNUP": f"{SIGNUP_LIMIT}/h",
            "LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn and arguments
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "tasker.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--error-logfile",
                str(self.log),
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        log = self.log.read_text() if self.log.exists() else ""
        raise AssertionError(f"gunicorn did not start on port {self.port}:\n{log}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def start_instances():
    """Start two instances with the given CACHE_URL; stop them after the test."""
    started: list[Instance] = []
    log_dir = tempfile.mkdtemp(prefix="tasker-instances-")

    def start(cache_url: str) -> tuple[Instance, Instance]:
        pair = (Instance(cache_url, log_dir), Instance(cache_url, log_dir))
        started.extend(pair)
        for instance in pair:
            instance.wait_until_up()
        return pair

    yield start
    for instance in started:
        instance.stop()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept across requests to any port of 127.0.0.1, as a browser keeps them for a
    site behind a load balancer; redirects are returned, not followed."""

    def __init__(self) -> None:
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, Location header, body) of a GET, or of a POST of `data`."""
        assert url.startswith("http://127.0.0.1:"), url
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)  # noqa: S310 - checked just above
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return response.status, response.headers.get("Location", ""), response.read().decode()

    def csrf_token(self, url: str) -> str:
        status, _, html = self.request(url)
        assert status == 200, (url, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_signed_in_through_one_instance_is_signed_in_through_the_other(redis_url, start_instances):
    user = UserFactory(username="walker", display_name="Wendy Walker")
    # Hashed as in production: the instances do not know the test suite's fast hasher.
    user.password = make_password(PASSWORD, hasher="bcrypt_sha256")
    user.save(update_fields=["password"])
    one, two = start_instances(redis_url)
    browser = Browser()

    token = browser.csrf_token(one.url("/accounts/login/"))
    status, location, _ = browser.request(
        one.url("/accounts/login/"),
        {"csrfmiddlewaretoken": token, "username": user.username, "password": PASSWORD},
    )
    assert (status, location) == (302, "/dashboard/")

    status, _, html = browser.request(two.url("/dashboard/"))
    assert status == 200
    assert "Wendy Walker" in html and "Sign out" in html

    # Signing out through the second instance signs out of the first too.
    token = browser.csrf_token(two.url("/dashboard/"))
    status, _, _ = browser.request(two.url("/accounts/logout/"), {"csrfmiddlewaretoken": token})
    assert status == 302
    status, location, _ = browser.request(one.url("/dashboard/"))
    assert status == 302 and location.startswith("/accounts/login/")


def signups_until_refused(one, two) -> list[int]:
    """Post invalid sign-ups (nothing is created), alternating instances; the statuses."""
    browser = Browser()
    statuses = []
    for instance in (one, two, one, two):
        token = browser.csrf_token(instance.url("/accounts/signup/"))
        status, _, _ = browser.request(
            instance.url("/accounts/signup/"),
            {"csrfmiddlewaretoken": token, "username": "", "email": "not-an-email"},
        )
        statuses.append(status)
    return statuses


def test_a_rate_limit_counts_requests_to_both_instances(redis_url, start_instances):
    one, two = start_instances(redis_url)
    # Two sign-ups an hour from one address, wherever they land.
    assert signups_until_refused(one, two) == [200, 200, 429, 429]


def test_with_a_per_process_cache_each_instance_counts_alone(start_instances):
    """Why CACHE_URL must point at Redis: local memory gives each process its own counts."""
    one, two = start_instances("locmemcache://")
    assert signups_until_refused(one, two) == [200, 200, 200, 200]


@pytest.mark.parametrize(
    ("cache_url", "expected"),
    [
        (
            "redis://127.0.0.1:6379/5",
            {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/5",
                # A Redis that is down or hung costs a request a second at most.
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            },
        ),
        (
            "rediss://cache.example.com:6380/1?timeout=30&key_prefix=tasker",
            {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "rediss://cache.example.com:6380/1",
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
                "TIMEOUT": 30,
                "KEY_PREFIX": "tasker",
            },
        ),
        ("locmemcache://", {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}),
    ],
)
def test_cache_url_selects_djangos_own_backends(cache_url, expected):
    """Django's Redis backend with the pinned `redis` client, never django-redis."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CACHES['default']))"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "tasker.settings",
        "SECRET_KEY": "x" * 50,
        "CACHE_URL": cache_url,
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout.strip().splitlines()[-1])
    assert {key: value for key, value in config.items() if value != ""} == expected

"""No single point of 500s: a cache that is down, a full backup disk, and /healthz.

The rate limits fail open when the cache cannot be reached (tasker/ratelimit.py), the
default cache is a database table whose counters two processes cannot both bump
(tasker/cache.py), backup_db says plainly when its disk is full, and /healthz tells the
front server and monitoring what works.
"""

import json
import logging
import socket
import sqlite3
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from marketplace.management.commands import backup_db
from marketplace.models import Bid
from tasker import cache as tasker_cache
from tasker import ratelimit

from .factories import PASSWORD, TaskFactory
from .test_mail_queue import database_queue  # noqa: F401 - a fixture
from .test_settings import PRODUCTION_ENV, run_django


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cache_down(settings, monkeypatch):
    """The site's cache is a Redis that is not running."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    monkeypatch.setattr(ratelimit, "_last_warning", 0.0, raising=False)


def bid(client, task):
    return client.post(
        reverse("marketplace:bid_create", args=[task.pk]),
        {"amount": "45", "message": "I have fixed many gates and can come on Monday."},
    )


# --- Rate limits when the cache is down ---


def test_a_limited_post_goes_through_with_a_warning_when_the_cache_is_down(
    cache_down, settings, customer, tasker_client, caplog
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "bid": "1/h"}
    tasks = TaskFactory.create_batch(2, customer=customer)

    with caplog.at_level(logging.WARNING, logger="tasker.ratelimit"):
        responses = [bid(tasker_client, task) for task in tasks]

    assert [r.status_code for r in responses] == [302, 302]  # failed open, no 500
    assert Bid.objects.filter(task__in=tasks).count() == 2
    assert "Rate limits are not enforced: the cache cannot be reached" in caplog.text
    assert caplog.text.count("Rate limits are not enforced") == 1  # once a minute, not per POST


def test_limits_hold_again_once_the_cache_is_back(settings, customer, tasker_client):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "bid": "1/h"}
    tasks = TaskFactory.create_batch(2, customer=customer)

    responses = [bid(tasker_client, task) for task in tasks]

    assert [r.status_code for r in responses] == [302, 429]


def test_pages_and_sign_in_work_when_the_cache_is_down(cache_down, client, customer):
    assert client.get(reverse("marketplace:task_list")).status_code == 200
    response = client.post(
        reverse("accounts:login"), {"username": customer.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("marketplace:dashboard")).status_code == 200


# --- The shared default cache ---


@pytest.fixture
def database_cache(settings, db):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "tasker.cache.DatabaseCache", "LOCATION": "test_tasker_cache"},
    }
    call_command("createcachetable", verbosity=0)


def test_the_database_cache_counts(database_cache):
    cache.add("hits", 0, timeout=60)
    assert [cache.incr("hits") for _ in range(3)] == [1, 2, 3]
    assert cache.get("hits") == 3
    assert cache.decr("hits") == 2


def test_the_database_cache_does_not_count_an_expired_entry(database_cache):
    cache.set("old", 5, timeout=60)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE test_tasker_cache SET expires = %s", [timezone.now() - timedelta(seconds=1)]
        )
    with pytest.raises(ValueError):
        cache.incr("old")
    with pytest.raises(ValueError):
        cache.incr("never-set")


def test_the_database_cache_deletes_expired_entries_now_and_then(database_cache, monkeypatch):
    for n in range(3):
        cache.set(f"page-{n}", "<p>old</p>", timeout=60)
    cache.set("live", 1, timeout=600)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE test_tasker_cache SET expires = %s WHERE cache_key LIKE %s",
            [timezone.now() - timedelta(seconds=1), "%page-%"],
        )
    monkeypatch.setattr(tasker_cache, "PURGE_EVERY", 1)  # this time
    cache.set("another", 2, timeout=600)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM test_tasker_cache ORDER BY cache_key")
        keys = [row[0].split(":")[-1] for row in cursor.fetchall()]
    assert keys == ["another", "live"]


def test_the_production_default_cache_is_the_shared_database_cache():
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)\n"
    )

    result = run_django(["-c", code], **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "tasker.cache.DatabaseCache",
        "django.contrib.sessions.backends.db",
    ]


# --- /healthz ---


def health(client):
    response = client.get(reverse("healthz"))
    return response, json.loads(response.content)


def test_healthz_says_ok_and_nothing_more(client, db):
    response, body = health(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert body == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "queue": {"state": "ok", "oldest_waiting_seconds": 0},
        },
    }


def test_healthz_is_degraded_not_down_when_the_cache_is_down(cache_down, client, db):
    response, body = health(client)

    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["cache"] == "down"
    assert body["checks"]["database"] == "ok"


def test_healthz_is_503_when_the_database_is_down(client, db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("refused")):
        response, body = health(client)

    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["checks"]["database"] == "down"
    assert "refused" not in response.content.decode()  # no error text for outsiders


def test_healthz_reports_a_queue_nobody_works_off(database_queue, client, settings):  # noqa: F811
    from django.core.mail import EmailMessage
    from django_tasks_db.models import DBTaskResult

    EmailMessage("Hello", "Body", to=["someone@example.com"]).send()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))

    response, body = health(client)

    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["queue"]["state"] == "stuck"
    assert 590 <= body["checks"]["queue"]["oldest_waiting_seconds"] <= 660


# --- backup_db on a full disk ---


class FullDisk:
    """A connection whose writes fail as SQLite's do when the disk is full."""

    def __init__(self, real):
        self.real = real

    def backup(self, target):
        raise sqlite3.OperationalError("database or disk is full")

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="backup_db copies SQLite databases")
def test_a_full_disk_ends_the_backup_with_a_message_and_no_partial_file(db, tmp_path):
    real_connect = sqlite3.connect

    def connect(path, *args, **kwargs):
        return FullDisk(real_connect(path, *args, **kwargs))

    with (
        mock.patch.object(backup_db.sqlite3, "connect", side_effect=connect),
        pytest.raises(CommandError) as error,
    ):
        call_command("backup_db", "--output", str(tmp_path))

    assert "database or disk is full" in str(error.value)
    assert "The disk is full: free some space or choose another --output." in str(error.value)
    assert list(tmp_path.iterdir()) == []

"""Helpers the management-command tests share."""

import importlib
import io
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from accounts.models import User
from marketplace.models import (
    Agreement,
    Bid,
    BidRevision,
    Conversation,
    Message,
    Notification,
    Report,
    Review,
    Task,
    TaskEvent,
)

ROOT = Path(__file__).resolve().parent.parent
ALL_MODELS = (
    User,
    Task,
    Bid,
    BidRevision,
    Agreement,
    Review,
    TaskEvent,
    Conversation,
    Message,
    Notification,
    Report,
)


def seed_categories() -> None:
    """Put back the migration's categories (a transactional test may have flushed them)."""
    importlib.import_module("marketplace.migrations.0002_seed_categories").add_categories(
        apps, None
    )


def run(command: str, *args) -> str:
    """Call a management command; return what it printed on stdout."""
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


@contextmanager
def seeded_once(django_db_blocker, *args):
    """Run seed_demo once for a group of tests, and undo it after them.

    Like `TestCase.setUpTestData`: the data lives in a transaction that the tests' own
    transactions nest in, and it is rolled back when the group is done.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        seed_categories()
        yield run("seed_demo", *args)
        transaction.set_rollback(True)


def manage(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `manage.py` in a child process, as an operator would, with the test settings.

    The database is an in-memory one unless `env` names another: a child process must
    never touch the developer's db.sqlite3.
    """
    env = (
        os.environ
        | {"DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": "sqlite://:memory:"}
        | (env or {})
    )
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

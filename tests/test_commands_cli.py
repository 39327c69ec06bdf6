"""The operator's commands as run from a shell: help, exit statuses, error messages."""

import pytest
from django.core.management import load_command_class

from .command_helpers import manage

COMMANDS = ["seed_demo", "expire_tasks", "marketplace_stats", "backup_db"]


def help_text(command: str) -> str:
    return (
        load_command_class("marketplace", command).create_parser("manage.py", command).format_help()
    )


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("seed_demo", ["--users N", "--tasks N", "--bids N", "--messages N", "--dry-run"]),
        ("expire_tasks", ["--days N", "--dry-run", "due date"]),
        ("marketplace_stats", ["--json", "--days N", "active", "signed in"]),
        ("backup_db", ["--output DIR", "online backup", "pg_dump", "-wal"]),
    ],
)
def test_every_command_explains_itself(command, words):
    text = " ".join(help_text(command).split())
    for word in words:
        assert word in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["seed_demo", "--users", "-5"], "argument --users: expected a whole number, 0 or more"),
        (["expire_tasks", "--days", "0"], "argument --days: expected a whole number of days"),
    ],
)
def test_bad_arguments_exit_with_status_2_and_say_why(args, message):
    result = manage(*args)

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_refused_request_exits_with_status_1_and_says_why():
    result = manage("seed_demo", "--users", "5", "--bids", "5")

    assert result.returncode == 1
    assert "CommandError: --bids needs --tasks" in result.stderr


def test_backup_db_on_postgresql_prints_pg_dump_without_the_password_and_exits_1():
    database = "postgres://app:s3cret@db.internal:5433/tasker"

    result = manage("backup_db", env={"DATABASE_URL": database})

    assert result.returncode == 1
    assert "pg_dump --format=custom --host=db.internal --port=5433 --username=app" in result.stderr
    assert "s3cret" not in result.stderr + result.stdout

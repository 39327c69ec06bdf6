"""Writes under load: bench/load.py, briefly, against gunicorn on the suite's kind of database.

Slow (gunicorn, a fresh database, real sign-ins): skipped unless RUN_SLOW=1.
"""

import json
import subprocess
import sys

import pytest
from django.conf import settings

LOAD = settings.BASE_DIR / "bench" / "load.py"


def load_database_url() -> list[str]:
    """A PostgreSQL run loads PostgreSQL (its own database); a SQLite run, a new SQLite file."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return []
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    port = db.get("PORT") or 5432
    return [
        "--database-url",
        f"postgres://{db['USER']}{password}@{db['HOST']}:{port}/tasker_load_test",
    ]


@pytest.mark.slow
def test_concurrent_bids_messages_and_accepts_give_no_errors():
    command = [sys.executable, str(LOAD), "--duration", "8", "--clients", "12", "--workers", "3"]
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [*command, *load_database_url(), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures["by_kind"]) == {"read", "bid", "message", "accept"}
    assert figures["requests"] > 0
    for count in ("server_errors", "connection_errors", "throttled_429", "forbidden_403"):
        assert figures[count] == 0, count
    assert figures["database_is_locked"] == figures["tracebacks"] == 0
    assert figures["data_problems"] == figures["unexpected"] == []

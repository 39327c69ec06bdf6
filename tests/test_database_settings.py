"""Database settings: SQLite is tuned for concurrent writers; connections are reused."""

import sqlite3

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

requires_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason=f"SQLite PRAGMAs and transaction_mode do not apply: this run uses {connection.vendor}",
)


def pragma(name: str):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


@requires_sqlite
def test_sqlite_runs_in_wal_mode():
    assert pragma("journal_mode") == "wal"


@requires_sqlite
def test_sqlite_syncs_normally_not_fully():
    assert pragma("synchronous") == 1  # NORMAL; safe with WAL and much faster than FULL


@requires_sqlite
def test_sqlite_waits_at_least_five_seconds_for_a_lock():
    assert pragma("busy_timeout") >= 5000


@requires_sqlite
def test_sqlite_enforces_foreign_keys():
    assert pragma("foreign_keys") == 1


@requires_sqlite
def test_sqlite_keeps_a_larger_page_cache():
    assert pragma("cache_size") == -32000  # 32 MB (negative: in KiB), not the default 2 MB


@requires_sqlite
def test_sqlite_transactions_take_the_write_lock_when_they_begin():
    assert connection.transaction_mode == "IMMEDIATE"
    # The test runs inside a transaction that has written nothing yet. A DEFERRED one would
    # hold no lock; an IMMEDIATE one already blocks every other writer.
    assert connection.in_atomic_block
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_requests_are_not_wrapped_in_one_transaction():
    # Services open their own short transactions; a request-long one would hold SQLite's lock.
    assert connection.settings_dict["ATOMIC_REQUESTS"] is False


def test_connections_are_reused_and_health_checked():
    # A new SQLite connection starts with an empty page cache and reads the schema again.
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True

"""Persona fixtures: the people every feature test talks about."""

import json
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from .factories import CustomerFactory, TaskerFactory, UserFactory

# --- Transactional tests and --reuse-db ---
# A transactional test (live server, threads) ends by flushing every table, rows from data
# migrations included (categories, groups). So each one is given `serialized_rollback`: it
# starts from the rows the migrated database had. And since --reuse-db keeps the test
# database, a flushed one is restored at the end of the run, or rebuilt at the next start.


def pytest_collection_modifyitems(items):
    """Make every transactional test start from the migrated database's rows, and skip the
    slow tests unless RUN_SLOW=1."""
    run_slow = os.environ.get("RUN_SLOW") == "1"
    for item in items:
        if item.get_closest_marker("slow") and not run_slow:
            item.add_marker(pytest.mark.skip(reason="slow: set RUN_SLOW=1 to run it"))
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        transactional = kwargs.get("transaction") or any(
            name in item.fixturenames for name in ("transactional_db", "live_server")
        )
        if transactional and "serialized_rollback" not in kwargs:
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(
                pytest.mark.django_db(*(marker.args if marker else ()), **kwargs), False
            )


def _reused_test_db_was_flushed() -> bool:
    """Whether the kept test database lacks the rows every migrated database has."""
    from pathlib import Path

    from django.db import DatabaseError, connection

    test_db = connection.copy()
    test_db.settings_dict["NAME"] = connection.creation._get_test_db_name()
    if test_db.vendor == "sqlite" and not Path(test_db.settings_dict["NAME"]).exists():
        return False
    try:
        with test_db.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT COUNT(*) FROM django_content_type),"
                " (SELECT COUNT(*) FROM marketplace_category)"
            )
            return 0 in cursor.fetchone()
    except DatabaseError:  # no such database or table yet: setup creates and migrates it
        return False
    finally:
        test_db.close()


@pytest.fixture(scope="session")
def django_db_createdb(django_db_createdb, django_db_blocker) -> bool:
    """Rebuild a kept test database that an interrupted run left flushed."""
    if django_db_createdb:
        return True
    with django_db_blocker.unblock():
        return _reused_test_db_was_flushed()


def _reset_sequences(conn) -> None:
    """Move PostgreSQL's id sequences past rows restored with their ids (no-op on SQLite)."""
    from django.apps import apps
    from django.core.management.color import no_style

    models = apps.get_models(include_auto_created=True)
    with conn.cursor() as cursor:
        for statement in conn.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _without_places(contents: str) -> str:
    """The serialized rows less the gazetteer's ~6,000 places, which Django would restore
    one INSERT at a time (seconds for each transactional test); _restore_places puts them
    back in one bulk insert instead."""
    rows = json.loads(contents)
    return json.dumps([row for row in rows if row["model"] != "marketplace.place"])


def _restore_places(conn) -> None:
    """Load the gazetteer (as migration 0012 does) into a database flushed of it."""
    import csv

    from marketplace.models import Place

    places = Place.objects.using(conn.alias)
    if places.exists():
        return
    data = Path(__file__).resolve().parents[1] / "marketplace" / "data" / "gb_places.csv"
    with data.open(encoding="utf-8", newline="") as file:
        places.bulk_create([Place(**row) for row in csv.DictReader(file)], batch_size=1000)


@pytest.fixture(autouse=True)
def _sequences_after_serialized_rollback(request):
    """After the rows are restored with their ids, let new rows get fresh ones."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("serialized_rollback"):
        from django.db import connection

        request.getfixturevalue("transactional_db")
        _restore_places(connection)
        _reset_sequences(connection)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Share the migrated rows with every connection, and put them back after the run."""
    from django.db import connections

    snapshots = {}
    for conn in connections.all(initialized_only=True):
        contents = getattr(conn, "_test_serialized_contents", None)
        if contents is not None:
            snapshots[conn.alias] = contents = _without_places(contents)
            conn._test_serialized_contents = contents
            # Django keeps connections in thread-critical locals that switch to other storage
            # while an event loop runs in the thread, as Playwright's does once a browser test
            # starts. The new connection object must still see the snapshot.
            type(conn)._test_serialized_contents = contents
    yield
    with django_db_blocker.unblock():
        for alias, contents in snapshots.items():
            conn = connections[alias]
            conn.creation.deserialize_db_from_string(contents)
            _restore_places(conn)
            _reset_sequences(conn)
            del type(conn)._test_serialized_contents


def client_for(user) -> Client:
    from .helpers import force_login

    return force_login(Client(), user)


@pytest.fixture
def customer(db):
    return CustomerFactory(username="carol", display_name="Carol Customer")


@pytest.fixture
def other_customer(db):
    return CustomerFactory(username="oscar", display_name="Oscar Other")


@pytest.fixture
def tasker(db):
    return TaskerFactory(username="tom", display_name="Tom Tasker")


@pytest.fixture
def other_tasker(db):
    return TaskerFactory(username="tina", display_name="Tina Tasker")


@pytest.fixture
def staff(db):
    return UserFactory(username="sam", display_name="Sam Staff", is_staff=True, is_superuser=True)


@pytest.fixture
def customer_client(customer):
    return client_for(customer)


@pytest.fixture
def other_customer_client(other_customer):
    return client_for(other_customer)


@pytest.fixture
def tasker_client(tasker):
    return client_for(tasker)


@pytest.fixture
def other_tasker_client(other_tasker):
    return client_for(other_tasker)


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache; start every test with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The route table's world (tests/routes.py), built once per test module."""
    from .routes import world_for_module

    with world_for_module(django_db_blocker) as world:
        yield world

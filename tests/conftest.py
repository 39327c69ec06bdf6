"""Persona fixtures: the people every feature test talks about."""

import importlib

import pytest
from django.apps import apps
from django.test import Client

from .factories import CustomerFactory, TaskerFactory, UserFactory


def seed_categories() -> None:
    """Create the categories the data migration seeds (it is idempotent)."""
    seed = importlib.import_module("marketplace.migrations.0002_seed_categories")
    seed.add_categories(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Put back seeded rows that a transactional test's flush took out of the reused test DB."""
    with django_db_blocker.unblock():
        seed_categories()


@pytest.fixture(autouse=True)
def _seeded_rows_in_transactional_tests(request):
    """Transactional tests (live server, threads) empty every table when they end, data
    migrations' rows included; give each one the seeded rows back before it starts."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        seed_categories()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


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

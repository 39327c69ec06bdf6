"""Persona fixtures: the people every feature test talks about."""

import pytest
from django.core.cache import cache
from django.test import Client

from .factories import CustomerFactory, TaskerFactory, UserFactory, seed_categories


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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache; start every test with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Put back the seeded categories a previous run's transactional tests flushed (--reuse-db)."""
    with django_db_blocker.unblock():
        seed_categories()

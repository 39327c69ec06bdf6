import importlib

import pytest
from django.core.management import call_command

from marketplace.models import Category

SEEDED = importlib.import_module("marketplace.migrations.0002_seed_categories").CATEGORIES


def test_every_model_change_has_a_migration(db):
    # Exits non-zero (SystemExit) when a model differs from its migrations.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_the_data_migration_seeds_the_categories():
    assert Category.objects.count() == len(SEEDED)


@pytest.mark.django_db(transaction=True)
def test_transactional_tests_also_start_with_the_seeded_categories():
    # Transactional tests flush the database when they end; the next one must not miss them.
    # (Browser tests, transactional too, run before this one.)
    assert set(Category.objects.values_list("slug", flat=True)) == {slug for _, slug, _ in SEEDED}

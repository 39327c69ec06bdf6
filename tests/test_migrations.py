from django.core.management import call_command


def test_every_model_change_has_a_migration(db):
    # Exits non-zero (SystemExit) when a model differs from its migrations.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)

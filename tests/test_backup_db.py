"""`manage.py backup_db`: a consistent SQLite copy while the site runs, and its restore."""

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import CommandError
from django.db import connection

from marketplace.demo.story_content import DEMO_TASKS
from marketplace.management.commands.backup_db import backup_sqlite, pg_dump_hint

from .command_helpers import manage, run

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="backup_db copies SQLite databases"
)


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, read with a connection of our own, closed before returning:
    a connection left for the garbage collector could write its WAL into a file restored
    under it."""
    with closing(sqlite3.connect(path)) as db:
        names = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {name: db.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall() for name in names}  # noqa: S608


def only_file(directory: Path) -> Path:
    (path,) = directory.iterdir()
    return path


@sqlite_only
def test_it_copies_the_committed_database_into_a_timestamped_file(db, tmp_path):
    output = run("backup_db", "--output", str(tmp_path))

    backup = only_file(tmp_path)
    assert backup.name.startswith(Path(connection.settings_dict["NAME"]).stem + "-")
    assert backup.suffix == ".sqlite3"
    assert tables(backup) == tables(Path(connection.settings_dict["NAME"]))
    assert "marketplace_category" in tables(backup)
    assert len(tables(backup)["marketplace_category"]) == 8
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    assert f"to {backup}" in output and "integrity ok" in output


@sqlite_only
def test_two_backups_in_the_same_second_both_keep(db, tmp_path):
    run("backup_db", "--output", str(tmp_path))
    run("backup_db", "--output", str(tmp_path))

    assert len(list(tmp_path.iterdir())) == 2


@sqlite_only
def test_it_creates_the_output_directory(db, tmp_path):
    run("backup_db", "--output", str(tmp_path / "nightly" / "db"))

    assert only_file(tmp_path / "nightly" / "db").suffix == ".sqlite3"


@sqlite_only
def test_an_output_that_is_a_file_is_a_clear_error(db, tmp_path):
    (tmp_path / "taken").write_text("")

    with pytest.raises(CommandError, match="is a file, not a directory"):
        run("backup_db", "--output", str(tmp_path / "taken"))


def test_an_unknown_database_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no database called 'other'"):
        run("backup_db", "--database", "other")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_on_postgresql_it_points_to_pg_dump_and_fails(db, tmp_path):
    with pytest.raises(CommandError, match="pg_dump") as error:
        run("backup_db", "--output", str(tmp_path))

    assert error.value.returncode == 1
    assert not list(tmp_path.iterdir())


def test_the_pg_dump_hint_leaves_the_password_out():
    hint = pg_dump_hint(
        {
            "NAME": "tasker",
            "USER": "app",
            "PASSWORD": "s3cret",
            "HOST": "db.internal",
            "PORT": 5433,
        },
        "20261126-120000",
    )

    assert hint == (
        "pg_dump --format=custom --host=db.internal --port=5433 --username=app "
        "--file=backups/tasker-20261126-120000.dump tasker"
    )


# --- The copy itself, on a database that is being written to ---


@pytest.fixture
def site_db(tmp_path) -> Path:
    """A WAL-mode SQLite database with committed rows, as the running site has."""
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE task (id INTEGER PRIMARY KEY, title TEXT NOT NULL)")
        db.executemany("INSERT INTO task (title) VALUES (?)", [(f"task {i}",) for i in range(500)])
    return path


def test_a_backup_holds_what_was_committed_even_while_someone_writes(site_db, tmp_path):
    writer = sqlite3.connect(site_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO task (title) VALUES ('not committed yet')")

    backup_sqlite(site_db, tmp_path / "backup.sqlite3")
    writer.execute("COMMIT")
    writer.close()

    assert len(tables(tmp_path / "backup.sqlite3")["task"]) == 500
    assert len(tables(site_db)["task"]) == 501


def test_restoring_a_backup_gives_back_the_same_rows(site_db, tmp_path):
    snapshot = tables(site_db)
    backup = tmp_path / "backup.sqlite3"
    backup_sqlite(site_db, backup)
    with sqlite3.connect(site_db) as db:  # life goes on after the backup...
        db.execute("DELETE FROM task WHERE id < 100")
        db.execute("INSERT INTO task (title) VALUES ('after the backup')")

    # ...until a restore, as docs/operations.md says: stop, copy over, remove -wal/-shm, start.
    shutil.copyfile(backup, site_db)
    for leftover in (site_db.with_name("db.sqlite3-wal"), site_db.with_name("db.sqlite3-shm")):
        leftover.unlink(missing_ok=True)

    assert tables(site_db) == snapshot


def test_an_operator_backs_up_and_restores_a_seeded_site(tmp_path):
    """End to end, as in docs/operations.md, with the real schema and demo data."""
    database = tmp_path / "db.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}"}
    for args in (["migrate", "--noinput"], ["seed_demo"]):
        assert manage(*args, env=env).returncode == 0
    snapshot = tables(database)

    result = manage("backup_db", "--output", str(tmp_path / "backups"), env=env)
    assert result.returncode == 0, result.stderr
    assert manage("seed_demo", "--users", "5", env=env).returncode == 0  # changes after it
    assert tables(database) != snapshot

    shutil.copyfile(only_file(tmp_path / "backups"), database)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)

    restored = tables(database)
    assert restored == snapshot
    assert len(restored["marketplace_task"]) == len(DEMO_TASKS)
    assert not [row for row in restored["accounts_user"] if "user00001" in row]

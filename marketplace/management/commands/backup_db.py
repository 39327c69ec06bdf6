"""`manage.py backup_db`: a consistent copy of the SQLite database, taken while the site runs."""

import errno
import shlex
import sqlite3
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

STAMP = "%Y%m%d-%H%M%S"


def backup_sqlite(source: Path, target: Path, *, timeout: float = 10) -> None:
    """Copy the SQLite database at `source` to a new file at `target`, consistently.

    SQLite's online backup API reads one snapshot: in WAL mode the site's writers go on
    writing meanwhile and the copy holds exactly what was committed when it started. The
    copy is done in a single step on purpose: a stepwise copy restarts whenever another
    connection writes, and on a busy site might never finish. The copy is switched to
    rollback-journal mode so it is one self-contained file, then checked.

    A copy that cannot be written (a full disk, a read-only folder) leaves nothing behind and
    ends with a CommandError that says so, never a traceback.
    """
    partial = target.with_name(target.name + ".partial")
    try:
        _copy(source, partial, timeout=timeout)
    except (sqlite3.Error, OSError) as error:
        partial.unlink(missing_ok=True)
        full = "full" in str(error) or getattr(error, "errno", None) == errno.ENOSPC
        hint = " The disk is full: free some space or choose another --output." if full else ""
        message = f"The backup to {target} failed: {error}. Nothing was kept.{hint}"
        raise CommandError(message) from error
    partial.replace(target)


def _copy(source: Path, partial: Path, *, timeout: float) -> None:
    src = sqlite3.connect(source, timeout=timeout)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            check = dst.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dst.close()
    finally:
        src.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise CommandError(f"The copy failed SQLite's integrity check ({check}); nothing kept.")
    partial.chmod(0o600)  # it holds password hashes and personal data


def pg_dump_hint(db: dict, when: str) -> str:
    """The pg_dump command for this database, never with its password."""
    options = [
        "pg_dump",
        "--format=custom",
        *(
            f"--{flag}={db[key]}"
            for flag, key in (("host", "HOST"), ("port", "PORT"), ("username", "USER"))
            if db.get(key)
        ),
        f"--file=backups/{db['NAME']}-{when}.dump",
        db["NAME"],
    ]
    return " ".join(shlex.quote(str(option)) for option in options)


class Command(BaseCommand):
    help = (
        "Back up the SQLite database into a timestamped file in backups/ (or --output DIR) "
        "while the site keeps running, using SQLite's online backup API: the copy is a "
        "consistent snapshot of what was committed when it started, checked with "
        "PRAGMA quick_check. To restore: stop the site, copy the backup over the database "
        "file, delete its -wal and -shm files, start the site. On PostgreSQL it prints the "
        "pg_dump command to use instead and exits with status 1."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            metavar="DIR",
            type=Path,
            default=Path(settings.BASE_DIR) / "backups",
            help="directory for the backup, created if missing (default: backups/ beside "
            "manage.py)",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="which database of the DATABASES setting (default: %(default)s)",
        )

    def handle(self, *args, **options) -> None:
        if options["database"] not in settings.DATABASES:
            raise CommandError(f"There is no database called {options['database']!r}.")
        connection = connections[options["database"]]
        db = connection.settings_dict
        when = timezone.localtime().strftime(STAMP)
        if connection.vendor != "sqlite":
            raise CommandError(
                f"backup_db copies SQLite databases; this one is {connection.display_name}. "
                f"Use pg_dump instead, e.g.\n  {pg_dump_hint(db, when)}\n"
                "(give the password through PGPASSWORD or ~/.pgpass; restore with pg_restore).",
                returncode=1,
            )
        source = self._source(db)
        target = self._target(options["output"], source, when)
        size = source.stat().st_size
        if self.stdout.isatty():
            self.stdout.write(f"Copying {source.name} ({size / 1e6:.1f} MB)…")
        started = time.monotonic()
        backup_sqlite(source, target, timeout=db.get("OPTIONS", {}).get("timeout", 10))
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {source} to {target} "
                f"({target.stat().st_size / 1e6:.1f} MB, integrity ok) in {seconds:.1f} s."
            )
        )

    @staticmethod
    def _source(db: dict) -> Path:
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise CommandError("This is an in-memory SQLite database: there is no file to back up.")
        source = Path(name)
        if not source.is_file():
            raise CommandError(f"The database file {source} does not exist; run migrate first?")
        return source

    @staticmethod
    def _target(directory: Path, source: Path, when: str) -> Path:
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"--output {directory} is a file, not a directory.")
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot create the directory {directory}: {error}") from error
        target = directory / f"{source.stem}-{when}.sqlite3"
        n = 1
        while target.exists():  # two backups in the same second
            n += 1
            target = directory / f"{source.stem}-{when}-{n}.sqlite3"
        return target

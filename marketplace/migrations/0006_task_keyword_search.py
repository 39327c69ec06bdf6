# Indexes for the browse page's keyword search (TaskQuerySet.search): every word is a
# case-insensitive substring of the title or the description, which no B-tree index serves.
#
# SQLite: an FTS5 table with the trigram tokenizer, holding no text of its own
# (content='marketplace_task') and kept in step with marketplace_task by triggers.
# CAUTION: on SQLite Django carries out many ALTERs on marketplace_task by building a new
# table, copying the rows, dropping the old table and renaming the new one, and dropping the
# table drops these triggers with it; the search would then silently go stale. A migration
# that rebuilds marketplace_task must create SQLITE_TRIGGERS again and run SQLITE_REBUILD.
# tests/test_browse.py::test_the_search_follows_tasks_added_edited_and_deleted fails if one
# of the triggers is gone.
#
# PostgreSQL: pg_trgm GIN indexes on exactly the expression Django's icontains compiles to,
# UPPER("col"::text) LIKE UPPER(%s) (the cast to text changes nothing for these columns, so
# the planner matches it with UPPER(col)).

from django.db import migrations

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE marketplace_task_search USING fts5("
    "title, description, content='marketplace_task', content_rowid='id', tokenize='trigram')"
)
# The external-content pattern of the FTS5 documentation. 'delete' must be given the values
# that were indexed, which are the old row's. An update that leaves the text alone (a status
# change through save(), which writes every column) does not touch the index.
SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER marketplace_task_search_insert AFTER INSERT ON marketplace_task BEGIN
        INSERT INTO marketplace_task_search (rowid, title, description)
        VALUES (new.id, new.title, new.description);
    END
    """,
    """
    CREATE TRIGGER marketplace_task_search_delete AFTER DELETE ON marketplace_task BEGIN
        INSERT INTO marketplace_task_search (marketplace_task_search, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
    END
    """,
    """
    CREATE TRIGGER marketplace_task_search_update AFTER UPDATE OF title, description
    ON marketplace_task
    WHEN old.title IS NOT new.title OR old.description IS NOT new.description
    BEGIN
        INSERT INTO marketplace_task_search (marketplace_task_search, rowid, title, description)
        VALUES ('delete', old.id, old.title, old.description);
        INSERT INTO marketplace_task_search (rowid, title, description)
        VALUES (new.id, new.title, new.description);
    END
    """,
]
SQLITE_REBUILD = (
    "INSERT INTO marketplace_task_search (marketplace_task_search) VALUES ('rebuild')"
)
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS marketplace_task_search_update",
    "DROP TRIGGER IF EXISTS marketplace_task_search_delete",
    "DROP TRIGGER IF EXISTS marketplace_task_search_insert",
    "DROP TABLE IF EXISTS marketplace_task_search",
]

POSTGRESQL_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX task_search_title ON marketplace_task USING gin (UPPER(title) gin_trgm_ops)",
    "CREATE INDEX task_search_description ON marketplace_task"
    " USING gin (UPPER(description) gin_trgm_ops)",
]
# The extension stays: other objects may have come to use it.
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS task_search_description",
    "DROP INDEX IF EXISTS task_search_title",
]


def run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        run(schema_editor, [SQLITE_TABLE, *SQLITE_TRIGGERS, SQLITE_REBUILD])
    elif vendor == "postgresql":
        run(schema_editor, POSTGRESQL_CREATE)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        run(schema_editor, POSTGRESQL_DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('marketplace', '0005_drop_redundant_fk_indexes'),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]

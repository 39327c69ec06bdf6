"""Fast inserts of many rows: plain tuples and `executemany`, no model instances.

`bulk_create` builds a model instance per row and compiles SQL for every batch; at a few
hundred thousand rows that is minutes. Here each model gets its INSERT statement once and
rows are tuples of already-adapted values, written with `executemany` on SQLite and
`COPY` on PostgreSQL: tens of thousands of rows a second on both. Columns a row does not
mention get the field's default, so a field added to a model later needs no change here
unless it is required.
"""

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

EXECUTEMANY_BATCH = 5000


class RowInserter:
    """Queue rows for one model and write them with `flush()`.

    `add(**values)` takes column names (`customer_id`, not `customer`) and Python values;
    datetimes and dates are adapted for the database here.
    """

    def __init__(self, model: type[models.Model], *, with_pk: bool = True) -> None:
        self.model = model
        ops = connection.ops
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.columns = [f.column for f in fields]
        adapt_datetime = datetime_adapter()
        now = timezone.now()
        self.defaults: list[tuple[str, object]] = []
        self.datetime_columns, self.date_columns = [], []
        for f in fields:
            auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            default = now if auto else f.get_default()
            if isinstance(f, models.DateTimeField):
                self.datetime_columns.append(f.column)
                default = None if default is None else adapt_datetime(default)
            elif isinstance(f, models.DateField):
                self.date_columns.append(f.column)
                default = None if default is None else ops.adapt_datefield_value(default)
            elif default is not None:
                default = f.get_db_prep_save(default, connection)
            self.defaults.append((f.column, default))
        self._adapt_datetime = adapt_datetime
        self._adapt_date = ops.adapt_datefield_value
        # Table and column names come from the model's _meta, never from input.
        table = ops.quote_name(model._meta.db_table)
        columns = ", ".join(ops.quote_name(c) for c in self.columns)
        placeholders = ", ".join(["%s"] * len(self.columns))
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, **values) -> None:
        for column in self.datetime_columns:
            value = values.get(column)
            if value is not None:
                values[column] = self._adapt_datetime(value)
        for column in self.date_columns:
            value = values.get(column)
            if value is not None:
                values[column] = self._adapt_date(value)
        self.rows.append(tuple([values.get(c, default) for c, default in self.defaults]))

    def flush(self) -> int:
        """Write the queued rows; return how many."""
        count = len(self.rows)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY streams the rows; executemany would wait for each one.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                for start in range(0, count, EXECUTEMANY_BATCH):
                    cursor.executemany(self.sql, self.rows[start : start + EXECUTEMANY_BATCH])
        self.rows.clear()
        self.written += count
        return count


def datetime_adapter():
    """The database's datetime adapter, with a fast path for the common case.

    Django keeps datetimes in SQLite as naive UTC text, and its adapter spends most of its
    time converting: values already in UTC (everything `timezone.now()` arithmetic makes)
    only need their offset dropped. PostgreSQL takes aware datetimes as they are.
    """
    adapt = connection.ops.adapt_datetimefield_value
    if connection.vendor == "postgresql":
        return lambda value: value
    if connection.vendor == "sqlite" and settings.USE_TZ and connection.timezone is datetime.UTC:

        def adapt_utc(value):
            if value.tzinfo is datetime.UTC:
                return str(value.replace(tzinfo=None))
            return adapt(value)

        return adapt_utc
    return adapt


def reserve_ids(model: type[models.Model], count: int) -> Sequence[int]:
    """Primary keys for `count` new rows of `model`, so rows can point at each other.

    PostgreSQL hands them out from the table's sequence, so concurrent inserts never
    collide. SQLite has no sequence to draw from, but the seeding transaction holds the
    write lock (IMMEDIATE), so nobody else inserts between this and our INSERTs.
    """
    if count <= 0:
        return range(0)
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(pk)}) FROM {quote(table)}")  # noqa: S608 - names from _meta
        start = (cursor.fetchone()[0] or 0) + 1
        return range(start, start + count)

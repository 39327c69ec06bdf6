"""The database cache, with an `incr` that two processes cannot both win.

Django's database cache increments with a read and a separate write, so two app-server
processes counting the same rate limit at once can both read 5 and both write 6. Here the
read and the write are one transaction holding the row: SELECT … FOR UPDATE on PostgreSQL;
on SQLite, whose transactions here start IMMEDIATE (see settings), the transaction itself
holds the database's write lock. A rate limit on this cache then means what it says on
every process of one machine, and on every machine that shares the database.
"""

import base64
import pickle
import random

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now

# One write in this many also deletes the entries that have expired (see `set`).
PURGE_EVERY = 100


class DatabaseCache(DjangoDatabaseCache):
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Django's set; and, one time in PURGE_EVERY, delete every expired entry.

        Django's database cache deletes an expired entry only when it is read again or when
        the table is over MAX_ENTRIES (here a million, so that live rate-limit counters are
        never culled). Cached pages and lists expire after a minute under keys that may never
        be asked again (every search is one): without this the table would keep them all.
        """
        super().set(key, value, timeout, version)
        if random.random() < 1 / PURGE_EVERY:  # noqa: S311 - spreads work, guards nothing
            self.delete_expired()

    def delete_expired(self) -> int:
        """Delete every expired entry (the `expires` column is indexed); return how many."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        expires = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        with connection.cursor() as cursor:
            # Only the quoted table name from settings goes into the SQL.
            cursor.execute(
                f"DELETE FROM {table} WHERE {connection.ops.quote_name('expires')} < %s",  # noqa: S608
                [expires],
            )
            return cursor.rowcount

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, value_column = quote(self._table), quote("value")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # Only quoted names from settings go into the SQL; the key is a parameter.
        select = (
            f"SELECT {value_column}, {quote('expires')} FROM {table} "  # noqa: S608
            f"WHERE {quote('cache_key')} = %s{lock}"
        )
        update = f"UPDATE {table} SET {value_column} = %s WHERE {quote('cache_key')} = %s"  # noqa: S608
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(select, [key])
            row = cursor.fetchone()
            if row is None or self._expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            # The cache's own format: a pickle that only this cache wrote.
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta  # noqa: S301
            pickled = pickle.dumps(value, self.pickle_protocol)
            cursor.execute(update, [base64.b64encode(pickled).decode("latin1"), key])
        return value

    @staticmethod
    def _expired(connection, expires) -> bool:
        expression = models.Expression(output_field=models.DateTimeField())
        converters = connection.ops.get_db_converters(expression)
        for converter in converters + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return expires < tz_now()

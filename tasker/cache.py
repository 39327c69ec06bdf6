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

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
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

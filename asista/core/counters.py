"""Gapless counters: `UPDATE ... RETURNING` holds the row lock until the caller's transaction ends,
so concurrent callers queue and a rolled-back caller gives its number back."""

from django.db import connection, transaction

from asista.core.models import Counter


def next_value(name: str, *, start: int = 1) -> int:
    """Advance counter `name` and return its new value. Call inside `transaction.atomic()`."""
    return next_values(name, 1, start=start)


def next_values(name: str, count: int, *, start: int = 1) -> int:
    """Take `count` consecutive values of counter `name` at once; returns the first of them."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value must run inside a transaction")
    table = Counter._meta.db_table
    sql = f"UPDATE {table} SET value = value + %s WHERE name = %s RETURNING value"
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, name])
        row = cursor.fetchone()
        if row is None:
            Counter.objects.bulk_create([Counter(name=name, value=start - 1)], ignore_conflicts=True)
            cursor.execute(sql, [count, name])
            row = cursor.fetchone()
    return int(row[0]) - count + 1

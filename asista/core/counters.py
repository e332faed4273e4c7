"""Gapless counters: `UPDATE ... RETURNING` holds the row lock until the caller's transaction ends,
so concurrent callers queue and a rolled-back caller gives its number back."""

from django.db import connection, transaction

from asista.core.models import Counter


def next_value(name: str, *, start: int = 1) -> int:
    """Advance counter `name` and return its new value. Call inside `transaction.atomic()`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value must run inside a transaction")
    table = Counter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET value = value + 1 WHERE name = %s RETURNING value", [name])
        row = cursor.fetchone()
        if row is not None:
            return int(row[0])
    Counter.objects.bulk_create([Counter(name=name, value=start - 1)], ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET value = value + 1 WHERE name = %s RETURNING value", [name])
        return int(cursor.fetchone()[0])

"""Indexes on tickets_ticket for the desk's reads (owned by the desk; see asista/desk/selectors.py).

- desk_ticket_queue: the queue order on every ticket, NULL due times last on every database
  (`due_at IS NULL` as a key, since SQLite cannot index NULLS LAST); serves every view and
  keyset page with a short index scan instead of a sort.
- desk_ticket_open_counts: covers the counts of the open views (state, assignee, due time).
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS desk_ticket_queue ON tickets_ticket "
    "(is_urgent DESC, (due_at IS NULL), due_at, created_at, id)",
    "CREATE INDEX IF NOT EXISTS desk_ticket_open_counts ON tickets_ticket (state, assignee_id, due_at)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS desk_ticket_queue",
    "DROP INDEX IF EXISTS desk_ticket_open_counts",
]


class Migration(migrations.Migration):
    dependencies = [("desk", "0003_fold_diacritics_in_postgres_search"), ("tickets", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]

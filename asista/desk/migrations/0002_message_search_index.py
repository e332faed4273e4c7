"""Full-text index over ticket messages, maintained by the database (see asista/desk/search.py).

The SQL is frozen here (a migration must not change when the module does).
"""

from django.db import migrations

SETUP = {
    "sqlite": [
        "CREATE VIRTUAL TABLE IF NOT EXISTS desk_message_fts USING fts5(\n        subject, text, content='tickets_message', content_rowid='id',\n        tokenize='unicode61 remove_diacritics 2')",
        "CREATE TRIGGER IF NOT EXISTS desk_message_fts_ai AFTER INSERT ON tickets_message BEGIN\n        INSERT INTO desk_message_fts(rowid, subject, text) VALUES (new.id, new.subject, new.text);\n    END",
        "CREATE TRIGGER IF NOT EXISTS desk_message_fts_ad AFTER DELETE ON tickets_message BEGIN\n        INSERT INTO desk_message_fts(desk_message_fts, rowid, subject, text)\n        VALUES ('delete', old.id, old.subject, old.text);\n    END",
        "CREATE TRIGGER IF NOT EXISTS desk_message_fts_au AFTER UPDATE OF subject, text\n        ON tickets_message BEGIN\n        INSERT INTO desk_message_fts(desk_message_fts, rowid, subject, text)\n        VALUES ('delete', old.id, old.subject, old.text);\n        INSERT INTO desk_message_fts(rowid, subject, text) VALUES (new.id, new.subject, new.text);\n    END",
        "INSERT INTO desk_message_fts(desk_message_fts) VALUES ('rebuild')",
    ],
    "postgresql": [
        "CREATE INDEX IF NOT EXISTS desk_message_search ON tickets_message USING gin ((to_tsvector('simple'::regconfig, coalesce(subject, '') || ' ' || coalesce(text, ''))))"
    ],
}
TEARDOWN = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS desk_message_fts_ai",
        "DROP TRIGGER IF EXISTS desk_message_fts_ad",
        "DROP TRIGGER IF EXISTS desk_message_fts_au",
        "DROP TABLE IF EXISTS desk_message_fts",
    ],
    "postgresql": ["DROP INDEX IF EXISTS desk_message_search"],
}


def create_index(apps, schema_editor):
    for sql in SETUP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    for sql in TEARDOWN.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0001_canned_replies"),
        ("tickets", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]

"""PostgreSQL: fold Romanian diacritics in the search index (desk_fold), so "factura" finds "factură".

SQLite already folds them (FTS5 unicode61 remove_diacritics 2). The SQL is frozen here.
"""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS desk_message_search",
    "CREATE OR REPLACE FUNCTION desk_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT translate($1, 'ăâîșşțţáéíóúäöüàèìòùçñĂÂÎȘŞȚŢÁÉÍÓÚÄÖÜÀÈÌÒÙÇÑ', 'aaissttaeiouaouaeioucnAAISSTTAEIOUAOUAEIOUCN') $$",
    "CREATE INDEX IF NOT EXISTS desk_message_search ON tickets_message USING gin ((to_tsvector('simple'::regconfig, desk_fold(coalesce(subject, '') || ' ' || coalesce(text, '')))))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS desk_message_search",
    "DROP FUNCTION IF EXISTS desk_fold(text)",
    "CREATE INDEX IF NOT EXISTS desk_message_search ON tickets_message USING gin "
    "((to_tsvector('simple'::regconfig, coalesce(subject, '') || ' ' || coalesce(text, ''))))",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("desk", "0002_message_search_index")]

    operations = [migrations.RunPython(forward, backward)]

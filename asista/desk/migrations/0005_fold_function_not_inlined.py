"""PostgreSQL: desk_fold in PL/pgSQL so the planner matches the search index (a SQL function is
inlined in queries, not in the index expression). Same results: the index stays valid.
"""

from django.db import migrations

FORWARD = ["CREATE OR REPLACE FUNCTION desk_fold(text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$ BEGIN RETURN translate($1, 'ăâîșşțţáéíóúäöüàèìòùçñĂÂÎȘŞȚŢÁÉÍÓÚÄÖÜÀÈÌÒÙÇÑ', 'aaissttaeiouaouaeioucnAAISSTTAEIOUAOUAEIOUCN'); END $$"]
BACKWARD = [
    "CREATE OR REPLACE FUNCTION desk_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
    "AS $$ SELECT translate($1, 'ăâîșşțţáéíóúäöüàèìòùçñĂÂÎȘŞȚŢÁÉÍÓÚÄÖÜÀÈÌÒÙÇÑ', 'aaissttaeiouaouaeioucnAAISSTTAEIOUAOUAEIOUCN') $$"
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
    dependencies = [("desk", "0004_queue_indexes")]

    operations = [migrations.RunPython(forward, backward)]

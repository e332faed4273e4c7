"""Full-text search over ticket subjects and messages, on SQLite (FTS5) and PostgreSQL.

The index is kept in step by the database itself, never by signals:
- SQLite: an external-content FTS5 table over `tickets_message` (subject, text), filled and
  updated by triggers created in the migration `desk.0002_message_search_index`;
  `unicode61 remove_diacritics 2` makes "factura" find "factură".
- PostgreSQL: a GIN expression index on the message's tsvector (configuration `simple`), which
  PostgreSQL maintains on every write.

A ticket's subject is its first message's subject, so searching messages covers subjects too.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

FTS_TABLE = "desk_message_fts"
# Romanian (and common Western) letters folded to ASCII, the same in SQL and in Python, so
# "factura" finds "factură" on PostgreSQL without the unaccent extension (not always allowed).
ACCENTED = "ăâîșşțţáéíóúäöüàèìòùçñĂÂÎȘŞȚŢÁÉÍÓÚÄÖÜÀÈÌÒÙÇÑ"
PLAIN = "aaissttaeiouaouaeioucnAAISSTTAEIOUAOUAEIOUCN"
_FOLD = str.maketrans(ACCENTED, PLAIN)
# PL/pgSQL, not SQL: a SQL function would be inlined into the query but not into the index
# expression, and the planner would no longer see that the index answers the query.
PG_FOLD_FUNCTION = (
    "CREATE OR REPLACE FUNCTION desk_fold(text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT "
    f"PARALLEL SAFE AS $$ BEGIN RETURN translate($1, '{ACCENTED}', '{PLAIN}'); END $$"
)
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, desk_fold(coalesce(subject, '') || ' ' || coalesce(text, '')))"
)
_WORD = re.compile(r"\w+", re.UNICODE)

SQLITE_SETUP = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        subject, text, content='tickets_message', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS desk_message_fts_ai AFTER INSERT ON tickets_message BEGIN
        INSERT INTO {FTS_TABLE}(rowid, subject, text) VALUES (new.id, new.subject, new.text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS desk_message_fts_ad AFTER DELETE ON tickets_message BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, subject, text)
        VALUES ('delete', old.id, old.subject, old.text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS desk_message_fts_au AFTER UPDATE OF subject, text
        ON tickets_message BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, subject, text)
        VALUES ('delete', old.id, old.subject, old.text);
        INSERT INTO {FTS_TABLE}(rowid, subject, text) VALUES (new.id, new.subject, new.text);
    END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS desk_message_fts_ai",
    "DROP TRIGGER IF EXISTS desk_message_fts_ad",
    "DROP TRIGGER IF EXISTS desk_message_fts_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRES_SETUP = [
    PG_FOLD_FUNCTION,
    f"CREATE INDEX IF NOT EXISTS desk_message_search ON tickets_message USING gin (({PG_DOCUMENT}))",
]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS desk_message_search", "DROP FUNCTION IF EXISTS desk_fold(text)"]


def words(query: str) -> list[str]:
    """The words of what was typed; punctuation and search operators are dropped."""
    return _WORD.findall(query)[:12]


def matching_tickets(query: str) -> Q:
    """A filter on Ticket: some message (or the subject) contains every word of `query`.

    Each word is a prefix match, so "tipar" finds "tipărire".
    """
    terms = words(query)
    if not terms:
        return Q()
    if query.strip().lstrip("#").isdigit():
        return Q(number=int(query.strip().lstrip("#")))
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{term.translate(_FOLD).lower()}:*" for term in terms)
        # ARRAY(...) makes the matching messages an init plan computed first through the GIN
        # index; PostgreSQL cannot estimate prefix matches and would otherwise probe every
        # ticket in queue order for a match (minutes for a rare word on a million messages).
        sql = (
            "SELECT unnest(ARRAY(SELECT ticket_id FROM tickets_message "
            f"WHERE {PG_DOCUMENT} @@ to_tsquery('simple', %s)))"
        )
        return Q(pk__in=RawSQL(sql, [tsquery]))
    fts = " ".join('"' + term.replace('"', "") + '"*' for term in terms)
    sql = (
        f"SELECT m.ticket_id FROM tickets_message m WHERE m.id IN "
        f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
    )
    return Q(pk__in=RawSQL(sql, [fts]))


def setup(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_SETUP, "postgresql": POSTGRES_SETUP}.get(vendor, [])


def teardown(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRES_TEARDOWN}.get(vendor, [])

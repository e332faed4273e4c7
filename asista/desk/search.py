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

import json
import re
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import BooleanField, IntegerField, Q
from django.db.models.expressions import RawSQL

from asista.customers.models import ContactEmail
from asista.tickets.models import Message

FTS_TABLE = "desk_message_fts"
# Romanian (and common Western) letters folded to ASCII, the same in SQL and in Python, so
# "factura" finds "factură" on PostgreSQL without the unaccent extension (not always allowed).
ACCENTED = "ăâîșşțţáéíóúäöüàèìòùçñĂÂÎȘŞȚŢÁÉÍÓÚÄÖÜÀÈÌÒÙÇÑ"
PLAIN = "aaissttaeiouaouaeioucnAAISSTTAEIOUAOUAEIOUCN"
_FOLD = str.maketrans(ACCENTED, PLAIN)
_ACCENTED_FORMS: dict[str, set[str]] = {}
for _accented, _plain in zip(ACCENTED, PLAIN, strict=True):
    _ACCENTED_FORMS.setdefault(_plain.lower(), set()).add(_accented)
# PL/pgSQL, not SQL: a SQL function would be inlined into the query but not into the index
# expression, and the planner would no longer see that the index answers the query.
PG_FOLD_FUNCTION = (
    "CREATE OR REPLACE FUNCTION desk_fold(text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT "
    f"PARALLEL SAFE AS $$ BEGIN RETURN translate($1, '{ACCENTED}', '{PLAIN}'); END $$"
)
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, desk_fold(coalesce(subject, '') || ' ' || coalesce(text, '')))"
)
_PG_MESSAGE_TEXT = (
    '(coalesce("tickets_message"."subject", \'\') || \' \' || coalesce("tickets_message"."text", \'\'))'
)
_WORD = re.compile(r"\w+", re.UNICODE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

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


def _ticket_number(query: str) -> int | None:
    text = query.strip().lstrip("#")
    return int(text) if text.isdigit() else None


def _tsquery(terms: list[str]) -> str:
    return " & ".join(f"{_fold(term)}:*" for term in terms)


def _fts_query(terms: list[str]) -> str:
    return " ".join('"' + term.replace('"', "") + '"*' for term in terms)


def matching_tickets(query: str) -> Q:
    """A filter on Ticket: some message (or the subject) contains every word of `query`.

    Each word is a prefix match, so "tipar" finds "tipărire".
    """
    terms = words(query)
    if not terms:
        return Q()
    number = _ticket_number(query)
    if number is not None:
        return Q(number=number)
    address = _email_address(query)
    if address is not None:
        return Q(contact_id__in=ContactEmail.objects.filter(address__iexact=address).values("contact_id"))
    if connection.vendor == "postgresql":
        tsquery = _tsquery(terms)
        # ARRAY(...) makes the matching messages an init plan computed first through the GIN
        # index; PostgreSQL cannot estimate prefix matches and would otherwise probe every
        # ticket in queue order for a match (minutes for a rare word on a million messages).
        sql = (
            "SELECT unnest(ARRAY(SELECT ticket_id FROM tickets_message "
            f"WHERE {PG_DOCUMENT} @@ to_tsquery('simple', %s)))"
        )
        return Q(pk__in=RawSQL(sql, [tsquery]))
    fts = _fts_query(terms)
    sql = (
        f"SELECT m.ticket_id FROM tickets_message m WHERE m.id IN "
        f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
    )
    return Q(pk__in=RawSQL(sql, [fts]))


# --- words most messages contain -------------------------------------------------------------
#
# Listing every message that matches is quick for a specific word and slow for a common one
# (hundreds of thousands of ids, then sorted in queue order). For a common word the other way
# round is quick: walk the queue in order and test each ticket until the page is full. A count
# through FTS5 that stops early (SQLite) or the planner's estimate (PostgreSQL) tells which case
# this is; the walk is bounded too, and falls back.

COMMON_MESSAGES = 5000  # matching messages from which a query is "common"
WALK_TICKETS = 1000  # tickets tested one by one at most before listing the matches instead


def has_plain_words(query: str) -> bool:
    """Words to look for (not a ticket number, not an email address)."""
    return bool(words(query)) and _ticket_number(query) is None and _email_address(query) is None


def _email_address(query: str) -> str | None:
    """The address, when what was typed is one: the requester's tickets are searched for."""
    text = query.strip()
    return text if _EMAIL.fullmatch(text) else None


def matches_counted(query: str) -> RawSQL:
    """SQLite: how many messages match every word, counted through FTS5 up to COMMON_MESSAGES;
    an uncorrelated scalar subquery, so it can ride along another query.

    The whole words are counted first: a prefix of a common word makes FTS5 merge the postings
    of every word it starts (~30 ms on a million messages), a whole word does not.
    """
    terms = words(query)
    count = (
        f"(SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
        f"LIMIT {COMMON_MESSAGES}) found)"
    )
    whole = " ".join('"' + t.replace('"', "") + '"' for t in terms)
    sql = f"(CASE WHEN {count} >= {COMMON_MESSAGES} THEN {COMMON_MESSAGES} ELSE {count} END)"
    return RawSQL(sql, [whole, _fts_query(terms)], output_field=IntegerField())


def estimated_common(query: str) -> bool | None:
    """PostgreSQL: whether the planner expects more than COMMON_MESSAGES matching messages.

    EXPLAIN plans without running: counting through the GIN index would build the bitmap of
    every match first (0.2 s for two common words on a million messages). The estimate comes
    from the statistics ANALYZE keeps on the index expression; without them PostgreSQL guesses
    0.5 % of the table, which then reads as "common" only on tables over a million messages.
    None on SQLite, where `matches_counted` is exact and cheap.
    """
    if connection.vendor != "postgresql":
        return None
    sql = (
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM tickets_message WHERE {PG_DOCUMENT} @@ to_tsquery('simple', %s)"
    )
    with connection.cursor() as cursor:
        # Whole words: PostgreSQL estimates them from its statistics; a prefix it cannot.
        cursor.execute(sql, [" & ".join(_fold(term) for term in words(query))])
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    # A word outside the statistics' most common ones is estimated at about half the rarest one
    # kept (~5,000 of a million messages here, for a word in 50): only well above that is common.
    return float(plan[0]["Plan"]["Plan Rows"]) > 4 * COMMON_MESSAGES


def first_with_words(ticket_ids: list[int], query: str, limit: int) -> list[int]:
    """The first `limit` of `ticket_ids` (in their order) with a message containing every word.

    A slice of twice the page first (common words fill it), then the rest: one query each.
    """
    found: list[int] = []
    for chunk in (ticket_ids[: 2 * limit], ticket_ids[2 * limit :]):
        if not chunk:
            break
        matched = set(
            Message.objects.filter(ticket_id__in=chunk)
            .filter(_message_has_words(query))
            .values_list("ticket_id", flat=True)
            .distinct()
        )
        found += [pk for pk in chunk if pk in matched]
        if len(found) >= limit:
            return found[:limit]
    return found


def _message_has_words(query: str) -> RawSQL:
    """A condition on a message tested row by row (the messages of a few tickets, by ticket)."""
    terms = words(query)
    if connection.vendor == "postgresql":
        # A regular expression per word on the raw text, not the indexed tsvector: recomputing
        # that costs ~100 µs a message (desk_fold), and its expression would invite the GIN index
        # (a bitmap of every match) into what is meant to be a look at a few tickets.
        condition = " AND ".join(f"{_PG_MESSAGE_TEXT} ~ %s" for _term in terms)
        return RawSQL(condition, [word_start_pattern(term) for term in terms], BooleanField())
    folded = " ".join(_fold(t) for t in terms)
    return RawSQL(
        'desk_has_words("tickets_message"."subject", "tickets_message"."text", %s)', [folded], BooleanField()
    )


def word_start_pattern(term: str) -> str:
    """A PostgreSQL regular expression matching `term` at the start of a word, whatever the
    case and diacritics: "factura" gives \\m[fF][aAăĂâÂ...]..."""
    return "\\m" + folded_pattern(term)


def folded_pattern(text: str) -> str:
    """A regular expression (PostgreSQL's and Python's alike) matching `text` anywhere, whatever
    the case and diacritics: "Carpati" finds "Carpați"."""
    classes = []
    for letter in _fold(text):
        variants = {letter, letter.upper()} | _ACCENTED_FORMS.get(letter, set())
        classes.append("[" + "".join(sorted(variants)) + "]" if letter.isalpha() else re.escape(letter))
    return "".join(classes)


def has_words(subject: str | None, text: str | None, folded_words: str) -> bool:
    """SQLite's `desk_has_words`: every word starts a word of the subject or text, as FTS5 matches
    them (case and diacritics folded)."""
    document = _fold(f"{subject or ''} {text or ''}")
    return all(pattern.search(document) for pattern in _patterns(folded_words))


@lru_cache(maxsize=64)
def _patterns(folded_words: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(r"(?<![^\W_])" + re.escape(word)) for word in folded_words.split())


def _fold(text: str) -> str:
    return text.translate(_FOLD).lower()


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: `desk_has_words`, the per-message test of a walk on SQLite."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("desk_has_words", 3, has_words, deterministic=True)


def setup(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_SETUP, "postgresql": POSTGRES_SETUP}.get(vendor, [])


def teardown(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRES_TEARDOWN}.get(vendor, [])

"""Pure rules of the conversation: which ticket a subject names, which Message-IDs a mail answers,
and whether a reply only says thanks. Plain values in, plain values out; no database.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable

MAX_REFERENCES = 50

# `[#1234]` anywhere in the subject, whatever prefixes (Re:, RE:, Fwd:, AW:, Răspuns:, TR:) come
# before it and however clients mangle the spacing: `[ # 1234 ]`, `[#1234 ]`, `[Asista #1234]`.
_TAG = re.compile(r"\[\s*(?:[^\[\]#]{0,20}?\s)?#\s*(\d{1,9})\s*\]")


def subject_ticket_number(subject: str) -> int | None:
    """The ticket number tagged in `subject` (`[#1234]`), the last tag when there are several."""
    found = _TAG.findall(subject or "")
    return int(found[-1]) if found else None


def reference_ids(*, in_reply_to: str, references: Iterable[str]) -> list[str]:
    """The Message-IDs a mail answers, In-Reply-To first, then References newest first, capped.

    The cap keeps the lookup one bounded query: a thread of hundreds of messages still names its
    newest ones last, and those are the ones we are most likely to know.
    """
    ordered = [in_reply_to, *reversed(tuple(references))]
    seen: dict[str, None] = {}
    for mid in ordered:
        mid = mid.strip()
        if mid and mid not in seen:
            seen[mid] = None
    return list(seen)[:MAX_REFERENCES]


def is_our_message_id(message_id: str, *, domain: str) -> bool:
    """True for a Message-ID Asista made (`<asista.…@DOMAIN>`)."""
    mid = message_id.strip().lower()
    return mid.startswith("<asista.") and mid.endswith(f"@{domain.lower()}>")


# --- "only says thanks" ----------------------------------------------------------------------

# Vocabulary of a thank-you, diacritics folded away (ro, en, de, fr, it, es).
# fmt: off
_THANKS_WORDS = frozenset({
    "multumesc", "multumim", "multumiri", "mersi", "ms", "thanks", "thank", "thx", "ty", "cheers",
    "danke", "dank", "dankeschon", "merci", "grazie", "gracias",
})
_POLITE_WORDS = frozenset({
    "va", "iti", "mult", "frumos", "foarte", "tare", "pentru", "tot", "totul", "ajutor", "sprijin",
    "raspuns", "rezolvare", "ok", "bine", "perfect", "super", "acum", "merge", "functioneaza", "e",
    "este", "a", "fost", "rezolvat", "rezolvata", "o", "zi", "buna", "ziua", "seara", "toate", "bune",
    "cu", "stima", "respect", "salut", "salutari", "numai", "si", "dvs", "voi", "odata",
    "you", "very", "much", "so", "lot", "many", "for", "the", "help", "your", "it", "works", "now",
    "is", "solved", "fixed", "great", "all", "good", "best", "regards", "kind", "hi", "hello",
    "again", "that", "did", "trick", "have", "nice", "day", "okay", "and",
    "vielen", "schon", "sehr", "gruss", "grusse", "beaucoup", "bonjour", "cordialement",
})
# fmt: on
_REPLY_HEADER = re.compile(
    r"^\s*(?:on .{0,200} wrote:|la .{0,200} a scris:|în .{0,200} a scris:|am .{0,200} schrieb.{0,40}:|"
    r"le .{0,200} a écrit\s*:|-{2,}\s*original message\s*-{2,}|-{2,}\s*mesaj original\s*-{2,}|"
    r"_{8,}|from:\s|de la:\s|von:\s|de\s*:\s|sent from my |trimis de pe )",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NEGATIVE = {"dar", "insa", "but", "however", "still", "not", "nu", "tot", "problema", "eroare", "error"}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def new_text(text: str) -> list[str]:
    """The lines the sender wrote in this reply: no quotes, no quoted header, no signature."""
    lines: list[str] = []
    for line in (text or "").splitlines():
        stripped = line.strip()
        if stripped in {"--", "-- "} or _REPLY_HEADER.match(line):
            break
        if stripped.startswith(">"):
            continue
        if stripped:
            lines.append(stripped)
    return lines


def only_says_thanks(text: str, *, sender_name: str = "") -> bool:
    """True when the reply is a thank-you and nothing else (so it must not reopen the ticket).

    Every word the sender wrote must be a word of thanks or politeness, or part of their name
    (a signature without `-- `); at least one must say thanks; a question mark, or a "but" or a
    "still" ("mulțumesc, dar tot nu merge"), makes it a real message.
    """
    lines = new_text(text)
    if not lines or len(lines) > 6 or any("?" in line for line in lines):
        return False
    name_words = set(_WORD.findall(_fold(sender_name)))
    words = _WORD.findall(_fold(" ".join(lines)))
    if not words or len(words) > 25 or not any(w in _THANKS_WORDS for w in words):
        return False
    negatives = _NEGATIVE - {"tot"}  # "mulțumesc pentru tot" thanks for everything
    if any(w in negatives for w in words) or _says_still(words):
        return False
    # A last short line that is not vocabulary is read as the sender's name.
    last = _WORD.findall(_fold(lines[-1]))
    if len(lines) > 1 and len(last) <= 4 and not any(w in _THANKS_WORDS | _POLITE_WORDS for w in last):
        name_words |= set(last)
    allowed = _THANKS_WORDS | _POLITE_WORDS | name_words
    return all(w in allowed for w in words)


def _says_still(words: list[str]) -> bool:
    """ "tot nu" / "tot mai" (still not / still): 'tot' alone is 'everything'."""
    return any(a == "tot" and b in {"nu", "mai"} for a, b in itertools.pairwise(words))

"""Address headers: parsed before encoded-words are decoded, and display names judged."""

from __future__ import annotations

import re
import unicodedata
from email.utils import getaddresses

from asista.mail.parsing.charsets import decode_bytes, decode_header
from asista.mail.parsing.model import Address

_ADDRESS_IN_NAME = re.compile(r"[^\s<>\"'(),;:@]+@[^\s<>\"'(),;:@]+\.[^\s<>\"'(),;:@]+")
_MSGID = re.compile(r"<[^<>\s]+>")


def parse_addresses(raw: bytes) -> list[Address]:
    """Mailboxes of an address header (From, To, Cc, Reply-To), in order, without duplicates.

    Split first, decode names after: a decoded name may contain the commas and angle brackets
    that separate addresses (`=?utf-8?q?Popescu=2C_Ion?=`).
    """
    if not raw:
        return []
    return [address for _raw_name, address in _mailboxes(raw)]


def parse_sender(raw: bytes) -> tuple[Address | None, bool]:
    """The From mailbox, and whether its display name tried to pass for another address."""
    mailboxes = _mailboxes(raw)
    if not mailboxes:
        return None, False
    raw_name, address = mailboxes[0]
    return address, name_spoofs_address(raw_name, address.address)


_SIMPLE_MAILBOX = re.compile(r"^\s*([^<>]*?)\s*<([^<>\s]+)>\s*$|^\s*<?([^<>\s]+@[^<>\s]+?)>?\s*$")


def _split_mailboxes(text: str) -> list[tuple[str, str]]:
    """getaddresses is exact but slow; the plain `Name <a@b>, c@d` shape is split by regex."""
    if any(ch in text for ch in '"();:\\'):
        return getaddresses([text])
    pairs: list[tuple[str, str]] = []
    for piece in text.split(","):
        if not piece.strip():
            continue
        match = _SIMPLE_MAILBOX.match(piece)
        if match is None:
            return getaddresses([text])
        pairs.append((match.group(1) or "", match.group(2) or match.group(3)))
    return pairs


def _mailboxes(raw: bytes) -> list[tuple[str, Address]]:
    text = decode_bytes(raw)[0].replace("\r", " ").replace("\n", " ")
    found: list[tuple[str, Address]] = []
    for name, address in _split_mailboxes(text):
        address = address.strip().strip("<>")
        if not address or " " in address:
            continue
        if "=?" in name:
            name = decode_header(name.encode("utf-8"))
        name = unicodedata.normalize("NFC", name.strip().strip("\"'"))
        if all(a.address.lower() != address.lower() for _n, a in found):
            found.append((name, Address(address=address, name=trusted_name(name, address))))
    return found


def trusted_name(name: str, address: str) -> str:
    """The display name, or "" when it is (or contains) a different address.

    `"support@bank.ro" <x@evil.example>` must not show as support@bank.ro. A name that only
    repeats the real address says nothing and is dropped too; the rest of the name is kept.
    """
    others = [m for m in _ADDRESS_IN_NAME.findall(name) if m.lower() != address.lower()]
    if others:
        return ""
    cleaned = _ADDRESS_IN_NAME.sub("", name)
    cleaned = re.sub(r"[(\[<]\s*[)\]>]", "", cleaned)
    return re.sub(r"\s{2,}", " ", cleaned).strip(" \"'-,;:")


def name_spoofs_address(name: str, address: str) -> bool:
    """Whether a raw display name carries an address other than the real one."""
    return any(m.lower() != address.lower() for m in _ADDRESS_IN_NAME.findall(name))


def first_message_id(value: str) -> str:
    """The first `<id>` of a header; a bare id gets its brackets back."""
    match = _MSGID.search(value)
    if match:
        return match.group(0)
    value = value.strip()
    return f"<{value}>" if value and " " not in value and "@" in value else ""


def message_ids(value: str) -> list[str]:
    """All `<id>`s of a References header, in order, without duplicates."""
    seen: list[str] = []
    for mid in _MSGID.findall(value):
        if mid not in seen:
            seen.append(mid)
    return seen

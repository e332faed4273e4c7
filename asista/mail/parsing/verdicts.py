"""Auto-replies and bounces: mail that must never get an automatic answer nor open a ticket."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Subjects of out-of-office replies, RO/EN/DE/FR. Prefix forms ("Automatic reply: ...") are what
# Outlook, Gmail and Exchange write; the phrases are what people type into their vacation rule.
_OOF_SUBJECT = re.compile(
    r"""^\s*(?:(?:re|fw|fwd|aw|wg|tr|r)\s*:\s*)*(?:
        auto(?:matic|matische|matique|mat)?[\s_-]*(?:reply|response|antwort|réponse|answer)
      | autoreply | auto-reply | ooo\b
      | out\s+of\s+(?:the\s+)?office | away\s+from\s+(?:the\s+)?office
      | r[ăa]spuns\s+automat | absen[țţt][ăa]\b | plecat\s+din\s+birou
      | (?:sunt\s+)?(?:[îi]n\s+)?concediu\b | [îi]n\s+afara\s+biroului
      | abwesenheit(?:snotiz|smeldung)? | automatische\s+antwort
      | nicht\s+im\s+b[üu]ro | au[ßs]er\s+haus
      | r[ée]ponse\s+automatique | absence\b | absent(?:e)?\s+du\s+bureau
      | message\s+d['’]absence | je\s+suis\s+absent
    )""",
    re.I | re.X,
)
_OOF_ANYWHERE = re.compile(
    r"out of (?:the )?office|abwesenheitsnotiz|r[ée]ponse automatique|r[ăa]spuns automat", re.I
)
_BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_DAEMON_LOCALPARTS = {"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"}


def is_auto_reply(*, auto_submitted: str, precedence: str, subject: str, headers: dict[str, str]) -> bool:
    """RFC 3834 and the de-facto headers, then out-of-office subjects."""
    if auto_submitted and auto_submitted != "no":
        return True
    if precedence in _BULK_PRECEDENCE:
        return True
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder", "x-auto-reply"):
        value = headers.get(name, "").strip().lower()
        if value and value not in ("no", "false", "0"):
            return True
    return bool(_OOF_SUBJECT.match(subject) or _OOF_ANYWHERE.search(subject))


def suppresses_auto_reply(headers: dict[str, str]) -> bool:
    """Microsoft's X-Auto-Response-Suppress: the sender asks for no automatic answer."""
    value = headers.get("x-auto-response-suppress", "").strip().lower()
    return bool(value) and value != "none"


def is_daemon_sender(address: str) -> bool:
    """MAILER-DAEMON@..., postmaster@...: the senders of bounces."""
    return address.partition("@")[0].lower() in _DAEMON_LOCALPARTS


@dataclass
class DeliveryStatus:
    """What a message/delivery-status part says: the recipients whose delivery failed."""

    failed: list[str]
    any_recipient: bool


_FIELD = re.compile(r"^([A-Za-z-]+)[ \t]*:[ \t]*(.*)$")


def read_delivery_status(text: str) -> DeliveryStatus:
    """RFC 3464 fields: per-recipient blocks with Final-Recipient (or Original-) and Action."""
    failed: list[str] = []
    seen = False
    for block in re.split(r"\r?\n[ \t]*\r?\n", text):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            match = _FIELD.match(line)
            if match:
                fields.setdefault(match.group(1).lower(), match.group(2).strip())
        recipient = fields.get("final-recipient") or fields.get("original-recipient") or ""
        if not recipient:
            continue
        seen = True
        address = recipient.split(";", 1)[-1].strip().strip("<>")
        action = fields.get("action", "failed").lower()
        status = fields.get("status", "")
        is_failure = action.startswith("failed") or status.startswith("5")
        if is_failure and address and address.lower() not in (a.lower() for a in failed):
            failed.append(address)
    return DeliveryStatus(failed=failed, any_recipient=seen)


_PLAIN_BOUNCE_RECIPIENT = re.compile(r"^\s*<?([^\s<>@\"]+@[^\s<>@\"]+\.[A-Za-z]{2,})>?:?\s*$", re.M)


def recipients_in_plain_bounce(text: str) -> list[str]:
    """qmail and other non-DSN bounces name the failed address alone on a line (`<a@b.ro>:`)."""
    found: list[str] = []
    for match in _PLAIN_BOUNCE_RECIPIENT.finditer(text):
        address = match.group(1)
        if address.lower() not in (a.lower() for a in found):
            found.append(address)
    return found

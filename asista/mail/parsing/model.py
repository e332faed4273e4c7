"""The plain values the parser returns: no Django, no database, frozen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox. `name` is "" when absent or not trusted (see `names.trusted_name`)."""

    address: str
    name: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"address": self.address, "name": self.name}


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file carried by the message, decoded to its bytes.

    `inline` is true for parts shown inside the HTML (referenced by `cid:`) or sent with
    `Content-Disposition: inline` and a file name; `content_id` has no angle brackets, the form
    `cid:` URLs use.
    """

    filename: str
    content_type: str
    size: int
    sha256: str
    data: bytes = field(repr=False)
    content_id: str = ""
    inline: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "content_id": self.content_id,
            "inline": self.inline,
        }


@dataclass(frozen=True, slots=True)
class ParsedMail:
    """What one raw message says, decoded and judged.

    Message-IDs keep their angle brackets (`<id@host>`), as Asista stores its own. `text` is the
    whole plain text (derived from the HTML when the message has no text part); `html` is
    sanitized for display and keeps `cid:` references, resolvable with `attachment_for_cid`.
    `defects` are short stable tokens (`unparsed`, `bad-base64`, `charset-fallback`, ...);
    `unparsed` means the message could not be understood and must be kept raw and flagged.
    """

    from_address: str = ""
    from_name: str = ""
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    subject: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    date: datetime | None = None
    text: str = ""
    html: str = ""
    attachments: tuple[Attachment, ...] = ()
    is_auto_reply: bool = False
    is_bounce: bool = False
    bounce_original_message_id: str = ""
    bounce_recipients: tuple[str, ...] = ()
    suppress_auto_reply: bool = False
    auto_submitted: str = ""
    precedence: str = ""
    return_path: str = ""
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    defects: tuple[str, ...] = ()
    engine: str = ""

    def header(self, name: str) -> str:
        """The first top-level header called `name` (case-insensitive), decoded, or ""."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), "")

    def attachment_for_cid(self, content_id: str) -> Attachment | None:
        """The attachment an HTML `cid:` URL points at (with or without `cid:` and brackets)."""
        cid = content_id.removeprefix("cid:").strip("<> ")
        return next((a for a in self.attachments if a.content_id and a.content_id == cid), None)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `asista mail parse`."""
        return {
            "from_address": self.from_address,
            "from_name": self.from_name,
            "to": [a.as_dict() for a in self.to],
            "cc": [a.as_dict() for a in self.cc],
            "reply_to": [a.as_dict() for a in self.reply_to],
            "subject": self.subject,
            "message_id": self.message_id,
            "in_reply_to": self.in_reply_to,
            "references": list(self.references),
            "date": self.date.isoformat() if self.date else None,
            "text": self.text,
            "html": self.html,
            "attachments": [a.as_dict() for a in self.attachments],
            "is_auto_reply": self.is_auto_reply,
            "is_bounce": self.is_bounce,
            "bounce_original_message_id": self.bounce_original_message_id,
            "bounce_recipients": list(self.bounce_recipients),
            "suppress_auto_reply": self.suppress_auto_reply,
            "auto_submitted": self.auto_submitted,
            "precedence": self.precedence,
            "defects": list(self.defects),
        }

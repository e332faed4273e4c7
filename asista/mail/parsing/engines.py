"""Two MIME engines behind one small tree: fast-mail-parser (Rust) first, the stdlib as fallback.

The parser's rules (charsets, names, TNEF, uuencode, verdicts) work on `Part`, so they are the
same whichever engine split the message. See docs/mail-parsing.md for the measurements behind
the order.
"""

from __future__ import annotations

import email.errors
import email.parser
import email.policy
import importlib
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from asista.mail.parsing.charsets import decode_bytes, parse_params

_fmp: Any
try:  # optional: the parser is complete without it, only slower
    _fmp = importlib.import_module("fast_mail_parser")
except ImportError:  # pragma: no cover - depends on the installation
    _fmp = None


@dataclass
class Part:
    """One MIME node, transfer-decoded. Containers have children and no payload."""

    content_type: str = "text/plain"
    params: dict[str, str] = field(default_factory=dict)
    disposition: str = ""
    filename: str = ""
    content_id: str = ""
    transfer_encoding: str = ""
    payload: bytes = b""
    children: list[Part] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    @property
    def is_multipart(self) -> bool:
        return self.content_type.startswith("multipart/")


def fast_engine_available() -> bool:
    """Whether fast-mail-parser is installed."""
    return _fmp is not None


def parse_fast(raw: bytes) -> Part:
    """Split with fast-mail-parser; raises its ParseError on what it rejects."""
    if _fmp is None:
        raise RuntimeError("fast-mail-parser is not installed")
    return _from_fmp(_fmp.parse_email_tree(raw))


def _from_fmp(node: Any) -> Part:
    headers: dict[str, list[str]] = node.headers
    ctype_header = _first(headers, "content-type")
    _main, params = parse_params(ctype_header)
    disposition_header = _first(headers, "content-disposition")
    disposition, disposition_params = parse_params(disposition_header)
    part = Part(
        content_type=(node.content_type or "text/plain").lower(),
        params=params,
        disposition=disposition,
        filename=_fix_8bit_name(
            node.filename or disposition_params.get("filename") or params.get("name", "")
        ),
        content_id=(node.content_id or "").strip().strip("<>"),
        transfer_encoding=_first(headers, "content-transfer-encoding").strip().lower(),
    )
    if node.is_message:
        part.payload = node.content or b""
    elif node.children:
        part.children = [_from_fmp(child) for child in node.children]
    else:
        part.payload = node.content or b""
    return part


def _first(headers: dict[str, list[str]], name: str) -> str:
    for key, values in headers.items():
        if key.lower() == name and values:
            return values[0]
    return ""


def _fix_8bit_name(name: str) -> str:
    """fast-mail-parser reads undeclared 8-bit header bytes as latin-1; re-run our chain on them."""
    if not name or name.isascii() or any(ord(ch) > 0xFF for ch in name):
        return name
    return decode_bytes(name.encode("latin-1"))[0]


# ---------------------------------------------------------------- stdlib

_BYTES_PARSER = email.parser.BytesParser(policy=email.policy.compat32)

_DEFECT_NAMES = {
    email.errors.NoBoundaryInMultipartDefect: "missing-boundary",
    email.errors.StartBoundaryNotFoundDefect: "missing-boundary",
    email.errors.CloseBoundaryNotFoundDefect: "unclosed-multipart",
    email.errors.MultipartInvariantViolationDefect: "broken-multipart",
    email.errors.InvalidBase64PaddingDefect: "bad-base64",
    email.errors.InvalidBase64CharactersDefect: "bad-base64",
    email.errors.InvalidBase64LengthDefect: "bad-base64",
    email.errors.MissingHeaderBodySeparatorDefect: "bad-header-block",
    email.errors.FirstHeaderLineIsContinuationDefect: "bad-header-block",
    email.errors.MisplacedEnvelopeHeaderDefect: "bad-header-block",
}


_HEADER_BLOCK_TYPES = {"message/delivery-status", "message/global-delivery-status"}


def parse_stdlib(raw: bytes) -> Part:
    """Split with the stdlib (compat32: fast, lossless header bytes, tolerant of damage)."""
    linesep = "\r\n" if b"\r\n" in raw[:4096] else "\n"
    return _from_message(_BYTES_PARSER.parsebytes(raw), linesep)


def _from_message(msg: Message, linesep: str = "\n") -> Part:
    _main, params = parse_params(_raw_header(msg, "content-type"))
    disposition, disposition_params = parse_params(_raw_header(msg, "content-disposition"))
    part = Part(
        content_type=msg.get_content_type(),
        params=params,
        disposition=disposition,
        filename=disposition_params.get("filename") or params.get("name", ""),
        content_id=_raw_header(msg, "content-id").strip().strip("<>"),
        transfer_encoding=_raw_header(msg, "content-transfer-encoding").strip().lower(),
        defects=sorted({_DEFECT_NAMES.get(type(d), "mime-defect") for d in msg.defects}),
    )
    payload = msg.get_payload()
    if part.content_type in ("message/rfc822", "message/global") and isinstance(payload, list):
        inner = payload[0] if payload else None
        part.payload = _message_bytes(inner, linesep) if isinstance(inner, Message) else b""
    elif part.content_type in _HEADER_BLOCK_TYPES and isinstance(payload, list):
        # compat32 splits a delivery-status body into header blocks; the parser wants its text.
        blocks = [_message_bytes(block, linesep) for block in payload if isinstance(block, Message)]
        part.payload = linesep.encode().join(blocks)
    elif isinstance(payload, list):
        children = [c for c in payload if isinstance(c, Message)]
        part.children = [_from_message(child, linesep) for child in children]
        if not part.children:
            part.content_type = "text/plain"
    else:
        if part.is_multipart:  # declared multipart with no usable boundary: keep the text
            part.content_type = "text/plain"
        part.payload = _leaf_bytes(msg, part)
    return part


def _leaf_bytes(msg: Message, part: Part) -> bytes:
    data = msg.get_payload(decode=True)
    part.defects = sorted(
        set(part.defects) | {_DEFECT_NAMES.get(type(d), "mime-defect") for d in msg.defects}
    )
    return data if isinstance(data, bytes) else b""


def _message_bytes(inner: Message, linesep: str) -> bytes:
    """An embedded message regenerated (the stdlib keeps no raw bytes), in the outer line ends."""
    try:
        return inner.as_bytes(policy=email.policy.compat32.clone(linesep=linesep))
    except (UnicodeError, LookupError, ValueError, TypeError):
        return str(inner).encode("utf-8", "surrogateescape")


def _raw_header(msg: Message, name: str) -> str:
    """A header as stored: undeclared 8-bit bytes stay surrogates, for the charset chain.

    `msg.get()` would wrap such a value in a Header whose str() has lost the bytes.
    """
    for key, value in msg.raw_items():
        if key.lower() == name:
            return value if isinstance(value, str) else str(value)
    return ""

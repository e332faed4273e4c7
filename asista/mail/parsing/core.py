"""`parse(raw) -> ParsedMail`: bytes in, plain values out, never an exception."""

from __future__ import annotations

import dataclasses
import hashlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote

from asista.mail.parsing import engines, verdicts
from asista.mail.parsing.addresses import (
    first_message_id,
    message_ids,
    parse_addresses,
    parse_sender,
)
from asista.mail.parsing.charsets import (
    decode_bytes,
    decode_header,
    parse_header_block,
    split_message,
)
from asista.mail.parsing.html import html_to_text, sanitize
from asista.mail.parsing.model import Address, Attachment, ParsedMail
from asista.mail.parsing.tnef import TnefError, read_tnef
from asista.mail.parsing.uu import decode_uu_lines, find_uuencoded

MAX_DEPTH = 40
_TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
_DSN_TYPES = {"message/delivery-status", "message/global-delivery-status"}
_HEADERS_TYPES = {"text/rfc822-headers", "message/global-headers"}
_MESSAGE_TYPES = {"message/rfc822", "message/global"}
_UU_ENCODINGS = {"x-uuencode", "uuencode", "x-uue", "uue"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_CID_REF = re.compile(r"""cid:([^"'\s>)]+)""", re.I)
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_MSGID_IN_TEXT = re.compile(r"^\s*Message-ID:\s*(<[^<>\s]+>)", re.I | re.M)


def parse(raw: bytes) -> ParsedMail:
    """Parse one raw message. Never raises: what cannot be understood comes back flagged
    `unparsed`, with whatever headers could still be read, for the pipeline to keep raw."""
    try:
        mail = _parse(raw)
    except Exception:  # the one promise of this function is a result, whatever the bytes
        mail = _unparsed(raw)
    return _without_nul(mail)


def _without_nul(mail: ParsedMail) -> ParsedMail:
    """NUL is never text in mail, and PostgreSQL refuses it in text columns: show it as U+FFFD.

    The raw bytes, kept apart, still hold the original.
    """
    if not _has_nul(mail):
        return mail
    cleaned = _clean_nul(mail)
    return dataclasses.replace(cleaned, defects=(*cleaned.defects, "nul-in-text"))


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, (tuple, list)):
        return any(_has_nul(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(_has_nul(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init)
    return False


def _clean_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, tuple):
        return tuple(_clean_nul(item) for item in value)
    if isinstance(value, list):
        return [_clean_nul(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _clean_nul(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value


@dataclass
class _Collected:
    """What a walk over the MIME tree finds."""

    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[tuple[str, str, bytes, str, str]] = field(default_factory=list)
    dsn: list[bytes] = field(default_factory=list)
    original_headers: bytes | None = None
    report_type: str = ""
    tnef_body: str = ""
    tnef_html: str = ""
    defects: set[str] = field(default_factory=set)


def _parse(raw: bytes) -> ParsedMail:
    header_block, _body = split_message(raw)
    fields = parse_header_block(header_block)
    if not fields:
        return _unparsed(raw)
    raw_headers = {name.lower(): value for name, value in reversed(fields)}  # first one wins
    decoded = [(name, decode_header(value)) for name, value in fields]
    headers = {name.lower(): value for name, value in reversed(decoded)}
    tree, engine = _split_mime(raw, raw_headers)
    found = _Collected()
    _walk(tree, found, depth=0)
    return _assemble(raw_headers, headers, decoded, found, engine)


def _split_mime(raw: bytes, raw_headers: dict[str, bytes]) -> tuple[engines.Part, str]:
    """The fast engine for mail that looks well-formed, the stdlib for the rest (and on error).

    The stdlib reports MIME defects; fast-mail-parser silently repairs some. Mail whose
    multipart structure is visibly damaged therefore goes straight to the stdlib.
    """
    if engines.fast_engine_available() and not _looks_damaged(raw, raw_headers):
        try:
            return engines.parse_fast(raw), "fast"
        except BaseException as error:
            if isinstance(error, KeyboardInterrupt | SystemExit | MemoryError):
                raise
    # The stdlib splits anything: it is the engine of last resort.
    return engines.parse_stdlib(raw), "stdlib"


def _looks_damaged(raw: bytes, raw_headers: dict[str, bytes]) -> bool:
    ctype = raw_headers.get("content-type", b"").lower()
    if not ctype.lstrip().startswith(b"multipart/"):
        return False
    match = re.search(rb'boundary\s*=\s*"?([^";\r\n]+)"?', raw_headers.get("content-type", b""), re.I)
    if not match:
        return True
    return b"--" + match.group(1).strip() + b"--" not in raw


# ---------------------------------------------------------------- the MIME walk


def _walk(part: engines.Part, found: _Collected, depth: int) -> None:
    found.defects.update(part.defects)
    if depth > MAX_DEPTH:
        found.defects.add("too-deep")
        return
    if part.is_multipart:
        if part.content_type == "multipart/report":
            found.report_type = part.params.get("report-type", "").lower()
        for child in part.children:
            _walk(child, found, depth + 1)
        return
    _leaf(part, found)


_KNOWN_ENCODINGS = {"", "7bit", "8bit", "binary", "base64", "quoted-printable"} | _UU_ENCODINGS


def _leaf(part: engines.Part, found: _Collected) -> None:
    ctype = part.content_type
    if part.transfer_encoding not in _KNOWN_ENCODINGS:
        found.defects.add("unknown-transfer-encoding")  # the bytes are kept as they came
    if ctype in _DSN_TYPES:
        found.dsn.append(part.payload)
    elif ctype in _HEADERS_TYPES:
        found.original_headers = found.original_headers or part.payload
    elif ctype in _MESSAGE_TYPES:
        if found.original_headers is None:
            found.original_headers = split_message(part.payload)[0]
        found.attachments.append((part.filename, ctype, part.payload, part.content_id, part.disposition))
    elif ctype in _TNEF_TYPES or part.filename.lower() == "winmail.dat":
        _unpack_tnef(part, found)
    elif ctype in ("text/plain", "text/html") and _is_body(part):
        _body_part(part, found)
    else:
        found.attachments.append((part.filename, ctype, _leaf_data(part), part.content_id, part.disposition))


def _is_body(part: engines.Part) -> bool:
    return part.disposition != "attachment" and not part.filename


def _leaf_data(part: engines.Part) -> bytes:
    data = part.payload
    if part.transfer_encoding in _UU_ENCODINGS and data.lstrip().startswith(b"begin "):
        return decode_uu_lines(data.lstrip().split(b"\n", 1)[-1].rsplit(b"\nend", 1)[0])
    return data


def _body_part(part: engines.Part, found: _Collected) -> None:
    payload = part.payload
    charset = part.params.get("charset")
    if part.content_type == "text/html":
        if not charset:
            meta = _META_CHARSET.search(payload[:2048])
            charset = meta.group(1).decode("ascii") if meta else None
        html, fell_back = decode_bytes(payload, charset)
        found.htmls.append(html)
    else:
        payload, files = find_uuencoded(payload)
        for raw_name, data in files:
            name = decode_bytes(raw_name)[0]
            found.attachments.append((name, _guess_type(name), data, "", "attachment"))
        text, fell_back = decode_bytes(payload, charset)
        text = text.replace("\r\n", "\n")
        if part.params.get("format", "").lower() == "flowed":
            text = unflow(text, delsp=part.params.get("delsp", "").lower() == "yes")
        if text.strip() or not found.texts:
            found.texts.append(text)
    if fell_back:
        found.defects.add("charset-fallback")


def _unpack_tnef(part: engines.Part, found: _Collected) -> None:
    try:
        tnef = read_tnef(part.payload)
    except TnefError:
        found.defects.add("tnef-unreadable")
        found.attachments.append(
            (part.filename or "winmail.dat", "application/ms-tnef", part.payload, "", "")
        )
        return
    for file in tnef.attachments:
        ctype = file.mime_type or _guess_type(file.filename)
        found.attachments.append((file.filename, ctype, file.data, file.content_id, "attachment"))
    found.tnef_body = found.tnef_body or tnef.body
    found.tnef_html = found.tnef_html or tnef.html


def unflow(text: str, *, delsp: bool) -> str:
    """Undo RFC 3676 format=flowed: a line ending in a space continues on the next one."""
    out: list[str] = []
    buffer = ""
    for line in text.split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if line.endswith(" ") and line != "-- ":
            buffer += line[:-1] if delsp else line
            continue
        out.append(buffer + line)
        buffer = ""
    if buffer:
        out.append(buffer)
    return "\n".join(out)


# ---------------------------------------------------------------- assembling the result


def _assemble(
    raw_headers: dict[str, bytes],
    headers: dict[str, str],
    decoded: list[tuple[str, str]],
    found: _Collected,
    engine: str,
) -> ParsedMail:
    sender, spoofed = parse_sender(raw_headers.get("from", b""))
    defects = set(found.defects)
    if spoofed:
        defects.add("display-name-is-another-address")
    html_raw = "\n".join(found.htmls) or found.tnef_html
    attachments = _attachments(found, html_raw)
    text = "\n".join(found.texts) if found.texts else (html_to_text(html_raw) or found.tnef_body)
    subject = headers.get("subject", "")
    from_address = sender.address if sender else ""
    date, date_ok = _date(headers.get("date", ""))
    if not date_ok:
        defects.add("bad-date")
    auto_submitted = headers.get("auto-submitted", "").split(";", 1)[0].strip().lower()
    precedence = headers.get("precedence", "").strip().lower()
    auto = verdicts.is_auto_reply(
        auto_submitted=auto_submitted, precedence=precedence, subject=subject, headers=headers
    )
    bounce, original_id, failed = _bounce(found, headers, from_address, text)
    return ParsedMail(
        from_address=from_address,
        from_name=sender.name if sender else "",
        to=tuple(parse_addresses(raw_headers.get("to", b""))),
        cc=tuple(parse_addresses(raw_headers.get("cc", b""))),
        reply_to=tuple(parse_addresses(raw_headers.get("reply-to", b""))),
        subject=subject,
        message_id=first_message_id(headers.get("message-id", "")),
        in_reply_to=first_message_id(headers.get("in-reply-to", "")),
        references=tuple(message_ids(headers.get("references", ""))),
        date=date,
        text=text,
        html=sanitize(html_raw) if html_raw else "",
        attachments=attachments,
        is_auto_reply=auto,
        is_bounce=bounce,
        bounce_original_message_id=original_id,
        bounce_recipients=tuple(failed),
        suppress_auto_reply=auto or bounce or verdicts.suppresses_auto_reply(headers),
        auto_submitted=auto_submitted,
        precedence=precedence,
        return_path=headers.get("return-path", "").strip(),
        headers=tuple(decoded),
        defects=tuple(sorted(defects)),
        engine=engine,
    )


def _attachments(found: _Collected, html: str) -> tuple[Attachment, ...]:
    referenced = {unquote(m).strip("<>") for m in _CID_REF.findall(html)} if html else set()
    result: list[Attachment] = []
    for index, (name, ctype, data, cid, _disposition) in enumerate(found.attachments, start=1):
        ctype = (ctype or "application/octet-stream").lower()
        filename = _clean_filename(name) or _default_filename(ctype, data, index)
        if ctype == "application/octet-stream":
            ctype = _guess_type(filename)
        result.append(
            Attachment(
                filename=filename,
                content_type=ctype,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
                content_id=cid,
                inline=bool(cid) and cid in referenced,
            )
        )
    return tuple(result)


def _clean_filename(name: str) -> str:
    """A file name safe to store and show: last path component, NFC (Apple Mail sends NFD)."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    return _UNSAFE_NAME.sub("_", name).strip(" .")[:255]


def _default_filename(ctype: str, data: bytes, index: int) -> str:
    if ctype in _MESSAGE_TYPES:
        subject = decode_header(_header_of(split_message(data)[0], "subject"))
        stem = _clean_filename(subject.replace("/", "_"))[:100]
        return f"{stem or 'forwarded-message'}.eml"
    extension = mimetypes.guess_extension(ctype) or ".bin"
    stem = "image" if ctype.startswith("image/") else "attachment"
    return f"{stem}-{index}{extension}"


def _guess_type(filename: str) -> str:
    return mimetypes.guess_type(filename, strict=False)[0] or "application/octet-stream"


def _header_of(block: bytes, name: str) -> bytes:
    return next((value for key, value in parse_header_block(block) if key.lower() == name), b"")


def _date(value: str) -> tuple[datetime | None, bool]:
    """The Date header, aware (UTC when the zone is unknown); False when unreadable."""
    if not value:
        return None, True
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, False
    if parsed is None:
        return None, False
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)), True


def _bounce(
    found: _Collected, headers: dict[str, str], from_address: str, text: str
) -> tuple[bool, str, list[str]]:
    """Is it a bounce, of which message, and which recipients failed."""
    failed: list[str] = []
    for report in found.dsn:
        status = verdicts.read_delivery_status(decode_bytes(report)[0])
        failed += [a for a in status.failed if a.lower() not in (f.lower() for f in failed)]
    x_failed = headers.get("x-failed-recipients", "")
    bounce = (
        found.report_type == "delivery-status"
        or bool(found.dsn)
        or bool(x_failed)
        or verdicts.is_daemon_sender(from_address)
    )
    if not bounce:
        return False, "", []
    if not failed and x_failed:
        failed = [a.strip() for a in x_failed.split(",") if "@" in a]
    if not failed:
        failed = verdicts.recipients_in_plain_bounce(text)
    original = ""
    if found.original_headers:
        original = first_message_id(decode_header(_header_of(found.original_headers, "message-id")))
    if not original:
        match = _MSGID_IN_TEXT.search(text)
        original = match.group(1) if match else ""
    return True, original, failed


def _unparsed(raw: bytes) -> ParsedMail:
    """The little that can be said about bytes the parser could not understand."""
    subject = from_address = message_id = ""
    try:
        block, body = split_message(raw)
        fields = {k.lower(): v for k, v in reversed(parse_header_block(block))}
        subject = decode_header(fields.get("subject", b""))
        sender = parse_addresses(fields.get("from", b""))
        from_address = sender[0].address if sender else ""
        message_id = first_message_id(decode_header(fields.get("message-id", b"")))
        text = decode_bytes(body if fields else raw)[0]
    except Exception:  # even the salvage must not raise
        text = raw.decode("utf-8", "replace")
    return ParsedMail(
        from_address=from_address,
        subject=subject,
        message_id=message_id,
        text=text,
        defects=("unparsed",),
        engine="none",
    )


__all__ = ["Address", "Attachment", "ParsedMail", "parse", "unflow"]

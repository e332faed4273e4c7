"""A small reader for TNEF (winmail.dat, application/ms-tnef): the files inside, and the body.

Outlook wraps attachments in TNEF when it sends "Rich Text" mail. The one PyPI package for it
(tnefparse) has not been released since 2021, and the subset a help desk needs is small: the
attachment data and names (long Unicode name from the MAPI properties, else the 8-bit title in
the OEM codepage) and a plain or HTML body. Compressed RTF bodies are not decoded.
Format: [MS-OXTNEF] — a signature, then attributes (level, id, length, data, checksum).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SIGNATURE = 0x223E9F78
LVL_MESSAGE, LVL_ATTACHMENT = 1, 2

ATT_BODY = 0x0002800C
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACH_TITLE = 0x00018010
ATT_MSG_PROPS = 0x00069003
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACHMENT = 0x00069005
ATT_OEM_CODEPAGE = 0x00069007

PR_BODY = 0x1000
PR_BODY_HTML = 0x1013
PR_HTML = 0x1013
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_FILENAME = 0x3704
PR_DISPLAY_NAME = 0x3001
PR_ATTACH_MIME_TAG = 0x370E
PR_ATTACH_CONTENT_ID = 0x3712
PR_ATTACH_DATA_BIN = 0x3701

PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x1E, 0x1F, 0x102, 0xD
_FIXED_SIZES = {
    0x2: 4,
    0x3: 4,
    0x4: 4,
    0x5: 8,
    0x6: 8,
    0x7: 8,
    0xA: 4,
    0xB: 4,
    0x14: 8,
    0x40: 8,
    0x48: 16,
}
MULTI_VALUE = 0x1000


class TnefError(ValueError):
    """The bytes are not a TNEF stream this reader understands."""


@dataclass
class TnefFile:
    """One attachment unpacked from a TNEF stream."""

    filename: str = ""
    data: bytes = b""
    mime_type: str = ""
    content_id: str = ""


@dataclass
class Tnef:
    """What a TNEF stream carries that a help desk keeps."""

    attachments: list[TnefFile] = field(default_factory=list)
    body: str = ""
    html: str = ""


def read_tnef(data: bytes) -> Tnef:
    """Unpack a TNEF stream; raises TnefError when it is not one or is cut short before any file."""
    if len(data) < 6 or struct.unpack_from("<I", data)[0] != SIGNATURE:
        raise TnefError("not a TNEF stream")
    result = Tnef()
    codepage = "cp1252"
    current: TnefFile | None = None
    pos = 6
    while pos + 9 <= len(data):
        level, attr_id, length = struct.unpack_from("<BII", data, pos)
        value = data[pos + 9 : pos + 9 + length]
        pos += 9 + length + 2  # the checksum is not worth rejecting a file over
        if len(value) < length:
            break  # truncated: keep what was read
        if attr_id == ATT_OEM_CODEPAGE and len(value) >= 4:
            codepage = f"cp{struct.unpack_from('<I', value)[0]}"
        elif attr_id == ATT_ATTACH_REND_DATA:
            current = TnefFile()
            result.attachments.append(current)
        elif level == LVL_ATTACHMENT and current is not None:
            _read_attachment_attr(current, attr_id, value, codepage)
        elif attr_id == ATT_BODY:
            result.body = _text8(value, codepage)
        elif attr_id == ATT_MSG_PROPS:
            _read_message_props(result, value, codepage)
    if not result.attachments and not result.body and not result.html and pos < len(data):
        raise TnefError("truncated TNEF stream")
    return result


def _read_attachment_attr(current: TnefFile, attr_id: int, value: bytes, codepage: str) -> None:
    if attr_id == ATT_ATTACH_DATA:
        current.data = value
    elif attr_id == ATT_ATTACH_TITLE and not current.filename:
        current.filename = _text8(value, codepage)
    elif attr_id == ATT_ATTACHMENT:
        props = read_mapi_props(value, codepage)
        long_name = props.get(PR_ATTACH_LONG_FILENAME) or props.get(PR_DISPLAY_NAME)
        if isinstance(long_name, str) and long_name:
            current.filename = long_name
        if isinstance(props.get(PR_ATTACH_MIME_TAG), str):
            current.mime_type = str(props[PR_ATTACH_MIME_TAG]).lower()
        if isinstance(props.get(PR_ATTACH_CONTENT_ID), str):
            current.content_id = str(props[PR_ATTACH_CONTENT_ID])
        data_bin = props.get(PR_ATTACH_DATA_BIN)
        if isinstance(data_bin, bytes) and not current.data:
            current.data = data_bin


def _read_message_props(result: Tnef, value: bytes, codepage: str) -> None:
    props = read_mapi_props(value, codepage)
    body = props.get(PR_BODY)
    if isinstance(body, str) and body and not result.body:
        result.body = body
    html = props.get(PR_BODY_HTML)
    if isinstance(html, bytes):
        html = _text8(html, codepage)
    if isinstance(html, str):
        result.html = html


def _text8(value: bytes, codepage: str) -> str:
    try:
        return value.split(b"\0", 1)[0].decode(codepage)
    except (LookupError, UnicodeDecodeError):
        return value.split(b"\0", 1)[0].decode("cp1252", "replace")


def read_mapi_props(data: bytes, codepage: str = "cp1252") -> dict[int, object]:
    """MAPI properties of an attMsgProps/attAttachment value: {property id: value}."""
    props: dict[int, object] = {}
    try:
        (count,) = struct.unpack_from("<I", data)
        pos = 4
        for _ in range(count):
            prop_type, prop_id = struct.unpack_from("<HH", data, pos)
            pos += 4
            if prop_id >= 0x8000:  # named property: GUID, kind, then id or name
                kind = struct.unpack_from("<I", data, pos + 16)[0]
                pos += 20
                if kind == 0:
                    pos += 4
                else:
                    (name_len,) = struct.unpack_from("<I", data, pos)
                    pos += 4 + _pad4(name_len)
            values, pos = _read_values(data, pos, prop_type, codepage)
            props[prop_id] = values[0] if values else None
    except struct.error:
        pass  # a cut property list still yields the properties before the cut
    return props


def _read_values(data: bytes, pos: int, prop_type: int, codepage: str) -> tuple[list[object], int]:
    base = prop_type & ~MULTI_VALUE
    multi = bool(prop_type & MULTI_VALUE)
    if base in _FIXED_SIZES:
        count = 1
        if multi:
            (count,) = struct.unpack_from("<I", data, pos)
            pos += 4
        size = _FIXED_SIZES[base]
        values: list[object] = [data[pos + i * size : pos + (i + 1) * size] for i in range(count)]
        return values, pos + _pad4(size) * count
    if base not in (PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT):
        raise struct.error(f"unknown MAPI type {prop_type:#x}")
    (count,) = struct.unpack_from("<I", data, pos)
    pos += 4
    values = []
    for _ in range(count):
        (length,) = struct.unpack_from("<I", data, pos)
        raw = data[pos + 4 : pos + 4 + length]
        pos += 4 + _pad4(length)
        if base == PT_UNICODE:
            values.append(raw.decode("utf-16-le", "replace").split("\0", 1)[0])
        elif base == PT_STRING8:
            values.append(_text8(raw, codepage))
        else:
            values.append(raw)
    return values, pos


def _pad4(length: int) -> int:
    return (length + 3) & ~3

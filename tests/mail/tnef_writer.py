"""Writes real TNEF (winmail.dat) byte streams for the corpus, following [MS-OXTNEF].

Kept beside the corpus so the winmail.dat fixtures can be rebuilt and read by other tools
(tnefparse reads them too: see test_parser.py).
"""

from __future__ import annotations

import struct

SIGNATURE = 0x223E9F78
LVL_MESSAGE, LVL_ATTACHMENT = 1, 2
ATT_TNEF_VERSION = 0x00089006
ATT_OEM_CODEPAGE = 0x00069007
ATT_MESSAGE_CLASS = 0x00078008
ATT_SUBJECT = 0x00018004
ATT_BODY = 0x0002800C
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACHMENT = 0x00069005
PT_STRING8, PT_UNICODE = 0x1E, 0x1F
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_MIME_TAG = 0x370E


def _attr(level: int, attr_id: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BII", level, attr_id, len(data)) + data + struct.pack("<H", checksum)


def _pad(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def _mapi_string(prop_type: int, prop_id: int, text: str) -> bytes:
    raw = (text + "\0").encode("utf-16-le" if prop_type == PT_UNICODE else "cp1252")
    return struct.pack("<HHII", prop_type, prop_id, 1, len(raw)) + _pad(raw)


def build_tnef(files: list[tuple[str, str, bytes, str]], *, body: str = "", codepage: int = 1250) -> bytes:
    """A TNEF stream with `files` as (short 8-bit title, long Unicode name, data, MIME type)."""
    out = struct.pack("<IH", SIGNATURE, 0x0001)
    out += _attr(LVL_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000))
    out += _attr(LVL_MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", codepage, 0))
    out += _attr(LVL_MESSAGE, ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\0")
    if body:
        out += _attr(LVL_MESSAGE, ATT_BODY, body.encode(f"cp{codepage}") + b"\0")
    for title, long_name, data, mime in files:
        rend = struct.pack("<HiiHI", 1, -1, 0, 0, 0)  # attachment type file, position, size
        out += _attr(LVL_ATTACHMENT, ATT_ATTACH_REND_DATA, rend)
        out += _attr(LVL_ATTACHMENT, ATT_ATTACH_TITLE, title.encode(f"cp{codepage}") + b"\0")
        out += _attr(LVL_ATTACHMENT, ATT_ATTACH_DATA, data)
        props = [_mapi_string(PT_UNICODE, PR_ATTACH_LONG_FILENAME, long_name)]
        if mime:
            props.append(_mapi_string(PT_STRING8, PR_ATTACH_MIME_TAG, mime))
        out += _attr(LVL_ATTACHMENT, ATT_ATTACHMENT, struct.pack("<I", len(props)) + b"".join(props))
    return out

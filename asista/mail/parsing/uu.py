"""uuencoded files inside plain-text bodies (old clients, some scanners and ERP exports)."""

from __future__ import annotations

import binascii
import re

_BLOCK = re.compile(rb"^begin [0-7]{3,4} ([^\r\n]+)\r?\n(.*?)^end[ \t]*\r?$\n?", re.M | re.S)


def find_uuencoded(body: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The body without its uuencoded blocks, and each block as (raw filename bytes, data)."""
    if b"begin " not in body:
        return body, []
    files: list[tuple[bytes, bytes]] = []

    def take(match: re.Match[bytes]) -> bytes:
        files.append((match.group(1).strip(), decode_uu_lines(match.group(2))))
        return b""

    rest = _BLOCK.sub(take, body)
    return rest, files


def decode_uu_lines(block: bytes) -> bytes:
    """Decode uuencoded lines, tolerating the trailing garbage some encoders add."""
    out = bytearray()
    for line in block.splitlines():
        if not line or line in (b"`", b" "):
            continue
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            # Same workaround as the old stdlib `uu` module: trust the length byte.
            nbytes = (((line[0] - 32) & 63) * 4 + 5) // 3
            try:
                out += binascii.a2b_uu(line[:nbytes])
            except binascii.Error:
                continue
    return bytes(out)

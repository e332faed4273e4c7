"""Bytes to text for mail: charset fallbacks, encoded-words, raw header blocks.

Real mail lies about its charset. Romanian mail in particular arrives as UTF-8, ISO-8859-2,
windows-1250, or windows-1252 mislabelled as any of the others, or with no label at all. The
rule: the declared charset first, unless the bytes are valid UTF-8 with non-ASCII sequences (a
single-byte text is almost never valid UTF-8 by chance, while UTF-8 labelled latin-1 is common);
then UTF-8 → windows-1250 → ISO-8859-2 → windows-1252 → latin-1, which cannot fail.
"""

from __future__ import annotations

import binascii
import codecs
import re
from functools import lru_cache

# Labels seen in the wild that Python's codec registry does not know, mapped to what they mean.
_ALIASES = {
    "x-unknown": "",
    "unknown-8bit": "",
    "unknown": "",
    "x-user-defined": "",
    "default": "",
    "us-ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "iso-8859-1": "cp1252",  # WHATWG: the label iso-8859-1 means windows-1252 in practice
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "cp-1250": "cp1250",
    "win-1250": "cp1250",
    "windows-1250": "cp1250",
    "cp-1252": "cp1252",
    "win-1252": "cp1252",
    "iso-8859-16": "iso8859_16",  # the Romanian ISO charset, comma-below ș ț
}
# Codecs that decode any byte string: a successful decode says nothing about correctness.
_PERMISSIVE = {"latin_1", "iso8859_2", "iso8859_16", "cp1252", "ascii"}
_FALLBACKS = ("utf-8", "cp1250", "iso8859_2", "cp1252")
_C1_CONTROLS = re.compile(rb"[\x80-\x9f]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")


@lru_cache(maxsize=256)
def codec_name(label: str | None) -> str:
    """Python's codec name for a MIME charset label, or "" when unknown or meaningless."""
    if not label:
        return ""
    key = label.strip().strip("\"'").lower()
    key = _ALIASES.get(key, key)
    if not key:
        return ""
    try:
        return codecs.lookup(key).name
    except LookupError:
        return ""


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, bool]:
    """Decode `data` by the fallback chain; returns (text, fell_back).

    `fell_back` is true when the declared charset was missing, unknown or wrong for these bytes.
    Pure ASCII short-circuits: it is by far the most common case and decodes the same everywhere.
    """
    if data.isascii():
        return data.decode("ascii"), False
    name = codec_name(declared)
    if name and (name not in _PERMISSIVE or not _looks_utf8(data)):
        try:
            return data.decode(name), False
        except (UnicodeDecodeError, LookupError):
            pass
    return _decode_fallback(data), True


def _looks_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_fallback(data: bytes) -> str:
    for name in _FALLBACKS:
        # ISO-8859-2 maps C1 bytes to invisible controls; windows text with „quotes” must not
        # land there.
        if name == "iso8859_2" and _C1_CONTROLS.search(data):
            continue
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


# ---------------------------------------------------------------- encoded-words (RFC 2047)

_ENCODED_WORD = re.compile(rb"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_BETWEEN_WORDS = re.compile(rb"^[ \t\r\n]+$")


def decode_header(raw: bytes) -> str:
    """A header value as text: encoded-words decoded, undeclared 8-bit bytes by the chain."""
    if b"=?" not in raw:
        return _unfold(decode_bytes(raw)[0])
    out: list[str] = []
    pos = 0
    previous_was_word = False
    for match in _ENCODED_WORD.finditer(raw):
        gap = raw[pos : match.start()]
        # RFC 2047 §6.2: whitespace between two adjacent encoded-words is not displayed.
        if gap and not (previous_was_word and _BETWEEN_WORDS.match(gap)):
            out.append(decode_bytes(gap)[0])
        out.append(_decode_word(match.group(1), match.group(2), match.group(3)))
        pos = match.end()
        previous_was_word = True
    out.append(decode_bytes(raw[pos:])[0])
    return _unfold("".join(out))


def _decode_word(charset: bytes, encoding: bytes, text: bytes) -> str:
    label = charset.decode("ascii", "replace").split("*", 1)[0]  # RFC 2231 language suffix
    try:
        if encoding in (b"q", b"Q"):
            data = binascii.a2b_qp(text, header=True)
        else:
            data = binascii.a2b_base64(text + b"=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return text.decode("ascii", "replace")
    return decode_bytes(data, label)[0]


def _unfold(text: str) -> str:
    return re.sub(r"\r?\n[ \t]*", " ", text).strip() if "\n" in text else text.strip()


# ---------------------------------------------------------------- header blocks

_HEADER_LINE = re.compile(rb"^([!-9;-~]+)[ \t]*:(.*)$", re.S)


def split_message(raw: bytes) -> tuple[bytes, bytes]:
    """The header block and the body of a raw message (body may be empty)."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        index = raw.find(sep)
        if index != -1:
            # The earlier separator wins: a CRLF message may carry bare LF blank lines in a body.
            other = raw.find(b"\n\n" if sep == b"\r\n\r\n" else b"\r\n\r\n")
            if other != -1 and other < index:
                continue
            return raw[:index], raw[index + len(sep) :]
    return raw, b""


def parse_header_block(block: bytes) -> list[tuple[str, bytes]]:
    """Header fields as (name, raw value) in order; folded lines joined, junk lines skipped."""
    fields: list[tuple[str, bytes]] = []
    for line in re.split(rb"\r?\n(?![ \t])", block):
        if line.startswith(b"From ") and not fields:
            continue  # mbox "From " separator line
        match = _HEADER_LINE.match(line)
        if match:
            fields.append((match.group(1).decode("ascii"), match.group(2).strip()))
    return fields


# ---------------------------------------------------------------- MIME parameters

_PARAM = re.compile(
    r"""\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)""",
)


def parse_params(value: str) -> tuple[str, dict[str, str]]:
    """Split `type/subtype; a=b; c*=utf-8''x` into the lowercased main value and its params.

    RFC 2231 continuations (`name*0*=`, `name*1*=`) and charset-tagged values are joined and
    decoded here; quoted values are unquoted; an RFC 2047 word inside a quoted filename (what
    Outlook and Gmail send) is decoded too.
    """
    main, _, rest = value.partition(";")
    pieces: dict[str, dict[int, tuple[bool, str]]] = {}
    plain: dict[str, str] = {}
    for match in _PARAM.finditer(rest):
        key, raw = match.group(1).lower(), match.group(2).strip()
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1] if raw.endswith('"') and len(raw) > 1 else raw[1:])
        name, extended, index = _split_2231_key(key)
        if index is None and not extended:
            plain.setdefault(name, raw)
        else:
            pieces.setdefault(name, {})[index or 0] = (extended, raw)
    for name, parts in pieces.items():
        plain[name] = _join_2231(parts)
    for name in ("name", "filename"):
        # Undeclared 8-bit names reach here as surrogates (stdlib) and RFC 2047 words inside
        # quotes are what Outlook and Gmail send: both need the header decoder.
        if name in plain and ("=?" in plain[name] or not plain[name].isascii()):
            plain[name] = decode_header(plain[name].encode("utf-8", "surrogateescape"))
    return main.strip().lower(), plain


def _split_2231_key(key: str) -> tuple[str, bool, int | None]:
    extended = key.endswith("*")
    key = key.rstrip("*")
    name, star, number = key.partition("*")
    if star and number.isdigit():
        return name, extended, int(number)
    return key, extended, None


def _join_2231(parts: dict[int, tuple[bool, str]]) -> str:
    charset = ""
    chunks: list[bytes] = []
    for position, (index, (extended, raw)) in enumerate(sorted(parts.items())):
        del index
        if extended and position == 0 and raw.count("'") >= 2:
            charset, _lang, raw = raw.split("'", 2)
        if extended:
            chunks.append(_percent_decode(raw))
        else:
            chunks.append(raw.encode("utf-8", "surrogateescape"))
    return decode_bytes(b"".join(chunks), charset or "utf-8")[0]


def _percent_decode(text: str) -> bytes:
    raw = text.encode("utf-8", "surrogateescape")
    return re.sub(rb"%([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)

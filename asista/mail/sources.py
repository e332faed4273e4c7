"""Where raw mails come from on the command line: files, a folder, a maildir, an mbox, or stdin."""

from __future__ import annotations

import mailbox
import sys
from collections.abc import Iterator
from pathlib import Path


def read_sources(target: str) -> Iterator[tuple[str, bytes]]:
    """Yield (name, raw bytes) for every mail at `target`, in a stable order.

    `-` is stdin (one mail, as an MTA pipe delivers it). A maildir (with `cur/` or `new/`) is read
    new first, then cur; another folder file by file; a file starting with `From ` is an mbox.
    Names are sorted so that, in an export, an original comes before the replies to it.
    """
    if target == "-":
        yield "-", sys.stdin.buffer.read()
        return
    path = Path(target)
    if path.is_dir():
        yield from _folder(path)
    elif path.is_file():
        yield from _file(path)
    else:
        raise FileNotFoundError(target)


BATCH_MAILS = 100
BATCH_BYTES = 32 * 1024 * 1024


def batches(sources: Iterator[tuple[str, bytes]]) -> Iterator[list[tuple[str, bytes]]]:
    """Group mails for `mail_ingest_many`: up to BATCH_MAILS mails or BATCH_BYTES bytes each."""
    batch: list[tuple[str, bytes]] = []
    size = 0
    for name, raw in sources:
        batch.append((name, raw))
        size += len(raw)
        if len(batch) >= BATCH_MAILS or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _folder(path: Path) -> Iterator[tuple[str, bytes]]:
    parts = [path / "new", path / "cur"]
    folders = [p for p in parts if p.is_dir()] or [path]
    for folder in folders:
        for item in sorted(folder.iterdir()):
            if item.is_file() and not item.name.startswith("."):
                yield str(item), item.read_bytes()


def _file(path: Path) -> Iterator[tuple[str, bytes]]:
    with path.open("rb") as handle:
        is_mbox = handle.read(5) == b"From "
    if not is_mbox:
        yield str(path), path.read_bytes()
        return
    box = mailbox.mbox(str(path), create=False)
    try:
        for index, key in enumerate(box.keys()):
            yield f"{path}#{index + 1}", box.get_bytes(key)
    finally:
        box.close()

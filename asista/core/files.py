"""Content-addressed files (raw mail, attachments): written once per content, never changed."""

from __future__ import annotations

import os

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages

_EXCLUSIVE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def store_once(path: str, data: bytes) -> str:
    """Write `data` at `path` unless a file is there already (same path, same content); returns
    the storage path.

    On the local file system this is one `open` for a new file (and a `mkdir` only when its
    folder is new), where `Storage.save` pays existence checks, a `makedirs`, a lock and an
    available-name search for every file: a tenth of mail intake's time.
    """
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage) or type(storage).save is not FileSystemStorage.save:
        return path if storage.exists(path) else storage.save(path, ContentFile(data))
    full = storage.path(path)
    try:
        fd = os.open(full, _EXCLUSIVE, 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(full), exist_ok=True)
        fd = os.open(full, _EXCLUSIVE, 0o666)
    except FileExistsError:
        if os.path.getsize(full) == len(data):
            return path
        fd = os.open(full, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_BINARY", 0))  # cut short by a crash
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    if storage.file_permissions_mode is not None:
        os.chmod(full, storage.file_permissions_mode)
    return path

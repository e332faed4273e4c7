"""Content-addressed storage: one file per content, written once, repaired if a crash cut it."""

from __future__ import annotations

import os

from django.core.files.storage import storages

from asista.core.files import store_once


def test_a_file_is_written_once_and_found_again(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)
    assert store_once("raw/ab/cd/abcd.eml", b"hello") == "raw/ab/cd/abcd.eml"
    full = tmp_path / "raw/ab/cd/abcd.eml"
    os.utime(full, (1, 1))
    assert store_once("raw/ab/cd/abcd.eml", b"hello") == "raw/ab/cd/abcd.eml"
    assert full.read_bytes() == b"hello" and full.stat().st_mtime == 1  # not written again


def test_a_file_cut_short_by_a_crash_is_written_again(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "attachments/00/11").mkdir(parents=True)
    (tmp_path / "attachments/00/11/0011").write_bytes(b"hal")
    store_once("attachments/00/11/0011", b"half and whole")
    assert (tmp_path / "attachments/00/11/0011").read_bytes() == b"half and whole"


def test_other_storages_go_through_the_storage_api(settings) -> None:  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    assert store_once("raw/x.eml", b"in memory") == "raw/x.eml"
    assert store_once("raw/x.eml", b"in memory") == "raw/x.eml"
    with storages["default"].open("raw/x.eml") as handle:
        assert handle.read() == b"in memory"

"""Housekeeping of stored mail."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.files.storage import default_storage

from asista.mail.models import RawMessage


def rejected_mail_purge(*, now: datetime, keep_days: int) -> int:
    """Delete the raw files of mail rejected in triage and received more than `keep_days` ago.

    The row stays (who wrote, when, why it was rejected), with its file name emptied and the
    flag `purged`; returns how many files were deleted.
    """
    rows = list(
        RawMessage.objects.filter(
            status=RawMessage.Status.REJECTED, received_at__lte=now - timedelta(days=keep_days)
        )
        .exclude(file="")
        .only("pk", "file", "flags")
    )
    for row in rows:
        default_storage.delete(str(row.file.name))
    for row in rows:  # flags differ per row; few rows a day
        RawMessage.objects.filter(pk=row.pk).update(file="", flags=[*row.flags, "purged"])
    return len(rows)

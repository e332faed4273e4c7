from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from asista.tickets.attachments import NewAttachment


def raw_path(instance: RawMessage, filename: str) -> str:
    return f"raw/{instance.sha256[:2]}/{instance.sha256[2:4]}/{instance.sha256}.eml"


class RawMessage(models.Model):
    """The bytes of an inbound mail exactly as received, stored before anything else happens."""

    class Source(models.TextChoices):
        IMAP = "imap", _("IMAP")
        PIPE = "pipe", _("MTA pipe")
        HTTP = "http", _("HTTP")
        FILE = "file", _("file import")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        PROCESSED = "processed", _("processed")
        UNPARSED = "unparsed", _("could not be parsed")
        TRIAGE = "triage", _("unknown sender, waiting for triage")
        REJECTED = "rejected", _("rejected")
        IGNORED = "ignored", _("auto-reply or bounce")

    sha256 = models.CharField(_("sha256"), max_length=64, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True, db_index=True)
    file = models.FileField(_("raw file"), upload_to=raw_path, max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    from_address = models.CharField(_("from"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    error = models.TextField(_("error"), blank=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    acknowledged = models.BooleanField(
        _("acknowledged"), default=False, help_text=_("An acknowledgement was queued for it.")
    )

    class Meta:
        verbose_name = _("raw message")
        verbose_name_plural = _("raw messages")
        ordering = ["-received_at"]
        permissions = [("triage_mail", "Can link or reject mail from unknown senders")]
        constraints = [
            # The same mail delivered twice (two MX hops, a re-polled mailbox) is stored once.
            models.UniqueConstraint(
                fields=["message_id"], condition=~Q(message_id=""), name="raw_message_id_unique"
            )
        ]
        indexes = [
            models.Index(fields=["from_address", "received_at"], name="raw_sender_recent"),
            models.Index(fields=["status", "received_at"], name="raw_status_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.subject or self.message_id or self.sha256[:12]}"


class OutboundEmail(models.Model):
    """A row of the transactional outbox: written with the change it reports, sent by a job."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbound_emails",
    )
    template = models.CharField(_("template"), max_length=64)
    language = models.CharField(_("language"), max_length=8, default="ro")
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=998, blank=True)
    references = models.TextField(_("References"), blank=True)
    auto_submitted = models.BooleanField(_("automatic"), default=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claimed_by = models.CharField(
        _("claimed by"), max_length=32, blank=True, help_text=_("The sending run that holds the row.")
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"))
    attachment_count = models.PositiveSmallIntegerField(
        _("attachments"),
        default=0,
        help_text=_("How many files go with it; the sender checks they are all there before sending."),
    )

    # The files of an email built by `outbox_row` and not saved yet; `outbox_attachments_save`
    # writes them once the email has its id. Not a field: nothing of it is in this row.
    pending_attachments: Sequence[NewAttachment] = ()

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return self.subject


def outbound_attachment_path(instance: OutboundAttachment, filename: str) -> str:
    return f"outbound/{instance.sha256[:2]}/{instance.sha256[2:4]}/{instance.sha256}"


class OutboundAttachment(models.Model):
    """A file sent with an outbox email; its bytes are a content-addressed file, not a column."""

    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=outbound_attachment_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("sha256"), max_length=64)

    class Meta:
        verbose_name = _("outgoing attachment")
        verbose_name_plural = _("outgoing attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class Mailbox(models.Model):
    """An IMAP mailbox the poller reads; configured by an administrator."""

    class Security(models.TextChoices):
        TLS = "tls", _("TLS (IMAPS, usually port 993)")
        STARTTLS = "starttls", _("STARTTLS (usually port 143)")
        NONE = "none", _("none (tests and local servers only)")

    name = models.CharField(_("name"), max_length=80, unique=True)
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("security"), max_length=8, choices=Security.choices, default=Security.TLS)
    user = models.CharField(_("user"), max_length=255)
    password = models.CharField(_("password"), max_length=255)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    processed_folder = models.CharField(
        _("move processed mail to"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to keep processed mail in place, marked with the flag below."),
    )
    processed_flag = models.CharField(
        _("flag for processed mail"),
        max_length=64,
        default="$AsistaIngested",
        help_text=_("An IMAP keyword; mail without it is read at the next poll."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("IMAP mailbox")
        verbose_name_plural = _("IMAP mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user}@{self.host}/{self.folder})"

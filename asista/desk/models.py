from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CannedReply(models.Model):
    """A ready answer an agent inserts into a reply, kept per language."""

    title = models.CharField(_("title"), max_length=120)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ro")
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["language", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class WriteInvitation(models.Model):
    """A non-urgent caller was sent the support address and the new-request form's link.

    A non-urgent call is not a channel (DOMAIN.md §1): no ticket is opened; this row is what
    the team sees of it (who sent it, when, to whom) and points at the outbox email.
    """

    key = models.UUIDField(
        _("form key"), unique=True, help_text=_("One per form shown: a second click sends nothing.")
    )
    address = models.EmailField(_("email address"))
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ro")
    note = models.CharField(_("what they called about"), max_length=500, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    email = models.ForeignKey(
        "mail.OutboundEmail",
        verbose_name=_("outgoing email"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation to write")
        verbose_name_plural = _("invitations to write")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.address} {self.sent_at:%Y-%m-%d %H:%M}"

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    NEW = "new", _("new")
    ASSIGNED = "assigned", _("assigned")
    IN_PROGRESS = "in_progress", _("in progress")
    WAITING = "waiting", _("waiting for customer")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


OPEN_STATES = (State.NEW, State.ASSIGNED, State.IN_PROGRESS, State.WAITING)
FINAL_STATES = (State.CLOSED, State.CANCELLED)


class Kind(models.TextChoices):
    SUPPORT = "support", _("support")
    CHANGE = "change", _("change to an existing module")
    DEVELOPMENT = "development", _("development of a new feature")
    ONSITE = "onsite", _("on-site intervention")
    URGENT_CALL = "urgent_call", _("urgent call")


class Channel(models.TextChoices):
    EMAIL = "email", _("email")
    WEB = "web", _("web")
    PHONE = "phone", _("phone")
    API = "api", _("API")


class Priority(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent")


class TicketQuerySet(models.QuerySet["Ticket"]):
    def visible_to(self, user: Any) -> TicketQuerySet:
        """What `user` may see: staff everything, a contact their company's tickets, others nothing."""
        from asista.core.roles import contact_of, is_staff_member

        if is_staff_member(user):
            return self
        contact = contact_of(user)
        if contact is None:
            return self.none()
        return self.filter(customer_id=contact.customer_id)

    def open(self) -> TicketQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def in_queue_order(self) -> TicketQuerySet:
        """Urgent first, then earliest SLA due time, then order of arrival (DOMAIN.md §2).

        Tickets with no running clock (waiting for the customer, already answered) come last on
        every database (SQLite would put NULL first); `(due_at IS NULL)` as a key, rather than
        NULLS LAST, lets both databases read the order from the index desk_ticket_queue.
        """
        no_clock = models.ExpressionWrapper(Q(due_at__isnull=True), output_field=models.BooleanField())
        return self.order_by("-is_urgent", no_clock.asc(), "due_at", "created_at", "id")


class Ticket(models.Model):
    """One support request (solicitare), from arrival to closing."""

    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("requester"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    plan = models.ForeignKey(
        "customers.Plan",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SUPPORT)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    is_urgent = models.BooleanField(_("urgent"), default=False, editable=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    subject = models.CharField(_("subject"), max_length=255)
    is_unparsed = models.BooleanField(
        _("unparsed"), default=False, help_text=_("The mail could not be parsed.")
    )
    related_to = models.ForeignKey(
        "self",
        verbose_name=_("follows up on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    onsite_reason = models.TextField(_("reason for on-site visit"), blank=True)
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)

    created_at = models.DateTimeField(_("arrived"), db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    due_at = models.DateTimeField(
        _("due"), null=True, blank=True, help_text=_("The earliest running SLA clock.")
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at"]
        permissions = [
            ("work_ticket", "Can work tickets (start, ask, resolve)"),
            ("assign_ticket", "Can assign tickets"),
            ("set_priority", "Can set kind and priority"),
            ("cancel_ticket", "Can cancel tickets"),
            ("act_for_customer", "Can accept or reopen on behalf of the customer"),
        ]
        indexes = [
            models.Index(
                fields=["-is_urgent", "due_at", "created_at"],
                name="ticket_queue_order",
                condition=Q(state__in=["new", "assigned", "in_progress", "waiting"]),
            ),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_recent"),
            models.Index(fields=["assignee", "state"], name="ticket_assignee_state"),
            models.Index(fields=["state", "resolved_at"], name="ticket_state_resolved"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def tag(self) -> str:
        return f"#{self.number}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Message(models.Model):
    """A message of a ticket's conversation, or an internal note."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("from the customer")
        OUTBOUND = "outbound", _("to the customer")
        NOTE = "note", _("internal note")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    from_address = models.CharField(_("from"), max_length=320, blank=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    to = models.JSONField(_("to"), default=list, blank=True)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML (sanitized)"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True, db_index=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=998, blank=True)
    references = models.TextField(_("References"), blank=True)
    raw = models.ForeignKey(
        "mail.RawMessage",
        verbose_name=_("raw message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    is_solution = models.BooleanField(_("solution"), default=False)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_time")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.sha256[:2]}/{instance.sha256[2:4]}/{instance.sha256}"


class Attachment(models.Model):
    """A file of a message; stored once per content (the path is the sha256)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=255)
    sha256 = models.CharField(_("sha256"), max_length=64, db_index=True)
    content_id = models.CharField(_("Content-ID"), max_length=255, blank=True)
    inline = models.BooleanField(_("inline"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/") and self.content_type != "image/svg+xml"


class Event(models.Model):
    """Something that happened to a ticket: a transition, an assignment, an SLA verdict."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    kind = models.CharField(_("kind"), max_length=32)
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_time")]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_state}→{self.to_state}"

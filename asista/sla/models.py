from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def default_week() -> dict[str, list[list[str]]]:
    """Mon–Fri 08:30–16:30; keys are ISO weekdays 1..7."""
    return {str(day): [["08:30", "16:30"]] for day in range(1, 6)}


class Calendar(models.Model):
    """Opening hours, time zone and public holidays against which business time is counted."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Bucharest")
    week = models.JSONField(
        _("opening hours"),
        default=default_week,
        help_text=_(
            'Per ISO weekday (1 = Monday): list of [opens, closes], e.g. {"1": [["08:30", "16:30"]]}'
        ),
    )
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=8,
        default="RO",
        blank=True,
        help_text=_("Empty for none."),
    )
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_calendar",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse opening hours or a zone the business calendar could not use."""
        from zoneinfo import available_timezones

        from asista.sla.calendar import CalendarError, parse_week

        errors: dict[str, object] = {}
        try:
            parse_week(self.week or {})
        except (CalendarError, TypeError, ValueError, AttributeError) as exc:
            errors["week"] = _("Bad opening hours: %(error)s") % {"error": exc}
        if self.time_zone not in available_timezones():
            errors["time_zone"] = _("Unknown time zone (use e.g. Europe/Bucharest).")
        if errors:
            raise ValidationError(errors)


class CalendarOverride(models.Model):
    """An administrator's exception: an extra day off, or a holiday that is worked."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("closed (extra day off)")
        OPEN = "open", _("open (worked day)")

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="overrides")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    opens = models.TimeField(
        _("opens"), null=True, blank=True, help_text=_("For a worked day; default 08:30.")
    )
    closes = models.TimeField(
        _("closes"), null=True, blank=True, help_text=_("For a worked day; default 16:30.")
    )
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["calendar", "day"], name="one_override_per_day")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()}"


class Clock(models.Model):
    """One SLA target of one ticket, counted in business time on the ticket's calendar.

    `due_at` is the instant the target is breached, recomputed on every pause and resume; the
    ticket's `due_at` is the earliest due time of its running clocks. See docs/sla.md.
    """

    class Outcome(models.TextChoices):
        RUNNING = "", _("running")
        MET = "met", _("met")
        BREACHED = "breached", _("breached")
        VOID = "void", _("no longer applies")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="clocks")
    target = models.CharField(_("target"), max_length=32)
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=16)
    calendar = models.ForeignKey(
        Calendar,
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    budget_minutes = models.PositiveIntegerField(_("business minutes allowed"))
    started_at = models.DateTimeField(_("counting from"))
    due_at = models.DateTimeField(_("due"))
    warn_at = models.DateTimeField(_("warn from"))
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("business minutes paused"), default=0)
    pauses = models.JSONField(_("pauses"), default=list, blank=True, help_text=_("[[from, to], ...] in ISO"))
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True, default="")
    margin_minutes = models.IntegerField(_("business minutes early (+) or late (-)"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warning sent"), null=True, blank=True)
    breach_notified_at = models.DateTimeField(_("breach notice sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        ordering = ["ticket", "due_at"]
        constraints = [models.UniqueConstraint(fields=["ticket", "target"], name="sla_clock_one_per_target")]
        indexes = [
            # The periodic check reads only clocks still owed a notice, by due and by warning time.
            models.Index(
                fields=["due_at"],
                name="sla_clock_breach_pending",
                condition=models.Q(
                    stopped_at__isnull=True, paused_at__isnull=True, breach_notified_at__isnull=True
                ),
            ),
            models.Index(
                fields=["warn_at"],
                name="sla_clock_running_warn",
                condition=models.Q(stopped_at__isnull=True, paused_at__isnull=True, warned_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} of ticket {self.ticket_id}"

    @property
    def is_running(self) -> bool:
        return self.stopped_at is None and self.paused_at is None

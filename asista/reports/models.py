"""Reporting facts: what the reports read, refreshed from the live tables by `services.facts_refresh`.

Business-time durations cost a calendar walk per ticket, so they are computed once per change
of a ticket and stored here; every report page is then a handful of GROUP BY queries over these
narrow tables (docs/reports.md). The rows carry plain ids, not foreign keys, so a refresh can
upsert them in bulk and a report never joins the wide live tables.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketFact(models.Model):
    """One ticket, as the reports see it: when it arrived and how long it took, in business time."""

    ticket = models.OneToOneField(
        "tickets.Ticket", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    customer_id = models.BigIntegerField(_("customer"))
    plan_id = models.BigIntegerField(_("plan"), null=True)
    assignee_id = models.BigIntegerField(_("assignee"), null=True)
    kind = models.CharField(_("kind"), max_length=16)
    created_at = models.DateTimeField(_("arrived"))
    # Local (Europe/Bucharest) calendar of the arrival, so reports group without time-zone maths.
    arrival_month = models.DateField(_("month of arrival"))
    arrival_weekday = models.PositiveSmallIntegerField(_("weekday of arrival"))  # 1 = Monday
    arrival_hour = models.PositiveSmallIntegerField(_("hour of arrival"))
    first_response_minutes = models.IntegerField(_("business minutes to first response"), null=True)
    resolved_month = models.DateField(_("month of resolution"), null=True)
    resolution_minutes = models.IntegerField(_("business minutes to resolution"), null=True)
    waiting_minutes = models.IntegerField(_("business minutes waiting for the customer"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed"))

    class Meta:
        verbose_name = _("ticket fact")
        verbose_name_plural = _("ticket facts")
        indexes = [
            models.Index(fields=["arrival_month", "first_response_minutes"], name="fact_month_response"),
            models.Index(fields=["resolved_month", "resolution_minutes"], name="fact_month_resolution"),
            models.Index(fields=["customer_id", "arrival_month"], name="fact_customer_month"),
            models.Index(fields=["customer_id", "resolved_month"], name="fact_customer_resolved"),
            models.Index(
                fields=["arrival_month", "arrival_weekday", "arrival_hour"], name="fact_month_arrival"
            ),
        ]

    def __str__(self) -> str:
        return f"fact of ticket {self.ticket_id}"


class SlaFact(models.Model):
    """One judged SLA clock (met or breached), in the month of its verdict."""

    clock = models.OneToOneField("sla.Clock", primary_key=True, on_delete=models.CASCADE, related_name="+")
    ticket_id = models.BigIntegerField(_("ticket"))
    customer_id = models.BigIntegerField(_("customer"))
    plan_id = models.BigIntegerField(_("plan"), null=True)
    target = models.CharField(_("target"), max_length=32)
    met = models.BooleanField(_("met"))
    month = models.DateField(_("month of the verdict"))

    class Meta:
        verbose_name = _("SLA fact")
        verbose_name_plural = _("SLA facts")
        # Covering (met included): the compliance report counts from the index alone.
        indexes = [models.Index(fields=["month", "plan_id", "target", "met"], name="slafact_month_plan_met")]

    def __str__(self) -> str:
        return f"{self.target} of ticket {self.ticket_id}"


class CustomerMonth(models.Model):
    """A customer's month of work: units (by the billing rules) and hours of hourly work."""

    customer_id = models.BigIntegerField(_("customer"))
    month = models.DateField(_("month"))
    plan_id = models.BigIntegerField(_("plan"), null=True)
    included_units = models.IntegerField(_("units included"), default=0)
    units = models.IntegerField(_("units used"), default=0)
    included_used = models.IntegerField(_("included units used"), default=0)
    overage_units = models.IntegerField(_("units beyond the included"), default=0)
    overage_eur = models.DecimalField(
        _("units beyond the included, EUR"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    programming_minutes = models.IntegerField(_("minutes of programming"), default=0)
    onsite_minutes = models.IntegerField(_("minutes on site"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed"))

    class Meta:
        verbose_name = _("customer month")
        verbose_name_plural = _("customer months")
        constraints = [
            models.UniqueConstraint(fields=["customer_id", "month"], name="customermonth_unique"),
        ]
        indexes = [models.Index(fields=["month"], name="customermonth_month")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month:%Y-%m}"


class TimeRollup(models.Model):
    """Every business-minute value of one measure in one month, for one value of one dimension.

    The monthly rollup of TicketFact that the response/resolution reports read, rebuilt by
    `facts_refresh` for the months it touched: per measure and month, one row for all the
    month's tickets (dimension "month", key ""), one per plan, per agent and per kind (key: the
    plan or agent id, or the kind; "" for no plan / unassigned). Each row has the count, the sum
    and every value, sorted, packed as 32-bit integers, so any range of months is answered from
    a few rows without reading the tickets: counts and means by adding up, the median and p90
    exactly by picking order statistics across the months' sorted runs.
    """

    measure = models.CharField(_("measure"), max_length=16)  # first_response | resolution
    month = models.DateField(_("month"))
    dimension = models.CharField(_("dimension"), max_length=8)  # month | plan | agent | kind
    key = models.CharField(_("key"), max_length=32, blank=True)
    count = models.IntegerField(_("tickets"))
    total_minutes = models.BigIntegerField(_("sum of business minutes"))
    minutes = models.BinaryField(_("business minutes, sorted"))

    class Meta:
        verbose_name = _("time rollup")
        verbose_name_plural = _("time rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "dimension", "month", "key"], name="timerollup_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m} {self.dimension} {self.key}"


class ArrivalRollup(models.Model):
    """Tickets that arrived in a month, per local ISO weekday and hour (the heat map's cells)."""

    month = models.DateField(_("month of arrival"))
    weekday = models.PositiveSmallIntegerField(_("weekday of arrival"))  # 1 = Monday
    hour = models.PositiveSmallIntegerField(_("hour of arrival"))
    count = models.IntegerField(_("tickets"))

    class Meta:
        verbose_name = _("arrival rollup")
        verbose_name_plural = _("arrival rollups")
        constraints = [
            models.UniqueConstraint(fields=["month", "weekday", "hour"], name="arrivalrollup_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.weekday} {self.hour:02d}"


class RevenueMonth(models.Model):
    """Issued invoices' net amounts per billed month and line kind (credit notes subtracted),
    recomputed whole by every refresh: the revenue report reads a few rows a month."""

    month = models.DateField(_("billed month"))
    kind = models.CharField(_("kind"), max_length=16)
    eur = models.DecimalField(_("net EUR"), max_digits=14, decimal_places=2)
    ron = models.DecimalField(_("net lei"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("revenue month")
        verbose_name_plural = _("revenue months")
        constraints = [models.UniqueConstraint(fields=["month", "kind"], name="revenuemonth_unique")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kind}"


class RefreshMark(models.Model):
    """When a refresh last started, so the next one reads only what changed since."""

    name = models.CharField(_("name"), max_length=32, primary_key=True)
    started_at = models.DateTimeField(_("last started"))
    generation = models.PositiveIntegerField(_("generation"), default=0)

    class Meta:
        verbose_name = _("refresh mark")
        verbose_name_plural = _("refresh marks")

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M}"


class Snapshot(models.Model):
    """A query result of the reports, valid for one generation of the facts.

    The facts change only when they are refreshed, so an aggregate over them (a percentile over
    a year of tickets) is computed once per refresh and read back by every page and process until
    the next one. `facts_refresh` computes the default period's right away.
    """

    name = models.CharField(_("name"), max_length=64)
    params = models.CharField(_("parameters"), max_length=200)
    generation = models.PositiveIntegerField(_("generation"))
    data = models.JSONField(_("data"))
    created_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        constraints = [models.UniqueConstraint(fields=["name", "params"], name="snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.params}"

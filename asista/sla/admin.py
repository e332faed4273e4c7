from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from asista.sla.models import Calendar, CalendarOverride, Clock
from asista.sla.selectors import business_calendar


class CalendarOverrideInline(admin.TabularInline):
    model = CalendarOverride
    extra = 1
    fields = ["day", "kind", "opens", "closes", "note"]


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "holiday_country", "is_default"]
    fields = ["name", "time_zone", "week", "holiday_country", "is_default", "days_off_this_year"]
    readonly_fields = ["days_off_this_year"]
    inlines = [CalendarOverrideInline]

    @admin.display(description=_("public holidays this year (before exceptions)"))
    def days_off_this_year(self, obj: Calendar) -> str:
        if obj.pk is None:
            return "-"
        year = timezone.localdate().year
        days = sorted(business_calendar(obj).holidays(year, year))
        return format_html_join(", ", "{}", ((f"{day:%a %d.%m}",) for day in days)) or "-"


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):
    list_display = [
        "ticket",
        "target",
        "started_at",
        "due_at",
        "paused_at",
        "stopped_at",
        "outcome",
        "margin_minutes",
    ]
    list_filter = ["target", "outcome"]
    search_fields = ["=ticket__number"]
    list_select_related = ["ticket"]
    raw_id_fields = ["ticket"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # clocks are started by the ticket workflow

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

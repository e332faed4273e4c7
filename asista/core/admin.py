from django.contrib import admin

from asista.core.models import Counter, Profile

admin.site.site_header = "Asista"
admin.site.site_title = "Asista"


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["name", "value"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # numbering must never be edited by hand


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "notify_by_email"]
    list_filter = ["language", "notify_by_email"]

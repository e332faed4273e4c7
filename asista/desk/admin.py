from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from asista.desk.models import CannedReply, WriteInvitation


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "is_active"]
    list_filter = ["language", "is_active"]
    search_fields = ["title", "body"]


@admin.register(WriteInvitation)
class WriteInvitationAdmin(admin.ModelAdmin):
    """A record of what was sent: read only (the desk's phone page sends them)."""

    list_display = ["sent_at", "address", "contact", "language", "sent_by"]
    list_filter = ["language"]
    search_fields = ["address", "note", "contact__name"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

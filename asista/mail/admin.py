from django.contrib import admin

from asista.mail.models import OutboundEmail, RawMessage


@admin.register(RawMessage)
class RawMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "from_address", "subject", "source", "status", "size"]
    list_filter = ["status", "source"]
    search_fields = ["from_address", "subject", "message_id", "sha256"]
    readonly_fields = [f.name for f in RawMessage._meta.fields]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "template", "status", "attempts", "sent_at"]
    list_filter = ["status", "template", "language"]
    search_fields = ["subject", "message_id", "to"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

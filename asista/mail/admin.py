from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from asista.mail.models import Mailbox, OutboundAttachment, OutboundEmail, RawMessage


@admin.register(RawMessage)
class RawMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "from_address", "subject", "source", "status", "size"]
    list_filter = ["status", "source"]
    search_fields = ["from_address", "subject", "message_id", "sha256"]
    readonly_fields = [f.name for f in RawMessage._meta.fields]


class OutboundAttachmentInline(admin.TabularInline):
    model = OutboundAttachment
    fields = readonly_fields = ("filename", "content_type", "size", "sha256")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "template", "status", "attempts", "sent_at"]
    list_filter = ["status", "template", "language"]
    search_fields = ["subject", "message_id", "to"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    inlines = [OutboundAttachmentInline]


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "host", "folder", "is_active", "last_polled_at", "last_error"]
    list_filter = ["is_active", "security"]
    readonly_fields = ["last_polled_at", "last_error"]
    actions = ["check_connection"]

    @admin.action(description=_("Test the connection"))
    def check_connection(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        from asista.mail.imap import imap_check

        for mailbox in queryset:
            try:
                self.message_user(request, f"{mailbox}: {imap_check(mailbox)}", messages.SUCCESS)
            except Exception as exc:  # shown to the administrator, who fixes the settings
                self.message_user(request, f"{mailbox}: {exc}", messages.ERROR)

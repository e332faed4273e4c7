from django.contrib import admin

from asista.tickets.models import Attachment, Event, Message, Ticket

MESSAGE_FIELDS = ("direction", "created_at", "from_name", "from_address", "subject", "text", "is_solution")
EVENT_FIELDS = ("created_at", "kind", "from_state", "to_state", "actor", "details")
ATTACHMENT_FIELDS = ("filename", "content_type", "size", "sha256", "inline")


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    fields = MESSAGE_FIELDS
    readonly_fields = MESSAGE_FIELDS
    can_delete = False
    show_change_link = True


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = EVENT_FIELDS
    readonly_fields = EVENT_FIELDS
    can_delete = False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "subject",
        "customer",
        "state",
        "kind",
        "priority",
        "assignee",
        "created_at",
        "due_at",
    ]
    list_filter = ["state", "kind", "channel", "priority", "is_unparsed", "plan", "assignee"]
    search_fields = [
        "=number",
        "subject",
        "customer__name",
        "contact__name",
        "messages__message_id",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["customer", "assignee"]
    raw_id_fields = ["customer", "contact", "related_to"]
    readonly_fields = [
        "number",
        "state",
        "created_at",
        "assigned_at",
        "started_at",
        "first_response_at",
        "waiting_since",
        "resolved_at",
        "closed_at",
        "cancelled_at",
        "due_at",
        "reopen_count",
    ]
    inlines = [MessageInline, EventInline]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # tickets are opened through the workflow (desk, portal, mail, API)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ATTACHMENT_FIELDS
    readonly_fields = ATTACHMENT_FIELDS


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["ticket", "direction", "from_address", "subject", "created_at"]
    list_filter = ["direction"]
    search_fields = ["=ticket__number", "from_address", "subject", "message_id"]
    raw_id_fields = ["ticket", "contact", "author", "raw"]
    inlines = [AttachmentInline]

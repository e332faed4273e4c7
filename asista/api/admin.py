from typing import Any

from django.contrib import admin

from asista.api.models import ApiToken, Webhook, WebhookDelivery
from asista.api.webhooks import webhooks_changed


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]
    search_fields = ["name", "user__username", "prefix"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["url", "customer", "is_active", "created_at"]
    readonly_fields = ["secret", "created_at"]

    def save_model(self, request: Any, obj: Webhook, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        webhooks_changed()


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "webhook", "status", "attempts", "response_status", "created_at"]
    list_filter = ["status", "event"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

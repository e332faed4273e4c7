"""The NinjaAPI of Asista: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from __future__ import annotations

from ninja import NinjaAPI

from asista.api import errors
from asista.api.routers import billing, customers, mail, tickets, webhooks

api = NinjaAPI(
    title="Asista API",
    version="1.0.0",
    urls_namespace="api:v1",  # included as namespace "v1" inside the "api" app
    description=(
        "The help desk over HTTP. Authenticate with a personal token "
        "(`Authorization: Bearer asista_…`, made at /api/tokens/); each operation names the scope it "
        'needs (`x-scope`). Errors are always `{"error": {"code", "message", "details"}}`: '
        "401 no or bad token, 403 missing scope or role, 404 absent or not visible to you, "
        "409 the workflow refuses (the message says why), 422 invalid input, 429 rate limit."
    ),
)
errors.install(api)
api.add_router("", tickets.router)
api.add_router("", customers.router)
api.add_router("", billing.router)
api.add_router("", mail.router)
api.add_router("", webhooks.router)

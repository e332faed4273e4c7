"""The HTTP inbound endpoint: an MTA or a mail service POSTs one raw message (RFC 5322 bytes).

    POST /mail/inbound/   Authorization: Bearer <ASISTA_INBOUND_TOKEN>
    body: the raw message (Content-Type message/rfc822 or application/octet-stream)

201 with the ingest result as JSON (200 for a duplicate); 401 without the token; 404 while no
token is configured (the endpoint is off); 413 above ASISTA_INBOUND_MAX_BYTES; 503 when the
database is unavailable, so that the sender retries.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from asista.mail.ingest import mail_ingest
from asista.mail.models import RawMessage

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def _authorized(request: HttpRequest, token: str) -> bool:
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


@csrf_exempt  # authenticated by a bearer token, not by a browser session
@require_POST
def inbound(request: HttpRequest) -> JsonResponse:
    token = str(getattr(settings, "ASISTA_INBOUND_TOKEN", "") or "")
    if not token:
        return JsonResponse({"error": "inbound endpoint disabled"}, status=404)
    if not _authorized(request, token):
        return JsonResponse({"error": "unauthorized"}, status=401)
    limit = int(getattr(settings, "ASISTA_INBOUND_MAX_BYTES", DEFAULT_MAX_BYTES))
    # Read the stream, not request.body: DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is for forms,
    # and a mail with attachments is often bigger.
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return JsonResponse({"error": "message too large"}, status=413)
    if not raw.strip():
        return JsonResponse({"error": "empty body: send the raw message"}, status=400)
    try:
        result = mail_ingest(raw, source=RawMessage.Source.HTTP)
    except DatabaseError:
        return JsonResponse({"error": "temporarily unavailable, retry"}, status=503)
    return JsonResponse(result.as_dict(), status=200 if result.duplicate else 201)

"""Serving ticket attachments: images inline, anything else as a download."""

from __future__ import annotations

from django.http import FileResponse, Http404

from asista.tickets.models import Attachment

# Shown in the page only when the browser cannot be tricked into running it.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file with its name; `Content-Disposition: attachment` for everything but safe images."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    inline = attachment.content_type.lower() in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response

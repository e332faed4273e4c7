"""The one page of the API app: a user's personal tokens (create, see once, revoke)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from asista.api.models import SCOPES
from asista.api.tokens import token_create, token_revoke
from asista.core.clock import now as clock_now


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    secret = None
    if request.method == "POST" and "revoke" in request.POST:
        token_id = request.POST.get("revoke", "")
        if token_id.isdigit() and token_revoke(user=request.user, token_id=int(token_id), now=clock_now()):
            messages.success(request, gettext("Token revoked."))
        return redirect("api:tokens")
    if request.method == "POST":
        try:
            _, secret = token_create(
                user=request.user,
                name=request.POST.get("name", ""),
                scopes=request.POST.getlist("scopes"),
                now=clock_now(),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    context = {
        "tokens": request.user.api_tokens.order_by("-created_at"),  # type: ignore[union-attr]
        "scopes": SCOPES,
        "secret": secret,
    }
    return render(request, "api/tokens.html", context)

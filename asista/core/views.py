from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from asista.core.roles import contact_of, is_staff_member


def home(request: HttpRequest) -> HttpResponse:
    """Staff land on the desk, contacts on the portal, everyone else on the login page."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    target = "admin:index"
    if is_staff_member(user):
        target = "desk:queue"
    elif contact_of(user) is not None:
        target = "portal:home"
    try:
        return redirect(reverse(target))
    except NoReverseMatch:
        return redirect("admin:index")


def healthz(request: HttpRequest) -> JsonResponse:
    """Database and job-queue health, for load balancers and monitoring."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # the point is to report any failure
        checks["database"] = f"error: {exc}"
    try:
        from huey.contrib.djhuey import HUEY

        checks["queue"] = f"ok ({HUEY.pending_count()} pending)"
    except Exception as exc:
        checks["queue"] = f"error: {exc}"
    healthy = all(value.startswith("ok") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)

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


HEARTBEAT_STALE_SECONDS = 180


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # the point is to report any failure
        return f"error: {type(exc).__name__}: {exc}"


def _check_queue() -> tuple[str, int | None]:
    try:
        from huey.contrib.djhuey import HUEY

        return "ok", int(HUEY.pending_count())
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}", None


def _check_workers() -> tuple[str, float | None]:
    """Informative only: web processes stay in the pool while the workers are down."""
    try:
        from asista.jobs import worker_heartbeat_age

        age = worker_heartbeat_age()
    except Exception as exc:
        return f"unknown: {type(exc).__name__}", None
    if age is None:
        return "never seen", None
    return ("ok" if age <= HEARTBEAT_STALE_SECONDS else "stale"), round(age, 1)


def healthz(request: HttpRequest) -> JsonResponse:
    """Database and job-queue health for load balancers (503 when either fails), and the age of
    the last worker heartbeat for monitoring."""
    database = _check_database()
    queue, pending = _check_queue()
    workers, age = _check_workers()
    healthy = database == "ok" and queue == "ok"
    body = {
        "status": "ok" if healthy else "error",
        "database": database,
        "queue": queue,
        "queue_pending": pending,
        "workers": workers,
        "worker_heartbeat_age_seconds": age,
    }
    response = JsonResponse(body, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response

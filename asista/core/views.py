from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asista.core.roles import contact_of, is_staff_member

VISITOR_LANGUAGE_DAYS = 365


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


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The visitors' language switch (login, password and invitation pages): the choice is kept
    in Django's language cookie, as `set_language` keeps it, for a year; then back to the page.

    Staff and contacts have their own switches, which save the choice on their Profile or
    Contact."""
    code = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = redirect(target)
    if code not in dict(settings.LANGUAGES):
        messages.error(request, _("Choose one of the languages offered."))
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=VISITOR_LANGUAGE_DAYS * 24 * 3600,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or settings.SESSION_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (an expired page, cookies blocked): said in the visitor's language, with a
    way back; the reason stays in the server's log, where Django's check wrote it."""
    return render(request, "403_csrf.html", status=403)


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

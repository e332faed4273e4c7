"""The project's URLs plus views that fail, to see the error pages as a visitor would."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from asista.urls import urlpatterns as project_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a forged request")


urlpatterns = [
    *project_urlpatterns,
    path("test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/suspicious/", suspicious),
]

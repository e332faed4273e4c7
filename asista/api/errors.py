"""One error format for the whole API: {"error": {"code": ..., "message": ..., "details": ...}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig, ValidationError
from django.db import DataError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from asista.core.errors import PermissionRefused, TransitionRefused


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class Error(Schema):
    """Every non-2xx answer of the API has this shape."""

    error: ErrorBody


# Documented on every operation: any of them may answer these.
ERRORS: dict[int, Any] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    409: Error,
    413: Error,
    422: Error,
    429: Error,
}


class ApiError(Exception):
    """Raise from an endpoint to answer with `status` and the standard error body."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def not_found(what: str = "object") -> ApiError:
    return ApiError(404, "not_found", f"No such {what}, or it is not visible to you.")


def _answer(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "details": details}}
    return api.create_response(request, body, status=status)


def _validation_messages(exc: ValidationError) -> Any:
    return exc.message_dict if hasattr(exc, "error_dict") else exc.messages


def install(api: NinjaAPI) -> None:
    """Map every exception the endpoints may raise to the error format."""

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        response = _answer(api, request, exc.status, exc.code, exc.message)
        for name, value in exc.headers.items():
            response[name] = value
        return response

    @api.exception_handler(PermissionRefused)
    def refused(request: HttpRequest, exc: PermissionRefused) -> HttpResponse:
        return _answer(api, request, 403, "forbidden", exc.message)

    @api.exception_handler(TransitionRefused)
    def conflict(request: HttpRequest, exc: TransitionRefused) -> HttpResponse:
        return _answer(api, request, 409, "conflict", exc.message)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # Frozen invoices and time entries are a conflict with the state, not bad input.
        from asista.billing.models import FrozenError

        if isinstance(exc, FrozenError):
            return _answer(api, request, 409, "conflict", " ".join(exc.messages))
        return _answer(api, request, 422, "invalid", " ".join(exc.messages), _validation_messages(exc))

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        details = [
            {"loc": [str(part) for part in e.get("loc", [])], "msg": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        return _answer(api, request, 422, "invalid", "The request does not match the schema.", details)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _answer(
            api, request, 401, "unauthenticated", "Send a valid token: Authorization: Bearer <token>."
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(Http404)
    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _answer(api, request, 404, "not_found", "No such object, or it is not visible to you.")

    @api.exception_handler(ObjectDoesNotExist)
    def missing_object(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return _answer(api, request, 404, "not_found", "No such object, or it is not visible to you.")

    @api.exception_handler(PermissionDenied)
    def denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _answer(api, request, 403, "forbidden", str(exc) or "Not allowed.")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {400: "bad_request", 413: "too_large"}.get(exc.status_code, "error")
        return _answer(api, request, exc.status_code, code, str(exc))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return _answer(api, request, 413, "too_large", "The request body is larger than the server accepts.")

    @api.exception_handler(DataError)
    def bad_data(request: HttpRequest, exc: DataError) -> HttpResponse:
        # e.g. a NUL character, which PostgreSQL text cannot hold. Inside a transaction (a write,
        # a test) PostgreSQL refuses every later statement: it must roll back, not go on.
        if transaction.get_connection().in_atomic_block:
            transaction.set_rollback(True)
        return _answer(api, request, 422, "invalid", "The database refused a value of the request.")

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY as SESSION_AUTH_KEY
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.http import urlsafe_base64_decode

# The session keeps [user id, language] so a page costs no query for the language; "" means the
# user has no preference (the browser's language applies).
SESSION_KEY = "asista_language"


def stored_language(user: Any) -> str:
    """The language saved for `user`: their contact's, else their staff profile's; "" for none.

    One query whoever the user is (the contact's language as a subquery, the profile joined).
    """
    from asista.customers.models import Contact

    contact = Contact.objects.filter(user=OuterRef("pk"), is_active=True).order_by("pk").values("language")
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(contact_language=Subquery(contact[:1]))
        .values_list("contact_language", "profile__language")
        .first()
    )
    return next((code for code in row or () if code), "")


def remember_language(request: HttpRequest, language: str) -> None:
    """Keep `language` as the logged-in user's preference for the rest of the session; the
    pages that change a preference call this so the next page follows at once."""
    request.session[SESSION_KEY] = [request.user.pk, language]


def _remembered(request: HttpRequest) -> str | None:
    value = request.session.get(SESSION_KEY)
    if isinstance(value, list) and len(value) == 2 and value[0] == request.user.pk:
        return str(value[1])
    return None


class UserLanguageMiddleware:
    """Pages speak the logged-in person's language; visitors speak the one they chose, else
    Romanian (not the browser's: docs/decisions.md, "The language of a visitor").

    The preference (Contact.language for a customer's contact, Profile.language for staff) is
    read in one query when the user logs in (or on the first page of a session that has not got
    it) and kept in the session; the language switch of the desk and the portal saves it and
    refreshes the session. A change made elsewhere (the admin) applies from the next login.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _ in settings.LANGUAGES}

    def preference(self, request: HttpRequest) -> str:
        language = _remembered(request)
        if language is None or (language and language not in self.codes):
            language = stored_language(request.user)
            remember_language(request, language)
        return language

    def chosen(self, request: HttpRequest) -> str:
        """The language this browser chose with the visitors' switch (Django's language
        cookie), or ""."""
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        return code if code in self.codes else ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        logged_in = request.user.is_authenticated
        if logged_in:
            language = self.preference(request)
            if language not in self.codes:  # staff without a saved preference: cookie, browser
                language = translation.get_language_from_request(request)
        else:
            language = self.chosen(request) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if not logged_in and request.user.is_authenticated and SESSION_AUTH_KEY in request.session:
            # A login: the session is written anyway, so keep the preference in it now and the
            # first page after the login needs no query for it. (An API token authenticates
            # the request only: no session, no cookie, no query for a language it does not use.)
            remember_language(request, stored_language(request.user))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: dict[str, Any]
    ) -> None:
        """A password or invitation link (uidb64) speaks the language of the person it was sent
        to, as their email did, unless this browser chose another with the switch."""
        uid = kwargs.get("uidb64")
        if not uid or request.user.is_authenticated or self.chosen(request):
            return None
        try:
            pk = int(urlsafe_base64_decode(uid).decode())
            language = stored_language(get_user_model()(pk=pk))
        except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
            return None
        if language in self.codes:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return None

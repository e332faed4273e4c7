"""What every page's shell (header, navigation, error pages) needs to know about the visitor.

Everything is computed on first use: a page that does not show the header costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from asista.core.roles import contact_of, is_dispatcher, is_staff_member

STAFF = "staff"
CONTACT = "contact"


@dataclass(frozen=True)
class Link:
    url: str
    label: str | Promise


class Shell:
    """The visitor's role as the shell sees it: where their language switch posts, where "home"
    is, and the sections of their navigation."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def role(self) -> str:
        """The role: "staff" (a role group, whatever Django's is_staff says), "contact", or ""
        (a visitor, or a login that is neither)."""
        user: Any = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        if is_staff_member(user):
            return STAFF
        return CONTACT if contact_of(user) is not None else ""

    @cached_property
    def language_action(self) -> str:
        """The language switch saves a preference on the Profile (staff) or the Contact; anyone
        else keeps their choice in a cookie."""
        return reverse({STAFF: "desk:language", CONTACT: "portal:language"}.get(self.role, "language"))

    @cached_property
    def home(self) -> Link:
        """The way back from a page that went wrong."""
        if self.role == STAFF:
            return Link(reverse("desk:queue"), _("Back to the queue"))
        if self.role == CONTACT:
            return Link(reverse("portal:home"), _("Back to the support portal"))
        if getattr(self.request, "user", None) is not None and self.request.user.is_authenticated:
            return Link(reverse("home"), _("Back to the start page"))
        return Link(reverse("login"), _("Log in"))

    @cached_property
    def nav(self) -> list[Link]:
        """The sections of the role's pages, the one list the header shows."""
        if self.role == STAFF:
            links = [Link(reverse("desk:queue"), _("Queue"))]
            if is_dispatcher(self.request.user):
                links.append(Link(reverse("desk:board"), _("Assignment & triage")))
            links += [
                Link(reverse("desk:phone_call"), _("Phone call")),
                Link(reverse("reports:index"), _("Reports")),
                Link(reverse("api:tokens"), _("API tokens")),
            ]
            return links
        if self.role == CONTACT:
            return [
                Link(reverse("portal:home"), _("Overview")),
                Link(reverse("portal:tickets"), _("Our requests")),
                Link(reverse("portal:new"), _("New request")),
                Link(reverse("portal:statement"), _("Statement")),
                Link(reverse("portal:invoices"), _("Invoices")),
                Link(reverse("reports:mine"), _("Our figures")),
            ]
        return []

    @cached_property
    def current(self) -> str:
        """The address of the section the page belongs to, marked in the navigation; none on an
        address that resolved to no page (a 404)."""
        if getattr(self.request, "resolver_match", None) is None:
            return ""
        return current_section([link.url for link in self.nav], self.request.path_info)


def current_section(urls: list[str], path: str) -> str:
    """Of the sections' addresses, the one that covers `path` most closely (a whole-segment
    prefix: /desk/ for a ticket page, /desk/call/ for its sub-pages), or "" when none does."""
    covering = [url for url in urls if path == url or path.startswith(url.rstrip("/") + "/")]
    return max(covering, key=len, default="")


def shell(request: HttpRequest) -> dict[str, Shell]:
    return {"shell": Shell(request)}

"""`{% navigation %}…{% endnavigation %}`: marks the link of the current section.

Whatever template lists the links (the shared header, the desk's or the portal's own), the link
whose address is the longest prefix of the page's path gets aria-current="page": /desk/ on a
ticket page, /portal/tickets/ on one of the portal's tickets, /desk/call/ on its sub-pages.
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.template.base import Parser, Token
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_LINK = re.compile(r'<a\b(?P<attrs>[^>]*?)\bhref="(?P<href>[^"]*)"(?P<rest>[^>]*)>')
_CURRENT = re.compile(r'\s+aria-current="[^"]*"')


def _section_path(href: str) -> str:
    return href.split("?", 1)[0].split("#", 1)[0]


def _covers(href: str, path: str) -> bool:
    """Whether the link `href` is the section of `path` (a whole-segment prefix)."""
    href = _section_path(href)
    return bool(href) and href.startswith("/") and (path == href or path.startswith(href.rstrip("/") + "/"))


def mark_current(html: str, path: str) -> str:
    """`html` with aria-current="page" on the one link whose address covers `path` most closely
    (and on no other)."""
    html = _CURRENT.sub("", html)
    best = max(
        (m for m in _LINK.finditer(html) if _covers(m["href"], path)),
        key=lambda m: len(_section_path(m["href"])),
        default=None,
    )
    if best is None:
        return html
    return html[: best.end() - 1] + ' aria-current="page"' + html[best.end() - 1 :]


class NavigationNode(template.Node):
    child_nodelists = ("nodelist",)  # so {% block %} inside it can be overridden

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Any) -> SafeString:
        html = self.nodelist.render(context)
        request = context.get("request")
        # The template's own markup, trusted as it was; at most one attribute is added. An
        # address that resolved to no page (a 404) belongs to no section.
        match = getattr(request, "resolver_match", None)
        if match is None:
            return mark_safe(html)
        return mark_safe(mark_current(html, request.path_info))


@register.tag
def navigation(parser: Parser, token: Token) -> NavigationNode:
    nodelist = parser.parse(("endnavigation",))
    parser.delete_first_token()
    return NavigationNode(nodelist)

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext as _

from asista.desk.selectors import sla_badge
from asista.sla.services import TARGET_LABELS
from asista.tickets.models import Kind, Priority

register = template.Library()


@register.filter
def person(user: Any) -> str:
    """A user's full name, else the name of the contact they log in as, else their login; a dash
    when nobody."""
    if user is None:
        return "—"
    if user.get_full_name():
        return str(user.get_full_name())
    try:
        return str(user.contact.name)
    except ObjectDoesNotExist:
        return str(user.get_username())


@register.simple_tag
def badge(ticket: Any, now: datetime) -> str:
    return sla_badge(ticket, now)


@register.filter
def badge_label(kind: str) -> str:
    return {"overdue": _("overdue"), "soon": _("due soon"), "ok": _("on time")}.get(kind, "")


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (empty values removed)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = str(value)
    return query.urlencode()


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if mapping is not None else None


@register.filter
def state_label(code: str) -> str:
    from asista.tickets.models import State

    try:
        return str(State(code).label)
    except ValueError:
        return code


@register.filter
def event_label(kind: str) -> str:
    labels = {
        "created": _("created"),
        "assigned": _("assigned"),
        "started": _("work started"),
        "asked": _("asked the customer"),
        "customer_replied": _("the customer answered"),
        "resolved": _("resolved"),
        "accepted": _("solution accepted"),
        "reopened": _("reopened"),
        "auto_closed": _("closed automatically"),
        "cancelled": _("cancelled"),
        "replied": _("replied"),
        "reclassified": _("kind or priority changed"),
        "onsite_requested": _("on-site visit requested"),
        "sla_met": _("SLA target met"),
        "sla_breached": _("SLA target breached"),
        "sla_reopened": _("SLA clock restarted"),
        "sla_warned": _("SLA warning"),
        "sla_overdue": _("SLA overdue"),
    }
    return str(labels.get(kind, kind.replace("_", " ")))


@register.filter
def event_details(event: Any) -> str:
    """What an event changed, in words: a reclassification's before and after, an SLA target
    with its lateness or margin, an on-site request's reason; empty when there is nothing to add."""
    details = event.details or {}
    if event.kind == "reclassified":
        names = {"kind": dict(Kind.choices), "priority": dict(Priority.choices)}
        labels = {"kind": _("kind"), "priority": _("priority")}
        parts = [
            f"{labels[field]}: {names[field].get(old, old)} → {names[field].get(new, new)}"
            for field, (old, new) in details.items()
            if field in names
        ]
        return "; ".join(parts)
    if event.kind.startswith("sla_") and "target" in details:
        targets = TARGET_LABELS.get((translation.get_language() or "ro")[:2], TARGET_LABELS["ro"])
        target = targets.get(details["target"], details["target"])
        for key, words in (
            ("business_minutes_late", _("%(target)s, %(minutes)d business minutes late")),
            ("business_minutes_early", _("%(target)s, %(minutes)d business minutes to spare")),
            ("business_minutes_left", _("%(target)s, %(minutes)d business minutes left")),
        ):
            if key in details:
                return str(words) % {"target": target, "minutes": details[key]}
        return str(target)
    if event.kind == "onsite_requested":
        return str(details.get("reason", ""))
    return ""


@register.filter
def dispatcher(user: Any) -> bool:
    """Whether the user assigns tickets (from the roles already read for this request)."""
    from asista.core.roles import is_dispatcher

    return is_dispatcher(user)


@register.simple_tag
def queue_rows(page: Any) -> str:
    from asista.desk.rows import queue_rows as render_rows

    return render_rows(page.rows, page.now)

"""The queue's rows, rendered in Python: the hot path of the busiest page.

Django's template engine spends most of a 50-row queue page resolving variables row by row;
this builds the same markup with `format_html`, which escapes every value, at a fraction of the
cost. Labels are translated once per page, not once per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from asista.desk.selectors import sla_badge
from asista.tickets.models import Kind, State, Ticket

ROW = (
    '<tr class="{}"><td><a href="{}" tabindex="-1">{}</a>{}</td>'
    '<td class="subject"><a href="{}">{}</a> <span class="muted">{}</span></td>'
    "<td>{}</td><td>{}</td>"
    '<td><span class="state {}">{}</span></td>'
    '<td><time datetime="{}">{}</time></td>'
    "<td>{}</td><td>{}</td></tr>"
)


def age(since: datetime, now: datetime) -> str:
    """A compact age for dense tables: 45 min, 5 h, 12 d."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    if minutes < 48 * 60:
        return _("%(n)d h") % {"n": minutes // 60}
    return _("%(n)d d") % {"n": minutes // (24 * 60)}


def queue_rows(rows: Sequence[Ticket], now: datetime) -> SafeString:
    states = {code: str(label) for code, label in State.choices}
    kinds = {code: str(label) for code, label in Kind.choices}
    badges = {"overdue": _("overdue"), "soon": _("due soon"), "ok": _("on time")}
    urgent = format_html(' <span class="pill danger">{}</span>', _("urgent"))
    paused = format_html('<span class="pill muted">{}</span>', _("paused: waiting for the customer"))
    due_format = get_format("SHORT_DATETIME_FORMAT")  # the active language's, looked up once
    base = reverse("desk:ticket", args=[0]).removesuffix("0/")

    def cells(ticket: Ticket) -> tuple[object, ...]:
        link = f"{base}{ticket.number}/"
        badge = sla_badge(ticket, now)
        due = (
            format_html(
                '<span class="pill {}">{} · {}</span>',
                badge,
                badges[badge],
                dateformat.format(timezone.localtime(ticket.due_at), due_format),
            )
            if badge and ticket.due_at
            else paused
            if ticket.state == State.WAITING
            else "—"
        )
        assignee = ticket.assignee
        return (
            "urgent" if ticket.is_urgent else "",
            link,
            ticket.tag,
            urgent if ticket.is_urgent else "",
            link,
            ticket.subject,
            kinds.get(ticket.kind, ticket.kind),
            ticket.customer.name,
            ticket.plan.name if ticket.plan else "—",
            ticket.state,
            states.get(ticket.state, ticket.state),
            ticket.created_at.isoformat(),
            age(ticket.created_at, now),
            due,
            (assignee.get_full_name() or assignee.get_username()) if assignee else "—",
        )

    return format_html_join("\n", ROW, (cells(ticket) for ticket in rows))

"""Desk pages. Views parse, call a selector or a service, and render; the rules live elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import uuid4

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asista.billing.models import TimeEntry
from asista.core.errors import DomainError
from asista.core.middleware import remember_language
from asista.core.roles import is_dispatcher, is_staff_member
from asista.desk import selectors, services, triage
from asista.desk.files import attachment_response
from asista.desk.forms import (
    AssignForm,
    LanguageForm,
    OnsiteForm,
    QueueForm,
    ReclassifyForm,
    RemoteSessionForm,
    TextForm,
    TimeForm,
    WriteInvitationForm,
    local_url,
    work_ended_at,
)
from asista.desk.models import CannedReply
from asista.tickets.models import Ticket

View = Callable[..., HttpResponseBase]


def staff_required(view: View) -> View:
    """Vendor staff only; anyone else is sent to log in, or told the page does not exist."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _errors(exc: DomainError | ValidationError) -> list[str]:
    return [exc.message] if isinstance(exc, DomainError) else list(exc.messages)


@require_GET
@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    plans, agents = list(selectors.plans()), list(selectors.staff_users())
    form = QueueForm(request.GET, plans=plans, agents=agents)
    default_view = "unassigned" if is_dispatcher(request.user) else "mine"
    filters = form.filters(default_view)
    size = form.cleaned_data.get("size") or selectors.PAGE_SIZE
    after = form.cleaned_data.get("after") or ""
    page = selectors.queue_page(user=request.user, filters=filters, cursor=after, size=size)
    # htmx asks for the rows alone, except when it restores a page it no longer holds for Back.
    rows_only = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "desk/_queue_rows.html" if rows_only else "desk/queue.html"
    context = {"form": form, "page": page, "views": selectors.VIEWS, "ignored": form.ignored}
    response = render(request, template, context)
    # The rows and the whole page share a URL: a browser going Back must not show the rows alone.
    patch_vary_headers(response, ["HX-Request"])
    if rows_only:
        add_never_cache_headers(response)
    return response


def _ticket_or_404(request: HttpRequest, number: int) -> Ticket:
    ticket = selectors.ticket_for(request.user, number)
    if ticket is None:
        raise Http404
    return ticket


def _ticket_context(request: HttpRequest, ticket: Ticket, bound: dict[str, forms.Form]) -> dict[str, Any]:
    now = timezone.now()
    language = ticket.contact.language if ticket.contact else ticket.customer.language
    forms_: dict[str, forms.Form] = {
        "reply": TextForm(prefix="reply"),
        "ask": TextForm(prefix="ask"),
        "resolve": TextForm(prefix="resolve"),
        "note": TextForm(prefix="note"),
        "time": TimeForm(prefix="time", initial={"kind": "assistance", "day": timezone.localdate(now)}),
        "remote": RemoteSessionForm(prefix="remote", initial={"day": timezone.localdate(now)}),
        "assign": AssignForm(prefix="assign", initial={"assignee": ticket.assignee_id}),
        "reclassify": ReclassifyForm(
            prefix="reclassify", initial={"kind": ticket.kind, "priority": ticket.priority}
        ),
        "cancel": services.CancelForm(prefix="cancel"),
        "onsite": OnsiteForm(prefix="onsite"),
        **bound,
    }
    return {
        "ticket": ticket,
        "timeline": selectors.timeline(ticket),
        "card": selectors.customer_card(ticket, now),
        "actions": selectors.allowed_actions(ticket, request.user),
        "forms": forms_,
        "canned": CannedReply.objects.filter(is_active=True, language=language),
        "badge": selectors.sla_badge(ticket, now),
        "now": now,
    }


@require_GET
@staff_required
def ticket(request: HttpRequest, number: int) -> HttpResponse:
    found = _ticket_or_404(request, number)
    return render(request, "desk/ticket.html", _ticket_context(request, found, {}))


@require_POST
@staff_required
def act(request: HttpRequest, number: int, action: str) -> HttpResponse:
    """Run one action of the ticket page; on a refusal, show why and keep what was typed."""
    found = _ticket_or_404(request, number)
    spec = services.ACTIONS.get(action)
    if spec is None:
        raise Http404
    form = spec.form(request.POST, request.FILES, prefix=action if spec.form is not forms.Form else None)
    errors: list[str] = []
    if form.is_valid():
        try:
            messages.success(request, spec.run(found, request.user, form.cleaned_data, timezone.now()))
            back = reverse("desk:ticket", args=[found.number])
            return redirect(local_url(request, form.cleaned_data.get("next") or "", back))
        except (DomainError, ValidationError) as exc:
            errors = _errors(exc)
        found.refresh_from_db()
    context = _ticket_context(request, found, {action: form})
    context.update(action_errors=errors, failed_action=action)
    return render(request, "desk/ticket.html", context, status=400)


@require_GET
@staff_required
def units_preview(request: HttpRequest, number: int) -> HttpResponse:
    found = _ticket_or_404(request, number)
    raw = request.GET.get("time-minutes", "") or request.GET.get("minutes", "")
    minutes = int(raw) if raw.isdigit() else 0
    kind = request.GET.get("time-kind", "")
    kind = kind if kind in TimeEntry.Kind.values else TimeEntry.Kind.ASSISTANCE
    when = work_ended_at(parse_date(request.GET.get("time-day", "") or ""), timezone.now())
    preview = selectors.units_preview(found, minutes, when, kind) if minutes else None
    return render(request, "desk/_units_preview.html", {"preview": preview})


@require_GET
@staff_required
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    found = selectors.attachment_for(request.user, pk, staff=True)
    if found is None:
        raise Http404
    return attachment_response(found)


def _calls_page(
    request: HttpRequest,
    *,
    call_form: forms.Form | None = None,
    write_form: forms.Form | None = None,
    error: str = "",
    write_error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The phone-call page: an urgency becomes a ticket; anyone else is sent how to write."""
    context = {
        "form": call_form or services.PhoneCallForm(),
        "write_form": write_form or WriteInvitationForm(initial={"key": uuid4(), "language": "ro"}),
        "error": error,
        "write_error": write_error,
        "invitations": selectors.write_invitations(),
        "support_address": settings.ASISTA_SUPPORT_ADDRESS,
    }
    return render(request, "desk/phone_call.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def phone_call(request: HttpRequest) -> HttpResponse:
    form = services.PhoneCallForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            created = services.urgent_call_log(actor=request.user, data=form.cleaned_data, now=timezone.now())
            messages.success(request, _("Urgent ticket %(tag)s opened.") % {"tag": created.tag})
            if created.contact and not created.contact.is_phone_contact:
                messages.warning(
                    request,
                    _("%(name)s is not one of %(customer)s's phone contacts agreed in the contract.")
                    % {"name": created.contact.name, "customer": created.customer.name},
                )
            return redirect("desk:ticket", number=created.number)
        except DomainError as exc:
            error = exc.message
    return _calls_page(request, call_form=form, error=error, status=400 if request.method == "POST" else 200)


@require_POST
@staff_required
def write_invitation(request: HttpRequest) -> HttpResponse:
    """One click: email a non-urgent caller the support address and the form's link; no ticket."""
    form = WriteInvitationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.write_invitation_send(
                actor=request.user,
                key=data["key"],
                address=data["address"],
                language=data["language"],
                note=data["note"],
                now=timezone.now(),
            )
        except DomainError as exc:
            return _calls_page(request, write_form=form, write_error=exc.message, status=400)
        messages.success(
            request,
            _("Sent to %(address)s: the support address and the link to the form. No ticket was opened.")
            % {"address": sent.address},
        )
        return redirect("desk:phone_call")
    return _calls_page(request, write_form=form, status=400)


@require_GET
@staff_required
def caller_options(request: HttpRequest) -> HttpResponse:
    """Known contacts matching what the agent typed, as <option>s of the address field (htmx)."""
    choices = selectors.caller_choices(request.GET.get("address") or request.GET.get("caller_address", ""))
    return render(request, "desk/_caller_options.html", {"choices": choices})


@require_POST
@staff_required
def language(request: HttpRequest) -> HttpResponse:
    """The header's language switch: saved on the user's profile, then back to the same page."""
    form = LanguageForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["language"]
        services.profile_language_set(user=request.user, language=code)
        remember_language(request, code)
    else:
        messages.error(request, _("Choose one of the languages offered."))
    return redirect(form.next_url(request, reverse("desk:queue")))


@require_GET
@staff_required
def board(request: HttpRequest) -> HttpResponse:
    if not is_dispatcher(request.user):
        raise Http404
    context = {
        "agents": selectors.agent_loads(),
        "tickets": selectors.unassigned(),
        "raw_messages": triage.waiting(),
        "onsite": selectors.onsite_requests(),
        "now": timezone.now(),
    }
    return render(request, "desk/board.html", context)


@require_POST
@staff_required
def triage_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    try:
        messages.success(
            request, triage.decide(pk=pk, decision=decision, data=request.POST, actor=request.user)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("desk:board")


@require_POST
@staff_required
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a contact a portal login and email them the link to choose a password."""
    from asista.customers.models import Contact
    from asista.portal.services import contact_invite

    contact = Contact.objects.filter(pk=pk).select_related("customer").first()
    if contact is None:
        raise Http404
    try:
        contact_invite(contact=contact, actor=request.user, now=timezone.now())
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": contact.email})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(local_url(request, request.POST.get("next", ""), reverse("desk:queue")))

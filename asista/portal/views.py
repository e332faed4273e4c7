"""Portal pages for customers' contacts. Every lookup goes through the contact's company."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asista.billing.pdf import render as render_pdf
from asista.billing.selectors import statement_for
from asista.billing.services import document_of
from asista.billing.wording import month_label, worded_lines
from asista.core.errors import DomainError
from asista.core.middleware import remember_language
from asista.core.roles import contact_of
from asista.desk.files import attachment_response
from asista.desk.forms import LanguageForm
from asista.desk.selectors import attachment_for, timeline
from asista.portal import selectors, services
from asista.portal.forms import MessageForm, ReopenForm, RequestForm, StatementForm
from asista.tickets import workflow
from asista.tickets.models import Kind, Ticket

View = Callable[..., HttpResponseBase]


def contact_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "portal:login")
        contact = contact_of(request.user)
        if contact is None:
            raise Http404
        request.contact = contact  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _errors(exc: DomainError | ValidationError) -> list[str]:
    return [exc.message] if isinstance(exc, DomainError) else list(exc.messages)


@require_GET
@contact_required
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "glance": selectors.glance(request.contact, timezone.now()),  # type: ignore[attr-defined]
        "tickets": selectors.tickets_of(request.user)[:10],
    }
    return render(request, "portal/home.html", context)


TICKETS_PER_PAGE = 25


@require_GET
@contact_required
def tickets(request: HttpRequest) -> HttpResponse:
    """The company's requests, all, open or closed, a page at a time."""
    show = request.GET.get("show", "all")
    show = show if show in selectors.SHOWS else "all"
    pages = Paginator(selectors.tickets_of(request.user, show=show), TICKETS_PER_PAGE)
    page = pages.get_page(request.GET.get("page"))
    context = {"tickets": page, "page": page, "show": show, "counts": selectors.ticket_counts(request.user)}
    return render(request, "portal/tickets.html", context)


@require_http_methods(["GET", "POST"])
@contact_required
def new_request(request: HttpRequest) -> HttpResponse:
    """A new request; urgencies are phoned in, so the form shows the plan's numbers instead."""
    contact = request.contact  # type: ignore[attr-defined]
    form = RequestForm(request.POST or None, request.FILES or None)
    glance = selectors.glance(contact, timezone.now())
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["kind"] == "urgent":
            errors = [
                _(
                    "Your request was not sent: urgencies are phoned in. Call us at the number "
                    "below. What you wrote is kept here; if it can wait, choose another kind and send it."
                )
            ]
        else:
            try:
                created = workflow.ticket_create(
                    customer=contact.customer,
                    subject=data["subject"],
                    text=data["text"],
                    actor=request.user,
                    kind=Kind.CHANGE if data["kind"] == "change" else Kind.SUPPORT,
                    attachments=data["attachments"],
                )
                messages.success(
                    request, _("Request %(tag)s received; we emailed you its number.") % {"tag": created.tag}
                )
                return redirect("portal:ticket", number=created.number)
            except DomainError as exc:
                errors = _errors(exc)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "glance": glance, "errors": errors}
    return render(request, "portal/new_request.html", context, status=status)


def _ticket_or_404(request: HttpRequest, number: int) -> Ticket:
    found = selectors.ticket_of(request.user, number)
    if found is None:
        raise Http404
    return found


def _ticket_page(request: HttpRequest, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    return {
        "ticket": ticket,
        "timeline": timeline(ticket, include_notes=False),
        "message_form": extra.pop("message_form", None) or MessageForm(prefix="message"),
        "reopen_form": extra.pop("reopen_form", None) or ReopenForm(prefix="reopen"),
        **extra,
    }


@require_GET
@contact_required
def ticket(request: HttpRequest, number: int) -> HttpResponse:
    return render(request, "portal/ticket.html", _ticket_page(request, _ticket_or_404(request, number)))


def _run(action: str, ticket: Ticket, request: HttpRequest, form: forms.Form) -> str:
    data = form.cleaned_data
    if action == "message":
        workflow.ticket_add_customer_message(
            ticket, actor=request.user, text=data["text"], attachments=data["attachments"]
        )
        return _("Message sent.")
    if action == "reopen":
        workflow.ticket_reopen(ticket, actor=request.user, text=data["text"])
        return _("Reopened: we work on it again.")
    workflow.ticket_accept(ticket, actor=request.user)
    return _("Thank you: the ticket is closed.")


FORMS: dict[str, type[forms.Form]] = {"message": MessageForm, "reopen": ReopenForm, "accept": forms.Form}


@require_POST
@contact_required
def act(request: HttpRequest, number: int, action: str) -> HttpResponse:
    """Write, accept the solution or reopen; a refusal is shown and the text kept."""
    found = _ticket_or_404(request, number)
    if action not in FORMS:
        raise Http404
    prefix = None if action == "accept" else action
    form = FORMS[action](request.POST, request.FILES, prefix=prefix)
    errors: list[str] = []
    if form.is_valid():
        try:
            messages.success(request, _run(action, found, request, form))
            return redirect("portal:ticket", number=found.number)
        except DomainError as exc:
            errors = _errors(exc)
        found.refresh_from_db()
    context = _ticket_page(request, found, errors=errors, failed_action=action, **{f"{action}_form": form})
    return render(request, "portal/ticket.html", context, status=400)


@require_GET
@contact_required
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    found = attachment_for(request.user, pk, staff=False)
    if found is None:
        raise Http404
    return attachment_response(found)


@require_http_methods(["GET", "POST"])
@contact_required
def statement(request: HttpRequest) -> HttpResponse:
    """This month's (or ?month=YYYY-MM) statement; POST emails it to the contact."""
    today = timezone.localdate()
    form = StatementForm(request.POST or request.GET)
    year, month = form.period((today.year, today.month))
    if request.method == "POST":
        sent_to = services.statement_send(actor=request.user, year=year, month=month)
        messages.success(request, _("The statement is on its way to %(email)s.") % {"email": sent_to})
        return redirect(f"{request.path}?month={year}-{month:02d}")
    customer = request.contact.customer  # type: ignore[attr-defined]
    found = statement_for(customer=customer, year=year, month=month)
    context = {
        "statement": found,
        "lines": worded_lines(found.lines),
        "month": f"{year}-{month:02d}",
        "period": month_label(year, month),
    }
    return render(request, "portal/statement.html", context)


@require_POST
@contact_required
def language(request: HttpRequest) -> HttpResponse:
    """The header's language switch: the contact's pages and emails from now on, same page."""
    form = LanguageForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["language"]
        services.contact_language_set(contact=request.contact, language=code)  # type: ignore[attr-defined]
        remember_language(request, code)
    else:
        messages.error(request, _("Choose one of the languages offered."))
    return redirect(form.next_url(request, reverse("portal:home")))


@require_GET
@contact_required
def invoices(request: HttpRequest) -> HttpResponse:
    rows = selectors.invoices_of(request.contact)  # type: ignore[attr-defined]
    return render(request, "portal/invoices.html", {"invoices": rows})


@require_GET
@contact_required
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.invoice_of(request.contact, pk)  # type: ignore[attr-defined]
    if found is None:
        raise Http404
    response = HttpResponse(render_pdf(document_of(found)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.full_number}.pdf"'
    return response

"""Billing writes: time entries, exchange rates, drafts, issuing, credit notes (DOMAIN.md §4).

Every function is keyword-only and the one way to do its write; views, API, jobs and commands
call these. The rules themselves live in the pure modules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from asista.billing import drafting, efactura, fx, pdf
from asista.billing.document import CREDIT_NOTE, INVOICE, Document, Line, Party, compute
from asista.billing.models import (
    ExchangeRate,
    FrozenError,
    Invoice,
    InvoiceLine,
    InvoiceSeries,
    RemoteSession,
    Seller,
    TimeEntry,
)
from asista.billing.selectors import (
    Statement,
    contract_terms,
    customer_party,
    dated_vat_rates,
    entry_values,
    month_window,
    rate_for,
    statement_for,
    statement_text,
)
from asista.billing.vat import VatCategory, percent_for
from asista.core.clock import now as clock_now
from asista.core.counters import next_value
from asista.core.roles import is_dispatcher
from asista.customers.models import Contract
from asista.tickets.models import State

T = TypeVar("T")
DEFAULT_BNR_URL = "https://curs.bnr.ro/nbrfxrates.xml"


def bnr_url() -> str:
    return getattr(settings, "ASISTA_BNR_URL", DEFAULT_BNR_URL)


def fx_markup() -> Decimal:
    return Decimal(str(getattr(settings, "ASISTA_FX_MARKUP", fx.DEFAULT_MARKUP)))


# --- time -----------------------------------------------------------------------------------


def _minutes(started_at: datetime, ended_at: datetime | None, minutes: int | None) -> int:
    if ended_at is not None:
        if ended_at <= started_at:
            raise ValidationError(_("A time entry must end after it starts."))
        return int(-(-(ended_at - started_at).total_seconds() // 60))
    if minutes is None:
        raise ValidationError(_("Give the duration, or the start and the end."))
    return minutes


def _check_minutes(kind: str, minutes: int) -> None:
    # Every minute of work is charged at least a unit or an increment, so zero would bill air.
    if minutes < 1 and kind != TimeEntry.Kind.TRAVEL:
        raise ValidationError(_("A time entry needs at least one minute."))


def _check_travel(kind: str, km: Decimal | None, inside_brasov: bool) -> None:
    if kind == TimeEntry.Kind.TRAVEL and not inside_brasov and km is None:
        raise ValidationError(_("Travel outside Brașov needs the km; or tick 'inside Brașov'."))


def time_entry_refusal(ticket: Any, agent: Any) -> str:
    """Why `agent` cannot log time on `ticket`, or "": never on a cancelled ticket; on a closed
    one only its assignee or a dispatcher (late entries of work done)."""
    if ticket.state == State.CANCELLED:
        return _("%(tag)s is cancelled: no time can be logged on it.") % {"tag": ticket.tag}
    if ticket.state == State.CLOSED and ticket.assignee_id != agent.pk and not is_dispatcher(agent):
        return _("%(tag)s is closed: only its assignee or a dispatcher can still log time on it.") % {
            "tag": ticket.tag
        }
    return ""


def time_entry_log(
    *,
    ticket: Any,
    agent: Any,
    kind: str,
    started_at: datetime,
    ended_at: datetime | None = None,
    minutes: int | None = None,
    km: Decimal | None = None,
    inside_brasov: bool = False,
    note: str = "",
    remote_session: RemoteSession | None = None,
) -> TimeEntry:
    """Log time on a ticket, by start/end or by duration; travel needs km or inside Brașov."""
    if kind not in TimeEntry.Kind.values:
        raise ValidationError(_("Unknown kind of time entry."))
    refusal = time_entry_refusal(ticket, agent)
    if refusal:
        raise ValidationError(refusal)
    _check_travel(kind, km, inside_brasov)
    duration = _minutes(started_at, ended_at, minutes)
    _check_minutes(kind, duration)
    return TimeEntry.objects.create(
        ticket=ticket,
        customer_id=ticket.customer_id,
        agent=agent,
        kind=kind,
        started_at=started_at,
        ended_at=ended_at,
        minutes=duration,
        km=km,
        inside_brasov=inside_brasov,
        note=note,
        remote_session=remote_session,
    )


def time_entry_update(*, entry: TimeEntry, **changes: Any) -> TimeEntry:
    """Change a time entry; refused (FrozenError) once it is on an issued invoice."""
    allowed = {"kind", "started_at", "ended_at", "minutes", "km", "inside_brasov", "note"}
    if set(changes) - allowed:
        raise ValidationError(_("These fields cannot change: %s") % ", ".join(sorted(set(changes) - allowed)))
    # Fresh from the database: a stale copy must not undo the invoice link made by the month run.
    entry.refresh_from_db()
    if entry.is_invoiced():
        raise FrozenError(_("This time entry is on an issued invoice and cannot change."))
    for name, value in changes.items():
        setattr(entry, name, value)
    if "started_at" in changes or "ended_at" in changes:
        entry.minutes = _minutes(entry.started_at, entry.ended_at, entry.minutes)
    _check_travel(entry.kind, entry.km, entry.inside_brasov)
    _check_minutes(entry.kind, entry.minutes)
    entry.save(update_fields=[*changes, "minutes"])
    return entry


REMOTE_ZONE = ZoneInfo("Europe/Bucharest")
REMOTE_OPENS, REMOTE_CLOSES = time(8, 30), time(16, 30)


def remote_session_refusal(*, started_at: datetime, ended_at: datetime, now: datetime | None = None) -> str:
    """Why a remote session cannot be logged, or "" when it can (DOMAIN.md §1).

    Remote sessions are agreed with the customer and happen Mon–Fri 08:30–16:30, Bucharest wall
    time (EET/EEST, so the same hours whatever the season); a session starting at 08:30 or
    ending at 16:30 is inside. A session must end after it starts, on the day it started, and
    is logged once it has happened (by `now`): a future one would count in this month's units
    before it took place. Public holidays are not refused: an agreed session on one is the team's call.
    """
    if ended_at <= started_at:
        return _("A remote session must end after it starts.")
    if now is not None and ended_at > now:
        return _("A remote session is logged once it has happened: this one ends in the future.")
    start, end = started_at.astimezone(REMOTE_ZONE), ended_at.astimezone(REMOTE_ZONE)
    inside = (
        start.isoweekday() <= 5
        and start.date() == end.date()
        and start.time() >= REMOTE_OPENS
        and end.time() <= REMOTE_CLOSES
    )
    if not inside:
        return _("Remote sessions happen Monday to Friday, 08:30–16:30 Bucharest time.")
    return ""


def remote_session_log(
    *, ticket: Any, agent: Any, tool: str, started_at: datetime, ended_at: datetime, note: str = ""
) -> RemoteSession:
    """Record a remote-control session and the assistance time entry it creates.

    Refused (ValidationError) outside Mon–Fri 08:30–16:30 Europe/Bucharest, when it does not end
    after it starts or ends in the future, or with an unknown tool; the time entry's minutes
    round up to whole minutes and its units follow the billing rules like any assistance time.
    """
    if tool not in RemoteSession.Tool.values:
        raise ValidationError(_("Unknown remote-control tool."))
    refusal = remote_session_refusal(started_at=started_at, ended_at=ended_at, now=clock_now())
    if refusal:
        raise ValidationError(refusal)
    with transaction.atomic():
        session = RemoteSession.objects.create(
            ticket=ticket, agent=agent, tool=tool, started_at=started_at, ended_at=ended_at, note=note
        )
        time_entry_log(
            ticket=ticket,
            agent=agent,
            kind=TimeEntry.Kind.ASSISTANCE,
            started_at=started_at,
            ended_at=ended_at,
            note=note or session.get_tool_display(),
            remote_session=session,
        )
    return session


# --- exchange rates -------------------------------------------------------------------------


def exchange_rates_store(*, days: Iterable[fx.DayRates], source: str = "") -> int:
    """Insert or correct BNR rates; returns how many (currency, day) rows were written."""
    rows = [
        ExchangeRate(currency=currency, day=day.day, rate=rate, source=source[:200])
        for day in days
        for currency, rate in day.rates.items()
    ]
    ExchangeRate.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["currency", "day"],
        update_fields=["rate", "source", "fetched_at"],
    )
    return len(rows)


def fx_fetch(*, feed: str = "daily", year: int | None = None, url: str | None = None) -> int:
    """Fetch one BNR document (daily, 10days or a year's archive) and store its rates."""
    urls = fx.feed_urls(url or bnr_url())
    target = urls["year"].format(year=year) if feed == "year" else urls[feed]
    return exchange_rates_store(days=fx.parse(fx.fetch(target)), source=target)


def fx_import(*, content: bytes, source: str) -> int:
    """Store the rates of a BNR document given as bytes (a file an administrator downloaded)."""
    return exchange_rates_store(days=fx.parse(content), source=source)


# --- drafts ---------------------------------------------------------------------------------


def _draft_invoice(customer_id: int, draft: drafting.MonthDraft) -> tuple[Invoice, list[InvoiceLine]]:
    first, last = drafting.month_bounds(draft.year, draft.month)
    invoice = Invoice(
        customer_id=customer_id,
        year=draft.year,
        month=draft.month,
        period_start=first,
        period_end=last,
        net_eur=draft.net_eur,
    )
    lines = [
        InvoiceLine(
            position=index,
            kind=line.kind,
            description=line.description[:200],
            request=line.request,
            quantity=line.quantity,
            unit_code=line.unit_code,
            unit_price_eur=line.unit_price,
            net_eur=line.amount,
            service_date=line.service_date,
        )
        for index, line in enumerate(draft.lines, start=1)
    ]
    return invoice, lines


LATE_LOOKBACK_MONTHS = 12


def _issued_months(customer_ids: Sequence[int] | None, year: int, month: int) -> set[tuple[int, int, int]]:
    """(customer, year, month) already invoiced, from M−12 to M."""
    since = year * 12 + month - 1 - LATE_LOOKBACK_MONTHS
    rows = Invoice.objects.filter(
        status=Invoice.Status.ISSUED, kind=Invoice.Kind.INVOICE, year__gte=since // 12
    )
    if customer_ids is not None:
        rows = rows.filter(customer_id__in=customer_ids)
    return {
        (c, y, m)
        for c, y, m in rows.values_list("customer_id", "year", "month")
        if since <= y * 12 + m - 1 <= year * 12 + month - 1
    }


def _contracts_by_customer(
    year: int, month: int, customer_ids: Sequence[int] | None
) -> dict[int, list[Contract]]:
    first, last = drafting.month_bounds(year, month)
    contracts = Contract.objects.filter(starts_on__lte=last).exclude(ends_on__lt=first)
    contracts = contracts.exclude(status=Contract.Status.DRAFT).select_related("plan", "customer")
    if customer_ids is not None:
        contracts = contracts.filter(customer_id__in=customer_ids)
    by_customer: dict[int, list[Contract]] = defaultdict(list)
    for contract in contracts:
        by_customer[contract.customer_id].append(contract)
    return by_customer


def _month_drafts(
    year: int, month: int, customer_ids: Sequence[int] | None
) -> dict[int, drafting.MonthDraft]:
    """Drafts of month M. A customer already invoiced for M is skipped: whatever is logged for M
    after that is billed by the next run as late work."""
    issued = _issued_months(customer_ids, year, month)
    by_customer = _contracts_by_customer(year, month, customer_ids)
    start, end = month_window(year, month)
    entries = entry_values(customer_ids=customer_ids, start=start, end=end)
    back_year, back_month0 = divmod(year * 12 + month - 1 - LATE_LOOKBACK_MONTHS, 12)
    lookback = month_window(back_year, back_month0 + 1)[0]
    earlier = entry_values(customer_ids=customer_ids, start=lookback, end=start, unbilled_only=True)
    drafts = {}
    for customer_id, items in by_customer.items():
        if (customer_id, year, month) in issued:
            continue
        late = [
            e
            for e in earlier.get(customer_id, [])
            if (customer_id, e.started.year, e.started.month) in issued
        ]
        draft = drafting.month_draft(
            contracts=[contract_terms(c) for c in items],
            entries=entries.get(customer_id, []),
            year=year,
            month=month,
            default_km=items[0].customer.distance_km,
            late=late,
        )
        if draft.lines:
            drafts[customer_id] = draft
    return drafts


def invoice_drafts_for_month(
    *, year: int, month: int, customer_ids: Sequence[int] | None = None
) -> list[Invoice]:
    """Replace the month's drafts with fresh ones, one per customer with something to bill.

    Issued invoices and the time entries they billed are untouched; unbilled entries of the month
    are linked to the new draft, so the draft and its entries stay traceable.
    """
    with transaction.atomic():
        old = Invoice.objects.filter(
            year=year, month=month, status=Invoice.Status.DRAFT, kind=Invoice.Kind.INVOICE
        )
        if customer_ids is not None:
            old = old.filter(customer_id__in=customer_ids)
        # Unlink first: the late entries of earlier months must be free again to be drafted.
        TimeEntry.objects.filter(invoice__in=old).update(invoice=None)
        InvoiceLine.objects.filter(invoice__in=old).delete()  # one DELETE; lines have no dependants
        old.delete()
        drafts = _month_drafts(year, month, customer_ids)
        pairs = [_draft_invoice(customer_id, draft) for customer_id, draft in drafts.items()]
        invoices = Invoice.objects.bulk_create([invoice for invoice, _ in pairs], batch_size=1000)
        lines = []
        for invoice, (_, invoice_lines) in zip(invoices, pairs, strict=True):
            for line in invoice_lines:
                line.invoice = invoice
            lines += invoice_lines
        InvoiceLine.objects.bulk_create(lines, batch_size=2000)
        _link_entries(year, month, invoices, drafts)
    return invoices


def _link_entries(
    year: int, month: int, invoices: Sequence[Invoice], drafts: dict[int, drafting.MonthDraft]
) -> None:
    """Link the entries each draft was computed from to it.

    M's own entries in one UPDATE (the month's entries on no invoice, matched to their customer's
    draft; customers without a draft keep NULL); the few late entries by id.
    """
    start, end = month_window(year, month)
    draft = Invoice.objects.filter(
        customer_id=OuterRef("customer_id"),
        year=year,
        month=month,
        status=Invoice.Status.DRAFT,
        kind=Invoice.Kind.INVOICE,
    ).values("pk")[:1]
    TimeEntry.objects.filter(started_at__gte=start, started_at__lt=end, invoice__isnull=True).update(
        invoice=Subquery(draft)
    )
    for invoice in invoices:
        late = drafts[invoice.customer_id].late_ids
        if late:
            TimeEntry.objects.filter(pk__in=late, invoice__isnull=True).update(invoice=invoice)


# --- issuing --------------------------------------------------------------------------------


def _default_series(*, credit: bool) -> InvoiceSeries:
    series = (
        InvoiceSeries.objects.filter(is_default=True, for_credit_notes=credit)
        .select_related("seller")
        .first()
    )
    if series is None and credit:
        return _default_series(credit=False)
    if series is None:
        raise ValidationError(_("Create a default invoice series (with its seller) first."))
    return series


def seller_party(seller: Seller) -> Party:
    return Party(
        name=seller.name,
        tax_id=seller.tax_id,
        city=seller.city,
        county=seller.county,
        address=seller.address,
        postal_code=seller.postal_code,
        trade_register=seller.trade_register,
        email=seller.email,
        phone=seller.phone,
        iban=seller.iban,
        bank=seller.bank,
    )


def _vat_for(line: InvoiceLine, rates: Any, seller_pays_vat: bool) -> tuple[VatCategory, Decimal]:
    if line.vat_percent is not None:  # credit notes keep the original's VAT
        return VatCategory(line.vat_category), line.vat_percent
    # A seller not registered for VAT charges none: category O (docs/billing.md §4).
    category = VatCategory(line.vat_category) if seller_pays_vat else VatCategory.NOT_SUBJECT
    return category, percent_for(category, line.service_date, rates)


def _fixed(value: T | None, name: str) -> T:
    if value is None:
        raise ValueError(f"the invoice has no {name} yet: issue it first")
    return value


def _fix_rate(invoice: Invoice, issue_date: date) -> None:
    original = invoice.original
    if invoice.kind == Invoice.Kind.CREDIT_NOTE and original is not None:
        invoice.bnr_rate, invoice.bnr_date = original.bnr_rate, original.bnr_date
        invoice.markup, invoice.rate = original.markup, original.rate
        return
    invoice.bnr_date, invoice.bnr_rate = rate_for(day=issue_date, currency="EUR")
    invoice.markup = fx_markup()
    invoice.rate = fx.invoice_rate(invoice.bnr_rate, invoice.markup)


def _pure_line(row: InvoiceLine) -> Line:
    percent = row.vat_percent if row.vat_percent is not None else Decimal(0)
    return Line(
        row.description,
        row.quantity,
        row.unit_code,
        row.unit_price_eur,
        VatCategory(row.vat_category),
        percent,
    )


def document_of(invoice: Invoice) -> Document:
    """The pure document of an issued (or being issued) invoice, from its frozen values."""
    original = invoice.original
    rate = _fixed(invoice.rate, "exchange rate")
    return Document(
        kind=CREDIT_NOTE if invoice.kind == Invoice.Kind.CREDIT_NOTE else INVOICE,
        number=invoice.full_number or "",
        issue_date=_fixed(invoice.issue_date, "issue date"),
        due_date=_fixed(invoice.due_date, "due date"),
        seller=Party(**invoice.seller_snapshot),
        buyer=Party(**invoice.buyer_snapshot),
        totals=compute([_pure_line(row) for row in invoice.lines.all()], rate),
        rate=rate,
        bnr_rate=_fixed(invoice.bnr_rate, "BNR rate"),
        bnr_date=_fixed(invoice.bnr_date, "BNR date"),
        markup=invoice.markup,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        original_number=(original.full_number or "") if original else "",
        original_date=original.issue_date if original else None,
    )


def _freeze_lines(invoice: Invoice, seller: Seller) -> None:
    """Fix each line's VAT (by its service date) and its lei, then the invoice totals."""
    rates = dated_vat_rates()
    lines = list(invoice.lines.all())
    for line in lines:
        category, percent = _vat_for(line, rates, seller.tax_id.upper().startswith("RO"))
        line.vat_category, line.vat_percent = category.value, percent
    totals = compute([_pure_line(line) for line in lines], _fixed(invoice.rate, "exchange rate"))
    for line, priced in zip(lines, totals.lines, strict=True):
        line.unit_price_ron, line.net_ron, line.net_eur = (
            priced.unit_price_ron,
            priced.net_ron,
            priced.net_eur,
        )
    fields = ["vat_category", "vat_percent", "unit_price_ron", "net_ron", "net_eur"]
    InvoiceLine.objects.bulk_update(lines, fields)
    invoice.net_ron, invoice.vat_ron, invoice.total_ron = totals.net_ron, totals.vat_ron, totals.total_ron
    invoice.net_eur, invoice.vat_eur, invoice.total_eur = totals.net_eur, totals.vat_eur, totals.total_eur


def _complete(party: Party) -> Party:
    missing = efactura.missing_address(party)
    if missing:
        raise ValidationError(
            _("%(name)s lacks %(fields)s, which e-Factura requires.")
            % {"name": party.name, "fields": ", ".join(missing)}
        )
    return party


def invoice_issue(
    *, invoice: Invoice, issue_date: date | None = None, by: Any = None, series: InvoiceSeries | None = None
) -> Invoice:
    """Issue a draft: next gapless number of the series, exchange rate and VAT fixed, frozen.

    Locking: runs in one transaction; the draft row is locked first (two reviewers issuing the same
    draft get one number), then `next_value` holds the series counter's row lock until commit, so
    concurrent issuers queue and a failure rolls the number back (no gap, no duplicate).
    """
    today = issue_date or timezone.localdate(clock_now())
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status != Invoice.Status.DRAFT:
            raise FrozenError(_("This invoice is already issued."))
        if not locked.lines.exists():
            raise ValidationError(_("An invoice needs at least one line."))
        credit = locked.kind == Invoice.Kind.CREDIT_NOTE
        series = series or _default_series(credit=credit)
        customer = locked.customer
        _fix_rate(locked, today)
        _freeze_lines(locked, series.seller)
        locked.series = series
        locked.issue_date = today
        locked.due_date = today + timedelta(days=series.payment_days)
        locked.seller_snapshot = asdict(_complete(seller_party(series.seller)))
        locked.buyer_snapshot = asdict(_complete(customer_party(customer)))
        locked.number = next_value(series.counter_name)
        locked.full_number = series.format(locked.number)
        locked.efactura_xml = efactura.to_xml(document_of(locked)).decode("utf-8")
        locked.status = Invoice.Status.ISSUED
        locked.issued_at = clock_now()
        locked.issued_by = by
        locked.save()
    return locked


def invoice_pdf(*, invoice: Invoice, statement: Statement | None = None) -> bytes:
    """The PDF of an issued invoice, with the month's statement attached (DOMAIN.md §2.7).

    `statement` is the invoice's month when the caller has it already (the statement's email
    attaches every invoice of the month), so it is not drawn up again for each one.
    """
    appendix = ""
    if invoice.kind == Invoice.Kind.INVOICE:
        if statement is None:
            statement = statement_for(customer=invoice.customer, year=invoice.year, month=invoice.month)
        appendix = statement_text(statement)
    return pdf.render(document_of(invoice), appendix=appendix)


def credit_note_create(
    *, invoice: Invoice, reason: str, line_ids: Sequence[int] | None = None, by: Any = None
) -> Invoice:
    """A draft credit note reversing all (or the chosen) lines of an issued invoice.

    It keeps the original's exchange rate and VAT so the lei reverse exactly; issue it with
    `invoice_issue`. The time entries stay linked to the original invoice (they were billed).
    """
    if invoice.status != Invoice.Status.ISSUED or invoice.kind != Invoice.Kind.INVOICE:
        raise ValidationError(_("Only an issued invoice can be credited."))
    lines = list(invoice.lines.all())
    if line_ids is not None:
        lines = [line for line in lines if line.pk in set(line_ids)]
    if not lines:
        raise ValidationError(_("Choose at least one line to credit."))
    with transaction.atomic():
        note = Invoice.objects.create(
            kind=Invoice.Kind.CREDIT_NOTE,
            customer_id=invoice.customer_id,
            year=invoice.year,
            month=invoice.month,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            original=invoice,
            reason=reason,
            net_eur=sum((line.net_eur for line in lines), Decimal(0)),
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=note,
                position=index,
                kind=line.kind,
                description=line.description,
                request=line.request,
                quantity=line.quantity,
                unit_code=line.unit_code,
                unit_price_eur=line.unit_price_eur,
                net_eur=line.net_eur,
                vat_category=line.vat_category,
                vat_percent=line.vat_percent,
                service_date=line.service_date,
            )
            for index, line in enumerate(lines, start=1)
        )
    return note

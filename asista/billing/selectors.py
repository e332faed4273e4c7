"""Billing reads: rates, plain values for the pure cores, statements (DOMAIN.md §2.7, §4)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from asista.billing import drafting
from asista.billing.document import Party
from asista.billing.models import ExchangeRate, Invoice, TimeEntry, VatRate
from asista.billing.vat import ROMANIA_STANDARD, DatedRate
from asista.billing.wording import line_text, month_label
from asista.customers.models import Contract, Customer, Plan
from asista.tickets.models import Attachment, Message, State, Ticket


def rate_for(*, day: date, currency: str = "EUR") -> tuple[date, Decimal]:
    """The last BNR rate published on or before `day` (LookupError when none is stored)."""
    row = (
        ExchangeRate.objects.filter(currency=currency, day__lte=day)
        .order_by("-day")
        .values_list("day", "rate")
        .first()
    )
    if row is None:
        raise LookupError(f"no {currency} rate on or before {day.isoformat()}: run `asista fx fetch`")
    return row[0], row[1]


def dated_vat_rates() -> tuple[DatedRate, ...]:
    rows = tuple(DatedRate(r.valid_from, r.valid_to, r.percent) for r in VatRate.objects.all())
    return rows or ROMANIA_STANDARD


def plan_terms(plan: Plan) -> drafting.PlanTerms:
    return drafting.PlanTerms(
        name=plan.name,
        fee_month=plan.fee_month,
        fee_year=plan.fee_year,
        workstation_fee_month=plan.workstation_fee_month,
        included_units=plan.included_units,
        unit_price=plan.unit_price,
        programming_rate=plan.programming_rate,
        onsite_rate=plan.onsite_rate,
        travel_inside=plan.travel_inside,
        travel_outside_base=plan.travel_outside_base,
        travel_per_km=plan.travel_per_km,
        unit_minutes=plan.unit_minutes,
        hourly_increment_minutes=plan.hourly_increment_minutes,
        carry_over_units=plan.carry_over_units,
    )


def contract_terms(contract: Contract) -> drafting.ContractTerms:
    return drafting.ContractTerms(
        plan=plan_terms(contract.plan),
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        cycle=contract.billing_cycle,
        workstations=contract.workstations,
    )


def customer_party(customer: Customer) -> Party:
    return Party(
        name=customer.name,
        tax_id=customer.tax_id,
        city=customer.city,
        county=customer.county,
        address=customer.address,
        postal_code=customer.postal_code,
        trade_register=customer.trade_register,
        email=customer.billing_email,
    )


def entry_values(
    *, customer_ids: Sequence[int] | None, start: datetime, end: datetime, unbilled_only: bool = False
) -> dict[int, list[drafting.Entry]]:
    """Time entries of the window not on an issued invoice (with `unbilled_only`: on no invoice at
    all), as plain values per customer; all customers when `customer_ids` is None."""
    query = TimeEntry.objects.filter(started_at__gte=start, started_at__lt=end)
    if customer_ids is not None:
        query = query.filter(customer_id__in=customer_ids)
    if unbilled_only:
        query = query.filter(invoice__isnull=True)
    else:
        query = query.exclude(invoice__status=Invoice.Status.ISSUED)
    rows = query.order_by("started_at", "id").values_list(
        "id", "customer_id", "ticket__number", "kind", "started_at", "minutes", "km", "inside_brasov"
    )
    zone = timezone.get_default_timezone()
    by_customer: dict[int, list[drafting.Entry]] = defaultdict(list)
    for pk, customer_id, number, kind, started, minutes, km, inside in rows.iterator(chunk_size=5000):
        local = timezone.localtime(started, zone)
        by_customer[customer_id].append(drafting.Entry(str(number), kind, local, minutes, km, inside, pk))
    return by_customer


@dataclass(frozen=True)
class StatementTicket:
    number: str
    subject: str
    minutes: int
    units: int
    included: int
    overage: int
    entries: tuple[tuple[datetime, StrOrPromise, int, str], ...] = field(default=())


@dataclass(frozen=True)
class Statement:
    customer: str
    year: int
    month: int
    plan: str
    allowance: int
    tickets: tuple[StatementTicket, ...]
    lines: tuple[drafting.DraftLine, ...]
    net_eur: Decimal
    invoices: tuple[str, ...]

    @property
    def units(self) -> int:
        return sum(t.units for t in self.tickets)

    @property
    def overage(self) -> int:
        return sum(t.overage for t in self.tickets)


def month_window(year: int, month: int) -> tuple[datetime, datetime]:
    """The instants a calendar month starts and ends, in the desk's time zone (Europe/Bucharest)."""
    first, last = drafting.month_bounds(year, month)
    zone = timezone.get_default_timezone()
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    return start, datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)


def _month_entries(customer: Customer, year: int, month: int) -> list[TimeEntry]:
    start, end = month_window(year, month)
    return list(
        TimeEntry.objects.filter(customer=customer, started_at__gte=start, started_at__lt=end)
        .select_related("ticket", "agent")
        .order_by("started_at", "id")
    )


def statement_for(*, customer: Customer, year: int, month: int) -> Statement:
    """A customer's month: tickets with units (included / overage), other charges, time history.

    It includes every time entry of the month, billed or not, so it matches the month's invoice
    when one was issued and previews it otherwise.
    """
    first, last = drafting.month_bounds(year, month)
    contracts = list(
        Contract.objects.filter(customer=customer, starts_on__lte=last)
        .exclude(ends_on__lt=first)
        .exclude(status=Contract.Status.DRAFT)
        .select_related("plan")
    )
    entries = _month_entries(customer, year, month)
    values = [
        drafting.Entry(
            str(e.ticket.number),
            e.kind,
            timezone.localtime(e.started_at),
            e.minutes,
            e.km,
            e.inside_brasov,
            e.pk,
        )
        for e in entries
    ]
    draft = drafting.month_draft(
        contracts=[contract_terms(c) for c in contracts],
        entries=values,
        year=year,
        month=month,
        default_km=customer.distance_km,
    )
    usage = {r.request: r for r in draft.usage.requests} if draft.usage else {}
    tickets: dict[str, StatementTicket] = {}
    for entry in entries:
        number = str(entry.ticket.number)
        if number in tickets:
            continue
        own = tuple(
            # the kind's label stays lazy: the statement is worded in its reader's language
            (timezone.localtime(e.started_at), TimeEntry.Kind(e.kind).label, e.minutes, e.note)
            for e in entries
            if e.ticket_id == entry.ticket_id
        )
        row = usage.get(number)
        tickets[number] = StatementTicket(
            number,
            entry.ticket.subject,
            sum(e[2] for e in own),
            row.units if row else 0,
            row.included if row else 0,
            row.overage if row else 0,
            own,
        )
    invoices = tuple(
        Invoice.objects.filter(customer=customer, year=year, month=month, status=Invoice.Status.ISSUED)
        .order_by("issue_date", "number")
        .values_list("full_number", flat=True)
    )
    plan = max(contracts, key=lambda c: c.starts_on).plan.name if contracts else ""
    return Statement(
        customer=customer.name,
        year=year,
        month=month,
        plan=plan,
        allowance=draft.usage.allowance if draft.usage else 0,
        tickets=tuple(tickets.values()),
        lines=draft.lines,
        net_eur=draft.net_eur,
        invoices=tuple(n for n in invoices if n),
    )


def statement_invoices(*, customer: Customer, year: int, month: int) -> list[Invoice]:
    """The issued invoices and credit notes of a customer's month (what the statement's email
    attaches as PDFs)."""
    return list(
        Invoice.objects.filter(customer=customer, year=year, month=month, status=Invoice.Status.ISSUED)
        .select_related("original")
        .order_by("issue_date", "number")
    )


@dataclass(frozen=True)
class WrittenMessage:
    at: datetime
    author: str
    from_customer: bool
    text: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class WrittenHistory:
    """One request's written dialogue (messages to and from the customer, never internal notes)."""

    number: int
    tag: str
    subject: str
    state: StrOrPromise
    messages: tuple[WrittenMessage, ...]


def statement_history(*, customer: Customer, year: int, month: int) -> tuple[WrittenHistory, ...]:
    """The whole written dialogue of each request of the month: those with time logged in it or
    with a message written in it (DOMAIN.md §2.7), oldest request first."""
    start, end = month_window(year, month)
    public = Message.objects.exclude(direction=Message.Direction.NOTE)
    written = public.filter(ticket=OuterRef("pk"), created_at__gte=start, created_at__lt=end)
    worked = TimeEntry.objects.filter(ticket=OuterRef("pk"), started_at__gte=start, started_at__lt=end)
    tickets = (
        Ticket.objects.filter(customer=customer)
        .filter(Q(Exists(written)) | Q(Exists(worked)))
        .order_by("number")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=public.order_by("created_at", "id")
                .defer("html", "references")
                .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id"))),
                to_attr="dialogue",
            )
        )
    )
    return tuple(
        WrittenHistory(
            number=t.number,
            tag=t.tag,
            subject=t.subject,
            state=State(t.state).label,
            messages=tuple(
                WrittenMessage(
                    at=timezone.localtime(m.created_at),
                    author=m.from_name or m.from_address,
                    from_customer=m.direction == Message.Direction.INBOUND,
                    text=m.text,
                    files=tuple(a.filename for a in m.attachments.all()),
                )
                for m in t.dialogue  # type: ignore[attr-defined]
            ),
        )
        for t in tickets
    )


def _number(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def statement_text(statement: Statement, *, language: str = "ro") -> str:
    """A plain-text statement in `language` (Romanian, the invoice's language, by default): for
    the invoice's appendix, the API and the statement's email."""
    with translation.override(language):
        return "\n".join(_statement_lines(statement))


def _statement_lines(statement: Statement) -> list[str]:
    values = {
        "period": month_label(statement.year, statement.month),
        "customer": statement.customer,
        "plan": statement.plan or "—",
        "allowance": statement.allowance,
        "units": statement.units,
        "overage": statement.overage,
    }
    out = [
        _("Statement for %(period)s — %(customer)s") % values,
        _("Plan: %(plan)s; units included: %(allowance)s; used: %(units)s; beyond the included: %(overage)s")
        % values,
        "",
    ]
    for ticket in statement.tickets:
        out.append(
            _(
                "Ticket #%(number)s %(subject)s: %(minutes)s min, %(units)s units "
                "(%(included)s included, %(overage)s beyond)"
            )
            % {
                "number": ticket.number,
                "subject": ticket.subject,
                "minutes": ticket.minutes,
                "units": ticket.units,
                "included": ticket.included,
                "overage": ticket.overage,
            }
        )
        out += [
            f"    {date_format(when, 'SHORT_DATETIME_FORMAT')} {kind}: {minutes} min {note}".rstrip()
            for when, kind, minutes, note in ticket.entries
        ]
    out += ["", _("Charges (EUR, without VAT):")]
    out += [
        f"  {line_text(line)}: {number_format(line.quantity.normalize())} × "
        f"{_number(line.unit_price)} = {_number(line.amount)}"
        for line in statement.lines
    ]
    out.append(_("Total without VAT: %(amount)s EUR") % {"amount": _number(statement.net_eur)})
    if statement.invoices:
        out.append(_("Invoices: %(numbers)s") % {"numbers": ", ".join(statement.invoices)})
    return out


def latest_rate_info(currency: str = "EUR") -> tuple[date, Decimal] | None:
    row = ExchangeRate.objects.filter(currency=currency).order_by("-day").values_list("day", "rate").first()
    return (row[0], row[1]) if row else None

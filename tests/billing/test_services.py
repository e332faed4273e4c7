"""Time entries, drafts, issuing and credit notes against the database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from lxml import etree

from asista.billing import efactura, pdf, selectors, services
from asista.billing.models import ExchangeRate, FrozenError, Invoice, InvoiceSeries, TimeEntry
from asista.customers.models import Contract
from asista.tickets import workflow
from tests import factories
from tests.billing.conftest import Validators

BUCHAREST = ZoneInfo("Europe/Bucharest")
pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BUCHAREST)


@pytest.fixture
def series(db) -> InvoiceSeries:
    return factories.invoice_series()


@pytest.fixture
def rates(db) -> None:
    for day, rate in [
        ("2025-07-31", "5.0744"),
        ("2025-08-01", "5.0770"),
        ("2025-12-31", "5.0985"),
        ("2026-01-05", "5.0960"),
        ("2026-03-31", "5.0900"),
        ("2026-04-01", "5.0950"),
    ]:
        ExchangeRate.objects.create(currency="EUR", day=date.fromisoformat(day), rate=Decimal(rate))


def expert_customer(**fields):
    fields.setdefault("address", "Str. Lungă nr. 5")
    customer = factories.customer(plan=None, workstations=0, **fields)
    Contract.objects.create(
        customer=customer,
        plan=factories.Plan.objects.get(code="expert"),
        starts_on=date(2025, 1, 1),
        workstations=0,
    )
    return customer


def log(ticket, agent, kind: str, when: datetime, minutes: int, **extra) -> TimeEntry:
    return services.time_entry_log(
        ticket=ticket, agent=agent, kind=kind, started_at=when, minutes=minutes, **extra
    )


def test_it_logs_time_by_start_and_end_rounding_seconds_up(agent) -> None:
    ticket = factories.ticket(factories.contact(expert_customer()))
    entry = services.time_entry_log(
        ticket=ticket,
        agent=agent,
        kind="assistance",
        started_at=at(2026, 3, 2, 9),
        ended_at=at(2026, 3, 2, 9, 31),
    )
    assert (entry.minutes, entry.customer_id) == (31, ticket.customer_id)


def test_travel_outside_brasov_needs_km(agent) -> None:
    ticket = factories.ticket(factories.contact(expert_customer()))
    with pytest.raises(Exception, match="km"):
        log(ticket, agent, "travel", at(2026, 3, 2), 0)


def test_it_refuses_an_empty_entry_of_work(agent) -> None:
    ticket = factories.ticket(factories.contact(expert_customer()))
    with pytest.raises(ValidationError, match="minute"):
        log(ticket, agent, "assistance", at(2026, 3, 2), 0)
    assert log(ticket, agent, "travel", at(2026, 3, 2), 0, inside_brasov=True).minutes == 0


def test_it_refuses_time_on_a_cancelled_ticket(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket(factories.contact(expert_customer()))
    workflow.ticket_cancel(ticket, actor=dispatcher, reason="dublură")
    with pytest.raises(ValidationError, match="cancelled"):
        log(ticket, agent, "assistance", at(2026, 3, 2), 30)
    assert not TimeEntry.objects.exists()


def test_on_a_closed_ticket_only_its_assignee_or_a_dispatcher_logs_time(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket(factories.contact(expert_customer()))
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    workflow.ticket_start(ticket, actor=agent)
    workflow.ticket_resolve(ticket, actor=agent, solution="Gata.")
    workflow.ticket_accept(ticket, actor=dispatcher)
    with pytest.raises(ValidationError, match="closed"):
        log(ticket, factories.staff("agent"), "assistance", at(2026, 3, 2), 30)
    assert log(ticket, agent, "assistance", at(2026, 3, 2), 30).minutes == 30
    assert log(ticket, dispatcher, "assistance", at(2026, 3, 3), 15).minutes == 15


def test_a_remote_session_creates_its_time_entry(agent) -> None:
    ticket = factories.ticket(factories.contact(expert_customer()))
    session = services.remote_session_log(
        ticket=ticket,
        agent=agent,
        tool="anydesk",
        started_at=at(2026, 3, 2, 9),
        ended_at=at(2026, 3, 2, 9, 45),
    )
    assert session.time_entry.minutes == 45
    assert session.time_entry.kind == "assistance"


def test_the_month_run_drafts_an_expert_with_overage(agent) -> None:
    """Expert, 0 workstations, March 2026: 14 units over 5 tickets → 4 × 25 = 100 EUR, plus the
    monthly fee 300 EUR: draft net 400.00 EUR."""
    customer = expert_customer()
    contact = factories.contact(customer)
    for day, minutes in [(2, 95), (3, 120), (4, 61), (5, 30), (6, 31)]:
        log(factories.ticket(contact), agent, "assistance", at(2026, 3, day), minutes)
    (draft,) = services.invoice_drafts_for_month(year=2026, month=3, customer_ids=[customer.pk])
    assert draft.net_eur == Decimal("400.00")
    assert [(line.kind, line.net_eur) for line in draft.lines.all()] == [
        ("subscription", Decimal("300.00")),
        ("units", Decimal("100.00")),
    ]
    assert TimeEntry.objects.filter(invoice=draft).count() == 5


def test_rerunning_the_month_replaces_the_drafts(agent) -> None:
    customer = expert_customer()
    log(factories.ticket(factories.contact(customer)), agent, "assistance", at(2026, 3, 2), 30)
    services.invoice_drafts_for_month(year=2026, month=3, customer_ids=[customer.pk])
    services.invoice_drafts_for_month(year=2026, month=3, customer_ids=[customer.pk])
    assert Invoice.objects.filter(customer=customer).count() == 1


def test_issuing_uses_the_last_rate_before_a_holiday_and_freezes(
    agent, series, rates, validators: Validators
) -> None:
    """Issued Fri 2026-01-02: BNR 2025-12-31 5.0985 × 1.02 → 5.2005. December 2025 Expert fee
    300 EUR: RON price 300 × 5.2005 = 1560.15; VAT 21 % (service 2025-12-31) = 327.6315 → 327.63;
    total 1887.78 lei."""
    customer = expert_customer()
    (draft,) = services.invoice_drafts_for_month(year=2025, month=12, customer_ids=[customer.pk])
    invoice = services.invoice_issue(invoice=draft, issue_date=date(2026, 1, 2))
    assert (invoice.bnr_date, invoice.bnr_rate, invoice.rate) == (
        date(2025, 12, 31),
        Decimal("5.0985"),
        Decimal("5.2005"),
    )
    assert (invoice.net_ron, invoice.vat_ron, invoice.total_ron) == (
        Decimal("1560.15"),
        Decimal("327.63"),
        Decimal("1887.78"),
    )
    assert invoice.full_number == "AST000001"
    xml = invoice.efactura_xml.encode()
    assert validators.xsd_errors(xml) == [] and validators.fatal(xml) == []
    assert pdf.render(services.document_of(invoice)).startswith(b"%PDF")
    assert services.invoice_pdf(invoice=invoice).count(b"/Type /Page\n") == 2  # invoice + statement
    invoice.reason = "changed"
    with pytest.raises(FrozenError):
        invoice.save()
    with pytest.raises(FrozenError):
        invoice.lines.first().save()
    with pytest.raises(FrozenError):
        services.invoice_issue(invoice=invoice)


def test_july_2025_work_invoiced_in_august_2025_is_taxed_at_19_percent(agent, series, rates) -> None:
    """Tip 0, one request of 31 min on 2025-07-15 → 2 units × 50 = 100 EUR, service date
    2025-07-31 → 19 %. Issued 2025-08-01: 5.0770 × 1.02 = 5.17854 → 5.1785; RON price 50 × 5.1785
    = 258.925 → 258.9250; net 2 × 258.925 = 517.85; VAT 19 % = 98.3915 → 98.39."""
    customer = factories.customer(plan="tip-0", address="Str. Lungă nr. 5")
    log(factories.ticket(factories.contact(customer)), agent, "assistance", at(2025, 7, 15), 31)
    (draft,) = services.invoice_drafts_for_month(year=2025, month=7, customer_ids=[customer.pk])
    invoice = services.invoice_issue(invoice=draft, issue_date=date(2025, 8, 1))
    (line,) = invoice.lines.all()
    assert line.vat_percent == Decimal(19)
    assert (invoice.net_ron, invoice.vat_ron) == (Decimal("517.85"), Decimal("98.39"))


def test_it_refuses_to_issue_to_a_buyer_without_an_address(series, rates) -> None:
    customer = expert_customer(address="")
    (draft,) = services.invoice_drafts_for_month(year=2026, month=3, customer_ids=[customer.pk])
    with pytest.raises(ValidationError, match="address"):
        services.invoice_issue(invoice=draft, issue_date=date(2026, 4, 1))
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.number is None


def test_time_entries_on_an_issued_invoice_refuse_edits(agent, series, rates) -> None:
    customer = expert_customer()
    entry = log(factories.ticket(factories.contact(customer)), agent, "assistance", at(2026, 3, 2), 30)
    (draft,) = services.invoice_drafts_for_month(year=2026, month=3, customer_ids=[customer.pk])
    services.time_entry_update(entry=entry, note="still a draft: allowed")
    services.invoice_issue(invoice=draft, issue_date=date(2026, 4, 1))
    entry.refresh_from_db()
    with pytest.raises(FrozenError):
        services.time_entry_update(entry=entry, minutes=10)
    with pytest.raises(FrozenError):
        entry.delete()


def test_a_credit_note_reverses_at_the_original_rate(agent, series, rates, validators: Validators) -> None:
    customer = expert_customer()
    (draft,) = services.invoice_drafts_for_month(year=2026, month=3, customer_ids=[customer.pk])
    invoice = services.invoice_issue(invoice=draft, issue_date=date(2026, 4, 1))
    note = services.credit_note_create(invoice=invoice, reason="Abonament facturat greșit")
    note = services.invoice_issue(invoice=note, issue_date=date(2026, 4, 20))
    assert note.rate == invoice.rate and note.total_ron == invoice.total_ron
    assert (note.full_number, invoice.full_number) == ("AST000002", "AST000001")
    root = etree.fromstring(note.efactura_xml.encode())
    assert root.tag == f"{{{efactura.NS_CREDIT}}}CreditNote"
    assert validators.fatal(note.efactura_xml.encode()) == []


def test_a_statement_traces_units_to_tickets(agent) -> None:
    customer = expert_customer()
    contact = factories.contact(customer)
    first = factories.ticket(contact)
    log(first, agent, "assistance", at(2026, 3, 2), 20)
    log(first, agent, "change", at(2026, 3, 3), 20)
    statement = selectors.statement_for(customer=customer, year=2026, month=3)
    (row,) = statement.tickets
    assert (row.minutes, row.units, row.included, row.overage) == (40, 2, 2, 0)
    assert "Tichet #" in selectors.statement_text(statement)


def test_time_logged_after_its_month_was_invoiced_is_billed_by_the_next_run(agent, series, rates) -> None:
    """March invoiced with 5 units (all included). A 31-minute entry for 30 March logged later:
    March is not drafted again; April's run bills it as late work, 2 units with none included
    (March's allowance was settled), 2 × 25 = 50 EUR, plus April's fee 300. Rerunning April
    gives the same draft."""
    customer = expert_customer()
    ticket = factories.ticket(factories.contact(customer))
    log(ticket, agent, "assistance", at(2026, 3, 2), 150)
    (march,) = services.invoice_drafts_for_month(year=2026, month=3, customer_ids=[customer.pk])
    services.invoice_issue(invoice=march, issue_date=date(2026, 4, 1))
    late = log(ticket, agent, "assistance", at(2026, 3, 30), 31)
    assert services.invoice_drafts_for_month(year=2026, month=3, customer_ids=[customer.pk]) == []
    for _ in range(2):
        (april,) = services.invoice_drafts_for_month(year=2026, month=4, customer_ids=[customer.pk])
        assert [(line.kind, line.net_eur, line.service_date) for line in april.lines.all()] == [
            ("subscription", Decimal("300.00"), date(2026, 4, 30)),
            ("units", Decimal("50.00"), date(2026, 3, 31)),
        ]
        late.refresh_from_db()
        assert late.invoice_id == april.pk

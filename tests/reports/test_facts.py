"""`facts_refresh` fills the fact tables from the hand-built desk (see conftest for the timeline)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from asista.reports.models import CustomerMonth, SlaFact, TicketFact
from asista.reports.services import facts_refresh
from asista.tickets.models import Ticket
from tests.reports.conftest import FEBRUARY, MARCH, NOW, Desk, at

pytestmark = pytest.mark.django_db


def facts(desk: Desk) -> dict[str, TicketFact]:
    by_id = {fact.ticket_id: fact for fact in TicketFact.objects.all()}
    return {name: by_id[ticket.pk] for name, ticket in desk.tickets.items()}


def test_it_stores_business_minutes_to_first_response_and_to_resolution(desk: Desk) -> None:
    result = facts_refresh(now=NOW, full=True)
    assert result.tickets == 7
    found = {
        name: (f.first_response_minutes, f.resolution_minutes, f.waiting_minutes)
        for name, f in facts(desk).items()
    }
    assert found == {
        "T1": (30, 120, 0),
        "T2": (60, 120, 480),
        "T3": (120, 480, 0),
        "T4": (180, None, 0),
        "T5": (10, 40, 0),
        "T6": (None, None, 0),
        "T7": (30, None, 0),  # 1 December is a public holiday (Ziua Națională)
    }


def test_it_stores_the_local_month_weekday_and_hour_of_arrival(desk: Desk) -> None:
    facts_refresh(now=NOW, full=True)
    f = facts(desk)
    assert (f["T2"].arrival_month, f["T2"].arrival_weekday, f["T2"].arrival_hour) == (MARCH, 1, 16)
    assert (f["T3"].arrival_weekday, f["T3"].arrival_hour) == (6, 10)
    assert (f["T5"].arrival_month, f["T5"].resolved_month) == (FEBRUARY, FEBRUARY)
    assert f["T7"].arrival_month == date(2025, 12, 1)


def test_it_keeps_only_judged_clocks_in_the_month_of_their_verdict(desk: Desk) -> None:
    facts_refresh(now=NOW, full=True)
    rows = sorted(SlaFact.objects.values_list("month", "target", "met"))
    assert rows == [
        (FEBRUARY, "urgent_answer", True),
        (MARCH, "change_delivered", False),
        (MARCH, "first_response", False),
        (MARCH, "first_response", True),
        (MARCH, "first_response", True),
        (MARCH, "first_response", True),
    ]


def test_it_counts_units_per_customer_month_by_the_billing_rules(desk: Desk) -> None:
    """Expert March: 20 min → 1, 100 → 4, 120+80 → 7: 12 units, 10 included, 2 × 25 = 50 EUR.
    Tip 0 March: 45 min → 2 units, none included, 2 × 50 = 100 EUR."""
    facts_refresh(now=NOW, full=True)
    row = CustomerMonth.objects.get(customer_id=desk.expert.pk, month=MARCH)
    assert (row.included_units, row.units, row.included_used, row.overage_units) == (10, 12, 10, 2)
    assert str(row.overage_eur) == "50.00"
    assert (row.programming_minutes, row.onsite_minutes) == (90, 120)
    tip0 = CustomerMonth.objects.get(customer_id=desk.tip0.pk, month=MARCH)
    assert (tip0.included_units, tip0.units, tip0.overage_units, str(tip0.overage_eur)) == (0, 2, 2, "100.00")
    # A month with a contract and no work still shows its allowance.
    quiet = CustomerMonth.objects.get(customer_id=desk.expert.pk, month=date(2026, 1, 1))
    assert (quiet.included_units, quiet.units) == (10, 0)


def test_an_incremental_refresh_picks_up_a_ticket_resolved_since(desk: Desk) -> None:
    Ticket.objects.update(updated_at=at("2026-03-20 12:00"))  # update() leaves auto_now alone
    facts_refresh(now=at("2026-03-20 13:00"), full=True)
    ticket = desk.tickets["T4"]
    ticket.state, ticket.resolved_at = "resolved", at("2026-03-04 10:00")
    ticket.save()
    result = facts_refresh(now=timezone.now())
    assert not result.full and result.tickets == 1 and result.generation == 2
    # held Tue 10:00 → Wed 10:00: 6.5 h + 1.5 h
    assert TicketFact.objects.get(ticket=ticket).resolution_minutes == 480


def test_the_command_refreshes(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("reports", "refresh", "--full")
    assert "full refresh: 7 tickets, 6 SLA verdicts" in capsys.readouterr().out
    assert TicketFact.objects.count() == 7

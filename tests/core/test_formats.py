"""Dates read the same way in both languages: day first, a 24-hour clock; money keeps each
language's separators (Romanian 1.234,56, English 1,234.56)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import formats, translation

from asista.billing.models import Invoice
from tests import factories

MOMENT = datetime(2026, 11, 26, 14, 52, tzinfo=ZoneInfo("Europe/Bucharest"))


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("en", "SHORT_DATETIME_FORMAT", "26 Nov 2026, 14:52"),
        ("en", "SHORT_DATE_FORMAT", "26 Nov 2026"),
        ("en", "DATETIME_FORMAT", "26 November 2026, 14:52"),
        ("en", "TIME_FORMAT", "14:52"),
        ("ro", "SHORT_DATETIME_FORMAT", "26.11.2026, 14:52"),
        ("ro", "SHORT_DATE_FORMAT", "26.11.2026"),
    ],
)
def test_dates_are_day_first_with_a_24_hour_clock(language: str, name: str, expected: str) -> None:
    with translation.override(language):
        assert formats.date_format(MOMENT, name) == expected


def test_an_english_form_reads_a_slashed_date_day_first() -> None:
    with translation.override("en"):
        field = forms.DateField()
        assert field.clean("12/08/2026") == date(2026, 8, 12)
        assert field.clean("2026-08-12") == date(2026, 8, 12)
        assert field.clean("12.08.2026") == date(2026, 8, 12)


@pytest.mark.django_db
def test_the_desk_shows_due_times_day_first_in_both_languages(client, dispatcher) -> None:  # type: ignore[no-untyped-def]
    from asista.tickets.models import Ticket

    ticket = factories.ticket()
    Ticket.objects.filter(pk=ticket.pk).update(due_at=datetime(2030, 1, 7, 14, 30, tzinfo=MOMENT.tzinfo))
    client.force_login(dispatcher)
    assert "07.01.2030, 14:30" in client.get("/desk/?view=all").content.decode()
    client.post("/desk/language/", {"language": "en"})
    english = client.get("/desk/?view=all").content.decode()
    assert "07 Jan 2030, 14:30" in english and "p.m." not in english
    assert "07 Jan 2030, 14:30" in client.get(f"/desk/t/{ticket.number}/").content.decode()


@pytest.mark.django_db
def test_the_portal_shows_invoice_dates_and_money_in_each_language(client) -> None:  # type: ignore[no-untyped-def]
    person = factories.contact()
    Invoice.objects.create(
        customer=person.customer,
        year=2026,
        month=10,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        status=Invoice.Status.ISSUED,
        number=7,
        full_number="AS000007",
        issue_date=date(2026, 11, 3),
        rate=Decimal("5.2005"),
        total_ron=Decimal("12560.15"),
    )
    client.force_login(person.user)
    romanian = client.get("/portal/invoices/").content.decode()
    assert "03.11.2026" in romanian and "01.10.2026 – 31.10.2026" in romanian and "12.560,15" in romanian
    client.post("/portal/language/", {"language": "en"})
    english = client.get("/portal/invoices/").content.decode()
    assert "03 Nov 2026" in english and "01 Oct 2026 – 31 Oct 2026" in english and "12,560.15" in english


@pytest.mark.django_db
def test_the_portal_ticket_page_shows_its_arrival_day_first(client) -> None:  # type: ignore[no-untyped-def]
    import time_machine

    person = factories.contact()
    with time_machine.travel(datetime(2026, 12, 8, 9, 5, tzinfo=MOMENT.tzinfo), tick=False):
        ticket = factories.ticket(person)
    person.language = "en"
    person.save(update_fields=["language"])
    client.force_login(person.user)
    page = client.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert "08 Dec 2026, 09:05" in page and "12/08/2026" not in page

"""A new request: urgencies are phoned in, with the plan's numbers and its real promise."""

from __future__ import annotations

import pytest

from asista.tickets.models import Ticket
from tests import factories

pytestmark = pytest.mark.django_db


def _page(client, plan: str, language: str = "ro") -> str:  # type: ignore[no-untyped-def]
    person = factories.contact(factories.customer(plan=plan), language=language)
    client.force_login(person.user)
    return client.get("/portal/tickets/new/").content.decode()


def test_tip_0_shows_its_phone_with_no_guaranteed_time(client, plans):  # type: ignore[no-untyped-def]
    plans["tip-0"].urgent_phones = "0268 000 999"
    plans["tip-0"].save()
    page = _page(client, "tip-0")
    assert '<a href="tel:0268000999">0268 000 999</a>' in page
    promise = "Pachetul dumneavoastră Tip 0: telefonul este disponibil pentru urgențe, fără un timp de"
    assert f"{promise} răspuns garantat." in page
    assert "imediat" not in page and "at once" not in page


def test_expert_promises_an_answer_within_2_business_hours(client, plans):  # type: ignore[no-untyped-def]
    plans["expert"].urgent_phones = "0268 000 101\n0268 000 102\n0268 000 103"
    plans["expert"].save()
    page = _page(client, "expert", language="en")
    assert all(f">0268 000 10{n}</a>" in page for n in (1, 2, 3))
    assert "Your Expert plan: we answer an urgent call within 2 business hours." in page


def test_a_plan_without_numbers_points_to_the_contract(client):  # type: ignore[no-untyped-def]
    assert "numărul de telefon de asistență scris în contractul dumneavoastră" in _page(client, "tip-0")


def test_the_send_button_goes_away_when_urgent_is_chosen(client):  # type: ignore[no-untyped-def]
    page = _page(client, "expert")
    assert 'id="send-request"' in page and "/static/portal/new_request.js" in page


def test_without_javascript_an_urgent_request_is_explained_and_kept(client, plans):  # type: ignore[no-untyped-def]
    plans["expert"].urgent_phones = "0268 000 101"
    plans["expert"].save()
    person = factories.contact(factories.customer(plan="expert"))
    client.force_login(person.user)
    response = client.post(
        "/portal/tickets/new/",
        {"subject": "Nu pot emite facturi", "kind": "urgent", "text": "Eroare la casa de marcat"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Solicitarea nu a fost trimisă: urgențele se anunță la telefon." in page
    assert 'value="Nu pot emite facturi"' in page and "Eroare la casa de marcat</textarea>" in page
    assert 'value="urgent" required id="id_kind_2" checked' in page
    assert "0268 000 101" in page
    assert not Ticket.objects.exists()

"""The company's requests: a page at a time, all, open or closed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asista.tickets import workflow
from asista.tickets.models import State, Ticket
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():  # type: ignore[no-untyped-def]
    return factories.contact(factories.customer(plan="expert"))


def _tags(page: str) -> list[str]:
    return [part.split("<")[0] for part in page.split('data-label="Tichet"><a href="/portal/tickets/')[1:]]


def test_it_pages_past_the_first_25_requests_newest_first(client, person):  # type: ignore[no-untyped-def]
    tickets = [factories.ticket(person, subject=f"Cererea {n}") for n in range(30)]
    client.force_login(person.user)
    first = client.get("/portal/tickets/").content.decode()
    assert "Pagina 1 din 2" in first and "Mai vechi →" in first and "← Mai noi" not in first
    assert "Cererea 29" in first and "Cererea 5<" in first and "Cererea 4<" not in first
    second = client.get("/portal/tickets/?show=all&page=2").content.decode()
    assert "Pagina 2 din 2" in second and "← Mai noi" in second and "Mai vechi →" not in second
    assert all(f"Cererea {n}<" in second for n in range(5)) and "Cererea 5<" not in second
    assert len(tickets) == 30


def test_a_page_beyond_the_last_shows_the_last(client, person):  # type: ignore[no-untyped-def]
    factories.ticket(person, subject="Singura")
    client.force_login(person.user)
    page = client.get("/portal/tickets/?page=99").content.decode()
    assert "Singura" in page and "Pagina" not in page  # one page: no pager


def test_it_filters_open_and_closed_requests_with_their_counts(client, person, dispatcher, agent):  # type: ignore[no-untyped-def]
    open_one = factories.ticket(person, subject="Încă deschisă")
    closed = factories.ticket(person, subject="Deja închisă")
    workflow.ticket_cancel(closed, actor=dispatcher, reason="dublură")
    resolved = factories.ticket(person, subject="De acceptat")
    workflow.ticket_assign(resolved, actor=dispatcher, assignee=agent)
    workflow.ticket_start(resolved, actor=agent)
    workflow.ticket_resolve(resolved, actor=agent, solution="Gata")
    client.force_login(person.user)
    shown = client.get("/portal/tickets/?show=open").content.decode()
    assert "Încă deschisă" in shown and "De acceptat" in shown and "Deja închisă" not in shown
    assert '<a href="?show=open" aria-current="page">Deschise <span class="count">2</span>' in shown
    shown = client.get("/portal/tickets/?show=closed").content.decode()
    assert "Deja închisă" in shown and "Încă deschisă" not in shown
    assert 'Închise <span class="count">1</span>' in shown and 'Toate <span class="count">3</span>' in shown
    assert Ticket.objects.get(pk=open_one.pk).state == State.NEW


def test_an_unknown_filter_lists_everything(client, person):  # type: ignore[no-untyped-def]
    factories.ticket(person, subject="Oricare")
    client.force_login(person.user)
    assert "Oricare" in client.get("/portal/tickets/?show=<script>").content.decode()


def test_the_list_never_shows_another_companys_requests(client, person):  # type: ignore[no-untyped-def]
    factories.ticket(factories.contact(factories.customer(plan="tip-0")), subject="Secretul altora")
    client.force_login(person.user)
    for show in ("all", "open", "closed"):
        page = client.get(f"/portal/tickets/?show={show}").content.decode()
        assert "Secretul altora" not in page and 'class="count">0</span>' in page


def test_the_list_costs_the_same_queries_for_5_or_25_rows(client, person):  # type: ignore[no-untyped-def]
    client.force_login(person.user)
    client.get("/portal/tickets/")  # the session's first request sets it up
    counts = []
    for _ in range(2):
        for _n in range(5 if not counts else 20):
            factories.ticket(person)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/portal/tickets/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8

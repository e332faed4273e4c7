from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asista.desk import selectors
from asista.tickets import workflow
from tests import factories

pytestmark = pytest.mark.django_db


def _tickets(n: int, **fields):  # type: ignore[no-untyped-def]
    person = factories.contact()
    return [factories.ticket(person, subject=f"Problema {i}", **fields) for i in range(n)]


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_it_costs_the_same_few_queries_whatever_the_page_size(client, dispatcher, agent):  # type: ignore[no-untyped-def]
    tickets = _tickets(30)
    for ticket in tickets[:10]:
        workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    # Through the login page, as people do: it keeps the language preference in the session.
    assert client.post("/login/", {"username": dispatcher.username, "password": "pw"}).status_code == 302
    small = _queries(client, "/desk/?view=all&size=5")
    large = _queries(client, "/desk/?view=all&size=30")
    searched = _queries(client, "/desk/?view=all&size=30&q=problema")
    assert small == large <= 10
    assert searched <= 10  # tests/desk/test_search.py counts what a search adds


def test_it_shows_customer_plan_badge_and_assignee(client, dispatcher, agent):  # type: ignore[no-untyped-def]
    ticket = _tickets(1)[0]
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    client.force_login(agent)
    page = client.get("/desk/").content.decode()
    assert ticket.subject in page
    assert ticket.customer.name in page
    assert "Expert" in page
    assert agent.get_full_name() in page


def test_it_counts_every_view(dispatcher, agent):  # type: ignore[no-untyped-def]
    tickets = _tickets(4)
    workflow.ticket_assign(tickets[0], actor=dispatcher, assignee=agent)
    counts = selectors.view_counts(user=agent, now=tickets[0].created_at)
    assert counts["mine"] == 1
    assert counts["unassigned"] == 3
    assert counts["all"] == 4


def test_keyset_pages_walk_every_ticket_once_in_queue_order(agent):  # type: ignore[no-untyped-def]
    tickets = _tickets(12)
    workflow.ticket_change_kind_priority(tickets[5], actor=factories.staff("dispatcher"), priority="urgent")
    seen, cursor = [], ""
    while True:
        page = selectors.queue_page(
            user=agent, filters=selectors.QueueFilters(view="all"), cursor=cursor, size=5
        )
        seen += [t.pk for t in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    from asista.tickets.models import Ticket

    assert seen == list(Ticket.objects.in_queue_order().values_list("pk", flat=True))
    assert seen == list(Ticket.objects.in_queue_order().values_list("pk", flat=True))  # no NULL due here
    assert seen[0] == tickets[5].pk


def test_tickets_without_a_running_clock_come_last_on_every_database(agent, dispatcher):  # type: ignore[no-untyped-def]
    waiting, running = _tickets(2)
    workflow.ticket_assign(waiting, actor=dispatcher, assignee=agent)
    workflow.ticket_start(waiting, actor=agent)
    workflow.ticket_ask_customer(waiting, actor=agent, text="?")
    waiting.refresh_from_db()
    assert waiting.due_at is None
    first = selectors.queue_page(user=agent, filters=selectors.QueueFilters(view="all"), size=1)
    second = selectors.queue_page(
        user=agent, filters=selectors.QueueFilters(view="all"), size=1, cursor=first.next_cursor
    )
    assert [first.rows[0].pk, second.rows[0].pk] == [running.pk, waiting.pk]


def test_search_finds_words_of_messages_without_diacritics(client, agent):  # type: ignore[no-untyped-def]
    person = factories.contact()
    wanted = factories.ticket(person, subject="Casa de marcat", text="Nu se tipărește bonul fiscal")
    factories.ticket(person, subject="Altceva", text="Raport lunar")
    client.force_login(agent)
    page = client.get("/desk/?view=all&q=tiparest").content.decode()
    assert wanted.subject in page
    assert "Altceva" not in page
    assert wanted.subject in client.get(f"/desk/?view=all&q=%23{wanted.number}").content.decode()


def test_search_follows_new_messages(agent):  # type: ignore[no-untyped-def]
    ticket = _tickets(1)[0]
    workflow.ticket_add_note(ticket, actor=factories.staff("dispatcher"), text="licenta expirata")
    page = selectors.queue_page(user=agent, filters=selectors.QueueFilters(view="all", q="licenta"))
    assert [t.pk for t in page.rows] == [ticket.pk]


def test_a_contact_cannot_open_the_desk(client):  # type: ignore[no-untyped-def]
    person = factories.contact()
    client.force_login(person.user)
    assert client.get("/desk/").status_code == 404


def test_a_visitor_is_sent_to_log_in(client):  # type: ignore[no-untyped-def]
    response = client.get("/desk/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_bad_value_drops_only_its_own_filter_and_says_so(client, agent):  # type: ignore[no-untyped-def]
    tickets = _tickets(3)
    client.force_login(agent)
    page = client.get("/desk/?view=all&state=bogus&q=problema&size=100000").content.decode()
    assert 'href="?view=all" aria-current="page"' in page  # the view and the search are kept
    assert all(t.subject in page for t in tickets)
    assert "Valori nevalide, deci ignorate: Stare." in page
    assert client.get("/desk/?view=all&size=0&plan=abc&after=" + "x" * 500).status_code == 200


def test_a_huge_number_in_the_customer_filter_is_a_name_not_an_error(client, agent):  # type: ignore[no-untyped-def]
    _tickets(1)
    client.force_login(agent)
    response = client.get("/desk/?view=all&customer=99999999999999999999999")
    assert response.status_code == 200
    assert "Niciun tichet aici." in response.content.decode()


def test_the_customer_filter_ignores_diacritics_and_case(client, agent):  # type: ignore[no-untyped-def]
    carpati = factories.contact(factories.customer(name="Hotel Carpați SRL"))
    ticket = factories.ticket(carpati, subject="Rezervări blocate")
    other = _tickets(1)[0]
    client.force_login(agent)
    page = client.get("/desk/?view=all&customer=carpati").content.decode()
    assert ticket.subject in page and other.subject not in page
    by_id = client.get(f"/desk/?view=all&customer={ticket.customer_id}").content.decode()
    assert ticket.subject in by_id and other.subject not in by_id


def test_the_rows_alone_are_never_what_back_shows(client, agent):  # type: ignore[no-untyped-def]
    _tickets(1)
    client.force_login(agent)
    rows = client.get("/desk/?view=all&q=problema", headers={"HX-Request": "true"})
    assert "<html" not in rows.content.decode()
    assert "no-store" in rows["Cache-Control"] and "HX-Request" in rows["Vary"]
    full = client.get("/desk/?view=all&q=problema")
    assert "<html" in full.content.decode() and "HX-Request" in full["Vary"]
    restored = client.get(
        "/desk/?view=all&q=problema", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restored.content.decode()


def test_a_search_that_finds_nothing_in_a_view_offers_all_tickets(client, agent):  # type: ignore[no-untyped-def]
    _tickets(1)
    client.force_login(agent)
    page = client.get("/desk/?view=mine&q=problema").content.decode()
    assert "Caută în toate tichetele" in page
    assert "view=all" in page

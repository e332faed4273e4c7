"""Search: words in many messages walk the queue, words in few list their matches; both give
the same tickets in the same order, page after page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asista.desk import search, selectors
from asista.tickets import workflow
from asista.tickets.models import Ticket
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():  # type: ignore[no-untyped-def]
    """Twelve tickets; every third speaks of the printer, the sixth is urgent (first in queue)."""
    person = factories.contact()
    tickets = []
    for i in range(12):
        text = f"Imprimanta fiscală nu tipărește bonul {i}" if i % 3 == 0 else f"Raportul lunar {i}"
        tickets.append(factories.ticket(person, subject=f"Cererea {i}", text=text))
    workflow.ticket_change_kind_priority(tickets[6], actor=factories.staff("dispatcher"), priority="urgent")
    return tickets


def _pages(agent, q: str, size: int) -> list[int]:  # type: ignore[no-untyped-def]
    seen, cursor = [], ""
    while True:
        page = selectors.queue_page(
            user=agent, filters=selectors.QueueFilters(view="all", q=q), cursor=cursor, size=size
        )
        seen += [t.pk for t in page.rows]
        cursor = page.next_cursor
        if not cursor:
            return seen


def _expected(q: str) -> list[int]:
    return list(
        Ticket.objects.filter(search.matching_tickets(q)).in_queue_order().values_list("pk", flat=True)
    )


@pytest.mark.parametrize("common, walk", [(10**9, 1000), (0, 1000), (0, 5), (0, 2)])
def test_every_way_finds_the_same_tickets_in_queue_order(desk, agent, monkeypatch, common, walk) -> None:  # type: ignore[no-untyped-def]
    """Rare words (listed), common ones (walked), a walk longer and shorter than the queue, a
    walk that must give up and list instead: the same tickets, page after page."""
    monkeypatch.setattr(search, "COMMON_MESSAGES", common)
    monkeypatch.setattr(search, "WALK_TICKETS", walk)
    for q in ("imprimanta", "tiparest bonul", "raport", "bonul 9", "nimic"):
        expected = _expected(q)
        assert _pages(agent, q, size=2) == expected, q
        assert _pages(agent, q, size=50) == expected, q
    assert _expected("imprimanta")[0] == desk[6].pk and len(_expected("imprimanta")) == 4


def test_a_search_costs_one_to_three_queries_more_than_the_queue(
    desk, client, dispatcher, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(search, "COMMON_MESSAGES", 0)
    assert client.post("/login/", {"username": dispatcher.username, "password": "pw"}).status_code == 302

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    plain = queries("/desk/?view=all&size=5")
    monkeypatch.setattr(search, "WALK_TICKETS", 5)  # the queue is longer: bounded walk
    # The queue's first tickets (SQLite: with the count; PostgreSQL: after the planner's
    # estimate), then one slice of them tested.
    walked = 3 if connection.vendor == "postgresql" else 2
    assert queries("/desk/?view=all&size=2&q=imprimanta") == plain + walked
    monkeypatch.setattr(search, "COMMON_MESSAGES", 10**9)  # rare: listed inside the page's query
    assert queries("/desk/?view=all&size=2&q=imprimanta") == plain + 1


def test_the_word_test_matches_word_starts_without_case_or_diacritics() -> None:
    folded = "tiparest bon"
    assert search.has_words("Casa", "Nu se TIPĂREȘTE bonul fiscal", folded)
    assert search.has_words("Bonul", "nu se tipărește", folded)  # subject and text together
    assert not search.has_words("Casa", "nu se tipărește", folded)  # every word
    assert not search.has_words("Casa", "retiparesti abonul", folded)  # at the start of a word
    assert search.has_words(None, "export_bon tiparesti", folded)  # "_" separates words, as in FTS5


def test_an_email_address_finds_its_requester_s_tickets(client, agent) -> None:  # type: ignore[no-untyped-def]
    maria = factories.contact(emails=["maria@brasovia.example", "maria.pop@gmail.example"])
    mine = [factories.ticket(maria, subject="Prima"), factories.ticket(maria, subject="A doua")]
    other = factories.ticket(subject="Alt client")
    client.force_login(agent)
    page = client.get("/desk/?view=all&q=MARIA.POP@gmail.example").content.decode()
    assert all(t.subject in page for t in mine) and other.subject not in page

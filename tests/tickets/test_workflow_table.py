"""Every transition of DOMAIN.md §2 from every state: allowed ones move, the rest are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from asista.core.errors import TransitionRefused
from asista.tickets import workflow
from asista.tickets.models import Event, State
from tests import factories

S = State
ALL_STATES = list(State)


@pytest.fixture
def people(db, agent, dispatcher):  # type: ignore[no-untyped-def]
    return {"agent": agent, "dispatcher": dispatcher, "contact": factories.contact()}


def ticket_in(state: str, people: dict) -> object:  # type: ignore[type-arg]
    """Drive a fresh ticket through the real workflow to `state`."""
    agent, dispatcher, contact = people["agent"], people["dispatcher"], people["contact"]
    ticket = factories.ticket(contact)
    if state == S.NEW:
        return ticket
    if state == S.CANCELLED:
        workflow.ticket_cancel(ticket, actor=dispatcher, reason="duplicate")
        return ticket
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    if state == S.ASSIGNED:
        return ticket
    workflow.ticket_start(ticket, actor=agent)
    if state == S.IN_PROGRESS:
        return ticket
    if state == S.WAITING:
        workflow.ticket_ask_customer(ticket, actor=agent, text="Which printer?")
        return ticket
    workflow.ticket_resolve(ticket, actor=agent, solution="Reinstalled the driver.")
    if state == S.RESOLVED:
        return ticket
    workflow.ticket_accept(ticket, actor=contact.user)
    assert state == S.CLOSED
    return ticket


ACTIONS = {
    "assign": lambda t, p: workflow.ticket_assign(t, actor=p["dispatcher"], assignee=p["agent"]),
    "start": lambda t, p: workflow.ticket_start(t, actor=p["agent"]),
    "ask_customer": lambda t, p: workflow.ticket_ask_customer(t, actor=p["agent"], text="Which version?"),
    "customer_replied": lambda t, p: workflow.ticket_customer_replied(t, actor=p["contact"].user, text="4.2"),
    "resolve": lambda t, p: workflow.ticket_resolve(t, actor=p["agent"], solution="Fixed."),
    "accept": lambda t, p: workflow.ticket_accept(t, actor=p["contact"].user),
    "reopen": lambda t, p: workflow.ticket_reopen(t, actor=p["contact"].user, text="Still broken on PC 2."),
    "auto_close": lambda t, p: workflow.ticket_auto_close(t, now=timezone.now() + timedelta(days=30)),
    "cancel": lambda t, p: workflow.ticket_cancel(t, actor=p["dispatcher"], reason="Withdrawn."),
}

# action -> {state before: state after}; a state not listed must be refused.
EXPECTED: dict[str, dict[str, str]] = {
    "assign": {
        S.NEW: S.ASSIGNED,
        S.ASSIGNED: S.ASSIGNED,
        S.IN_PROGRESS: S.IN_PROGRESS,
        S.WAITING: S.WAITING,
    },
    "start": {S.ASSIGNED: S.IN_PROGRESS},
    "ask_customer": {S.IN_PROGRESS: S.WAITING},
    "customer_replied": {S.WAITING: S.IN_PROGRESS},
    "resolve": {S.IN_PROGRESS: S.RESOLVED, S.WAITING: S.RESOLVED},
    "accept": {S.RESOLVED: S.CLOSED},
    "reopen": {S.RESOLVED: S.IN_PROGRESS},
    "auto_close": {S.RESOLVED: S.CLOSED},
    "cancel": {
        S.NEW: S.CANCELLED,
        S.ASSIGNED: S.CANCELLED,
        S.IN_PROGRESS: S.CANCELLED,
        S.WAITING: S.CANCELLED,
    },
}

CASES = [(action, state) for action in ACTIONS for state in ALL_STATES]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "state"), CASES, ids=[f"{a}-from-{s}" for a, s in CASES])
def test_transition(action: str, state: str, people: dict) -> None:  # type: ignore[type-arg]
    ticket = ticket_in(state, people)
    assert ticket.state == state
    events_before = Event.objects.filter(ticket=ticket).count()
    expected = EXPECTED[action].get(state)
    if expected is None:
        with pytest.raises(TransitionRefused) as refusal:
            ACTIONS[action](ticket, people)
        assert ticket.tag in str(refusal.value)
        ticket.refresh_from_db()
        assert ticket.state == state
        assert Event.objects.filter(ticket=ticket).count() == events_before
    else:
        ACTIONS[action](ticket, people)
        ticket.refresh_from_db()
        assert ticket.state == expected
        last = Event.objects.filter(ticket=ticket).latest("id")
        assert last.from_state == state
        assert last.to_state == expected


@pytest.mark.django_db
def test_it_says_why_a_closed_ticket_cannot_be_reopened(people: dict) -> None:  # type: ignore[type-arg]
    ticket = ticket_in(S.CLOSED, people)
    with pytest.raises(TransitionRefused, match=r"#\d+ is closed"):
        workflow.ticket_reopen(ticket, actor=people["contact"].user, text="again")


@pytest.mark.django_db
def test_it_does_not_auto_close_before_the_deadline(people: dict) -> None:  # type: ignore[type-arg]
    ticket = ticket_in(S.RESOLVED, people)
    with pytest.raises(TransitionRefused, match="closes by itself only from"):
        workflow.ticket_auto_close(ticket, now=timezone.now())

"""Who may do what (DOMAIN.md §6)."""

from __future__ import annotations

import pytest

from asista.core.errors import PermissionRefused, TransitionRefused
from asista.tickets import workflow
from asista.tickets.models import Kind, Ticket
from tests import factories

pytestmark = pytest.mark.django_db


def started(agent, dispatcher, contact=None):  # type: ignore[no-untyped-def]
    ticket = factories.ticket(contact)
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    workflow.ticket_start(ticket, actor=agent)
    return ticket


def test_only_a_dispatcher_can_assign(agent) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket()
    with pytest.raises(PermissionRefused, match="Only a dispatcher can assign"):
        workflow.ticket_assign(ticket, actor=agent, assignee=agent)


def test_a_contact_cannot_assign() -> None:
    ticket = factories.ticket()
    with pytest.raises(PermissionRefused):
        workflow.ticket_assign(ticket, actor=ticket.contact.user, assignee=ticket.contact.user)


def test_an_administrator_can_assign(administrator, agent) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket()
    workflow.ticket_assign(ticket, actor=administrator, assignee=agent)
    assert ticket.assignee == agent


def test_a_ticket_can_only_go_to_a_support_team_member(dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket()
    with pytest.raises(TransitionRefused, match="not an active member of the support team"):
        workflow.ticket_assign(ticket, actor=dispatcher, assignee=ticket.contact.user)


def test_another_agent_cannot_start_someone_elses_ticket(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    other = factories.staff("agent")
    ticket = factories.ticket()
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    with pytest.raises(PermissionRefused, match="Only the assignee"):
        workflow.ticket_start(ticket, actor=other)


def test_a_dispatcher_may_step_in_for_the_assignee(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket()
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    workflow.ticket_start(ticket, actor=dispatcher)
    assert ticket.state == "in_progress"


def test_a_contact_cannot_resolve(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = started(agent, dispatcher)
    with pytest.raises(PermissionRefused):
        workflow.ticket_resolve(ticket, actor=ticket.contact.user, solution="self-service")


def test_an_agent_cannot_accept_for_the_customer(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = started(agent, dispatcher)
    workflow.ticket_resolve(ticket, actor=agent, solution="done")
    with pytest.raises(PermissionRefused, match="Only the customer"):
        workflow.ticket_accept(ticket, actor=agent)


def test_a_dispatcher_may_accept_on_behalf_of_the_customer(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = started(agent, dispatcher)
    workflow.ticket_resolve(ticket, actor=agent, solution="done")
    workflow.ticket_accept(ticket, actor=dispatcher)
    assert ticket.state == "closed"


def test_a_contact_of_another_company_cannot_accept(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = started(agent, dispatcher)
    workflow.ticket_resolve(ticket, actor=agent, solution="done")
    stranger = factories.contact()
    with pytest.raises(PermissionRefused, match="another company"):
        workflow.ticket_accept(ticket, actor=stranger.user)


def test_any_contact_of_the_company_can_accept(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = started(agent, dispatcher)
    workflow.ticket_resolve(ticket, actor=agent, solution="done")
    colleague = factories.contact(ticket.customer)
    workflow.ticket_accept(ticket, actor=colleague.user)
    assert ticket.state == "closed"


def test_an_agent_cannot_cancel(agent) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket()
    with pytest.raises(PermissionRefused, match="dispatcher or the customer"):
        workflow.ticket_cancel(ticket, actor=agent, reason="no")


def test_the_customer_can_withdraw_their_request() -> None:
    ticket = factories.ticket()
    workflow.ticket_cancel(ticket, actor=ticket.contact.user, reason="Solved it ourselves.")
    assert ticket.state == "cancelled"


def test_a_contact_cannot_open_a_request_for_another_company() -> None:
    mine, theirs = factories.contact(), factories.customer()
    with pytest.raises(PermissionRefused, match="your own company"):
        workflow.ticket_create(customer=theirs, actor=mine.user, subject="x", text="y")


def test_a_contact_cannot_log_an_urgent_call_urgencies_are_phoned_in() -> None:
    contact = factories.contact()
    with pytest.raises(PermissionRefused, match="phoned in"):
        workflow.ticket_create(
            customer=contact.customer,
            actor=contact.user,
            subject="x",
            text="y",
            kind=Kind.URGENT_CALL,
        )


def test_an_agent_logs_an_urgent_call_which_goes_first(agent) -> None:  # type: ignore[no-untyped-def]
    contact = factories.contact()
    factories.ticket(contact)
    urgent = workflow.ticket_create(
        customer=contact.customer,
        contact=contact,
        actor=agent,
        subject="Cannot issue invoices",
        text="Server down",
        kind=Kind.URGENT_CALL,
        channel="phone",
    )
    assert urgent.is_urgent
    assert Ticket.objects.open().in_queue_order().first() == urgent


def test_an_onsite_request_needs_a_reason(agent) -> None:  # type: ignore[no-untyped-def]
    contact = factories.contact()
    with pytest.raises(TransitionRefused, match="needs its reason"):
        workflow.ticket_create(
            customer=contact.customer,
            contact=contact,
            actor=agent,
            subject="Visit",
            text="come",
            kind=Kind.ONSITE,
        )


def test_only_a_dispatcher_changes_the_priority(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket()
    with pytest.raises(PermissionRefused):
        workflow.ticket_change_kind_priority(ticket, actor=agent, priority="urgent")
    workflow.ticket_change_kind_priority(ticket, actor=dispatcher, priority="urgent")
    assert ticket.is_urgent


def test_internal_notes_are_for_staff_only() -> None:
    ticket = factories.ticket()
    with pytest.raises(PermissionRefused):
        workflow.ticket_add_note(ticket, actor=ticket.contact.user, text="psst")


def test_roles_are_groups_with_permissions(agent, dispatcher, administrator) -> None:  # type: ignore[no-untyped-def]
    assert agent.has_perm("tickets.work_ticket") and not agent.has_perm("tickets.assign_ticket")
    assert dispatcher.has_perm("tickets.assign_ticket") and dispatcher.has_perm("tickets.set_priority")
    assert not dispatcher.has_perm("customers.change_plan")
    assert administrator.has_perm("customers.change_plan") and administrator.has_perm("sla.change_calendar")


def test_an_administrator_who_is_not_an_agent_takes_no_ticket(dispatcher) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket()
    admin = factories.staff("administrator")
    with pytest.raises(TransitionRefused, match="do not take tickets"):
        workflow.ticket_assign(ticket, actor=dispatcher, assignee=admin)
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=dispatcher)  # a dispatcher may take one

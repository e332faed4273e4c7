"""The ticket workflow of DOMAIN.md §2: one function per transition.

Every function takes the acting user (None for the system), checks who may act and from which
state, records an Event, and queues the emails the transition implies (to the customer; to the
assignee when they are assigned or the customer acts, `notifications.notify_assignees`) — all in
one transaction. A refusal raises PermissionRefused or TransitionRefused with a message that says why.

Transitions (from → to):
    create            → new
    assign            new → assigned; assigned / in progress / waiting keep their state (reassign)
    start             assigned → in progress
    ask_customer      in progress → waiting
    customer_replied  waiting → in progress
    resolve           in progress / waiting → resolved
    accept            resolved → closed
    reopen            resolved → in progress
    auto_close        resolved → closed (N working days after resolution, by the system)
    cancel            new / assigned / in progress / waiting → cancelled

The package: `common` (the state table, refusals, checks, events), `opening` (new tickets, one or
a batch), `transitions` (the life of a ticket), `messages` (replies, notes, the customer's messages).
"""

from asista.tickets.workflow.common import ALLOWED
from asista.tickets.workflow.messages import (
    CustomerMessage,
    ticket_add_customer_message,
    ticket_add_note,
    ticket_record_message,
    ticket_reply,
    tickets_add_customer_messages,
)
from asista.tickets.workflow.opening import NewTicket, ticket_create, tickets_open
from asista.tickets.workflow.transitions import (
    ticket_accept,
    ticket_ask_customer,
    ticket_assign,
    ticket_auto_close,
    ticket_cancel,
    ticket_change_kind_priority,
    ticket_customer_replied,
    ticket_reopen,
    ticket_request_onsite,
    ticket_resolve,
    ticket_start,
)

__all__ = [
    "ALLOWED",
    "CustomerMessage",
    "NewTicket",
    "ticket_accept",
    "ticket_add_customer_message",
    "ticket_add_note",
    "ticket_ask_customer",
    "ticket_assign",
    "ticket_auto_close",
    "ticket_cancel",
    "ticket_change_kind_priority",
    "ticket_create",
    "ticket_customer_replied",
    "ticket_record_message",
    "ticket_reopen",
    "ticket_reply",
    "ticket_request_onsite",
    "ticket_resolve",
    "ticket_start",
    "tickets_add_customer_messages",
    "tickets_open",
]

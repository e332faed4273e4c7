"""Jobs: thin, safe to run twice, kicked once per transaction, schedules that respect Bucharest time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from asista import jobs
from asista.tickets import workflow
from asista.tickets.models import State
from tests import factories

pytestmark = pytest.mark.django_db
BUCHAREST = ZoneInfo("Europe/Bucharest")


def test_a_kick_is_enqueued_once_per_transaction(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        jobs.deliveries_kick()
        jobs.deliveries_kick()
    assert len(callbacks) == 1


def test_a_kick_sends_after_commit(monkeypatch: Any, django_capture_on_commit_callbacks: Any) -> None:
    sent: list[str] = []
    monkeypatch.setattr(jobs, "outbox_send_now", lambda: sent.append("outbox") or 0)
    monkeypatch.setattr(jobs, "webhooks_send_now", lambda: sent.append("webhooks") or 0)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        jobs.deliveries_kick()
        assert sent == []
    assert sent == ["outbox", "webhooks"]


def test_an_email_the_workflow_queues_leaves_when_its_transaction_commits(
    agent: Any, dispatcher: Any, monkeypatch: Any
) -> None:
    """Not at the next minute's sweep: the customer's acknowledgement or answer goes out at once
    (`deliveries_kick` sends after commit, once per transaction)."""
    kicks: list[str] = []
    monkeypatch.setattr(jobs, "deliveries_kick", lambda: kicks.append("kick"))
    ticket = factories.ticket()
    assert kicks, "the acknowledgement of a new ticket"
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    kicks.clear()
    workflow.ticket_start(ticket, actor=agent)
    workflow.ticket_reply(ticket, actor=agent, text="Am verificat, revin.")
    assert len(kicks) == 2, "the 'started' email and the reply"


def test_auto_close_twice_closes_each_ticket_once(agent: Any, dispatcher: Any) -> None:
    contact = factories.contact()
    resolved_at = datetime(2026, 3, 2, 10, tzinfo=BUCHAREST)
    ticket = factories.ticket(contact, now=resolved_at - timedelta(hours=2))
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent, now=resolved_at - timedelta(hours=1))
    workflow.ticket_start(ticket, actor=agent, now=resolved_at - timedelta(minutes=30))
    workflow.ticket_resolve(ticket, actor=agent, solution="Done", now=resolved_at)
    with time_machine.travel(resolved_at + timedelta(days=14), tick=False):
        assert jobs.auto_close_resolved.call_local() == 1
        assert jobs.auto_close_resolved.call_local() == 0
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED
    assert ticket.events.filter(kind="auto_closed").count() == 1
    assert ticket.outbound_emails.filter(template="auto_closed").count() == 1


def test_the_sla_check_twice_notifies_once() -> None:
    first = jobs.sla_check.call_local()
    second = jobs.sla_check.call_local()
    assert (first.warned, first.breached, second.warned, second.breached) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("local", "stored", "fetches"),
    [
        (datetime(2026, 3, 3, 13, 0), False, 0),  # before publication
        (datetime(2026, 3, 3, 13, 20), False, 1),  # published, not stored yet
        (datetime(2026, 3, 3, 13, 35), True, 0),  # already stored today
        (datetime(2026, 3, 3, 21, 0), False, 0),  # evening: BNR had no rate today
    ],
)
def test_bnr_rates_are_fetched_once_after_13_15_bucharest(
    monkeypatch: Any, local: datetime, stored: bool, fetches: int
) -> None:
    from decimal import Decimal

    from asista.billing import services
    from asista.billing.models import ExchangeRate

    calls: list[str] = []
    monkeypatch.setattr(services, "fx_fetch", lambda feed: calls.append(feed) or 1)
    if stored:
        ExchangeRate.objects.create(currency="EUR", day=local.date(), rate=Decimal("5.09"))
    with time_machine.travel(local.replace(tzinfo=BUCHAREST), tick=False):
        jobs.bnr_rates.call_local()
    assert len(calls) == fetches


def test_monthly_drafts_twice_leave_one_draft_per_customer(agent: Any) -> None:
    from asista.billing.models import Invoice
    from asista.billing.services import time_entry_log

    contact = factories.contact()
    ticket = factories.ticket(contact)
    time_entry_log(
        ticket=ticket,
        agent=agent,
        kind="assistance",
        started_at=datetime(2026, 2, 10, 10, tzinfo=BUCHAREST),
        minutes=45,
    )
    with time_machine.travel(datetime(2026, 3, 1, 6, 30, tzinfo=BUCHAREST), tick=False):
        jobs.invoice_drafts_last_month.call_local()
        jobs.invoice_drafts_last_month.call_local()
    drafts = Invoice.objects.filter(customer=contact.customer, year=2026, month=2, status="draft")
    assert drafts.count() == 1
    assert drafts.get().time_entries.count() == 1


def test_jobs_missing_their_service_are_skipped_not_failed(monkeypatch: Any) -> None:
    monkeypatch.setattr(jobs, "_service", lambda module, name: None)
    assert jobs.mail_poll.call_local() is None
    assert jobs.outbox_send_now() == 0
    assert jobs.rejected_mail_cleanup.call_local() is None


def test_healthz_reports_database_queue_and_the_worker_heartbeat() -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.delete(jobs.HEARTBEAT_KEY)
    body = Client().get("/healthz").json()
    assert (body["status"], body["database"], body["queue"], body["workers"]) == (
        "ok",
        "ok",
        "ok",
        "never seen",
    )
    jobs.heartbeat.call_local()
    body = Client().get("/healthz").json()
    assert body["workers"] == "ok" and body["worker_heartbeat_age_seconds"] < 5


def test_healthz_is_503_when_the_database_fails(monkeypatch: Any) -> None:
    from asista.core import views

    monkeypatch.setattr(views, "_check_database", lambda: "error: OperationalError: gone")
    response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "error"


def test_the_report_facts_refresh_twice_without_harm() -> None:
    factories.ticket(factories.contact())
    first = jobs.reports_facts_incremental.call_local()
    second = jobs.reports_facts_incremental.call_local()
    assert first is not None and second is not None
    assert jobs.reports_facts_full.call_local() is not None


def test_an_exclusive_job_is_skipped_while_held_and_runs_once_the_lock_expires() -> None:
    from django.core.cache import cache

    runs: list[int] = []
    job = jobs.exclusive("test-lock", ttl=60)(lambda: runs.append(1) or len(runs))
    cache.set("asista:job-lock:test-lock", "a killed worker's", timeout=60)
    assert job() is None and runs == []
    cache.delete("asista:job-lock:test-lock")  # what the expiry does
    assert job() == 1 and job() == 2  # released after each run
    assert cache.get("asista:job-lock:test-lock") is None

"""Every background job and schedule of Asista, in one module.

Jobs are thin: they take ids (or nothing), call one service, and are safe to run twice and on
several workers at once — the services claim their rows with conditional UPDATEs, and the sweeps
that should not overlap hold an expiring lock (`exclusive`). Periodic sweeps are also the safety net of the
after-commit kicks: a task lost with a killed worker is redone by the next sweep, because the
work itself (an outbox row, a webhook delivery, a due clock) lives in the database, not in the queue.

Schedules are in UTC (HUEY utc=True); rules that depend on the Bucharest clock check it inside.
"""

from __future__ import annotations

import functools
import importlib
import logging
import uuid
from collections.abc import Callable
from datetime import time
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from asista.core.clock import now

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "asista:worker-heartbeat"
BNR_PUBLISHED_AFTER = time(13, 15)  # Bucharest; BNR publishes around 13:00 on its working days
REJECTED_MAIL_KEEP_DAYS = 30


def _service(module: str, name: str) -> Callable[..., Any] | None:
    """A service of another app that may not be installed yet (the mail pipeline is being built)."""
    try:
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        log.warning("job skipped: %s.%s is not available", module, name)
        return None


def exclusive(name: str, *, ttl: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the job only if no other worker runs it now; otherwise skip it (returns None).

    The lock is a key added to Django's cache (Redis when REDIS_URL is set, so it holds across
    machines) and expires after `ttl` seconds: a worker killed while holding it blocks the job
    for at most `ttl`, never for good (huey's lock_task has no expiry on SQLite or Redis < 7.4).
    With the local-memory cache it holds within one worker process, which is what one machine runs.
    """

    def decorate(job: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(job)
        def run(*args: Any, **kwargs: Any) -> Any:
            key, token = f"asista:job-lock:{name}", uuid.uuid4().hex
            if not cache.add(key, token, timeout=ttl):
                log.info("job %s skipped: another worker holds it", name)
                return None
            try:
                return job(*args, **kwargs)
            finally:
                if cache.get(key) == token:
                    cache.delete(key)

        return run

    return decorate


# --- after-commit kicks ----------------------------------------------------------------------


def _kick() -> None:
    deliveries_send()


def deliveries_kick() -> None:
    """After the current transaction commits, send the outbox and webhook rows it wrote.

    Call it after (or inside) any write that queues email or webhook calls; one kick per
    transaction however often it is called. Outside a transaction it enqueues at once.
    """
    if connection.in_atomic_block and any(item[1] is _kick for item in connection.run_on_commit):
        return
    transaction.on_commit(_kick)


@db_task(retries=2, retry_delay=5)
def deliveries_send() -> int:
    """Send what is due now: the outbox first (customers wait for it), then webhooks."""
    return outbox_send_now() + webhooks_send_now()


def outbox_send_now() -> int:
    send = _service("asista.mail.sending", "outbox_send_due")
    return int(send(now=now()) or 0) if send else 0


def webhooks_send_now() -> int:
    from asista.api.webhooks import webhooks_deliver_due

    return webhooks_deliver_due(now=now())


# --- periodic --------------------------------------------------------------------------------


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    """Proves a worker (and its scheduler) is alive; /healthz reports the age of the last beat."""
    HUEY.put(HEARTBEAT_KEY, now().timestamp())


@db_periodic_task(crontab(minute="*"))
@exclusive("mail-poll", ttl=300)
def mail_poll() -> Any:
    """Fetch new mail from every IMAP mailbox (UID-tracked, so a rerun fetches nothing twice)."""
    poll = _service("asista.mail.imap", "imap_poll_all")
    return poll(now=now()) if poll else None


@db_periodic_task(crontab(minute="*/5"))
@exclusive("mail-retry", ttl=600)
def mail_retry_received() -> Any:
    """Process again raw mail stored but left unprocessed (its worker died mid-way)."""
    retry = _service("asista.mail.ingest", "mail_retry_received")
    return retry(now=now()) if retry else None


@db_periodic_task(crontab(minute="*"))
def outbox_sweep() -> int:
    """Send due and retry-due outbox rows; claims make concurrent sweeps harmless."""
    return outbox_send_now()


@db_periodic_task(crontab(minute="*"))
def webhooks_sweep() -> int:
    return webhooks_send_now()


@db_periodic_task(crontab(minute="*"))
@exclusive("sla-check", ttl=300)
def sla_check() -> Any:
    """SLA warnings and breaches, each claimed once per clock (conditional UPDATE)."""
    from asista.sla.services import check_clocks

    return check_clocks(now=now())


@db_periodic_task(crontab(minute="*/10"))
@exclusive("auto-close", ttl=600)
def auto_close_resolved() -> int:
    """Close resolved tickets nobody answered within the configured working days."""
    from asista.tickets.services import auto_close_due

    return auto_close_due(now=now())


@db_periodic_task(crontab(minute="*/15", day_of_week="1-5"))
@exclusive("bnr-rates", ttl=300)
def bnr_rates() -> int:
    """Today's BNR rates, once published (after 13:15 Bucharest); a no-op once stored."""
    from asista.billing.models import ExchangeRate
    from asista.billing.services import fx_fetch

    local = timezone.localtime(now(), timezone.get_default_timezone())
    if local.time() < BNR_PUBLISHED_AFTER or local.hour >= 20:
        return 0
    if ExchangeRate.objects.filter(currency="EUR", day=local.date()).exists():
        return 0
    return fx_fetch(feed="daily")


@db_periodic_task(crontab(minute="30", hour="4", day="1"))
@exclusive("invoice-drafts", ttl=3600)
def invoice_drafts_last_month() -> int:
    """On the 1st, draft last month's invoices (re-running replaces the drafts, never issued ones)."""
    from asista.billing.services import invoice_drafts_for_month

    today = timezone.localdate(now())
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return len(invoice_drafts_for_month(year=year, month=month))


@db_periodic_task(crontab(minute="45", hour="2"))
@exclusive("rejected-mail-cleanup", ttl=3600)
def rejected_mail_cleanup() -> Any:
    """Delete the files of mail rejected in triage more than REJECTED_MAIL_KEEP_DAYS ago."""
    purge = _service("asista.mail.services", "rejected_mail_purge")
    return purge(now=now(), keep_days=REJECTED_MAIL_KEEP_DAYS) if purge else None


@db_periodic_task(crontab(minute="5-59/10"))
@exclusive("reports-facts", ttl=1800)
def reports_facts_incremental() -> Any:
    """Bring the report facts up to date with the tickets changed since the last refresh."""
    refresh = _service("asista.reports.services", "facts_refresh")
    return refresh(now=now()) if refresh else None


@db_periodic_task(crontab(minute="15", hour="1"))
@exclusive("reports-facts", ttl=1800)
def reports_facts_full() -> Any:
    """Rebuild every report fact once a night (holds the same lock as the incremental refresh)."""
    refresh = _service("asista.reports.services", "facts_refresh")
    return refresh(now=now(), full=True) if refresh else None


# --- read by /healthz -------------------------------------------------------------------------


def worker_heartbeat_age() -> float | None:
    """Seconds since a worker last beat, or None when none ever did (read by /healthz)."""
    stamp = HUEY.get(HEARTBEAT_KEY, peek=True)
    return None if stamp is None else max(0.0, now().timestamp() - float(stamp))

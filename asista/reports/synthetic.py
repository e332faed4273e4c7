"""A synthetic desk for benchmarks and screenshots: customers, agents, tickets with their
transitions, SLA clocks, messages, time entries and issued invoices, inserted in bulk.

Not product code: `seed()` writes plausible rows fast (no workflow, no mail) so the reports can be
measured on 100,000 tickets and shown on a realistic year. Deterministic for a given `rng_seed`.
Response and resolution times shrink over the months (the trend the vendor claims).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction

from asista.billing.models import Invoice, InvoiceLine, TimeEntry
from asista.core.roles import AGENT, sync_roles
from asista.customers.models import Contract, Customer, Plan
from asista.customers.validators import cui_check_digit
from asista.reports.models import CustomerMonth
from asista.reports.services import add_months, facts_refresh, local_month
from asista.sla.calendar import default_calendar
from asista.sla.models import Clock
from asista.tickets.models import Event, Message, Ticket

FIRST = (
    "Ana",
    "Mihai",
    "Ioana",
    "Andrei",
    "Elena",
    "Radu",
    "Cristina",
    "Vlad",
    "Irina",
    "Sorin",
    "Dana",
    "Paul",
)
LAST = ("Popescu", "Ionescu", "Munteanu", "Stan", "Dumitru", "Marin", "Toma", "Florea", "Lazăr", "Barbu")
KINDS = (("support", 70), ("change", 15), ("development", 5), ("onsite", 4), ("urgent_call", 6))
BATCH = 5000


def _cui(n: int) -> str:
    body = str(2000000 + n)
    return body + str(cui_check_digit(body))


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _arrival(rng: random.Random, day: date) -> datetime:
    """Mostly office hours, a peak mid-morning, some evenings; weekends are rare."""
    from django.utils import timezone

    hour = min(23, max(0, int(rng.gauss(11.5, 3.2))))
    minute = rng.randrange(60)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_default_timezone())


def _insert(model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Fast plain INSERTs of `rows` into `model`'s table (COPY on PostgreSQL)."""
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
        chunk: list[Sequence[Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= BATCH:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def _agents(count: int) -> list[Any]:
    sync_roles()
    User = get_user_model()
    users = [
        User(
            username=f"synthetic-agent-{i}",
            first_name=FIRST[i % len(FIRST)],
            last_name=LAST[(i * 7) % len(LAST)],
            email=f"agent{i}@vendor.example",
            is_staff=True,
            password="!",
        )
        for i in range(count)
    ]
    User.objects.bulk_create(users)
    agents = list(User.objects.filter(username__startswith="synthetic-agent-").order_by("id"))
    Group.objects.get(name=AGENT).user_set.add(*agents)
    return agents


def _customers(count: int, start: date, plans: dict[str, Plan]) -> list[tuple[int, Plan]]:
    rows = []
    for i in range(count):
        cui = _cui(i)
        rows.append(
            Customer(
                name=f"{LAST[i % len(LAST)]} {FIRST[(i // 3) % len(FIRST)]} Soft {i} SRL",
                tax_id="RO" + cui,
                cui=cui,
                city="Brașov",
                county="RO-BV",
                inside_brasov=True,
                workstations=1 + i % 5,
            )
        )
    Customer.objects.bulk_create(rows, batch_size=BATCH)
    customers = list(Customer.objects.filter(cui__in=[c.cui for c in rows]).order_by("id"))
    chosen = [(c.pk, plans["expert"] if i % 10 < 7 else plans["tip-0"]) for i, c in enumerate(customers)]
    Contract.objects.bulk_create(
        [Contract(customer_id=pk, plan=plan, starts_on=start, workstations=1) for pk, plan in chosen],
        batch_size=BATCH,
    )
    return chosen


def seed(*, tickets: int, messages: int, months: int, now: datetime, rng_seed: int = 8) -> dict[str, int]:
    """Insert a synthetic desk whose tickets arrive over the `months` months before `now`."""
    rng = random.Random(rng_seed)
    cal = default_calendar()
    plans = {p.code: p for p in Plan.objects.all()}
    first_month = add_months(local_month(now), 1 - months)
    with transaction.atomic():
        agents = _agents(12)
        customers = _customers(max(20, tickets // 100), first_month, plans)
    days = (now.date() - first_month).days
    number0 = (Ticket.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    ticket_rows, plans_of, moves, clocks, entries = [], [], [], [], []
    for i in range(tickets):
        day = first_month + timedelta(days=int(days * (i / tickets)))
        if day.weekday() >= 5 and rng.random() < 0.85:
            day -= timedelta(days=day.weekday() - rng.randrange(5))
        created = _arrival(rng, day)
        if created > now:
            created = now - timedelta(hours=1)
        progress = i / tickets  # 0 → 1 across the period: times shrink to about half
        speed = 1.0 - 0.55 * progress
        customer_id, plan = customers[rng.randrange(len(customers))]
        kind = _weighted(rng, KINDS)
        agent = agents[rng.randrange(len(agents))] if rng.random() < 0.97 else None
        respond = max(1, int(rng.lognormvariate(4.4, 0.9) * speed * (0.2 if kind == "urgent_call" else 1)))
        work = max(
            10, int(rng.lognormvariate(5.9, 1.0) * speed * (3 if kind in ("change", "development") else 1))
        )
        wait = int(rng.lognormvariate(6.0, 0.8)) if rng.random() < 0.3 else 0
        begins = cal.next_opening(created)
        responded = cal.add(begins, respond)
        resolved = cal.add(responded, work)
        asked = replied = None
        if wait:
            asked = responded
            replied = asked + timedelta(minutes=wait * 3)
            resolved = cal.add(replied, work)
        age = now - resolved
        state = "closed" if age > timedelta(days=7) else "resolved"
        if resolved > now:
            state = "in_progress" if responded <= now else ("assigned" if agent else "new")
            if (
                state == "in_progress"
                and asked is not None
                and replied is not None
                and asked <= now < replied
            ):
                state = "waiting"
        done = state in ("resolved", "closed")
        ticket_rows.append(
            Ticket(
                number=number0 + i,
                customer_id=customer_id,
                plan=plan,
                kind=kind,
                channel="phone" if kind == "urgent_call" else "email",
                is_urgent=kind == "urgent_call",
                priority="urgent" if kind == "urgent_call" else "normal",
                state=state,
                assignee=agent if state != "new" else None,
                subject=f"Solicitare {number0 + i}",
                created_at=created,
                assigned_at=created if agent else None,
                first_response_at=responded if responded <= now else None,
                waiting_since=asked if state == "waiting" else None,
                resolved_at=resolved if done else None,
                closed_at=resolved + timedelta(days=5) if state == "closed" else None,
            )
        )
        plans_of.append(plan)
        moves.append((created, responded, asked, replied, resolved, state, agent))
        clocks.append((kind, begins, respond, resolved - created, done, responded <= now))
        entries.append((customer_id, kind, responded, work, agent))
    with transaction.atomic():
        Ticket.objects.bulk_create(ticket_rows, batch_size=BATCH)
    ids = list(
        Ticket.objects.filter(number__gte=number0, number__lt=number0 + tickets)
        .order_by("number")
        .values_list("id", flat=True)
    )
    with transaction.atomic():
        n_events = _insert(
            Event,
            ("ticket_id", "kind", "from_state", "to_state", "details", "created_at"),
            _events(ids, moves, now),
        )
        n_clocks = _clocks(ids, plans_of, clocks, cal)
        n_entries = _time_entries(ids, entries, agents, now)
        n_messages = _insert(Message, _MESSAGE_COLUMNS, _messages(ids, moves, messages, now))
    facts_refresh(now=now, full=True)
    n_invoices = _invoices(plans, now)
    return {
        "tickets": len(ids),
        "events": n_events,
        "clocks": n_clocks,
        "time_entries": n_entries,
        "messages": n_messages,
        "invoices": n_invoices,
    }


def _events(ids: Sequence[int], moves: Sequence[tuple[Any, ...]], now: datetime) -> Iterable[tuple[Any, ...]]:
    for pk, (created, responded, asked, replied, resolved, state, agent) in zip(ids, moves, strict=True):
        yield (pk, "created", "", "", "{}", created)
        if agent is None or state == "new":
            continue
        yield (pk, "assigned", "new", "assigned", "{}", created + timedelta(minutes=2))
        if state == "assigned":
            continue
        yield (pk, "started", "assigned", "in_progress", "{}", min(responded, created + timedelta(minutes=3)))
        if asked is not None and asked <= now:
            yield (pk, "asked", "in_progress", "waiting", "{}", asked)
            if replied <= now:
                yield (pk, "customer_replied", "waiting", "in_progress", "{}", replied)
        if state in ("resolved", "closed"):
            yield (pk, "resolved", "in_progress", "resolved", "{}", resolved)
        if state == "closed":
            yield (pk, "auto_closed", "resolved", "closed", "{}", resolved + timedelta(days=5))


def _clocks(ids: Sequence[int], plans: Sequence[Plan], clocks: Sequence[tuple[Any, ...]], cal: Any) -> int:
    budgets = {
        "expert": {"first_response": 360, "urgent_answer": 120, "change_delivered": 2880},
        "tip-0": {"first_response": 7200, "urgent_answer": 0, "change_delivered": 14400},
    }
    rows = []
    for pk, plan, (kind, begins, respond, _total, done, answered) in zip(ids, plans, clocks, strict=True):
        target = "urgent_answer" if kind == "urgent_call" else "first_response"
        for name, spent, finished in ((target, respond, answered), ("change_delivered", respond * 6, done)):
            budget = budgets[plan.code][name]
            if not budget or (name == "change_delivered" and kind != "change"):
                continue
            due = cal.add(begins, budget)
            outcome = ("met" if spent <= budget else "breached") if finished else ""
            stopped = cal.add(begins, spent) if finished else None
            rows.append(
                Clock(
                    ticket_id=pk,
                    target=name,
                    amount=1,
                    unit="business_hours",
                    budget_minutes=budget,
                    started_at=begins,
                    due_at=due,
                    warn_at=due,
                    stopped_at=stopped,
                    outcome=outcome,
                )
            )
    Clock.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _time_entries(
    ids: Sequence[int], entries: Sequence[tuple[Any, ...]], agents: Sequence[Any], now: datetime
) -> int:
    rows = []
    for pk, (customer_id, kind, responded, work, agent) in zip(ids, entries, strict=True):
        if responded > now:
            continue
        entry_kind = {"development": "programming", "onsite": "onsite", "change": "change"}.get(
            kind, "assistance"
        )
        minutes = max(5, min(work, 240) // 2)
        rows.append(
            TimeEntry(
                ticket_id=pk,
                customer_id=customer_id,
                agent=agent or agents[0],
                kind=entry_kind,
                started_at=responded,
                minutes=minutes,
            )
        )
    TimeEntry.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


_MESSAGE_COLUMNS = (
    "ticket_id",
    "direction",
    "from_address",
    "from_name",
    "to",
    "cc",
    "subject",
    "text",
    "html",
    "message_id",
    "in_reply_to",
    "references",
    "is_solution",
    "flags",
    "created_at",
)
_TEXT = "Bună ziua, nu se tipărește factura fiscală din modulul de vânzări. Vă rog să verificați. " * 2


def _messages(
    ids: Sequence[int], moves: Sequence[tuple[Any, ...]], total: int, now: datetime
) -> Iterable[tuple[Any, ...]]:
    per_ticket, extra = divmod(total, max(len(ids), 1))
    for index, (pk, (created, responded, *_rest)) in enumerate(zip(ids, moves, strict=True)):
        count = per_ticket + (1 if index < extra else 0)
        for k in range(count):
            inbound = k % 2 == 0
            at = created if k == 0 else min(now, responded + timedelta(minutes=37 * k))
            yield (
                pk,
                "inbound" if inbound else "outbound",
                "client@example.ro" if inbound else "suport@asista.localhost",
                "Client" if inbound else "Suport",
                "[]",
                "[]",
                f"Solicitare {pk}",
                _TEXT,
                "",
                f"<{pk}.{k}@asista.localhost>",
                "",
                "",
                False,
                "[]",
                at,
            )


def _invoices(plans: dict[str, Plan], now: datetime) -> int:
    """One issued invoice per customer and finished month: subscription + units beyond the included."""
    by_id = {p.pk: p for p in plans.values()}
    rate = Decimal("5.0985") * Decimal("1.02")
    invoices, lines = [], []
    number = (Invoice.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    months = CustomerMonth.objects.filter(month__lt=local_month(now)).order_by("customer_id", "month")
    for row in months.iterator(chunk_size=BATCH):
        plan = by_id.get(row.plan_id) if row.plan_id else None
        if plan is None:
            continue
        items = [("subscription", plan.fee_month)]
        if row.overage_units:
            items.append(("units", row.overage_eur))
        if row.programming_minutes:
            items.append(
                (
                    "programming",
                    (plan.programming_rate * row.programming_minutes / 60).quantize(Decimal("0.01")),
                )
            )
        if row.onsite_minutes:
            items.append(("onsite", (plan.onsite_rate * row.onsite_minutes / 60).quantize(Decimal("0.01"))))
        items = [(kind, eur) for kind, eur in items if eur]
        if not items:
            continue
        invoice = Invoice(
            customer_id=row.customer_id,
            year=row.month.year,
            month=row.month.month,
            period_start=row.month,
            period_end=add_months(row.month, 1) - timedelta(days=1),
            status="issued",
            number=number,
            full_number=f"SYN{number:07d}",
            rate=rate.quantize(Decimal("0.0001")),
            issue_date=add_months(row.month, 1),
        )
        number += 1
        invoices.append(invoice)
        lines.append(items)
    with transaction.atomic():
        Invoice.objects.bulk_create(invoices, batch_size=BATCH)
        line_rows = [
            InvoiceLine(
                invoice=invoice,
                position=p,
                kind=kind,
                description=kind,
                quantity=Decimal(1),
                unit_price_eur=eur,
                net_eur=eur,
                net_ron=(eur * rate).quantize(Decimal("0.01")),
                service_date=invoice.period_end,
            )
            for invoice, items in zip(invoices, lines, strict=True)
            for p, (kind, eur) in enumerate(items, start=1)
        ]
        InvoiceLine.objects.bulk_create(line_rows, batch_size=BATCH)
    return len(invoices)

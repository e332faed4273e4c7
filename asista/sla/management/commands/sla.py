"""`asista sla due|explain|check`: the SLA arithmetic and a ticket's clocks, from the shell.

    asista sla due --plan expert --target first_response --from 2026-04-09T16:00
    asista sla due --plan tip-0 --target first_response --from 2025-12-15T10:00 \\
        --pause 2025-12-17T10:00/2025-12-19T10:00
    asista sla explain 1042
    asista sla check            # run the periodic warning/breach check once
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from asista.core.clock import now as clock_now
from asista.sla import rules, services
from asista.sla.calendar import BusinessCalendar
from asista.sla.models import Clock
from asista.sla.selectors import business_calendar


class Command(BaseCommand):
    help = "SLA due times, a ticket's clocks, and the periodic check."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="print the due time of a plan's target from an instant")
        due.add_argument("--plan", required=True, help="plan code or name, e.g. expert, tip-0")
        due.add_argument(
            "--target",
            required=True,
            choices=[*rules.RESPONSE_TARGETS, "change_delivered", "onsite_visit"],
        )
        due.add_argument(
            "--from",
            dest="start",
            required=True,
            help="ISO time; without offset: the calendar's zone",
        )
        due.add_argument(
            "--pause", action="append", default=[], metavar="FROM/TO", help="a pause (repeatable)"
        )
        explain = sub.add_parser("explain", help="print a ticket's clocks, pauses and business time left")
        explain.add_argument("number", type=int)
        explain.add_argument("--at", help="ISO time to measure from (default: now)")
        sub.add_parser("check", help="send due SLA warnings and breach notices once")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "due":
            self._due(options)
        elif action == "explain":
            self._explain(options["number"], options.get("at"))
        else:
            result = services.check_clocks(now=clock_now())
            self.stdout.write(f"warned {result.warned}, breached {result.breached}")

    def _due(self, options: dict[str, Any]) -> None:
        from asista.customers.models import Plan, PlanTarget

        plan = Plan.objects.filter(Q(code__iexact=options["plan"]) | Q(name__iexact=options["plan"])).first()
        if plan is None:
            names = ", ".join(Plan.objects.values_list("code", flat=True))
            raise CommandError(f"No plan {options['plan']!r}; plans: {names}")
        row = PlanTarget.objects.filter(plan=plan, target=options["target"]).first()
        if row is None:
            raise CommandError(f"Plan {plan} promises no {options['target']}: no clock runs.")
        cal = business_calendar(plan.calendar)
        start = parse_instant(options["start"], cal.zone)
        pauses = [parse_pause(text, cal.zone) for text in options["pause"]]
        promise = rules.Promise(row.target, row.amount, row.unit)
        begins, plain_due, budget = rules.plan_due(cal, start, promise)
        due = rules.due_with_pauses(cal, start, promise, pauses)
        self.stdout.write(
            f"plan      {plan.name}: {row.target} within {row.amount} {row.unit.replace('_', ' ')}"
        )
        self.stdout.write(f"arrives   {show(start, cal)}")
        self.stdout.write(f"counts    from {show(begins, cal)} ({budget} business minutes)")
        for paused, resumed in pauses:
            minutes = cal.between(paused, resumed)
            self.stdout.write(f"pause     {show(paused, cal)} -> {show(resumed, cal)}: {minutes} min")
        if pauses:
            self.stdout.write(f"unpaused  {show(plain_due, cal)}")
        self.stdout.write(f"due       {show(due, cal)}")

    def _explain(self, number: int, at: str | None) -> None:
        from asista.tickets.models import Ticket

        ticket = Ticket.objects.select_related("plan", "customer").filter(number=number).first()
        if ticket is None:
            raise CommandError(f"No ticket #{number}.")
        rows = list(Clock.objects.filter(ticket=ticket).select_related("calendar").order_by("id"))
        cal = business_calendar(rows[0].calendar if rows else None)
        now = parse_instant(at, cal.zone) if at else clock_now()
        self.stdout.write(f"#{ticket.number} {ticket.subject}")
        self.stdout.write(f"  {ticket.customer} · plan {ticket.plan or '-'} · {ticket.kind} · {ticket.state}")
        self.stdout.write(f"  arrived {show(ticket.created_at, cal)}; queue due {show(ticket.due_at, cal)}")
        if not rows:
            self.stdout.write("  no clocks (no plan, or the plan promises nothing for this kind)")
        for clock in rows:
            for line in explain_clock(clock, business_calendar(clock.calendar), now):
                self.stdout.write("  " + line)


def explain_clock(clock: Clock, cal: BusinessCalendar, now: datetime) -> list[str]:
    """Human lines about one clock: promise, span, pauses, and where it stands at `now`."""
    promise = f"{clock.amount} {clock.unit.replace('_', ' ')} ({clock.budget_minutes} business min)"
    lines = [
        f"{clock.target}: {promise} on {clock.calendar or 'the built-in calendar'}",
        f"  counts from {show(clock.started_at, cal)}, due {show(clock.due_at, cal)}",
    ]
    for paused, resumed in clock.pauses:
        a, b = datetime.fromisoformat(paused), datetime.fromisoformat(resumed)
        lines.append(f"  paused {show(a, cal)} -> {show(b, cal)} ({cal.between(a, b)} business min)")
    if clock.paused_at is not None:
        left = cal.between(clock.paused_at, clock.due_at)
        lines.append(f"  PAUSED since {show(clock.paused_at, cal)}, {left} business min left on resume")
    elif clock.stopped_at is not None:
        verdict = str(clock.get_outcome_display()).upper()
        lines.append(f"  {verdict} at {show(clock.stopped_at, cal)}{margin(clock)}")
    else:
        left = cal.between(now, clock.due_at)
        state = f"{left} business min left" if left >= 0 else f"OVERDUE by {-left} business min"
        lines.append(f"  running at {show(now, cal)}: {state}; warn from {show(clock.warn_at, cal)}")
    return lines


def margin(clock: Clock) -> str:
    if clock.margin_minutes is None:
        return ""
    early = "early" if clock.margin_minutes >= 0 else "late"
    return f", {abs(clock.margin_minutes)} business min {early}"


def parse_instant(text: str, zone: ZoneInfo) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"Not an ISO time: {text!r} (e.g. 2026-04-09T16:00)") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def parse_pause(text: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start, sep, end = text.partition("/")
    if not sep:
        raise CommandError(f"A pause is FROM/TO: {text!r}")
    paused, resumed = parse_instant(start, zone), parse_instant(end, zone)
    if resumed < paused:
        raise CommandError(f"The pause {text!r} ends before it starts.")
    return paused, resumed


def show(value: datetime | None, cal: BusinessCalendar) -> str:
    if value is None:
        return "-"
    local = value.astimezone(cal.zone)
    return f"{local:%a %Y-%m-%d %H:%M} {local.tzname()}"

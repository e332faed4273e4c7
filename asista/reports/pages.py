"""The report pages: each report is a table (also served as CSV) and the chart drawn from it.

A report builder takes a Period and returns a Report; the views only pick builders and render.
Durations are shown in business hours (one decimal), money in EUR/RON with two decimals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from asista.customers.models import Customer, Plan, PlanTarget
from asista.reports import charts, selectors
from asista.reports.selectors import TimeRow
from asista.reports.services import add_months, local_month
from asista.tickets.models import OPEN_STATES, Kind, State

MAX_MONTHS = 36


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @classmethod
    def ending(cls, last: date, months: int = 12) -> Period:
        months = min(max(months, 1), MAX_MONTHS)
        return cls(add_months(last.replace(day=1), 1 - months), last.replace(day=1))

    @classmethod
    def from_query(cls, params: Any, now: datetime) -> Period:
        """?until=YYYY-MM&months=N (defaults: this month, 12); bad values fall back to defaults."""
        last = local_month(now)
        try:
            if params.get("until"):
                last = date.fromisoformat(params["until"] + "-01")
        except ValueError:
            pass
        try:
            months = int(params.get("months", 12))
        except ValueError:
            months = 12
        return cls.ending(last, months)

    @property
    def months(self) -> list[date]:
        found, month = [], self.first
        while month <= self.last:
            found.append(month)
            month = add_months(month, 1)
        return found


@dataclass
class Report:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    chart: str = ""
    note: str = ""
    wide: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    csv_body: str = ""  # lines already formatted as CSV, for a download-only report (no rows)


def label_month(month: date) -> str:
    return f"{month:%Y-%m}"


def hours(minutes: float | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 1)


def money(value: Decimal) -> str:
    return f"{value:.2f}"


# --- names -------------------------------------------------------------------------------------


def plan_names() -> dict[Any, str]:
    return {None: _("no plan"), **{pk: name for pk, name in Plan.objects.values_list("pk", "name")}}


def agent_names(ids: Sequence[Any]) -> dict[Any, str]:
    users = get_user_model().objects.filter(pk__in=[i for i in ids if i is not None])
    names: dict[Any, str] = {None: _("unassigned")}
    for user in users:
        names[user.pk] = user.get_full_name() or user.get_username()
    return names


def customer_names(ids: Sequence[Any]) -> dict[Any, str]:
    return dict(Customer.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def kind_names() -> dict[Any, str]:
    return {value: str(label) for value, label in Kind.choices}


# --- response and resolution times -------------------------------------------------------------


def _time_columns() -> list[str]:
    return [
        _("first responses"),
        _("median (h)"),
        _("p90 (h)"),
        _("resolved"),
        _("median (h)"),
        _("p90 (h)"),
    ]


def _pair(row: TimeRow | None) -> list[Any]:
    return [0, None, None] if row is None else [row.count, hours(row.median), hours(row.p90)]


def times_trend(period: Period, customer_id: int | None = None) -> Report:
    args: dict[str, Any] = {
        "by": "month",
        "first": period.first,
        "last": period.last,
        "customer_id": customer_id,
    }
    response = {row.key: row for row in selectors.time_stats(measure="first_response", **args)}
    resolution = {row.key: row for row in selectors.time_stats(measure="resolution", **args)}
    rows: list[list[Any]] = [
        [label_month(m), *_pair(response.get(m)), *_pair(resolution.get(m))] for m in period.months
    ]
    labels = [r[0] for r in rows]
    chart = charts.line_chart(
        _("Business hours to first response and to resolution, per month"),
        labels,
        [
            charts.Series(_("first response, median"), [r[2] for r in rows]),
            charts.Series(_("first response, p90"), [r[3] for r in rows]),
            charts.Series(_("resolution, median"), [r[5] for r in rows]),
            charts.Series(_("resolution, p90"), [r[6] for r in rows]),
        ],
        y_label=_("business hours"),
    )
    return Report(
        "times-month",
        _("Response and resolution time per month"),
        [_("month"), *_time_columns()],
        rows,
        chart,
        _(
            "Business hours (Mon–Fri 08:30–16:30, holidays excluded). First response counts in the "
            "month of arrival, resolution in the month of resolution; time waiting for the customer "
            "is not counted."
        ),
    )


def _times_by(
    period: Period, by: str, key: str, title: str, heading: str, names: Callable[[list[Any]], dict[Any, str]]
) -> Report:
    args: dict[str, Any] = {"by": by, "first": period.first, "last": period.last}
    response = {row.key: row for row in selectors.time_stats(measure="first_response", **args)}  # type: ignore[arg-type]
    resolution = {row.key: row for row in selectors.time_stats(measure="resolution", **args)}  # type: ignore[arg-type]
    keys = sorted(set(response) | set(resolution), key=lambda k: (k is None, str(k)))
    named = names(keys)
    rows: list[list[Any]] = [
        [named.get(k, str(k)), *_pair(response.get(k)), *_pair(resolution.get(k))] for k in keys
    ]
    chart = charts.bar_chart(
        title,
        [r[0] for r in rows],
        [
            charts.Series(_("first response, median"), [r[2] for r in rows]),
            charts.Series(_("resolution, median"), [r[5] for r in rows]),
        ],
        y_label=_("business hours"),
    )
    return Report(key, title, [heading, *_time_columns()], rows, chart)


def times_by_plan(period: Period) -> Report:
    return _times_by(
        period,
        "plan",
        "times-plan",
        _("Response and resolution time per plan"),
        _("plan"),
        lambda _k: plan_names(),
    )


def times_by_agent(period: Period) -> Report:
    return _times_by(
        period, "agent", "times-agent", _("Response and resolution time per agent"), _("agent"), agent_names
    )


def times_by_kind(period: Period) -> Report:
    return _times_by(
        period,
        "kind",
        "times-kind",
        _("Response and resolution time per kind"),
        _("kind"),
        lambda _k: kind_names(),
    )


# --- SLA ---------------------------------------------------------------------------------------


def _share(met: int, breached: int) -> float | None:
    return round(100 * met / (met + breached), 1) if met + breached else None


def sla(period: Period) -> Report:
    found = selectors.sla_compliance(first=period.first, last=period.last)
    plans = plan_names()
    targets = {value: str(label) for value, label in PlanTarget.Target.choices}
    rows: list[list[Any]] = [
        [
            label_month(r.month),
            plans.get(r.plan_id, "?"),
            targets.get(r.target, r.target),
            r.met,
            r.breached,
            r.share_met,
        ]
        for r in found
    ]
    per_plan: dict[Any, dict[date, tuple[int, int]]] = {}
    for r in found:
        months = per_plan.setdefault(r.plan_id, {})
        met, breached = months.get(r.month, (0, 0))
        months[r.month] = (met + r.met, breached + r.breached)
    series = [
        charts.Series(
            plans.get(plan_id, "?"),
            [_share(*months.get(m, (0, 0))) for m in period.months],
        )
        for plan_id, months in sorted(per_plan.items(), key=lambda item: str(plans.get(item[0])))
    ]
    chart = charts.line_chart(
        _("SLA targets met, per month and plan (%)"),
        [label_month(m) for m in period.months],
        series,
        y_label="%",
    )
    return Report(
        "sla",
        _("SLA compliance per month and plan"),
        [_("month"), _("plan"), _("target"), _("met"), _("breached"), _("% met")],
        rows,
        chart,
        _("Each verdict counts in the month the clock stopped (answer, resolution or closing)."),
    )


# --- units, hours, money -------------------------------------------------------------------------


def units_month(period: Period, customer_id: int | None = None) -> Report:
    found = {
        r.key: r
        for r in selectors.units_per_month(first=period.first, last=period.last, customer_id=customer_id)
    }
    rows: list[list[Any]] = []
    for m in period.months:
        r = found.get(m)
        rows.append(
            [
                label_month(m),
                r.included_units,
                r.units,
                r.included_used,
                r.overage_units,
                money(r.overage_eur),
            ]
            if r
            else [label_month(m), 0, 0, 0, 0, money(Decimal(0))]
        )
    chart = charts.bar_chart(
        _("Units used per month: within the included, and beyond"),
        [r[0] for r in rows],
        [
            charts.Series(_("within the included"), [r[3] for r in rows]),
            charts.Series(_("beyond the included"), [r[4] for r in rows]),
        ],
        y_label=_("units (30 min)"),
        stacked=True,
    )
    return Report(
        "units-month",
        _("Units used vs included, per month"),
        [_("month"), _("included"), _("used"), _("within the included"), _("beyond"), _("beyond, EUR")],
        rows,
        chart,
        _("A unit is 30 minutes; each request counts at least one unit per month (the invoices' rule)."),
    )


def units_customer(period: Period, limit: int = 20) -> Report:
    top = selectors.units_per_customer(first=period.first, last=period.last, limit=limit)
    names = customer_names([r.key for r in top])
    rows: list[list[Any]] = [
        [
            names.get(r.key, str(r.key)),
            r.included_units,
            r.units,
            r.included_used,
            r.overage_units,
            money(r.overage_eur),
        ]
        for r in top
    ]
    chart = charts.bar_chart(
        _("Units used vs included, top customers"),
        [str(r[0])[:14] for r in rows[:10]],
        [
            charts.Series(_("included"), [r[1] for r in rows[:10]]),
            charts.Series(_("used"), [r[2] for r in rows[:10]]),
        ],
        y_label=_("units (30 min)"),
    )
    return Report(
        "units-customer",
        _("Units used vs included, per customer"),
        [_("customer"), _("included"), _("used"), _("within the included"), _("beyond"), _("beyond, EUR")],
        rows,
        chart,
        _("The customers with the most units over the period; the CSV has every customer and month."),
    )


def units_customer_month_csv(period: Period) -> Report:
    """Every customer and month, for download only: the lines come formatted from the database
    (`selectors.customer_month_lines`); names are quoted once per customer and plan."""
    plans = {pk: csv_cell(name) for pk, name in plan_names().items()}
    names: dict[int, str] = {}
    lines = []
    for customer_id, name, month, plan_id, rest in selectors.customer_month_lines(
        first=period.first, last=period.last
    ):
        if customer_id not in names:
            names[customer_id] = csv_cell(name if name is not None else str(customer_id))
        lines.append(f"{names[customer_id]},{month},{plans.get(plan_id, '?')},{rest}\r\n")
    return Report(
        "units-customer-month",
        _("Units per customer per month"),
        [
            _("customer"),
            _("month"),
            _("plan"),
            _("included"),
            _("used"),
            _("within the included"),
            _("beyond"),
            _("beyond, EUR"),
            _("programming (h)"),
            _("on site (h)"),
        ],
        [],
        csv_body="".join(lines),
    )


def csv_cell(text: str) -> str:
    """One CSV cell as the csv module writes it (quoted when it holds a comma, quote or newline)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([text])
    return buffer.getvalue()[:-2]


def hours_month(period: Period) -> Report:
    found = {r.key: r for r in selectors.units_per_month(first=period.first, last=period.last)}
    rows: list[list[Any]] = [
        [
            label_month(m),
            hours(found[m].programming_minutes) if m in found else 0,
            hours(found[m].onsite_minutes) if m in found else 0,
        ]
        for m in period.months
    ]
    chart = charts.bar_chart(
        _("Hours of programming and on-site work, per month"),
        [r[0] for r in rows],
        [
            charts.Series(_("programming"), [r[1] for r in rows]),
            charts.Series(_("on site"), [r[2] for r in rows]),
        ],
        y_label=_("hours"),
    )
    return Report(
        "hours",
        _("Hours of programming and on-site work"),
        [_("month"), _("programming (h)"), _("on site (h)")],
        rows,
        chart,
        _("Hours worked as logged (before the invoices' rounding)."),
    )


def revenue_month(period: Period) -> Report:
    found = selectors.revenue(first=period.first, last=period.last)
    totals: dict[date, list[Decimal]] = {m: [Decimal(0)] * 4 for m in period.months}
    for r in found:
        cell = totals.setdefault(r.month, [Decimal(0)] * 4)
        cell[0] += r.eur
        cell[1] += r.ron
        if r.kind == "units":
            cell[2] += r.eur
            cell[3] += r.ron
    rows: list[list[Any]] = [[label_month(m), *(money(v) for v in totals[m])] for m in period.months]
    chart = charts.bar_chart(
        _("Revenue per month (EUR, without VAT)"),
        [r[0] for r in rows],
        [
            charts.Series(_("overage units"), [float(totals[m][2]) for m in period.months]),
            charts.Series(_("everything else"), [float(totals[m][0] - totals[m][2]) for m in period.months]),
        ],
        y_label="EUR",
        stacked=True,
    )
    return Report(
        "revenue",
        _("Revenue per month, EUR and RON"),
        [_("month"), _("EUR"), _("RON"), _("overage EUR"), _("overage RON")],
        rows,
        chart,
        _(
            "Issued invoices, net of VAT, in their billed month; credit notes subtract. RON is what "
            "the invoices state (BNR rate + 2%). Overage: the units beyond the included."
        ),
    )


# --- workload ----------------------------------------------------------------------------------


def backlog(period: Period, now: datetime) -> Report:
    found = selectors.backlog(now=now)
    buckets = [name for name, _days in selectors.AGE_BUCKETS]
    counts = {(state, bucket): n for state, bucket, n in found}
    states = [state for state in OPEN_STATES]
    rows: list[list[Any]] = [
        [
            str(State(state).label),
            *(counts.get((state, b), 0) for b in buckets),
            sum(counts.get((state, b), 0) for b in buckets),
        ]
        for state in states
    ]
    chart = charts.bar_chart(
        _("Open tickets by state and age"),
        [r[0] for r in rows],
        [charts.Series(b, [counts.get((s, b), 0) for s in states]) for b in buckets],
        y_label=_("tickets"),
        stacked=True,
    )
    return Report(
        "backlog",
        _("Backlog: open tickets by state and age"),
        [_("state"), *buckets, _("total")],
        rows,
        chart,
        _("Age in calendar days since arrival, now."),
    )


def weekday_names() -> list[str]:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def arrivals(period: Period) -> Report:
    found = selectors.arrivals(first=period.first, last=period.last)
    days = weekday_names()
    grid = [[found.get((weekday, hour), 0) for hour in range(24)] for weekday in range(1, 8)]
    rows: list[list[Any]] = [[days[i], *grid[i], sum(grid[i])] for i in range(7)]
    chart = charts.heat_map(_("Arrivals per weekday and hour"), days, [f"{h:02d}" for h in range(24)], grid)
    return Report(
        "arrivals",
        _("Arrivals per weekday and hour"),
        [_("day"), *(f"{h:02d}" for h in range(24)), _("total")],
        rows,
        chart,
        _("Tickets that arrived in the period, by local (Bucharest) weekday and hour."),
        wide=True,
    )


# --- registry ----------------------------------------------------------------------------------

Builder = Callable[[Period, datetime], Report]


@dataclass(frozen=True)
class Section:
    slug: str
    title: Callable[[], str]
    reports: tuple[str, ...]
    money: bool = False  # revenue and billing figures: dispatchers and administrators only


BUILDERS: dict[str, Builder] = {
    "times-month": lambda p, now: times_trend(p),
    "times-plan": lambda p, now: times_by_plan(p),
    "times-agent": lambda p, now: times_by_agent(p),
    "times-kind": lambda p, now: times_by_kind(p),
    "sla": lambda p, now: sla(p),
    "units-month": lambda p, now: units_month(p),
    "units-customer": lambda p, now: units_customer(p),
    "units-customer-month": lambda p, now: units_customer_month_csv(p),
    "hours": lambda p, now: hours_month(p),
    "revenue": lambda p, now: revenue_month(p),
    "backlog": backlog,
    "arrivals": lambda p, now: arrivals(p),
}

SECTIONS: tuple[Section, ...] = (
    Section(
        "times",
        lambda: _("Response and resolution"),
        ("times-month", "times-plan", "times-agent", "times-kind"),
    ),
    Section("sla", lambda: _("SLA"), ("sla",)),
    Section(
        "money",
        lambda: _("Units and revenue"),
        ("units-month", "units-customer", "hours", "revenue"),
        money=True,
    ),
    Section("workload", lambda: _("Workload"), ("backlog", "arrivals")),
)


def section_of(key: str) -> Section | None:
    if key == "units-customer-month":
        return SECTIONS[2]
    return next((s for s in SECTIONS if key in s.reports), None)


# --- the customer's own page -------------------------------------------------------------------

CUSTOMER_BUILDERS: dict[str, Callable[[Period, int], Report]] = {
    "units": lambda p, customer_id: units_month(p, customer_id=customer_id),
    "times": lambda p, customer_id: times_trend(p, customer_id=customer_id),
}

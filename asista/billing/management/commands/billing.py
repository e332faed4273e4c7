"""`asista billing preview --customer ID --month YYYY-MM [--json]` and `asista billing drafts --month`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from asista.billing import selectors, services
from asista.customers.models import Customer


def _month(value: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in value.split("-"))
    except ValueError as exc:
        raise CommandError(f"--month must be YYYY-MM, not {value!r}") from exc
    if not 1 <= month <= 12:
        raise CommandError(f"--month must be YYYY-MM, not {value!r}")
    return year, month


class Command(BaseCommand):
    help = "Billing: preview a customer's month, or make the month's draft invoices."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        preview = sub.add_parser("preview", help="print a customer's draft for a month")
        preview.add_argument("--customer", type=int, required=True)
        preview.add_argument("--month", required=True)
        preview.add_argument("--json", action="store_true")
        drafts = sub.add_parser("drafts", help="(re)make the draft invoices of a month")
        drafts.add_argument("--month", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        year, month = _month(options["month"])
        if options["action"] == "drafts":
            invoices = services.invoice_drafts_for_month(year=year, month=month)
            self.stdout.write(f"{len(invoices)} drafts for {year}-{month:02d}")
            return
        customer = Customer.objects.filter(pk=options["customer"]).first()
        if customer is None:
            raise CommandError(f"no customer {options['customer']}")
        statement = selectors.statement_for(customer=customer, year=year, month=month)
        if options["json"]:
            self.stdout.write(json.dumps(_as_json(statement), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_as_table(statement))


def _as_json(statement: selectors.Statement) -> dict[str, Any]:
    return {
        "customer": statement.customer,
        "month": f"{statement.year}-{statement.month:02d}",
        "plan": statement.plan,
        "included_units": statement.allowance,
        "units": statement.units,
        "overage_units": statement.overage,
        "tickets": [
            {
                "number": t.number,
                "minutes": t.minutes,
                "units": t.units,
                "included": t.included,
                "overage": t.overage,
            }
            for t in statement.tickets
        ],
        "lines": [
            {
                "kind": line.kind,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit": line.unit_code,
                "unit_price_eur": str(line.unit_price),
                "amount_eur": str(line.amount),
            }
            for line in statement.lines
        ],
        "net_eur": str(statement.net_eur),
    }


def _as_table(statement: selectors.Statement) -> str:
    rows = [("Descriere", "Cant.", "UM", "Preț EUR", "Valoare EUR")]
    rows += [
        (
            line.description,
            f"{line.quantity.normalize():f}",
            line.unit_code,
            str(line.unit_price),
            str(line.amount),
        )
        for line in statement.lines
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    text = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    head = (
        f"{statement.customer} — {statement.year}-{statement.month:02d} — {statement.plan}: "
        f"{statement.units} unități ({statement.allowance} incluse, {statement.overage} peste)"
    )
    return "\n".join([head, *text, f"Total fără TVA: {statement.net_eur} EUR"])

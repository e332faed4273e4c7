"""Factories for tests and benchmarks: small, explicit, one object at a time."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model

from asista.core.roles import grant_role
from asista.customers.models import Contact, Contract, Customer, Plan
from asista.customers.services import contact_create
from asista.customers.validators import cui_check_digit

_seq = itertools.count(1)


def valid_cui(seed: int) -> str:
    body = str(1000000 + seed)
    return body + str(cui_check_digit(body))


def staff(role: str, **fields: Any) -> Any:
    n = next(_seq)
    User = get_user_model()
    user = User.objects.create_user(
        username=fields.pop("username", f"{role}{n}"),
        email=fields.pop("email", f"{role}{n}@vendor.example"),
        password="pw",
        first_name=fields.pop("first_name", role.title()),
        last_name=fields.pop("last_name", str(n)),
        **fields,
    )
    grant_role(user, role)
    return user


def customer(*, plan: str | Plan | None = "expert", **fields: Any) -> Customer:
    n = next(_seq)
    values: dict[str, Any] = {
        "name": f"Client {n} SRL",
        "tax_id": "RO" + valid_cui(n),
        "city": "Brașov",
        "county": "RO-BV",
        "inside_brasov": True,
        "workstations": 3,
    }
    values.update(fields)
    obj = Customer.objects.create(**values)
    if plan is not None:
        plan_obj = plan if isinstance(plan, Plan) else Plan.objects.get(code=plan)
        Contract.objects.create(
            customer=obj, plan=plan_obj, starts_on=date(2020, 1, 1), workstations=obj.workstations
        )
    return obj


def contact(customer_obj: Customer | None = None, *, login: bool = True, **fields: Any) -> Contact:
    n = next(_seq)
    customer_obj = customer_obj or customer()
    emails = fields.pop("emails", [f"person{n}@client{customer_obj.pk}.example"])
    obj = contact_create(
        customer=customer_obj, name=fields.pop("name", f"Person {n}"), emails=emails, **fields
    )
    if login:
        User = get_user_model()
        obj.user = User.objects.create_user(username=emails[0], email=emails[0], password="pw")
        obj.save(update_fields=["user"])
    return obj


def ticket(contact_obj: Contact | None = None, **fields: Any) -> Any:
    from asista.tickets import workflow

    contact_obj = contact_obj or contact()
    fields.setdefault("subject", "Nu merge tipărirea")
    fields.setdefault("text", "Bună ziua, nu se tipărește factura.")
    return workflow.ticket_create(customer=contact_obj.customer, contact=contact_obj, **fields)


def time_entry(
    ticket_obj: Any, agent: Any, *, started_at: Any, minutes: int, kind: str = "assistance"
) -> Any:
    from asista.billing.services import time_entry_log

    return time_entry_log(ticket=ticket_obj, agent=agent, kind=kind, started_at=started_at, minutes=minutes)


def issued_invoice(customer_obj: Customer, *, year: int, month: int, **fields: Any) -> Any:
    """An issued invoice row of a month (no lines), as the portal lists and links it."""
    import calendar
    from decimal import Decimal

    from asista.billing.models import Invoice

    n = next(_seq)
    values: dict[str, Any] = {
        "customer": customer_obj,
        "year": year,
        "month": month,
        "period_start": date(year, month, 1),
        "period_end": date(year, month, calendar.monthrange(year, month)[1]),
        "status": Invoice.Status.ISSUED,
        "number": n,
        "full_number": f"AS{n:06d}",
        "issue_date": date(year, month, 28),
        "rate": Decimal("5.1"),
    }
    values.update(fields)
    return Invoice.objects.create(**values)


def invoice_series(code: str = "AST") -> Any:
    """The vendor as seller, with its default invoice series."""
    from asista.billing.models import InvoiceSeries, Seller

    seller = Seller.objects.create(
        name="Asista Soft SRL",
        tax_id="RO18547290",
        trade_register="J08/1234/2005",
        address="Str. Republicii nr. 12",
        city="Brașov",
        county="RO-BV",
        postal_code="500030",
        iban="RO49AAAA1B31007593840000",
        bank="Banca Transilvania",
    )
    return InvoiceSeries.objects.create(code=code, seller=seller, is_default=True)

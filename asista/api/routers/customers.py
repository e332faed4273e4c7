"""Customers, contacts, contracts and plans: read for whoever may see them, write for administrators."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from asista.api.auth import scoped
from asista.api.common import decode_id_cursor, encode_id_cursor
from asista.api.errors import ERRORS, not_found
from asista.core.errors import PermissionRefused
from asista.core.roles import contact_of, is_staff_member
from asista.customers.models import Contact, Contract, Customer, Plan
from asista.customers.services import contact_create

router = Router(tags=["customers"])
MAX_ID = 2_147_483_647
Id = Path(..., ge=1, le=MAX_ID)


class CustomerOut(Schema):
    id: int
    name: str
    tax_id: str
    cui: str
    trade_register: str
    address: str
    city: str
    county: str
    postal_code: str
    inside_brasov: bool
    distance_km: int | None
    workstations: int
    language: str
    billing_email: str
    phone: str
    is_active: bool
    created_at: datetime


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: str | None


class CustomerIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    tax_id: str = Field(..., min_length=2, max_length=14)
    city: str = Field(..., min_length=1, max_length=80)
    county: str = Field(..., max_length=5, description="ISO 3166-2:RO code, e.g. RO-BV")
    trade_register: str = Field("", max_length=32)
    address: str = Field("", max_length=200)
    postal_code: str = Field("", max_length=10)
    inside_brasov: bool = False
    distance_km: int | None = Field(None, ge=0, le=10000)
    workstations: int = Field(1, ge=0, le=100000)
    language: str = Field("ro", max_length=8)
    billing_email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)


class CustomerPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    city: str | None = Field(None, min_length=1, max_length=80)
    address: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=10)
    inside_brasov: bool | None = None
    distance_km: int | None = Field(None, ge=0, le=10000)
    workstations: int | None = Field(None, ge=0, le=100000)
    language: str | None = Field(None, max_length=8)
    billing_email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=32)
    is_active: bool | None = None


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    email: str
    emails: list[str]
    phone: str
    is_phone_contact: bool
    language: str
    is_active: bool

    @staticmethod
    def resolve_emails(obj: Contact) -> list[str]:
        return [e.address for e in obj.emails.all()]


class ContactIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    emails: list[str] = Field(..., min_length=1, max_length=10)
    phone: str = Field("", max_length=32)
    is_phone_contact: bool = False
    language: str = Field("ro", max_length=8)


class ContractOut(Schema):
    id: int
    customer_id: int
    plan_id: int
    number: str
    starts_on: date
    ends_on: date | None
    billing_cycle: str
    workstations: int
    status: str


class ContractIn(Schema):
    plan_id: int = Field(..., ge=1, le=MAX_ID)
    number: str = Field("", max_length=32)
    starts_on: date
    ends_on: date | None = None
    billing_cycle: Contract.Cycle = Contract.Cycle.MONTHLY
    workstations: int = Field(0, ge=0, le=100000)
    status: Contract.Status = Contract.Status.ACTIVE


class PlanOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool
    currency: str
    fee_month: Decimal
    fee_year: Decimal
    workstation_fee_month: Decimal
    included_units: int
    unit_minutes: int
    unit_price: Decimal
    carry_over_units: bool
    programming_rate: Decimal
    onsite_rate: Decimal
    hourly_increment_minutes: int
    travel_inside: Decimal
    travel_outside_base: Decimal
    travel_per_km: Decimal
    phone_contacts_limit: int
    priority: str


Money = Field(None, ge=0, le=Decimal("9999999999.99"), max_digits=12, decimal_places=2)


class PlanPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=80)
    is_active: bool | None = None
    fee_month: Decimal | None = Money
    fee_year: Decimal | None = Money
    workstation_fee_month: Decimal | None = Money
    included_units: int | None = Field(None, ge=0, le=100000)
    unit_price: Decimal | None = Money
    carry_over_units: bool | None = None
    programming_rate: Decimal | None = Money
    onsite_rate: Decimal | None = Money
    travel_inside: Decimal | None = Money
    travel_outside_base: Decimal | None = Money
    phone_contacts_limit: int | None = Field(None, ge=0, le=1000)


def visible_customers(request: HttpRequest) -> QuerySet[Customer]:
    if is_staff_member(request.user):
        return Customer.objects.all()
    contact = contact_of(request.user)
    if contact is None:
        return Customer.objects.none()
    return Customer.objects.filter(pk=contact.customer_id)


def visible_customer(request: HttpRequest, customer_id: int) -> Customer:
    customer = visible_customers(request).filter(pk=customer_id).first()
    if customer is None:
        raise not_found("customer")
    return customer


def _need(request: HttpRequest, perm: str, what: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionRefused(f"Only an administrator can {what}.")


def _save(obj: Any) -> Any:
    with transaction.atomic():
        obj.full_clean()
        obj.save()
    return obj


class Page(Schema):
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(100, ge=1, le=500)


@router.get("/customers", response={200: CustomerPage, **ERRORS}, **scoped("customers:read"))
def customer_list(request: HttpRequest, page: Query[Page]) -> Any:
    qs = visible_customers(request).order_by("id")
    if page.cursor:
        qs = qs.filter(pk__gt=decode_id_cursor(page.cursor))
    rows = list(qs[: page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return {"items": rows, "next_cursor": encode_id_cursor(rows[-1].pk) if more else None}


@router.post("/customers", response={201: CustomerOut, **ERRORS}, **scoped("customers:write"))
def customer_create(request: HttpRequest, payload: CustomerIn) -> Any:
    _need(request, "customers.add_customer", "add customers")
    return Status(201, _save(Customer(**payload.dict())))


@router.get("/customers/{customer_id}", response={200: CustomerOut, **ERRORS}, **scoped("customers:read"))
def customer_read(request: HttpRequest, customer_id: int = Id) -> Any:
    return visible_customer(request, customer_id)


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **ERRORS}, **scoped("customers:write"))
def customer_update(request: HttpRequest, payload: CustomerPatch, customer_id: int = Id) -> Any:
    customer = visible_customer(request, customer_id)
    _need(request, "customers.change_customer", "change customers")
    for name, value in payload.dict(exclude_unset=True).items():
        setattr(customer, name, value)
    return _save(customer)


@router.get(
    "/customers/{customer_id}/contacts",
    response={200: list[ContactOut], **ERRORS},
    **scoped("customers:read"),
)
def contact_list(request: HttpRequest, customer_id: int = Id) -> Any:
    customer = visible_customer(request, customer_id)
    return list(customer.contacts.prefetch_related("emails").order_by("id"))


@router.post(
    "/customers/{customer_id}/contacts", response={201: ContactOut, **ERRORS}, **scoped("customers:write")
)
def contact_add(request: HttpRequest, payload: ContactIn, customer_id: int = Id) -> Any:
    customer = visible_customer(request, customer_id)
    _need(request, "customers.add_contact", "add contacts")
    return Status(201, contact_create(customer=customer, **payload.dict()))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, **scoped("customers:read"))
def contact_read(request: HttpRequest, contact_id: int = Id) -> Any:
    contact = Contact.objects.filter(pk=contact_id, customer__in=visible_customers(request)).first()
    if contact is None:
        raise not_found("contact")
    return contact


@router.get(
    "/customers/{customer_id}/contracts",
    response={200: list[ContractOut], **ERRORS},
    **scoped("customers:read"),
)
def contract_list(request: HttpRequest, customer_id: int = Id) -> Any:
    return list(visible_customer(request, customer_id).contracts.order_by("-starts_on", "id"))


@router.post(
    "/customers/{customer_id}/contracts", response={201: ContractOut, **ERRORS}, **scoped("customers:write")
)
def contract_add(request: HttpRequest, payload: ContractIn, customer_id: int = Id) -> Any:
    customer = visible_customer(request, customer_id)
    _need(request, "customers.add_contract", "add contracts")
    plan = Plan.objects.filter(pk=payload.plan_id).first()
    if plan is None:
        raise not_found("plan")
    values = payload.dict(exclude={"plan_id"})
    return Status(201, _save(Contract(customer=customer, plan=plan, **values)))


@router.get("/plans", response={200: list[PlanOut], **ERRORS}, **scoped("customers:read"))
def plan_list(request: HttpRequest) -> Any:
    return list(Plan.objects.order_by("fee_month", "name"))


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, **scoped("customers:read"))
def plan_read(request: HttpRequest, plan_id: int = Id) -> Any:
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise not_found("plan")
    return plan


@router.patch("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, **scoped("customers:write"))
def plan_update(request: HttpRequest, payload: PlanPatch, plan_id: int = Id) -> Any:
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise not_found("plan")
    _need(request, "customers.change_plan", "change plans")
    for name, value in payload.dict(exclude_unset=True).items():
        if value is not None:
            setattr(plan, name, value)
    return _save(plan)

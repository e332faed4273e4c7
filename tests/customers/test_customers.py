from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from asista.customers.models import Contact, ContactEmail, Contract, Customer
from asista.customers.selectors import contact_by_email
from asista.customers.validators import is_valid_cui, validate_tax_id
from tests import factories

# Real CUIs of Romanian companies, with and without the VAT prefix.
VALID = ["18547290", "RO18547290", "14399840", "RO 1590082", "13548146", "361757", "ro4221187"]
# Same formats with a wrong check digit, or not a CUI at all.
INVALID = [
    "18547291",
    "RO14399841",
    "1590083",
    "RO13548140",
    "1",
    "12345678901",
    "RO",
    "DE18547290",
    "1854729O",
]


@pytest.mark.parametrize("value", VALID)
def test_it_accepts_real_cuis(value: str) -> None:
    assert is_valid_cui(value)
    validate_tax_id(value)


@pytest.mark.parametrize("value", INVALID)
def test_it_refuses_cuis_with_a_wrong_check_digit_or_format(value: str) -> None:
    assert not is_valid_cui(value)
    with pytest.raises(ValidationError):
        validate_tax_id(value)


def test_the_refusal_names_the_expected_check_digit() -> None:
    with pytest.raises(ValidationError) as error:
        validate_tax_id("18547291")
    assert "0" in str(error.value.messages)


@pytest.mark.django_db
def test_a_vat_payer_keeps_its_ro_prefix() -> None:
    customer = factories.customer(tax_id="ro 18547290")
    assert customer.tax_id == "RO18547290"
    assert customer.cui == "18547290"
    assert customer.is_vat_payer


@pytest.mark.django_db
def test_a_customer_outside_brasov_needs_a_distance() -> None:
    customer = Customer(name="X SRL", tax_id="14399840", city="Cluj", county="RO-CJ", inside_brasov=False)
    with pytest.raises(ValidationError, match="distance"):
        customer.full_clean()


@pytest.mark.django_db
def test_the_seed_plans_are_loaded_with_the_pages_figures(plans) -> None:  # type: ignore[no-untyped-def]
    expert, tip0 = plans["expert"], plans["tip-0"]
    assert (expert.fee_month, expert.fee_year, expert.workstation_fee_month) == (300, 3000, 15)
    assert (
        expert.included_units,
        expert.unit_price,
        expert.programming_rate,
        expert.onsite_rate,
    ) == (10, 25, 60, 40)
    assert (tip0.included_units, tip0.unit_price, tip0.programming_rate, tip0.onsite_rate) == (
        0,
        50,
        100,
        70,
    )
    assert expert.travel_per_km == Decimal("0.25") and tip0.travel_inside == 100
    assert (expert.phone_contacts_limit, tip0.phone_contacts_limit) == (3, 1)
    targets = {t.target: (t.amount, t.unit) for t in expert.targets.all()}
    assert targets["urgent_answer"] == (2, "business_hours")
    assert targets["first_response"] == (6, "business_hours")
    assert {t.target: t.amount for t in tip0.targets.all()}["first_response"] == 15
    assert expert.calendar is not None and expert.calendar.time_zone == "Europe/Bucharest"


@pytest.mark.django_db
@pytest.mark.parametrize(("plan", "limit"), [("tip-0", 1), ("expert", 3)])
def test_the_plan_limits_phone_contacts(plan: str, limit: int) -> None:
    customer = factories.customer(plan=plan)
    for _ in range(limit):
        factories.contact(customer, is_phone_contact=True)
    with pytest.raises(ValidationError, match=f"at most {limit} phone contact"):
        factories.contact(customer, is_phone_contact=True)
    factories.contact(customer, is_phone_contact=False)


@pytest.mark.django_db
def test_email_addresses_are_unique_across_customers_whatever_the_case() -> None:
    factories.contact(emails=["Maria@Client.example"])
    other = factories.customer()
    with pytest.raises(ValidationError, match="already belongs"):
        factories.contact(other, emails=["maria@client.EXAMPLE"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactEmail.objects.create(contact=Contact.objects.first(), address="MARIA@client.example")


@pytest.mark.django_db
def test_a_contact_is_found_by_any_of_their_addresses() -> None:
    contact = factories.contact(emails=["a@x.example", "Second@X.example"])
    assert contact_by_email("second@x.example") == contact
    assert contact_by_email("nobody@x.example") is None


@pytest.mark.django_db
def test_a_customer_has_at_most_one_active_contract(plans) -> None:  # type: ignore[no-untyped-def]
    customer = factories.customer(plan="expert")
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(customer=customer, plan=plans["tip-0"], starts_on=date(2026, 1, 1))
    Contract.objects.filter(customer=customer).update(status="ended", ends_on=date(2025, 12, 31))
    Contract.objects.create(customer=customer, plan=plans["tip-0"], starts_on=date(2026, 1, 1))
    assert customer.active_contract(date(2026, 3, 1)).plan.code == "tip-0"


@pytest.mark.django_db
def test_a_contract_cannot_end_before_it_starts(plans) -> None:  # type: ignore[no-untyped-def]
    customer = factories.customer(plan=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            customer=customer,
            plan=plans["expert"],
            starts_on=date(2026, 2, 1),
            ends_on=date(2026, 1, 1),
        )


@pytest.mark.django_db
def test_contract_periods_of_a_customer_do_not_overlap(plans) -> None:  # type: ignore[no-untyped-def]
    customer = factories.customer(plan=None)
    Contract.objects.create(
        customer=customer,
        plan=plans["tip-0"],
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
        status="ended",
    )
    overlapping = Contract(customer=customer, plan=plans["expert"], starts_on=date(2025, 6, 1))
    with pytest.raises(ValidationError, match="overlaps"):
        overlapping.full_clean()
    Contract(customer=customer, plan=plans["expert"], starts_on=date(2026, 1, 1)).full_clean()

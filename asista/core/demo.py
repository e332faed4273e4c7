"""A demo desk: a vendor team, two customers and a dozen tickets in every state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from asista.core.models import Profile
from asista.core.roles import ADMINISTRATOR, AGENT, DISPATCHER, grant_role
from asista.customers.models import Contract, Customer, Plan
from asista.customers.services import contact_create
from asista.tickets import workflow
from asista.tickets.models import Channel, Kind, Ticket

PASSWORD = "asista-demo"


@dataclass(frozen=True)
class Login:
    role: str
    login: str
    password: str


LOGINS = (
    Login("administrator", "admin", PASSWORD),
    Login("dispatcher", "dispecer", PASSWORD),
    Login("agent", "andrei", PASSWORD),
    Login("agent", "ioana", PASSWORD),
    Login("customer (Expert)", "maria@brasovia.example", PASSWORD),
    Login("customer (Tip 0)", "george@carpati.example", PASSWORD),
)


def _billing_setup() -> None:
    """The vendor as seller, with an invoice series and a credit-note series."""
    from asista.billing.models import InvoiceSeries, Seller

    seller = Seller.objects.create(
        name="Asista Demo SRL",
        tax_id="RO13548146",
        trade_register="J08/100/2000",
        address="Str. Republicii 1",
        city="Brașov",
        county="RO-BV",
        postal_code="500030",
        iban="RO49AAAA1B31007593840000",
        bank="Banca Demo",
        email="facturare@asista.localhost",
    )
    InvoiceSeries.objects.create(code="ASI", seller=seller, is_default=True)
    InvoiceSeries.objects.create(code="ASIS", seller=seller, for_credit_notes=True, is_default=True)


def _work(ticket: Ticket, agent: Any, start: datetime, minutes: int, kind: str, note: str) -> None:
    from asista.billing.services import time_entry_log

    time_entry_log(ticket=ticket, agent=agent, kind=kind, started_at=start, minutes=minutes, note=note)


def demo_exists() -> bool:
    return get_user_model().objects.filter(username="dispecer").exists()


def _staff(username: str, first: str, last: str, role: str) -> Any:
    User = get_user_model()
    user = User.objects.create_user(
        username=username,
        email=f"{username}@asista.localhost",
        password=PASSWORD,
        first_name=first,
        last_name=last,
    )
    grant_role(user, role)
    Profile.objects.create(user=user, language="ro")
    return user


def _portal_user(contact: Any, email: str) -> None:
    User = get_user_model()
    user = User.objects.create_user(username=email, email=email, password=PASSWORD)
    contact.user = user  # type: ignore[attr-defined]
    contact.save(update_fields=["user"])  # type: ignore[attr-defined]


@transaction.atomic
def load_demo(*, now: datetime | None = None) -> list[Login]:
    """Create the demo data once; returns the logins to print."""
    now = now or timezone.now()
    admin = _staff("admin", "Ana", "Administrator", ADMINISTRATOR)
    admin.is_superuser = True  # type: ignore[attr-defined]
    admin.save()  # type: ignore[attr-defined]
    dispatcher = _staff("dispecer", "Dana", "Dispecer", DISPATCHER)
    agent1 = _staff("andrei", "Andrei", "Popescu", AGENT)
    agent2 = _staff("ioana", "Ioana", "Marin", AGENT)

    expert, tip0 = Plan.objects.get(code="expert"), Plan.objects.get(code="tip-0")
    expert.urgent_phones = "+40 268 000 101\n+40 268 000 102\n+40 268 000 103"
    expert.save(update_fields=["urgent_phones"])
    acme = Customer.objects.create(
        name="Brașovia Distribuție SRL",
        tax_id="RO18547290",
        trade_register="J08/1234/2006",
        address="Str. Lungă 12",
        city="Brașov",
        county="RO-BV",
        inside_brasov=True,
        workstations=3,
        billing_email="contabilitate@brasovia.example",
    )
    carpat = Customer.objects.create(
        name="Carpați Retail SRL",
        tax_id="14399840",
        trade_register="J26/567/2001",
        address="Bd. 1 Decembrie 1918 nr. 5",
        city="Târgu Mureș",
        county="RO-MS",
        distance_km=170,
        workstations=1,
        billing_email="office@carpati.example",
    )
    start = date(now.year, 1, 1)
    Contract.objects.create(customer=acme, plan=expert, starts_on=start, workstations=3, number="EX-001")
    Contract.objects.create(customer=carpat, plan=tip0, starts_on=start, workstations=1, number="T0-001")
    maria = contact_create(
        customer=acme,
        name="Maria Ionescu",
        emails=["maria@brasovia.example"],
        phone="+40 722 000 001",
        is_phone_contact=True,
    )
    contact_create(
        customer=acme,
        name="Radu Stan",
        emails=["radu@brasovia.example", "radu.stan@brasovia.example"],
    )
    george = contact_create(
        customer=carpat,
        name="George Vlad",
        emails=["george@carpati.example"],
        phone="+40 744 000 002",
        is_phone_contact=True,
        language="en",
    )
    _portal_user(maria, "maria@brasovia.example")
    _portal_user(george, "george@carpati.example")

    def at(hours_ago: float) -> datetime:
        return now - timedelta(hours=hours_ago)

    def new(customer: Customer, contact: Any, subject: str, text: str, hours_ago: float, **kw: Any) -> Ticket:
        return workflow.ticket_create(
            customer=customer,
            contact=contact,
            subject=subject,
            text=text,
            channel=kw.pop("channel", Channel.EMAIL),
            now=at(hours_ago),
            **kw,
        )

    new(
        acme,
        maria,
        "Nu se tipărește factura fiscală",
        "Bună ziua, la tipărire apare eroarea 0x1F.",
        2,
    )
    new(
        carpat,
        george,
        "Raport vânzări lunar",
        "Please add the county column to the monthly sales report.",
        30,
        kind=Kind.CHANGE,
    )
    t = new(
        acme,
        maria,
        "Import extras bancar BT",
        "Importul extrasului din C:\\Users\\Public\\extras.xml nu merge.",
        50,
    )
    workflow.ticket_assign(t, actor=dispatcher, assignee=agent1, now=at(49))
    t = new(acme, maria, "Configurare imprimantă bonuri", "Imprimanta nouă nu apare în listă.", 70)
    workflow.ticket_assign(t, actor=dispatcher, assignee=agent1, now=at(69))
    workflow.ticket_start(t, actor=agent1, now=at(68))
    t = new(carpat, george, "Stock transfer between warehouses", "Transfers show a negative stock.", 90)
    workflow.ticket_assign(t, actor=dispatcher, assignee=agent2, now=at(89))
    workflow.ticket_start(t, actor=agent2, now=at(88))
    workflow.ticket_ask_customer(
        t, actor=agent2, text="Which warehouse codes and which document numbers?", now=at(87)
    )
    t = new(
        acme,
        maria,
        "Câmp nou pe comanda client",
        "Dorim un câmp „termen livrare” pe comandă.",
        120,
        kind=Kind.CHANGE,
    )
    workflow.ticket_assign(t, actor=dispatcher, assignee=agent1, now=at(119))
    workflow.ticket_start(t, actor=agent1, now=at(118))
    _work(t, agent1, at(110), 75, "change", "Câmp nou pe comandă și pe tipizat.")
    workflow.ticket_resolve(t, actor=agent1, solution="Am adăugat câmpul; apare după repornire.", now=at(100))
    t = new(acme, maria, "Eroare la închiderea de lună", "Închiderea lunii se oprește la 80%.", 200)
    workflow.ticket_assign(t, actor=dispatcher, assignee=agent2, now=at(199))
    workflow.ticket_start(t, actor=agent2, now=at(198))
    _work(t, agent2, at(195), 40, "assistance", "Sesiune remote: reindexare tabele.")
    workflow.ticket_resolve(t, actor=agent2, solution="Am reindexat tabelele; închiderea merge.", now=at(190))
    workflow.ticket_accept(t, actor=maria.user, now=at(180))
    t = new(
        carpat,
        george,
        "Password reset for user Vlad",
        "Please reset the password of user VLAD.",
        300,
    )
    workflow.ticket_assign(t, actor=dispatcher, assignee=agent2, now=at(299))
    workflow.ticket_start(t, actor=agent2, now=at(298))
    workflow.ticket_resolve(t, actor=agent2, solution="Done; the new password was sent by SMS.", now=at(297))
    workflow.ticket_reopen(t, actor=george.user, text="It still says the account is locked.", now=at(296))
    t = new(acme, maria, "Solicitare dublată", "Am trimis de două ori aceeași cerere.", 150)
    workflow.ticket_cancel(t, actor=dispatcher, reason="Duplicat.", now=at(149))
    workflow.ticket_create(
        customer=acme,
        contact=maria,
        actor=dispatcher,
        subject="Nu se pot emite facturi",
        text="Sunat de Maria: serverul nu pornește, nu pot emite facturi.",
        kind=Kind.URGENT_CALL,
        channel=Channel.PHONE,
        now=at(1),
    )
    t = new(
        carpat,
        george,
        "On-site: new server install",
        "Our internet is down; please come install the server.",
        20,
        kind=Kind.ONSITE,
        onsite_reason="Internet down at the customer; remote access impossible.",
    )
    new(
        acme,
        maria,
        "Întrebare despre cursul BNR pe factură",
        "Ce curs folosiți pe facturi?",
        5,
        channel=Channel.WEB,
    )
    return list(LOGINS)

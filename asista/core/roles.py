"""Roles are Django groups with permissions; this module names them and answers "who is this"."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db.models import QuerySet

ADMINISTRATOR = "administrator"
DISPATCHER = "dispatcher"
AGENT = "agent"
ROLES = (ADMINISTRATOR, DISPATCHER, AGENT)
# Who works tickets: administrators configure, and take tickets only when also one of these.
TICKET_TAKERS = (DISPATCHER, AGENT)

_AGENT = [
    "tickets.view_ticket",
    "tickets.change_ticket",
    "tickets.add_ticket",
    "tickets.work_ticket",
    "tickets.view_message",
    "tickets.add_message",
    "tickets.view_attachment",
    "tickets.view_event",
    "customers.view_customer",
    "customers.view_contact",
    "customers.view_contract",
    "customers.view_plan",
    "billing.view_timeentry",
    "billing.add_timeentry",
    "billing.change_timeentry",
    "desk.view_cannedreply",
]
_DISPATCHER = [
    *_AGENT,
    "tickets.assign_ticket",
    "tickets.set_priority",
    "tickets.cancel_ticket",
    "tickets.act_for_customer",
    "mail.triage_mail",
    "customers.add_contact",
    "customers.change_contact",
    "customers.add_customer",
]
# Administrators get every permission of Asista's apps and of user management.
_ADMIN_APPS = {
    "core",
    "customers",
    "tickets",
    "mail",
    "sla",
    "billing",
    "desk",
    "portal",
    "api",
    "reports",
    "auth",
}

ROLE_PERMISSIONS: dict[str, list[str]] = {AGENT: _AGENT, DISPATCHER: _DISPATCHER}


def sync_roles(**kwargs: Any) -> None:
    """Create the role groups and give them exactly their permissions (idempotent)."""
    known = {
        f"{app}.{codename}": pk
        for pk, app, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([known[name] for name in names if name in known])
    admin, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    admin.permissions.set([pk for name, pk in known.items() if name.split(".")[0] in _ADMIN_APPS])


def roles_of(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_asista_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMINISTRATOR)
        user._asista_roles = cached
    return cached


def is_staff_member(user: Any) -> bool:
    """Vendor staff: an administrator, a dispatcher or an agent."""
    return bool(roles_of(user))


def can_take_tickets(user: Any) -> bool:
    return bool(roles_of(user) & set(TICKET_TAKERS))


def staff_members(roles: tuple[str, ...] = ROLES) -> QuerySet[Any]:
    """Active users in the role groups `roles` (the whole support team by default), by name."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def is_dispatcher(user: Any) -> bool:
    return bool(roles_of(user) & {DISPATCHER, ADMINISTRATOR})


def is_administrator(user: Any) -> bool:
    return ADMINISTRATOR in roles_of(user)


def contact_of(user: Any) -> Any:
    """The Contact a portal user speaks for, or None."""
    if not getattr(user, "is_authenticated", False) or isinstance(user, AnonymousUser):
        return None
    from asista.customers.models import Contact

    cached = getattr(user, "_asista_contact", False)
    if cached is False:
        cached = Contact.objects.select_related("customer").filter(user=user, is_active=True).first()
        user._asista_contact = cached
    return cached


def grant_role(user: Any, role: str) -> None:
    user.groups.add(Group.objects.get(name=role))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_asista_roles", None)

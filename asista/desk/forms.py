"""Forms of the desk; the upload checks are shared with the portal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from asista.billing.models import RemoteSession, TimeEntry
from asista.customers.models import Customer
from asista.customers.selectors import contact_by_email
from asista.desk import selectors
from asista.tickets.attachments import NewAttachment
from asista.tickets.models import Kind, Priority, State

MAX_FILES = 10
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 25 * 1024 * 1024
BLOCKED_EXTENSIONS = frozenset(
    [
        ".exe",
        ".bat",
        ".cmd",
        ".com",
        ".msi",
        ".scr",
        ".vbs",
        ".vbe",
        ".js",
        ".jse",
        ".ps1",
        ".jar",
        ".lnk",
        ".hta",
        ".cpl",
        ".dll",
        ".sh",
        ".app",
    ]
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each one checked for size and type."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[NewAttachment]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        return check_uploads(files)


def check_uploads(files: Sequence[UploadedFile]) -> list[NewAttachment]:
    """Files as NewAttachment, or a ValidationError naming each file that breaks a limit."""
    errors: list[str] = []
    if len(files) > MAX_FILES:
        errors.append(str(_("Attach at most %(count)d files.") % {"count": MAX_FILES}))
    total = 0
    for upload in files:
        name = upload.name or "attachment"
        size = upload.size or 0
        total += size
        if PurePath(name).suffix.lower() in BLOCKED_EXTENSIONS:
            errors.append(
                str(_("%(name)s: programs and scripts cannot be attached; zip them first.") % {"name": name})
            )
        elif size > MAX_FILE_BYTES:
            errors.append(
                str(
                    _("%(name)s is %(size)s; one file may have at most %(limit)s.")
                    % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(MAX_FILE_BYTES)}
                )
            )
    if total > MAX_TOTAL_BYTES:
        errors.append(
            str(_("The files add up to more than %(limit)s.") % {"limit": filesizeformat(MAX_TOTAL_BYTES)})
        )
    if errors:
        errors.append(str(_("What you wrote is kept; choose the files again.")))
        raise ValidationError(errors)
    return [
        NewAttachment(
            filename=PurePath(upload.name or "attachment").name,
            content_type=upload.content_type or "application/octet-stream",
            data=upload.read(),
        )
        for upload in files
    ]


class LanguageForm(forms.Form):
    """The header's language switch (desk and portal): the language, and the page to go back to."""

    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)

    def next_url(self, request: HttpRequest, default: str) -> str:
        """The page the switch was used on, when it is a path of this site; else `default`."""
        target = self.cleaned_data.get("next", "") if self.is_valid() else request.POST.get("next", "")
        return local_url(request, target, default)


def local_url(request: HttpRequest, target: str, default: str) -> str:
    """`target` when it is a page of this site (a `next` from a form), else `default`: a posted
    link must not send people elsewhere."""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else default


class QueueForm(forms.Form):
    view = forms.ChoiceField(
        label=_("View"),
        required=False,
        choices=[
            ("mine", _("My tickets")),
            ("unassigned", _("Unassigned")),
            ("waiting", _("Waiting for customer")),
            ("breaching", _("Breaching soon")),
            ("all", _("All")),
        ],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("any")), *State.choices])
    customer = forms.CharField(label=_("Customer"), required=False, max_length=100)
    plan = forms.TypedChoiceField(label=_("Plan"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("any")), *Kind.choices])
    agent = forms.TypedChoiceField(label=_("Agent"), required=False, coerce=int, empty_value=None)
    after = forms.CharField(label=_("Page"), required=False, max_length=200, widget=forms.HiddenInput)
    size = forms.IntegerField(
        label=_("Rows per page"), required=False
    )  # out of range is brought into range by the selector

    def __init__(self, *args: Any, plans: Sequence[Any] = (), agents: Sequence[Any] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", _("any"))] + [(p.pk, p.name) for p in plans]  # type: ignore[attr-defined]
        self.fields["agent"].choices = [("", _("anyone"))] + [  # type: ignore[attr-defined]
            (u.pk, u.get_full_name() or u.username) for u in agents
        ]

    def filters(self, default_view: str) -> selectors.QueueFilters:
        """The filters of the fields that are valid: a bad value (an old link, a hand-edited URL)
        drops only its own filter, and `ignored` says which."""
        self.is_valid()
        data = self.cleaned_data
        return selectors.QueueFilters(
            view=data.get("view") or default_view,
            state=data.get("state") or "",
            customer=data.get("customer") or "",
            plan=data.get("plan"),
            kind=data.get("kind") or "",
            agent=data.get("agent"),
            q=data.get("q") or "",
        )

    @property
    def ignored(self) -> list[str]:
        """The labels of the filters left out because their value was not valid."""
        return [str(self.fields[name].label or name) for name in self.errors if name in self.fields]


class TextForm(forms.Form):
    """Reply, question, solution or internal note: a text and files."""

    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=50000)
    attachments = MultipleFileField(label=_("Attachments"))


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Team members by their full name, as everywhere else on the desk."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class AssignForm(forms.Form):
    assignee = PersonChoiceField(
        label=_("Agent"), queryset=selectors.assignable_users(), empty_label=_("— choose an agent —")
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


def work_ended_at(day: date | None, now: datetime) -> datetime:
    """When time typed for `day` is dated: now for today (or no day); for an earlier day the same
    hour of that day, so the work stays in that day and its month."""
    if day is None or day >= timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(day, timezone.localtime(now).time()))


class TimeForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=selectors.MAX_ENTRY_MINUTES)
    day = forms.DateField(
        label=_("Day of the work"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Today, unless the work was done earlier."),
    )
    kind = forms.ChoiceField(label=_("Kind of work"), choices=TimeEntry.Kind.choices, initial="assistance")
    km = forms.DecimalField(label=_("km (travel outside Brașov)"), required=False, min_value=0, max_digits=7)
    inside_brasov = forms.BooleanField(label=_("inside Brașov municipality"), required=False)
    note = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RemoteSessionForm(forms.Form):
    """A remote-control session, by its day and its start and end in local time."""

    tool = forms.ChoiceField(label=_("Tool"), choices=RemoteSession.Tool.choices)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    starts = forms.TimeField(
        label=_("Started at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends = forms.TimeField(
        label=_("Ended at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    note = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def clean(self) -> dict[str, Any]:
        """Adds started_at and ended_at: the day's times as instants of the desk's time zone
        (Europe/Bucharest); whether they are allowed is the billing service's rule."""
        data = super().clean() or {}
        if all(data.get(name) is not None for name in ("day", "starts", "ends")):
            data["started_at"] = timezone.make_aware(datetime.combine(data["day"], data["starts"]))
            data["ended_at"] = timezone.make_aware(datetime.combine(data["day"], data["ends"]))
        return data


class ReclassifyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    onsite_reason = forms.CharField(
        label=_("Reason for an on-site visit (what was tried and why it failed)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OnsiteForm(forms.Form):
    reason = forms.CharField(
        label=_("Why on site: what was tried (email, phone, remote) and why it failed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), max_length=2000)


def known_contact_input(datalist: str) -> forms.EmailInput:
    """An address field that offers known contacts in the datalist `datalist` as one types a
    name, a company or an address (htmx, `desk:caller_options`)."""
    return forms.EmailInput(
        attrs={
            "list": datalist,
            "autocomplete": "off",
            "hx-get": reverse_lazy("desk:caller_options"),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{datalist}",
        }
    )


class PhoneCallForm(forms.Form):
    """An urgency phoned in, logged by the agent who took the call: a known contact (who then
    gets the acknowledgement with the ticket number), or a caller by name for a customer."""

    caller_address = forms.EmailField(
        label=_("The caller, if a known contact"),
        help_text=_("Type a name, a company or an address to choose them."),
        required=False,
        widget=known_contact_input("urgent-caller-options"),
    )
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.filter(is_active=True),
        required=False,
        help_text=_("Needed only when the caller is not a known contact."),
    )
    caller = forms.CharField(label=_("Caller's name"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=32)
    subject = forms.CharField(label=_("What is blocked"), max_length=200)
    text = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self) -> dict[str, Any]:
        """Adds `contact`: the known contact writing from `caller_address`, or None."""
        data = super().clean() or {}
        address = data.get("caller_address") or ""
        data["contact"] = contact_by_email(address) if address else None
        if address and data["contact"] is None:
            self.add_error(
                "caller_address",
                _("No active contact has this address: leave it empty and choose the customer."),
            )
        elif data["contact"] is None:
            if not data.get("customer"):
                self.add_error("customer", _("Choose the customer, or a known contact above."))
            if not data.get("caller", "").strip():
                self.add_error("caller", _("Write who called."))
        return data


class WriteInvitationForm(forms.Form):
    """A non-urgent caller: where to send the support address and the new-request form's link."""

    address = forms.EmailField(
        label=_("Caller's email address"),
        help_text=_("Type a name, a company or an address to choose a known contact."),
        widget=known_contact_input("caller-options"),
    )
    language = forms.ChoiceField(
        label=_("Language of the email"),
        choices=settings.LANGUAGES,
        initial="ro",
        help_text=_("For an address we do not know; a known contact gets their own language."),
    )
    note = forms.CharField(label=_("What they called about (for the team)"), required=False, max_length=500)
    key = forms.UUIDField(widget=forms.HiddenInput)


class TriageLinkForm(forms.Form):
    contact = forms.IntegerField(label=_("Contact id"), required=False, min_value=1)
    customer = forms.IntegerField(label=_("Customer id (to create the contact)"), required=False, min_value=1)
    name = forms.CharField(label=_("New contact's name"), required=False, max_length=120)

"""Forms of the portal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from asista.desk.forms import MultipleFileField


class RequestForm(forms.Form):
    KINDS = [
        ("support", _("Support: a question or something that does not work")),
        ("change", _("Change to an existing module (configuration, report, print)")),
        ("urgent", _("Urgent: I cannot continue working")),
    ]
    subject = forms.CharField(label=_("Subject"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind of request"), choices=KINDS, initial="support", widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=50000,
        help_text=_("What happened, what you expected, and the steps to see it."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"), help_text=_("Up to 10 files, 10 MB each, 25 MB in all.")
    )


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=50000
    )
    attachments = MultipleFileField(label=_("Attachments"))


class ReopenForm(forms.Form):
    text = forms.CharField(
        label=_("What must still change?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=50000
    )


class StatementForm(forms.Form):
    month = forms.RegexField(label=_("Month"), regex=r"^\d{4}-\d{2}$", required=False)

    def period(self, default: tuple[int, int]) -> tuple[int, int]:
        value = self.cleaned_data.get("month") if self.is_valid() else ""
        if value:
            year, month = (int(part) for part in value.split("-"))
            if 1 <= month <= 12 and 2000 <= year <= 2100:
                return year, month
        return default


class EmailLoginForm(AuthenticationForm):
    """Django's login form, whose errors speak of the email address the portal asks for."""

    error_messages = {
        "invalid_login": _(
            "The email address or the password is not right. Check both and try again; "
            "the password is case-sensitive."
        ),
        "inactive": _("This login is disabled. Ask your support team to enable it."),
    }


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the email written to Asista's outbox (sent by the worker)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from asista.portal.services import access_email_send

        access_email_send(user=context["user"], to=to_email, link_path=_link_path(context), invitation=False)


def _link_path(context: dict[str, Any]) -> str:
    from django.urls import reverse

    return reverse("portal:password_reset_confirm", args=[context["uid"], context["token"]])

"""Forms of the site shell."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form, whose errors name what the page asks for: an email or a user name."""

    error_messages = {
        "invalid_login": _(
            "The email or user name, or the password, is not right. Check both and try again; "
            "the password is case-sensitive."
        ),
        "inactive": _("This login is disabled. Ask an administrator to enable it."),
    }

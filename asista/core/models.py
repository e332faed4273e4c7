from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """A named, gapless counter (ticket numbers, invoice series), advanced inside transactions."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"


class Profile(models.Model):
    """Preferences of a staff user (contacts keep theirs on the Contact)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="ro")
    notify_by_email = models.BooleanField(
        _("email me about my tickets"),
        default=True,
        help_text=_(
            "An email when a ticket is assigned to you and when the customer writes on, reopens "
            "or accepts a ticket of yours."
        ),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)

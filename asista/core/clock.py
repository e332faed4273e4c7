"""The one place that reads the wall clock, so rules can take `now` and tests can freeze it."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()

"""Every background job and schedule of Asista, in one module.

Jobs are thin: they take ids, call a service, and are safe to run twice or on several workers.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from asista.core.clock import now


@db_periodic_task(crontab(minute="*/10"))
@lock_task("auto-close")
def auto_close_resolved() -> int:
    """Close resolved tickets nobody answered within the configured working days."""
    from asista.tickets.services import auto_close_due

    return auto_close_due(now=now())

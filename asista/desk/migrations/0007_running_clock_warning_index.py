"""An index on sla_clock for the desk's "breaching soon" (owned by the desk; see selectors.py).

- desk_sla_clock_running_warn: running clocks (neither stopped nor paused) by the instant their
  warning share is reached, with their ticket. The view and its count look up "the tickets with
  a running clock past its warning time" with a short range scan of this index, whatever the size
  of the desk. (The SLA app's own `sla_clock_running_warn` leaves out clocks already warned.)
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS desk_sla_clock_running_warn ON sla_clock (warn_at, ticket_id) "
    "WHERE stopped_at IS NULL AND paused_at IS NULL",
]
BACKWARD = ["DROP INDEX IF EXISTS desk_sla_clock_running_warn"]


class Migration(migrations.Migration):
    dependencies = [("desk", "0006_write_invitations"), ("sla", "0003_clock_index_pending_breaches")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]

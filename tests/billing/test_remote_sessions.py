"""Remote sessions (DOMAIN.md §1): Mon–Fri 08:30–16:30 Bucharest time, logged as assistance time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from asista.billing import services
from asista.billing.models import RemoteSession, TimeEntry
from asista.billing.units import units_for
from tests import factories

BUCHAREST = ZoneInfo("Europe/Bucharest")


def at(day: str, clock: str) -> datetime:
    """Bucharest wall time, e.g. at("2026-03-02", "08:30")."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=BUCHAREST)


def refusal(start: datetime, end: datetime) -> str:
    return services.remote_session_refusal(started_at=start, ended_at=end)


# Monday 2026-03-02 is a working day; Saturday 2026-03-07 and Sunday 2026-03-08 are not.


def test_a_session_starting_at_0830_is_inside() -> None:
    assert refusal(at("2026-03-02", "08:30"), at("2026-03-02", "09:00")) == ""


def test_a_session_starting_at_0829_is_refused() -> None:
    assert "08:30" in refusal(at("2026-03-02", "08:29"), at("2026-03-02", "09:00"))


def test_a_session_ending_at_1630_is_inside() -> None:
    assert refusal(at("2026-03-02", "16:00"), at("2026-03-02", "16:30")) == ""


def test_a_session_ending_at_1631_is_refused() -> None:
    assert refusal(at("2026-03-02", "16:00"), at("2026-03-02", "16:31")) != ""


def test_friday_is_inside_and_the_weekend_is_refused() -> None:
    assert refusal(at("2026-03-06", "10:00"), at("2026-03-06", "11:00")) == ""
    assert refusal(at("2026-03-07", "10:00"), at("2026-03-07", "11:00")) != ""
    assert refusal(at("2026-03-08", "10:00"), at("2026-03-08", "11:00")) != ""


def test_a_session_over_midnight_is_refused() -> None:
    assert refusal(at("2026-03-02", "16:00"), at("2026-03-03", "09:00")) != ""


def test_an_end_before_or_at_the_start_is_refused_with_its_own_reason() -> None:
    assert "end after it starts" in refusal(at("2026-03-02", "10:00"), at("2026-03-02", "09:00"))
    assert "end after it starts" in refusal(at("2026-03-02", "10:00"), at("2026-03-02", "10:00"))


def test_the_window_follows_bucharest_time_across_the_dst_change() -> None:
    """Summer time starts Sunday 2026-03-29 (EET, UTC+2 → EEST, UTC+3): 08:30 in Bucharest is
    06:30 UTC on Friday 27 and 05:30 UTC on Monday 30. A check in UTC would be an hour off."""
    friday_open = datetime(2026, 3, 27, 6, 30, tzinfo=UTC)
    monday_open = datetime(2026, 3, 30, 5, 30, tzinfo=UTC)
    assert refusal(friday_open, friday_open.replace(hour=7)) == ""
    assert refusal(friday_open.replace(minute=29), friday_open.replace(hour=7)) != ""
    assert refusal(monday_open, monday_open.replace(hour=6)) == ""
    assert refusal(monday_open.replace(minute=29), monday_open.replace(hour=6)) != ""
    # 16:30 EEST on Monday is 13:30 UTC.
    assert refusal(datetime(2026, 3, 30, 13, 0, tzinfo=UTC), datetime(2026, 3, 30, 13, 30, tzinfo=UTC)) == ""
    assert refusal(datetime(2026, 3, 30, 13, 0, tzinfo=UTC), datetime(2026, 3, 30, 13, 31, tzinfo=UTC)) != ""
    # The change itself happens on a Sunday: refused as any weekend day.
    assert refusal(at("2026-03-29", "10:00"), at("2026-03-29", "11:00")) != ""


def test_the_autumn_change_keeps_the_same_wall_clock_hours() -> None:
    """Winter time returns Sunday 2026-10-25: Monday 26 opens at 06:30 UTC (EET, UTC+2)."""
    monday_open = datetime(2026, 10, 26, 6, 30, tzinfo=UTC)
    assert refusal(monday_open, monday_open.replace(hour=7)) == ""
    assert refusal(monday_open.replace(hour=5, minute=30), monday_open.replace(hour=7)) != ""


@pytest.mark.django_db
def test_logging_a_session_records_it_and_its_assistance_time(agent) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket()
    session = services.remote_session_log(
        ticket=ticket,
        agent=agent,
        tool="teamviewer",
        started_at=at("2026-03-02", "15:50"),
        ended_at=at("2026-03-02", "16:30"),
        note="Reinstalled the printer driver",
    )
    entry = TimeEntry.objects.get(remote_session=session)
    assert (entry.ticket_id, entry.agent_id, entry.kind) == (ticket.pk, agent.pk, TimeEntry.Kind.ASSISTANCE)
    assert entry.minutes == 40 and units_for(entry.minutes) == 2
    assert entry.note == "Reinstalled the printer driver"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        (at("2026-03-02", "08:29"), at("2026-03-02", "09:00"), "08:30"),
        (at("2026-03-07", "10:00"), at("2026-03-07", "11:00"), "Monday to Friday"),
        (at("2026-03-02", "11:00"), at("2026-03-02", "10:00"), "end after it starts"),
    ],
)
def test_a_refused_session_records_nothing(agent, start, end, reason) -> None:  # type: ignore[no-untyped-def]
    ticket = factories.ticket()
    with pytest.raises(ValidationError, match=reason):
        services.remote_session_log(
            ticket=ticket, agent=agent, tool="anydesk", started_at=start, ended_at=end
        )
    assert not RemoteSession.objects.exists() and not TimeEntry.objects.exists()


@pytest.mark.django_db
def test_an_unknown_tool_is_refused(agent) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="tool"):
        services.remote_session_log(
            ticket=factories.ticket(),
            agent=agent,
            tool="telnet",
            started_at=at("2026-03-02", "10:00"),
            ended_at=at("2026-03-02", "10:30"),
        )


@pytest.mark.django_db
def test_a_session_in_the_future_is_refused(agent) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="future"):
        services.remote_session_log(
            ticket=factories.ticket(),
            agent=agent,
            tool="anydesk",
            started_at=at("2027-03-01", "10:00"),
            ended_at=at("2027-03-01", "10:30"),
        )
    assert not TimeEntry.objects.exists()

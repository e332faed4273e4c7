"""The pure business-time durations of one ticket (default calendar, Mon–Fri 08:30–16:30)."""

from __future__ import annotations

from asista.reports.durations import ticket_durations
from asista.sla.calendar import default_calendar
from tests.reports.conftest import at


def test_it_counts_first_response_in_business_minutes_across_the_night() -> None:
    found = ticket_durations(
        default_calendar(),
        created=at("2026-03-02 16:00"),
        responded=at("2026-03-03 09:00"),
        resolved=None,
        transitions=[],
    )
    assert (found.first_response, found.resolution, found.waiting) == (60, None, 0)


def test_it_leaves_out_waiting_for_the_customer_and_sitting_resolved_before_a_reopening() -> None:
    # held 09:00-10:00 (60), resolved Wed 10:00 -> reopened Thu 09:00 (6.5 h + 0.5 h = 420
    # paused), held 09:00-09:30 (30), waiting 09:30-11:30 (120 paused), held 11:30-12:00 (30).
    found = ticket_durations(
        default_calendar(),
        created=at("2026-03-04 09:00"),
        responded=at("2026-03-04 10:00"),
        resolved=at("2026-03-05 12:00"),
        transitions=[
            (at("2026-03-04 10:00"), "resolved"),
            (at("2026-03-05 09:00"), "in_progress"),
            (at("2026-03-05 09:30"), "waiting"),
            (at("2026-03-05 11:30"), "in_progress"),
            (at("2026-03-05 12:00"), "resolved"),
        ],
    )
    assert (found.first_response, found.resolution, found.waiting) == (60, 120, 540)


def test_an_arrival_on_saturday_counts_from_monday_morning() -> None:
    found = ticket_durations(
        default_calendar(),
        created=at("2026-03-07 10:00"),
        responded=at("2026-03-09 10:30"),
        resolved=at("2026-03-09 16:30"),
        transitions=[],
    )
    assert (found.first_response, found.resolution) == (120, 480)

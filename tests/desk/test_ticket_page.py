from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from asista.billing.models import TimeEntry
from asista.tickets import workflow
from asista.tickets.attachments import NewAttachment
from asista.tickets.models import State
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():  # type: ignore[no-untyped-def]
    return factories.ticket(
        attachments=[
            NewAttachment("ecran.png", "image/png", b"\x89PNG fake"),
            NewAttachment("pagina.html", "text/html", b"<script>alert(1)</script>"),
        ]
    )


def test_an_agent_cannot_assign(client, agent, ticket):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    page = client.get(f"/desk/t/{ticket.number}/").content.decode()
    assert f"/desk/t/{ticket.number}/assign/" not in page
    response = client.post(f"/desk/t/{ticket.number}/assign/", {"assign-assignee": agent.pk})
    assert response.status_code == 400
    assert "dispecer" in response.content.decode() or "dispatcher" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == State.NEW and ticket.assignee is None


def test_a_dispatcher_assigns_and_the_agent_starts(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    client.force_login(dispatcher)
    response = client.post(f"/desk/t/{ticket.number}/assign/", {"assign-assignee": agent.pk})
    assert response.status_code == 302
    client.force_login(agent)
    assert client.post(f"/desk/t/{ticket.number}/start/").status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS


def test_a_refusal_says_why_and_keeps_the_text(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    client.force_login(agent)
    response = client.post(f"/desk/t/{ticket.number}/resolve/", {"resolve-text": "Soluția mea lungă"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Soluția mea lungă" in body
    assert "start it first" in body or "începe" in body.lower() or "#" in body


def test_logging_time_previews_and_records_units(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    client.force_login(agent)
    preview = client.get(f"/desk/t/{ticket.number}/units/?time-minutes=40").content.decode()
    assert "40" in preview and "2" in preview
    response = client.post(
        f"/desk/t/{ticket.number}/time/", {"time-minutes": "40", "time-kind": "assistance"}
    )
    assert response.status_code == 302
    assert TimeEntry.objects.get(ticket=ticket).minutes == 40


def test_images_show_inline_and_other_files_download(client, agent, ticket):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    image, page = ticket.messages.first().attachments.order_by("id")
    shown = client.get(f"/desk/file/{image.pk}/")
    assert shown["Content-Type"] == "image/png"
    assert not shown["Content-Disposition"].startswith("attachment")
    download = client.get(f"/desk/file/{page.pk}/")
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/octet-stream"


def test_the_page_shows_timeline_and_customer_card(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    workflow.ticket_add_note(ticket, actor=agent, text="Notă internă")
    client.force_login(agent)
    page = client.get(f"/desk/t/{ticket.number}/").content.decode()
    assert "Notă internă" in page
    assert ticket.customer.name in page
    assert "ecran.png" in page


def test_blocked_files_are_refused_with_the_reason(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    upload = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        f"/desk/t/{ticket.number}/note/", {"note-text": "Vezi fișierul", "note-attachments": upload}
    )
    assert response.status_code == 400
    assert "virus.exe" in response.content.decode()
    assert "Vezi fișierul" in response.content.decode()


def test_the_ticket_page_reads_in_a_bounded_number_of_queries(
    client, agent, ticket, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    for i in range(10):
        workflow.ticket_add_note(ticket, actor=agent, text=f"notă {i}")
    with django_assert_max_num_queries(30):
        assert client.get(f"/desk/t/{ticket.number}/").status_code == 200


def test_the_preview_prices_each_kind_of_work_by_its_rule(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    url = f"/desk/t/{ticket.number}/units/"
    hourly = client.get(url, {"time-minutes": "70", "time-kind": "programming"}).content.decode()
    assert "90" in hourly and "60" in hourly  # 70 minutes billed as 90, at the Expert plan's 60 EUR/hour
    assert "90,00" in hourly  # 1.5 h x 60 EUR, in the desk's Romanian format
    too_long = client.get(url, {"time-minutes": "99999999999999999999"}).content.decode()
    assert "1440" in too_long and "1440" in client.get(url, {"time-minutes": "1441"}).content.decode()


def test_the_preview_says_when_units_go_beyond_the_plan(client, agent, ticket):  # type: ignore[no-untyped-def]
    client.force_login(agent)
    preview = client.get(f"/desk/t/{ticket.number}/units/", {"time-minutes": "330"}).content.decode()
    assert "11" in preview and "10" in preview and "25,00" in preview  # 11 units, 10 included, 25 EUR


def test_no_time_on_a_cancelled_ticket_and_on_a_closed_one_only_by_its_people(
    client, dispatcher, agent, ticket
):  # type: ignore[no-untyped-def]
    other = factories.staff("agent")
    workflow.ticket_cancel(ticket, actor=dispatcher, reason="dublură")
    client.force_login(agent)
    assert 'id="act-time"' not in client.get(f"/desk/t/{ticket.number}/").content.decode()
    refused = client.post(f"/desk/t/{ticket.number}/time/", {"time-minutes": "30", "time-kind": "assistance"})
    assert refused.status_code == 400 and not TimeEntry.objects.exists()
    closed = factories.ticket()
    workflow.ticket_assign(closed, actor=dispatcher, assignee=agent)
    workflow.ticket_start(closed, actor=agent)
    workflow.ticket_resolve(closed, actor=agent, solution="Gata.")
    closed.refresh_from_db()
    workflow.ticket_accept(closed, actor=dispatcher)
    client.force_login(other)
    assert 'id="act-time"' not in client.get(f"/desk/t/{closed.number}/").content.decode()
    assert client.post(f"/desk/t/{closed.number}/time/", {"time-minutes": "30"}).status_code == 400
    client.force_login(agent)
    assert (
        client.post(
            f"/desk/t/{closed.number}/time/", {"time-minutes": "30", "time-kind": "assistance"}
        ).status_code
        == 302
    )


def test_the_agent_requests_an_on_site_visit_and_the_dispatcher_sees_it_on_the_board(
    client, dispatcher, agent, ticket
):  # type: ignore[no-untyped-def]
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    client.force_login(agent)
    assert 'id="act-onsite"' in client.get(f"/desk/t/{ticket.number}/").content.decode()
    empty = client.post(f"/desk/t/{ticket.number}/onsite/", {"onsite-reason": "  "})
    assert empty.status_code == 400
    reason = "Telefon și TeamViewer încercate; internetul clientului e căzut."
    assert client.post(f"/desk/t/{ticket.number}/onsite/", {"onsite-reason": reason}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.onsite_reason == reason and ticket.kind != "onsite"
    assert ticket.events.filter(kind="onsite_requested").exists()
    client.force_login(dispatcher)
    assert reason in client.get("/desk/board/").content.decode()
    granted = client.post(
        f"/desk/t/{ticket.number}/reclassify/",
        {"reclassify-kind": "onsite", "reclassify-priority": ticket.priority},
    )
    assert granted.status_code == 302
    assert reason not in client.get("/desk/board/").content.decode()


def test_another_agent_cannot_request_a_visit_for_someone_else_s_ticket(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    client.force_login(factories.staff("agent"))
    response = client.post(f"/desk/t/{ticket.number}/onsite/", {"onsite-reason": "De ce nu"})
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.onsite_reason == ""


def test_the_timeline_says_what_a_reclassification_and_an_sla_event_changed(client, dispatcher, ticket):  # type: ignore[no-untyped-def]
    from django.utils import translation

    from asista.desk.templatetags.desk import event_details
    from asista.tickets.models import Event

    workflow.ticket_change_kind_priority(ticket, actor=dispatcher, kind="change", priority="high")
    client.force_login(dispatcher)
    page = client.get(f"/desk/t/{ticket.number}/").content.decode()
    assert "tip: asistență → modificare" in page  # the dispatcher reads Romanian
    late = Event(kind="sla_breached", details={"target": "first_response", "business_minutes_late": 42})
    with translation.override("en"):
        assert event_details(late) == "first response, 42 business minutes late"


def test_yesterday_s_work_is_logged_on_its_day_and_tomorrow_s_is_refused(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    workflow.ticket_assign(ticket, actor=dispatcher, assignee=agent)
    client.force_login(agent)
    today = timezone.localdate()
    url = f"/desk/t/{ticket.number}/time/"
    earlier = {"time-minutes": "45", "time-kind": "assistance", "time-day": str(today - timedelta(days=1))}
    assert client.post(url, earlier).status_code == 302
    entry = TimeEntry.objects.get()
    assert timezone.localtime(entry.started_at).date() == today - timedelta(days=1)
    later = {"time-minutes": "45", "time-kind": "assistance", "time-day": str(today + timedelta(days=1))}
    refused = client.post(url, later)
    assert refused.status_code == 400 and TimeEntry.objects.count() == 1


def test_the_preview_counts_earlier_work_in_its_own_month(client, dispatcher, agent, ticket):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    from asista.core.models import Profile

    Profile.objects.create(user=agent, language="en")
    client.force_login(agent)
    url = f"/desk/t/{ticket.number}/"
    assert client.post(url + "time/", {"time-minutes": "30", "time-kind": "assistance"}).status_code == 302
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    now = client.get(url + "units/", {"time-minutes": "10", "time-day": str(today)}).content.decode()
    earlier = client.get(url + "units/", {"time-minutes": "10", "time-day": str(last_month)}).content.decode()
    assert "this ticket will have 2 units this month" in now
    assert "this ticket will have 1 units this month" in earlier

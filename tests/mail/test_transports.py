"""Transports: `asista mail ingest` (files, folders, maildir, mbox, stdin), the HTTP endpoint, and
`asista ticket export`."""

from __future__ import annotations

import io
import json
import mailbox
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import include, path

from asista.mail.models import RawMessage
from asista.tickets.models import Ticket
from tests.mail.ingest_support import DOMAIN, SUPPORT, known, raw_mail

pytestmark = pytest.mark.django_db

urlpatterns = [path("mail/", include("asista.mail.urls"))]
TOKEN = "s3cret-token-for-tests"


@pytest.fixture(autouse=True)
def _mail_settings(settings):  # type: ignore[no-untyped-def]
    settings.ASISTA_MAIL_DOMAIN = DOMAIN
    settings.ASISTA_SUPPORT_ADDRESS = SUPPORT
    settings.ROOT_URLCONF = __name__
    settings.ASISTA_INBOUND_TOKEN = TOKEN


def run_ingest(target: str) -> list[dict]:  # type: ignore[type-arg]
    out = io.StringIO()
    call_command("mail", "ingest", target, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_it_ingests_one_file_and_prints_a_json_line(tmp_path: Path) -> None:
    known("ana@client.example")
    eml = tmp_path / "one.eml"
    eml.write_bytes(raw_mail())
    [line] = run_ingest(str(eml))
    ticket = Ticket.objects.get()
    assert line["file"] == str(eml) and line["ticket"] == ticket.number
    assert line["created_ticket"] is True and line["duplicate"] is False and line["flags"] == ["new"]
    assert line["message"] == ticket.messages.get().pk


def test_it_ingests_a_folder_in_name_order_so_replies_follow_originals(tmp_path: Path) -> None:
    known("ana@client.example")
    (tmp_path / "2.eml").write_bytes(raw_mail(subject="Re: x", in_reply_to="<orig@client.example>"))
    (tmp_path / "1.eml").write_bytes(raw_mail(message_id="<orig@client.example>"))
    lines = run_ingest(str(tmp_path))
    assert [Path(line["file"]).name for line in lines] == ["1.eml", "2.eml"]
    assert lines[0]["ticket"] == lines[1]["ticket"] and lines[1]["flags"] == ["reply"]


def test_it_reads_a_maildir(tmp_path: Path) -> None:
    known("ana@client.example")
    box = mailbox.Maildir(str(tmp_path / "Maildir"))
    box.add(raw_mail(text="unu"))
    box.add(raw_mail(text="doi"))
    assert len(run_ingest(str(tmp_path / "Maildir"))) == 2
    assert Ticket.objects.count() == 2


def test_it_reads_an_mbox(tmp_path: Path) -> None:
    known("ana@client.example")
    box = mailbox.mbox(str(tmp_path / "export.mbox"))
    for text in ("unu", "doi", "trei"):
        box.add(raw_mail(text=text))
    box.close()
    lines = run_ingest(str(tmp_path / "export.mbox"))
    assert [line["file"].rsplit("#", 1)[1] for line in lines] == ["1", "2", "3"]
    assert Ticket.objects.count() == 3


def test_it_reads_one_mail_from_stdin_like_an_mta_pipe(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    known("ana@client.example")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw_mail())))
    [line] = run_ingest("-")
    assert line["file"] == "-" and line["created_ticket"]
    assert RawMessage.objects.get().source == RawMessage.Source.PIPE


def test_a_missing_path_is_an_error() -> None:
    with pytest.raises(CommandError):
        run_ingest("/no/such/mail")


def test_ingesting_the_same_folder_twice_only_reports_duplicates(tmp_path: Path) -> None:
    known("ana@client.example")
    (tmp_path / "1.eml").write_bytes(raw_mail())
    run_ingest(str(tmp_path))
    [again] = run_ingest(str(tmp_path))
    assert again["duplicate"] is True and again["flags"] == ["duplicate"]
    assert again["ticket"] == Ticket.objects.get().number


# --- HTTP -------------------------------------------------------------------------------------


def post(client, body: bytes, token: str | None = TOKEN):  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post("/mail/inbound/", data=body, content_type="message/rfc822", **headers)


def test_the_endpoint_ingests_a_raw_message(client) -> None:  # type: ignore[no-untyped-def]
    known("ana@client.example")
    response = post(client, raw_mail(message_id="<http1@client.example>"))
    assert response.status_code == 201
    assert response.json()["created_ticket"] is True
    assert RawMessage.objects.get().source == RawMessage.Source.HTTP
    again = post(client, raw_mail(message_id="<http1@client.example>"))
    assert again.status_code == 200 and again.json()["duplicate"] is True


def test_the_endpoint_refuses_a_wrong_or_missing_token(client) -> None:  # type: ignore[no-untyped-def]
    assert post(client, raw_mail(), token="wrong").status_code == 401
    assert post(client, raw_mail(), token=None).status_code == 401
    assert not RawMessage.objects.exists()


def test_the_endpoint_is_off_without_a_configured_token(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ASISTA_INBOUND_TOKEN = ""
    assert post(client, raw_mail()).status_code == 404


def test_the_endpoint_accepts_mail_bigger_than_a_form_upload(client) -> None:  # type: ignore[no-untyped-def]
    known("ana@client.example")
    big = raw_mail(attachments=[("scan.pdf", "application/pdf", b"%PDF" + b"x" * 4_000_000)])
    response = post(client, big)
    assert response.status_code == 201
    assert Ticket.objects.get().messages.get().attachments.get().size == 4_000_004


def test_the_endpoint_refuses_what_is_too_big(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ASISTA_INBOUND_MAX_BYTES = 100
    assert post(client, raw_mail()).status_code == 413


def test_the_endpoint_only_takes_post(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/mail/inbound/").status_code == 405


# --- export -----------------------------------------------------------------------------------


def test_ticket_export_prints_the_conversation_with_attachments(tmp_path: Path) -> None:
    known("ana@client.example")
    eml = tmp_path / "a.eml"
    eml.write_bytes(
        raw_mail(
            sender="Ana Pop <ana@client.example>",
            subject="Factura nu se tipărește",
            text="Calea: C:\\Users\\Public\\raport.xlsx",
            html="<p>Calea</p>",
            attachments=[("captură ecran.png", "image/png", b"\x89PNG....")],
        )
    )
    [line] = run_ingest(str(eml))
    out = io.StringIO()
    call_command("ticket", "export", str(line["ticket"]), stdout=out)
    data = json.loads(out.getvalue())
    assert data["state"] == "new" and data["customer"]["name"] and data["contact"]["name"]
    [message] = data["messages"]
    assert message["from_address"] == "ana@client.example" and message["from_name"] == "Ana Pop"
    assert message["to"] == [SUPPORT] and "C:\\Users\\Public\\raport.xlsx" in message["text"]
    assert "<p>Calea</p>" in message["html"]
    [attachment] = message["attachments"]
    assert attachment["filename"] == "captură ecran.png" and attachment["size"] == 8
    assert attachment["content_type"] == "image/png" and len(attachment["sha256"]) == 64
    assert data["events"][0]["kind"] == "created"


def test_ticket_export_of_an_unknown_number_is_an_error() -> None:
    with pytest.raises(CommandError):
        call_command("ticket", "export", "99999")

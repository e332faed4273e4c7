from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from asista import env


def test_booleans_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env.env_bool("DEBUG")


def test_integers_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASISTA_AUTO_CLOSE_WORKING_DAYS", "five")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env.env_int("ASISTA_AUTO_CLOSE_WORKING_DAYS", 5)


def test_database_urls(tmp_path: Path) -> None:
    pg = env.database_from_url("postgres://u:p%40ss@db.example:5433/asista", sqlite_default=tmp_path / "x")
    assert (pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "asista",
        "u",
        "p@ss",
        "db.example",
        "5433",
    )
    lite = env.database_from_url("", sqlite_default=tmp_path / "db.sqlite3")
    assert lite["NAME"] == str(tmp_path / "db.sqlite3")
    assert "journal_mode=WAL" in lite["OPTIONS"]["init_command"]  # type: ignore[index]
    with pytest.raises(ImproperlyConfigured, match="not supported"):
        env.database_from_url("mysql://x/y", sqlite_default=tmp_path / "x")


def test_the_secret_key_is_generated_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = env.secret_key(tmp_path)
    assert env.secret_key(tmp_path) == first and len(first) >= 50
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured):
        env.secret_key(tmp_path)


def test_email_urls() -> None:
    smtp = env.email_from_url("submission://me:pw@mail.example")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"]) == (
        "mail.example",
        587,
        True,
    )


@pytest.mark.django_db
def test_the_admin_login_page_answers(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/admin/login/").status_code == 200


@pytest.mark.django_db
def test_health_reports_database_and_queue(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/healthz").json()
    assert body["database"] == "ok"


@pytest.mark.django_db
def test_the_demo_loads_a_desk_with_tickets_in_every_state(client, capsys) -> None:  # type: ignore[no-untyped-def]
    from asista.tickets.models import State, Ticket

    call_command("demo")
    out = capsys.readouterr().out
    assert "dispecer" in out and "maria@brasovia.example" in out
    states = set(Ticket.objects.values_list("state", flat=True))
    assert states == set(State.values)
    assert client.login(username="maria@brasovia.example", password="asista-demo")
    assert client.login(username="dispecer", password="asista-demo")
    call_command("demo", "--if-empty")
    assert Ticket.objects.count() == 12

"""The portal's login page asks for an email address and says so when it is wrong."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from asista.portal.forms import EmailLoginForm
from tests import factories

pytestmark = pytest.mark.django_db


def _alert(page: str) -> str:
    found = re.search(r'<div class="error" role="alert">(.*?)</div>', page, re.S)
    assert found, "no error shown"
    return found.group(1)


def test_a_wrong_password_is_explained_with_the_email_in_romanian(client):  # type: ignore[no-untyped-def]
    person = factories.contact()
    page = client.post("/portal/login/", {"username": person.email, "password": "greșit"}).content.decode()
    alert = _alert(page)
    assert "Adresa de email sau parola nu este corectă." in alert and "utilizator" not in alert


def test_a_wrong_password_is_explained_with_the_email_in_english(client):  # type: ignore[no-untyped-def]
    person = factories.contact()
    with translation.override("en"):
        form = EmailLoginForm(data={"username": person.email, "password": "wrong"})
        assert not form.is_valid()
        (error,) = form.non_field_errors()
    assert error.startswith("The email address or the password is not right.")
    assert "username" not in error


def test_the_right_password_logs_in(client):  # type: ignore[no-untyped-def]
    person = factories.contact()
    response = client.post("/portal/login/", {"username": person.email, "password": "pw"})
    assert response.status_code == 302

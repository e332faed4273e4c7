from __future__ import annotations

import os

import pytest
from django.db import connection

STRICT = os.environ.get("ASISTA_STRICT", "").lower() in {"1", "true", "yes"}


def need_service(reason: str) -> None:
    """Skip a test whose real service is missing — or fail it under ASISTA_STRICT=1."""
    if STRICT:
        pytest.fail(f"ASISTA_STRICT=1 and a required service is missing: {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _english_by_default():  # type: ignore[no-untyped-def]
    """Assertions read in English; tests of the Romanian text switch language themselves."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def plans(db):  # type: ignore[no-untyped-def]
    from asista.customers.models import Plan

    return {plan.code: plan for plan in Plan.objects.all()}


@pytest.fixture
def dispatcher(db):  # type: ignore[no-untyped-def]
    from tests.factories import staff

    return staff("dispatcher")


@pytest.fixture
def agent(db):  # type: ignore[no-untyped-def]
    from tests.factories import staff

    return staff("agent")


@pytest.fixture
def administrator(db):  # type: ignore[no-untyped-def]
    from tests.factories import staff

    return staff("administrator")

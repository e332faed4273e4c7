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


# Rows that data migrations and post_migrate create; a transactional test's flush removes them.
REFERENCE_LOADERS = [
    "asista.customers.migrations.0002_seed_plans_tip0_expert",
    "asista.billing.migrations.0002_load_romanian_vat_rates",
]


def ensure_reference_data() -> None:
    """Recreate what migrations put in a fresh database: permissions, roles, plans, VAT rates."""
    import importlib

    from django.apps import apps
    from django.core.management.sql import emit_post_migrate_signal

    from asista.customers.models import Plan

    if Plan.objects.exists():
        return
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    for module in REFERENCE_LOADERS:
        importlib.import_module(module).load(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request):  # type: ignore[no-untyped-def]
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("_django_db_helper")
    ensure_reference_data()


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

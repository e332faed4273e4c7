"""Every page, email and error speaks Romanian: the catalogues are complete and compiled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
import pytest
from django.utils import translation

from asista.core.errors import TransitionRefused

CATALOGUES = sorted(Path(__file__).resolve().parents[2].glob("asista/**/locale/ro/LC_MESSAGES/django.po"))


def test_there_are_romanian_catalogues() -> None:
    assert CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_each_catalogue_is_complete_and_compiled(path: Path) -> None:
    po = polib.pofile(str(path))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    mo = polib.mofile(str(path.with_suffix(".mo")))

    def compiled(entries: Any) -> dict[tuple[str | None, str], object]:
        return {
            (e.msgctxt, e.msgid): {int(k): v for k, v in e.msgstr_plural.items()}
            if e.msgid_plural
            else e.msgstr
            for e in entries
        }

    assert compiled(list(mo)) == compiled(po.translated_entries())


@pytest.mark.django_db
def test_a_refusal_is_explained_in_romanian(agent, dispatcher) -> None:  # type: ignore[no-untyped-def]
    from asista.tickets import workflow
    from tests import factories

    ticket = factories.ticket()
    with translation.override("ro"), pytest.raises(TransitionRefused) as refusal:
        workflow.ticket_start(ticket, actor=agent)
    assert (
        str(refusal.value)
        == f"Tichetul {ticket.tag} este nou: nu se poate începe lucrul (alocați-l mai întâi)."
    )

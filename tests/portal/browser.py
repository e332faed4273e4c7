"""Playwright driving Debian's Chromium against `live_server`: the fixture and a logged-in person.

Test modules import `browser` (a module-scoped fixture) and `Person`; screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import need_service

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        need_service(f"Chromium is missing at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


class Person:
    """One logged-in browser context."""

    def __init__(
        self, browser: Any, base: str, login: str, password: str, path: str, prefix: str = "workflow"
    ) -> None:
        self.base = base
        self.prefix = prefix
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ro-RO")
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.page.goto(base + path)
        self.page.fill("#id_username", login)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def go(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def submit(self, action: str) -> None:
        with self.page.expect_navigation():
            self.page.click(f"form[action$='/{action}/'] button[type=submit]")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.prefix}-{name}.png"), full_page=True)

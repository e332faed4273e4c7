"""The queue and the reply box in a real browser (Debian's Chromium): search, keys, Back, canned
replies. Screenshots go to test-artifacts/queue-*.png."""

from __future__ import annotations

import pytest

from tests.portal.browser import Person

pytestmark = [pytest.mark.browser, pytest.mark.service]


@pytest.mark.django_db(transaction=True)
def test_search_keys_back_and_a_canned_reply(browser, live_server):  # type: ignore[no-untyped-def]
    from asista.desk.models import CannedReply
    from asista.tickets import workflow
    from tests import factories

    dispatcher = factories.staff("dispatcher")
    person = factories.contact(factories.customer(name="Brașovia SRL"), name="Maria Pop", language="ro")
    printing = factories.ticket(person, subject="Nu se tipărește factura", text="Imprimanta tace.")
    factories.ticket(person, subject="Parola uitată", text="Nu mai știu parola.")
    workflow.ticket_assign(printing, actor=dispatcher, assignee=dispatcher)
    workflow.ticket_start(printing, actor=dispatcher)
    CannedReply.objects.create(title="Repornire", language="ro", body="Reporniți aplicația, vă rog.")
    CannedReply.objects.create(title="Restart", language="en", body="Please restart the application.")

    desk = Person(browser, live_server.url, dispatcher.username, "pw", "/login/", prefix="queue")
    page = desk.go("/desk/?view=all")
    page.locator("#id_q").press_sequentially("tipar", delay=30)  # no diacritics, a word's start
    # The rows of the whole word are in once htmx pushed its address (earlier keystrokes may
    # have sent their own searches on a slow machine).
    page.wait_for_url("**q=tipar&**", wait_until="commit")
    page.wait_for_function("!document.querySelector('.htmx-request')")
    assert page.locator("table.queue td.subject a").count() == 1
    desk.shot("01-searched")

    page.locator("h1 + nav.tabs").click(
        position={"x": 2, "y": 2}
    )  # out of the search box (Escape would empty it)
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.textContent") == "Nu se tipărește factura"
    with page.expect_navigation(url=f"**/desk/t/{printing.number}/"):
        page.locator(":focus").press("Enter")

    page.go_back()
    page.wait_for_load_state()
    assert page.locator("header").count() >= 1 and page.locator("form.filters").count() == 1
    assert page.locator("#id_q").input_value() == "tipar"
    assert page.locator("table.queue td.subject a").all_inner_texts() == ["Nu se tipărește factura"]
    desk.shot("02-back-after-search")
    page.select_option("#id_state", "new")  # a filter applies as soon as it is chosen
    page.wait_for_url("**state=new**", wait_until="commit")
    page.wait_for_function("document.querySelectorAll('table.queue td.subject a').length === 0")

    page = desk.go(f"/desk/t/{printing.number}/")
    page.locator("details#act-reply summary").click()
    page.fill("#id_reply-text", "Bună ziua,\n")
    page.locator("#id_reply-text").evaluate("t => t.setSelectionRange(t.value.length, t.value.length)")
    options = page.locator("#canned-reply option").all_inner_texts()
    assert options == ["—", "Repornire"]  # the customer's language only
    page.select_option("#canned-reply", label="Repornire")
    assert page.locator("#id_reply-text").input_value() == "Bună ziua,\nReporniți aplicația, vă rog."
    desk.shot("03-canned-reply")

    page.set_viewport_size({"width": 375, "height": 800})
    page = desk.go("/desk/?view=all")
    assert page.locator("#id_q").is_visible() and not page.locator("#id_state").is_visible()
    desk.shot("04-phone-filters-folded")
    page.get_by_role("button", name="Mai multe filtre").click()
    assert page.locator("#id_state").is_visible()
    page = desk.go("/desk/?view=all&state=new")  # a filter in use stays in sight
    assert page.locator("#id_state").is_visible()
    desk.context.close()

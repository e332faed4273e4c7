"""Report pages for staff, the customer's own page, and CSV exports. Thin: pages.py builds."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from asista.core.clock import now as clock_now
from asista.core.roles import contact_of, is_dispatcher, is_staff_member
from asista.reports import pages
from asista.reports.models import RefreshMark
from asista.reports.services import MARK


def _staff_only(request: HttpRequest, section: pages.Section) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied(_("Reports are for the support team."))
    if section.money and not is_dispatcher(request.user):
        raise PermissionDenied(_("Revenue reports are for dispatchers and administrators."))


def page(request: HttpRequest, section: str = "times") -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    current = next((s for s in pages.SECTIONS if s.slug == section), None)
    if current is None:
        raise Http404
    _staff_only(request, current)
    now = clock_now()
    period = pages.Period.from_query(request.GET, now)
    reports = [pages.BUILDERS[key](period, now) for key in current.reports]
    visible = [s for s in pages.SECTIONS if not s.money or is_dispatcher(request.user)]
    return render(request, "reports/page.html", _context(request, period, reports, current, visible))


def _context(
    request: HttpRequest, period: pages.Period, reports: list[pages.Report], *extra: Any
) -> dict[str, Any]:
    current = extra[0] if extra else None
    sections = extra[1] if len(extra) > 1 else []
    mark = RefreshMark.objects.filter(name=MARK).first()
    return {
        "period": period,
        "reports": reports,
        "section": current,
        "sections": [(s.slug, s.title()) for s in sections],
        "query": request.GET.urlencode(),
        "refreshed_at": mark.started_at if mark else None,
    }


def export(request: HttpRequest, key: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    section = pages.section_of(key)
    if section is None:
        raise Http404
    _staff_only(request, section)
    now = clock_now()
    report = pages.BUILDERS[key](pages.Period.from_query(request.GET, now), now)
    return _csv(report, f"asista-{key}")


def _csv(report: pages.Report, name: str) -> HttpResponse:
    # Written into one buffer (csv leaves None cells empty) and handed over whole: a write to
    # the response per row costs more than the rows themselves on a 12,000-row export.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(report.columns)
    writer.writerows(report.rows)
    buffer.write(report.csv_body)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _my_customer(request: HttpRequest) -> Any:
    contact = contact_of(request.user)
    if contact is None:
        raise PermissionDenied(_("This page is for the contacts of a customer."))
    return contact.customer


def mine(request: HttpRequest) -> HttpResponse:
    """A contact's view of their own company: units per month and response times."""
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    customer = _my_customer(request)
    period = pages.Period.from_query(request.GET, clock_now())
    reports = [build(period, customer.pk) for build in pages.CUSTOMER_BUILDERS.values()]
    context = _context(request, period, reports)
    context.update({"customer": customer, "mine": True})
    return render(request, "reports/mine.html", context)


def mine_export(request: HttpRequest, key: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    customer = _my_customer(request)
    build = pages.CUSTOMER_BUILDERS.get(key)
    if build is None:
        raise Http404
    report = build(pages.Period.from_query(request.GET, clock_now()), customer.pk)
    return _csv(report, f"asista-{key}")

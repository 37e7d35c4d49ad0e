"""GET /numbers (the page), GET /numbers.csv (the same report as a spreadsheet) and the page's
stylesheet. Signed in by the admin session; the report itself checks the role (DIGEST_VIEW:
owners and managers) and reads the caller's organization only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.admin.context import WorkDep
from bot.admin.headers import PAGE_POLICY
from bot.admin.numbers.access import signed_in_page
from bot.admin.numbers.view import STYLESHEET, numbers_page
from bot.admin.pages import Page
from core.errors import DomainError
from core.numbers.export import report_csv
from core.numbers.service import Report
from core.permissions import Action, allowed
from core.privacy.export_format import ExportLayout
from core.services import Services

router = APIRouter(include_in_schema=False)
CSS = (Path(__file__).parent / "numbers.css").read_text(encoding="utf-8")
# The pages' policy, plus this page's own stylesheet (a file: nothing inline but the one
# hashed style the admin pages share).
POLICY = PAGE_POLICY.replace("style-src ", "style-src 'self' ", 1)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError("period_range", limit=366) from None


async def _report(
    request: Request, services: Services, first: str | None, last: str | None
) -> tuple[Page, Report]:
    current = await signed_in_page(request, services)
    default_first, default_last = services.numbers.default_period(current.actor)
    start, end = _day(first) or default_first, _day(last) or default_last
    return current, await services.numbers.report(current.actor, start, end)


@router.get("/numbers")
async def numbers(request: Request, work: WorkDep) -> Response:
    params = request.query_params
    current, report = await _report(request, work.services, params.get("from"), params.get("to"))
    assert current.actor.organization is not None
    owner = allowed(current.actor.role, Action.ORG_SETTINGS)
    html = numbers_page(current.t, current.actor.organization.name, report, owner)
    return HTMLResponse(html, headers={"content-security-policy": POLICY})


@router.get("/numbers.csv")
async def numbers_csv(request: Request, work: WorkDep) -> Response:
    params = request.query_params
    current, report = await _report(request, work.services, params.get("from"), params.get("to"))
    org = current.actor.organization
    assert org is not None
    layout = ExportLayout(current.t.locale, org.timezone, org.currency)
    name = f"numbers-{report.first.isoformat()}-{report.last.isoformat()}.csv"
    return Response(
        report_csv(report, layout),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="{name}"',
            "cache-control": "no-store",
        },
    )


@router.get(STYLESHEET)
async def stylesheet() -> Response:
    return Response(CSS, media_type="text/css", headers={"cache-control": "max-age=3600"})

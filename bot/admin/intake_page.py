"""The settings page's routes of the "Website requests" form (bot/admin/intake_form.py),
applied like the page's other forms (`bot.admin.pages._apply`: CSRF, one unit of work)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.admin import intake_form
from bot.admin.context import WorkDep
from bot.admin.pages import _apply

router = APIRouter(include_in_schema=False)


@router.post(intake_form.PATH)
async def post_intake(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, intake_form.save)


@router.post(intake_form.KEY_PATH)
async def post_intake_key(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, intake_form.new_key)

"""The settings page's routes of the "Website requests" form (bot/admin/intake_form.py),
applied like the page's other forms (`bot.admin.pages._apply`: CSRF, one unit of work), and
the widget's script that websites load (`astra-widget.js`, docs/widget.md)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.admin import intake_form
from bot.admin.context import WorkDep
from bot.admin.pages import _apply

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent
WIDGET = (
    "(() => {\n'use strict';\n"
    + (HERE / "astra-widget-ui.js").read_text()
    + (HERE / "astra-widget.js").read_text()
    + "})();\n"
).encode()


@router.get(intake_form.SCRIPT)
async def widget_script() -> Response:
    """Loaded by other websites: cacheable for a while, readable cross-origin."""
    headers = {
        "cache-control": "public, max-age=300",
        "access-control-allow-origin": "*",
        "x-content-type-options": "nosniff",
    }
    return Response(WIDGET, media_type="text/javascript", headers=headers)


@router.post(intake_form.PATH)
async def post_intake(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, intake_form.save)


@router.post(intake_form.KEY_PATH)
async def post_intake_key(request: Request, work: WorkDep) -> Response:
    return await _apply(request, work, intake_form.new_key)

"""GET /map (today's orders and the workers on their way) and its stylesheet and script.

Without a Yandex key the page runs no script at all. With one, the page's policy allows our
own script file and what Yandex's JavaScript API 2.1 loads in its CSP mode (`csp=true`: styles
as blob: stylesheets instead of inline ones): scripts from api-maps.yandex.ru and Yandex's
static hosts, tiles and images from *.maps.yandex.net, its data requests (docs/board-map.md)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from bot.admin.context import WorkDep
from bot.admin.day_map.view import SCRIPT, STYLESHEET, map_page
from bot.admin.headers import style_hash
from bot.admin.html import STYLE
from bot.admin.numbers.access import signed_in_page
from core.notifications.schedule import local_date
from core.permissions import Action, allowed

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent
CSS = (HERE / "map.css").read_text(encoding="utf-8")
JS = (HERE / "map.js").read_text(encoding="utf-8")
YANDEX = (
    "https://api-maps.yandex.ru https://*.maps.yandex.net https://yastatic.net https://yandex.ru"
)
NO_KEY_POLICY = (
    "default-src 'none'; "
    f"style-src 'self' {style_hash(STYLE)}; "
    "img-src 'self'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)
YANDEX_POLICY = (
    "default-src 'none'; "
    f"script-src 'self' {YANDEX}; "
    f"style-src 'self' {style_hash(STYLE)} blob:; "
    f"img-src 'self' data: {YANDEX}; "
    f"connect-src {YANDEX}; "
    "frame-src https://api-maps.yandex.ru; "
    "worker-src blob:; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)


@router.get("/map")
async def day_map(request: Request, work: WorkDep) -> Response:
    services = work.services
    current = await signed_in_page(request, services)
    day = await services.day_map.today(current.actor)
    org = current.actor.organization
    assert org is not None
    today = local_date(services.clock.now(), org.timezone)
    owner = allowed(current.actor.role, Action.ORG_SETTINGS)
    html = map_page(current.t, org.name, org.timezone, today, day, owner)
    policy = YANDEX_POLICY if day.maps_key else NO_KEY_POLICY
    return HTMLResponse(
        html, headers={"content-security-policy": policy, "cache-control": "no-store"}
    )


@router.get(STYLESHEET)
async def stylesheet() -> Response:
    return Response(CSS, media_type="text/css", headers={"cache-control": "max-age=3600"})


@router.get(SCRIPT)
async def script() -> Response:
    return Response(JS, media_type="text/javascript", headers={"cache-control": "max-age=3600"})

"""Security headers on every response of the admin endpoint, and the API docs page built so
that it needs no inline script.

Pages get a Content-Security-Policy that allows no script at all and only the one stylesheet
the pages inline (pinned by its hash); nothing may frame them (`frame-ancestors 'none'` and
X-Frame-Options DENY), so the sign-in button cannot be clickjacked; browsers must not guess
content types; no Referer leaves a page (the sign-in URL carries a one-time token); and, when
PUBLIC_BASE_URL is https, browsers are told to use https only (HSTS). A route may set its own
policy (the docs page does); every other header is added where the route did not set it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.admin.html import STYLE

HSTS = "max-age=31536000"
SWAGGER = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"


def style_hash(css: str) -> str:
    """The CSP source that allows exactly this inline `<style>` element."""
    digest = hashlib.sha256(css.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


PAGE_POLICY = (
    "default-src 'none'; "
    f"style-src {style_hash(STYLE)}; "
    "img-src 'self'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'none'; "
    f"script-src 'self' {SWAGGER}/; "
    f"style-src {SWAGGER}/; "
    "img-src 'self' data:; "
    "connect-src 'self'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)


def security_headers(https: bool) -> dict[str, str]:
    headers = {
        "content-security-policy": PAGE_POLICY,
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
    }
    if https:
        headers["strict-transport-security"] = HSTS
    return headers


class SecurityHeaders:
    """Adds the security headers to every HTTP response, keeping those a route set itself."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self._app = app
        self._headers = [(k.encode(), v.encode()) for k, v in security_headers(https).items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self._headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self._app(scope, receive, with_headers)


docs_router = APIRouter(include_in_schema=False)


@docs_router.get("/docs")
async def docs(request: Request) -> Response:
    """Swagger UI from its CDN, started by a script file of our own (no inline script)."""
    title = html.escape(request.app.title)
    page = (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        f'<link rel="stylesheet" href="{SWAGGER}/swagger-ui.css"></head>'
        '<body><div id="swagger-ui"></div>'
        f'<script src="{SWAGGER}/swagger-ui-bundle.js"></script>'
        '<script src="/docs/start.js"></script></body></html>'
    )
    return HTMLResponse(page, headers={"content-security-policy": DOCS_POLICY})


@docs_router.get("/docs/start.js")
async def docs_script(request: Request) -> Response:
    url = json.dumps(request.app.openapi_url)
    script = (
        f"window.ui = SwaggerUIBundle({{url: {url}, dom_id: '#swagger-ui', "
        "deepLinking: true, validatorUrl: null, "
        "presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset], "
        "layout: 'BaseLayout'});\n"
    )
    return Response(script, media_type="text/javascript")

"""Security headers on every page and response of the admin endpoint: a script-free
Content-Security-Policy that nothing may frame, nosniff, no Referer (the sign-in URL carries a
one-time token), and HSTS only when PUBLIC_BASE_URL is https."""

from __future__ import annotations

import re

import httpx
from starlette.routing import Route

from bot.admin.app import build_admin_app
from bot.admin.headers import style_hash
from bot.container import build_container
from tests.admin.support import admin_settings
from tests.admin.test_admin_http import signed_in

STYLE = re.compile(r"<style>(.*?)</style>", re.S)
PARAMS = re.compile(r"\{[^}]+\}")


def assert_secured(response: httpx.Response, https: bool = False) -> None:
    where = f"{response.request.method} {response.request.url.path} ({response.status_code})"
    h = response.headers
    policy = h.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, where
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    script = next((p for p in policy.split(";") if "script-src" in p), "default-src 'none'")
    assert "'sha256-" not in script and "'nonce-" not in script, where
    assert h.get("x-frame-options") == "DENY", where
    assert h.get("x-content-type-options") == "nosniff", where
    assert h.get("referrer-policy") == "no-referrer", where
    assert ("strict-transport-security" in h) is https, where
    if response.headers.get("content-type", "").startswith("text/html"):
        assert "<script>" not in response.text, where  # no inline script
        for css in STYLE.findall(response.text):
            assert style_hash(css) in policy, where


def routes(items, prefix: str = "") -> list[tuple[str, set[str]]]:
    """(path, methods) of every route, looking into included routers."""
    found = []
    for route in items:
        included = getattr(route, "original_router", None)
        if included is not None:
            found += routes(included.routes, prefix + route.include_context.prefix)
        elif isinstance(route, Route):
            found.append((prefix + route.path, set(route.methods or ())))
    return found


def paths(app, method: str) -> list[str]:
    """Every route of the app answering `method`, with its parameters filled in."""
    return sorted(
        {PARAMS.sub("1", path) for path, methods in routes(app.routes) if method in methods}
    )


async def test_every_page_and_response_carries_the_headers(client, container):
    app = client._transport.app
    landing = await client.get("/signin/sl_" + "z" * 40)
    assert landing.status_code == 200 and 'data-testid="sign-in"' in landing.text
    assert_secured(landing)
    anonymous = [await client.get(path) for path in paths(app, "GET")]
    await signed_in(client, container.services)
    visited = [await client.get(path) for path in paths(app, "GET")]
    assert {"/settings", "/billing", "/docs", "/openapi.json"} <= {
        r.request.url.path for r in visited if r.status_code == 200
    }
    posted = [await client.post(path, data={}) for path in paths(app, "POST")]
    unknown = await client.get("/nowhere")
    too_large = await client.post("/tbank/notify", content=b"x" * 70_000)
    assert (unknown.status_code, too_large.status_code) == (404, 413)
    for response in [*anonymous, *visited, *posted, unknown, too_large]:
        assert_secured(response)
    docs = next(r for r in visited if r.request.url.path == "/docs")
    assert (
        "/docs/start.js" in docs.text
        and "script-src 'self'" in docs.headers["content-security-policy"]
    )
    start = await client.get("/docs/start.js")
    assert "SwaggerUIBundle" in start.text and "/openapi.json" in start.text


async def test_hsts_when_the_public_url_is_https(db_url, bank, clock):
    settings = admin_settings(
        database_url=db_url, tbank_base_url=bank.base_url, public_base_url="https://crm.test"
    )
    container = build_container(settings, clock)
    transport = httpx.ASGITransport(app=build_admin_app(container), client=("127.0.0.1", 1))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="https://crm.test") as web:
            for path in ("/signin/sl_" + "z" * 40, "/settings", "/health", "/docs"):
                response = await web.get(path)
                assert_secured(response, https=True)
                assert response.headers["strict-transport-security"] == "max-age=31536000"
    finally:
        await container.close()

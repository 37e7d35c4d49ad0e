"""The PBX webhook is served by the admin HTTP app (one ASGI app for everything inbound)."""

import httpx

from bot.admin.app import build_admin_app
from bot.container import build_container
from tests.e2e.conftest import make_settings


async def test_pbx_route_is_mounted(db_url, tmp_path):
    container = build_container(make_settings(db_url, tmp_path))
    try:
        app = build_admin_app(container)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://admin") as client:
            unknown = await client.get("/pbx/zadarma/no-such-key", params={"zd_echo": "abc"})
            forged = await client.post("/pbx/zadarma/no-such-key", data={"event": "NOTIFY_START"})
        assert unknown.status_code == 404
        assert forged.status_code in (403, 404)
    finally:
        await container.close()

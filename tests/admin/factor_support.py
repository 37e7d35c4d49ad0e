"""Helpers of the second-factor tests: signing in by the bot's link in a browser of its own,
reading forms, setting up an authenticator app through the pages."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager

import httpx
import pyotp
from sqlalchemy import text

from bot.admin.app import build_admin_app
from storage.db import create_engine

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
DATA_CSRF = re.compile(r'data-csrf="([^"]+)"')
SECRET = re.compile(r'data-testid="totp-secret">([A-Z2-7]+)<')
CODE = re.compile(r'data-testid="recovery-code"><code>([A-Z0-9-]+)</code>')


@asynccontextmanager
async def browser(container):
    """A browser of its own (its own cookies) on the same admin app."""
    app = build_admin_app(container)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40001))
    async with httpx.AsyncClient(transport=transport, base_url="http://admin.test") as web:
        yield web


async def sign_in(web, services, actor) -> httpx.Response:
    """Open the bot's link (the button's POST); the answer is the redirect."""
    link = (await services.admin.issue_link(actor)).url.removeprefix("http://admin.test")
    opened = await web.post(link)
    assert opened.status_code == 303
    return opened


async def csrf(web, path: str = "/security") -> str:
    page = await web.get(path)
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


def code_at(secret: str, clock) -> str:
    return pyotp.TOTP(secret).at(clock.now())


async def set_up_totp(web, clock) -> tuple[str, list[str]]:
    """Set up an authenticator app on the security page: (secret, the recovery codes)."""
    token = await csrf(web)
    started = await web.post("/security/totp", data={"csrf": token})
    assert started.status_code == 200 and started.headers["cache-control"] == "no-store"
    assert "<svg" in started.text and 'data-testid="totp-qr"' in started.text
    secret = SECRET.search(started.text).group(1)
    confirmed = await web.post(
        "/security/totp/confirm", data={"csrf": token, "code": code_at(secret, clock)}
    )
    assert confirmed.status_code == 200 and confirmed.headers["cache-control"] == "no-store"
    codes = CODE.findall(confirmed.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


async def rows(db_url: str, query: str) -> list[tuple]:
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        found = [tuple(r) for r in (await connection.execute(text(query))).all()]
    await engine.dispose()
    return found

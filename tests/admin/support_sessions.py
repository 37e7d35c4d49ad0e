"""Browsers for the web sessions tests (issue 25, item 12): each its own cookie jar,
User-Agent and address, on one admin app; and the rows the tests count."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import text

from core.domain import Actor, Role
from core.services import Services
from storage.db import create_engine
from tests.support import onboard, profile

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1"
)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ROW = re.compile(r'<tr data-testid="session-(\d+)">(.*?)</tr>')


@asynccontextmanager
async def browser(
    app: Any, agent: str, ip: str = "127.0.0.1", **options: Any
) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    headers = {"user-agent": agent, **options.pop("headers", {})}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://admin.test", headers=headers, **options
    ) as web:
        yield web


async def sign_in(web: httpx.AsyncClient, services: Services, actor: Actor) -> None:
    path = (await services.admin.issue_link(actor)).url.removeprefix("http://admin.test")
    opened = await web.post(path)
    assert opened.status_code == 303, opened.text


async def sessions(web: httpx.AsyncClient) -> tuple[dict[int, str], str]:
    """The sessions page's rows (id: the row's HTML) and its CSRF token."""
    page = await web.get("/sessions")
    assert page.status_code == 200, page.text
    csrf = CSRF.search(page.text)
    assert csrf is not None
    return {int(i): row for i, row in ROW.findall(page.text)}, csrf.group(1)


async def manager_of(services: Services, owner: Actor, language: str) -> Actor:
    invite = await services.invites.create(owner, Role.MANAGER)
    person = profile("Mila", language)
    await services.invites.accept(await onboard(services, person, language), invite.token)
    return await services.users.identify(person)


async def rows(db_url: str, sql: str) -> list[Any]:
    engine = create_engine(db_url)
    try:
        async with engine.connect() as connection:
            return list((await connection.execute(text(sql))).all())
    finally:
        await engine.dispose()

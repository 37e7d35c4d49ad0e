"""The board's live feed over a real WebSocket (uvicorn in this event loop, the `websockets`
client): a change made through the bot's use cases reaches an open board of its organization
within a second and never a board of another organization; a board that reconnects with its
cursor gets what it missed; no session, a worker's session or another site's page is refused."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from bot.admin.app import build_admin_app
from core.domain import Role
from core.orders.rules import OrderAction
from sandbox.emulator.server import AsgiServer
from storage.db import create_engine
from tests.admin.board_world import board_container, board_world


@pytest.fixture
async def container(db_url, clock):
    async with board_container(db_url, clock) as built:
        yield built


@pytest.fixture
async def world(container):
    return await board_world(container.services)


@pytest.fixture
async def server(container):
    async with AsgiServer(build_admin_app(container)) as running:
        yield running


async def _cookie(server: AsgiServer, services, actor) -> str:
    path = (await services.admin.issue_link(actor)).url.removeprefix("http://admin.test")
    async with httpx.AsyncClient(base_url=server.url) as web:
        opened = await web.post(path)
        assert opened.status_code == 303
        return f"astracrm_session={web.cookies['astracrm_session']}"


def _ws(server: AsgiServer, cookie: str | None, since: int = 0, origin: str | None = None):
    url = server.url.replace("http://", "ws://") + f"/board/live?since={since}"
    headers = {"Cookie": cookie} if cookie else {}
    return connect(url, additional_headers=headers, origin=origin or server.url, open_timeout=5)


async def _next(socket) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), 2.0))


async def _quiet(socket, seconds: float = 0.4) -> None:
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(socket.recv(), seconds)


async def test_a_change_arrives_within_a_second_in_its_organization_only(server, world):
    services = world.services
    mine = await _cookie(server, services, world.manager)
    theirs = await _cookie(server, services, world.stranger)
    async with _ws(server, mine, 10**9) as board, _ws(server, theirs, 10**9) as other:
        assert (await _next(board))["cards"] == [] and (await _next(other))["cards"] == []
        started = time.monotonic()
        moved = world.assigned.scheduled_at + timedelta(hours=1)
        await services.orders.act(
            world.owner, world.assigned.id, OrderAction.RESCHEDULE, scheduled_at=moved
        )
        message = await _next(board)
        elapsed = time.monotonic() - started
        assert elapsed < 1.0, elapsed
        (card,) = message["cards"]
        assert (card["number"], card["time"]) == (world.assigned.number, "15:00")
        assert message["cursor"] > 0
        await _quiet(other)  # the other organization never hears of it
        await services.orders.act(world.stranger, world.foreign.id, OrderAction.CANCEL)
        (foreign,) = (await _next(other))["cards"]
        assert foreign["client"] == "Ева Чужая" and foreign["column"] == "cancelled"
        await _quiet(board)


async def test_a_board_that_reconnects_catches_up_with_its_cursor(server, world):
    services = world.services
    cookie = await _cookie(server, services, world.manager)
    async with httpx.AsyncClient(base_url=server.url, headers={"Cookie": cookie}) as web:
        cursor = (await web.get("/board/api/view")).json()["cursor"]
    async with _ws(server, cookie, cursor) as board:
        assert (await _next(board))["cards"] == []
    # The connection dropped; meanwhile the bot offers one order and cancels another.
    await services.orders.act(world.owner, world.late.id, OrderAction.OFFER)
    await services.orders.act(world.owner, world.tomorrow.id, OrderAction.CANCEL)
    async with _ws(server, cookie, cursor) as board:
        caught = await _next(board)
        columns = {c["number"]: c["column"] for c in caught["cards"]}
        assert columns == {world.late.number: "offered", world.tomorrow.number: "cancelled"}
        assert caught["cursor"] > cursor
    hub = server.app.state.board_hub
    for _ in range(100):  # the server sees the close on its next read
        if hub.open_boards == 0 and not hub.running:
            break
        await asyncio.sleep(0.01)
    assert hub.open_boards == 0 and not hub.running  # nothing polls while nobody looks


async def test_sockets_without_a_session_or_from_another_site_are_refused(server, world):
    services = world.services
    with pytest.raises(InvalidStatus):
        async with _ws(server, None):
            pass
    cookie = await _cookie(server, services, world.manager)
    with pytest.raises(InvalidStatus):
        async with _ws(server, cookie, origin="https://evil.example"):
            pass
    async with _ws(server, cookie) as board:
        assert (await _next(board))["type"] == "cards"


async def test_another_process_change_wakes_the_board_through_postgresql(server, world, db_url):
    """An event written by another process (a plain connection here: nothing in this process
    is told) reaches the board through the trigger's NOTIFY, well before the 1 s poll."""
    if not db_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite has one process")
    cookie = await _cookie(server, world.services, world.manager)
    async with _ws(server, cookie, 10**9) as board:
        await _next(board)
        engine = create_engine(db_url)
        started = time.monotonic()
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO order_event (organization_id, order_id, kind, data, created_at)"
                    " VALUES (:org, :order, 'note', '{}', now())"
                ),
                {"org": world.org_id, "order": world.late.id},
            )
        await engine.dispose()
        (card,) = (await _next(board))["cards"]
        assert card["number"] == world.late.number
        assert time.monotonic() - started < 0.6


async def test_an_open_board_closes_when_its_member_loses_the_right(server, world, monkeypatch):
    from bot.admin.board import live

    monkeypatch.setattr(live, "RECHECK_SECONDS", 0.05)
    services = world.services
    cookie = await _cookie(server, services, world.manager)
    async with _ws(server, cookie) as board:
        await _next(board)
        team = await services.team.team(world.owner)
        membership = next(v.membership for v in team if v.user.id == world.manager.user.id)
        await services.team.change_role(world.owner, membership.id, Role.WORKER)
        await asyncio.wait_for(board.wait_closed(), 2.0)
        assert board.close_code == 4401

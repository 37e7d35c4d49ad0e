"""The board's WebSocket, `/board/live?since=N`: authenticated by the session cookie (and the
page's own origin), scoped to the session's organization. It first sends what changed after
the cursor `since` (a reconnect catches up without a reload), then every change as it comes
(bot/admin/board/hub.py). Messages: `{"type": "cards", "cursor": N, "cards": [...]}`."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect

from bot.admin.board.data import cards_json
from bot.admin.board.hub import BoardHub, Subscriber
from bot.admin.board.session import same_origin, viewer
from bot.admin.context import admin_context
from core.errors import DomainError

router = APIRouter(include_in_schema=False)
REFUSED, POLICY = 4401, 1008  # close codes: no session or right; another site's page
RECHECK_SECONDS = 60.0  # an open board's session and right are checked again this often


def hub_of(socket: WebSocket) -> BoardHub:
    state = socket.app.state
    hub: BoardHub | None = getattr(state, "board_hub", None)
    if hub is None:
        container = admin_context(socket).container
        hub = BoardHub(container.services, container.engine)
        state.board_hub = hub
    return hub


@router.websocket("/board/live")
async def live(socket: WebSocket, since: int = 0) -> None:
    if not same_origin(socket):
        await socket.close(code=POLICY)
        return
    services = admin_context(socket).container.services
    try:
        who = await viewer(socket, services)
    except DomainError:
        await socket.close(code=REFUSED)
        return
    await socket.accept()
    hub = hub_of(socket)
    subscriber = await hub.subscribe(who.actor)  # before the catch-up: nothing falls between
    tasks = [
        asyncio.create_task(_send(socket, subscriber, since)),
        asyncio.create_task(_recheck(socket)),
    ]
    try:
        while True:
            message = await socket.receive()
            if message["type"] == "websocket.disconnect":
                break
    except (WebSocketDisconnect, RuntimeError):  # closed by `_recheck` or `_send`
        pass
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await hub.unsubscribe(subscriber)


async def _recheck(socket: WebSocket) -> None:
    """A session signed out or expired, or a member who lost the right (made a worker,
    deactivated), loses the open board too, within `RECHECK_SECONDS`."""
    services = admin_context(socket).container.services
    while True:
        await asyncio.sleep(RECHECK_SECONDS)
        try:
            await viewer(socket, services)
        except DomainError:
            await socket.close(code=REFUSED)
            return


async def _send(socket: WebSocket, subscriber: Subscriber, since: int) -> None:
    services = admin_context(socket).container.services
    actor = subscriber.actor
    assert actor.organization is not None
    zone = actor.organization.timezone
    cursor = max(0, since)
    while True:  # the catch-up, a batch at a time
        changes = await services.board.changes(actor, cursor)
        hello: dict[str, Any] = {
            "type": "cards",
            "cursor": changes.cursor,
            "cards": cards_json(changes.cards, zone),
        }
        await socket.send_json(hello)
        if changes.cursor == cursor:
            break
        cursor = changes.cursor
    while True:
        message = await subscriber.queue.get()
        if message is None:  # too far behind: the page reconnects and catches up
            await socket.close(code=1013)
            return
        await socket.send_json(message)

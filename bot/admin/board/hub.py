"""The live feed of one admin process: open boards subscribe with their member; when an order
event is written (woken in-process by `storage.board.BOARD_CHANGES`, across processes by
PostgreSQL's NOTIFY, and at worst by a one-second poll), the hub reads the events after its
cursor, builds each organization's changed cards once and queues them on that
organization's boards only.

Ids of order events come from a sequence, so on PostgreSQL an event can commit after a later
one: a hole in the ids read is asked for again until it fills or `HOLE_SECONDS` pass (a
rolled-back insert never fills its hole). The hub runs while a board is open."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.admin.board.data import cards_json
from core.domain import Actor
from core.services import Services
from storage.board import BOARD_CHANGES, listen

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0  # a safety net: a lost notification is seen within this
HOLE_SECONDS = 3.0
QUEUE_MAX = 200  # messages waiting for one slow board; past it the board is dropped


@dataclass(eq=False)
class Subscriber:
    actor: Actor
    queue: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)

    @property
    def org_id(self) -> int:
        assert self.actor.organization is not None
        return self.actor.organization.id


class BoardHub:
    def __init__(self, services: Services, engine: AsyncEngine) -> None:
        self._services = services
        self._engine = engine
        self._boards: dict[int, set[Subscriber]] = defaultdict(set)
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._low = 0  # every event up to here was handled
        self._seen: set[int] = set()  # handled above `_low`
        self._holes: dict[int, float] = {}  # a missing id: since when

    @property
    def open_boards(self) -> int:
        return sum(len(s) for s in self._boards.values())

    @property
    def running(self) -> bool:
        return bool(self._tasks)

    def wake(self) -> None:
        """Safe from any thread (a unit of work may commit on another loop)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake.set)

    async def subscribe(self, actor: Actor) -> Subscriber:
        subscriber = Subscriber(actor)
        self._boards[subscriber.org_id].add(subscriber)
        if not self._tasks:
            await self._start()
        return subscriber

    async def unsubscribe(self, subscriber: Subscriber) -> None:
        boards = self._boards.get(subscriber.org_id)
        if boards is not None:
            boards.discard(subscriber)
            if not boards:
                del self._boards[subscriber.org_id]
        if not self._boards and self._tasks:
            await self._halt()

    async def _start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._low, _ = await self._services.board.feed(None)
        self._seen.clear()
        self._holes.clear()
        BOARD_CHANGES.listen(self.wake)
        self._tasks = [
            asyncio.create_task(self._run()),
            asyncio.create_task(listen(self._engine, self.wake, self._stop)),
        ]

    async def _halt(self) -> None:
        tasks, self._tasks = self._tasks, []
        BOARD_CHANGES.forget(self.wake)
        self._stop.set()
        self._wake.set()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                await self._pump()
            except Exception:
                log.exception("the board feed failed a round")

    async def _pump(self) -> None:
        _, found = await self._services.board.feed(self._low)
        fresh = [row for row in found if row[0] not in self._seen]
        self._seen.update(row[0] for row in fresh)
        self._advance(max((row[0] for row in found), default=self._low))
        changed: dict[int, dict[int, int]] = defaultdict(dict)  # org -> order -> event id
        for event_id, org_id, order_id in fresh:
            if org_id in self._boards:
                changed[org_id][order_id] = event_id
        for org_id, orders in changed.items():
            await self._send(org_id, orders)

    def _advance(self, top: int) -> None:
        """Move `_low` over every handled id and every hole older than `HOLE_SECONDS`."""
        now = time.monotonic()
        for missing in range(self._low + 1, top + 1):
            if missing not in self._seen:
                self._holes.setdefault(missing, now)
        while True:
            following = self._low + 1
            if following in self._seen:
                self._seen.discard(following)
            elif following in self._holes and now - self._holes[following] > HOLE_SECONDS:
                pass
            else:
                break
            self._holes.pop(following, None)
            self._low = following
        self._holes = {k: v for k, v in self._holes.items() if k > self._low}

    async def _send(self, org_id: int, orders: dict[int, int]) -> None:
        boards = list(self._boards.get(org_id, ()))
        if not boards:
            return
        actor = boards[0].actor
        cards = await self._services.board.cards(actor, sorted(orders))
        assert actor.organization is not None
        message = {
            "type": "cards",
            "cursor": max(orders.values()),
            "cards": cards_json(cards, actor.organization.timezone),
        }
        for board in boards:
            if board.queue.qsize() >= QUEUE_MAX:
                board.queue.put_nowait(None)  # too slow: the board reconnects and catches up
                continue
            board.queue.put_nowait(message)

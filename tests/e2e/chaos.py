"""Killing the bot with SIGKILL at exact points of its work and restarting it on the same
database (tests/e2e/test_kill_many.py).

A kill point is a count of what the emulator sees (`TelegramEmulator.watch`), never a delay,
and the watcher kills the process synchronously, inside the emulator's handling of the call:

- "polled": a getUpdates answered with updates, before the bot reads them;
- "confirmed": the next getUpdates arrives, telling Telegram the batch arrived: the bot holds
  it and is applying it (the moment that lost updates before the inbox);
- "posted" (webhook): an update's POST leaves for the bot;
- "mid" (webhook): the bot's first call after an update's POST: it is applying the update;
- "sent": Telegram recorded a message and the bot never reads the answer, so the outbox
  still holds it and the restarted process sends it again (the stated window);
- "broadcast": the same for a scheduled message (digest, plan, reminder, alert).

Right after each kill (the process is dead, nothing of it moves) what it had in flight is
read from the database, per chat: messages still in the outbox, delivery jobs it held,
updates it received and had not recorded. At most that many messages may be repeated.
Restarts start a standby process that already imported the product (the next kill point is
armed once it has), so a restart costs the start-up, not two seconds of imports.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from sandbox.emulator import Seen, TelegramEmulator
from storage.db import async_url, create_engine, is_sqlite
from storage.tables import JobRow, OutboxRow, ProcessedUpdateRow, UpdateInboxRow, UserRow
from tests.e2e.processes import Process

BROADCASTS = ("⏰", "⚠️", "📊", "🗓")  # how scheduled messages begin (reminder, alert...)
MID_UPDATE_CALLS = ("getUpdates", "webhook", "getMe", "setWebhook", "setMyCommands")


def observer_engine(url: str) -> AsyncEngine:
    """The test's own view of the bot's database. Not the product's SQLite engine: it runs
    statements on the event loop's thread and waits for the write lock there, which would
    stall the emulator in this loop while the bot, holding the lock, waits on the emulator.
    aiosqlite waits on its own thread; reads in WAL take no lock."""
    if not is_sqlite(url):
        return create_engine(url)
    return create_async_engine(async_url(url), connect_args={"timeout": 60})


@dataclass
class Kill:
    kind: str
    n: int
    armed_at: int  # actions taken when it was armed
    seen: str = ""  # the call it struck at
    in_flight: Counter[int] = field(default_factory=Counter)  # may repeat, per chat
    held: int = 0  # messages in the outbox, delivered to Telegram or not
    down: float = 0.0  # seconds from the kill to the next process's readiness (reported)


def chat_of(update: dict[str, Any]) -> int | None:
    """The chat an update comes from (a message or a tapped button's)."""
    for kind in ("message", "edited_message", "callback_query"):
        payload = update.get(kind)
        if isinstance(payload, dict):
            message = payload.get("message", payload)
            chat = (message.get("chat") or {}).get("id") or (payload.get("from") or {}).get("id")
            return int(chat) if chat is not None else None
    return None


class Trigger:
    """Counts what a kill point waits for and fires on the `n`-th."""

    def __init__(self, kind: str, n: int, fire: Callable[[str], None]) -> None:
        self.kind, self.left, self._fire = kind, n, fire
        self._returned = 0  # the last update id a getUpdates returned
        self._posted = False

    def __call__(self, seen: Seen) -> None:
        if self.left <= 0:
            return
        method = seen.method
        if method == "getUpdates" and seen.answered and seen.result:
            self._returned = max(int(u["update_id"]) for u in seen.result)
        if self._counts(seen):
            self.left -= 1
            if self.left == 0:
                text = str(seen.params.get("text", ""))[:12]
                self._fire(f"{method}{' answered' if seen.answered else ''} {text!r}")

    def _counts(self, seen: Seen) -> bool:
        kind, method = self.kind, seen.method
        if kind == "polled":
            return method == "getUpdates" and seen.answered and bool(seen.result)
        if kind == "confirmed":
            offset = int(seen.params.get("offset") or 0)
            if method != "getUpdates" or seen.answered or not offset > self._returned > 0:
                return False
            self._returned = 0  # one confirmation per batch
            return True
        if kind == "posted":
            return method == "webhook" and not seen.answered
        if kind == "mid":
            if method == "webhook" and not seen.answered:
                self._posted = True
                return False
            return self._posted and not seen.answered and method not in MID_UPDATE_CALLS
        if method != "sendMessage" or not seen.answered:
            return False
        return kind == "sent" or str(seen.params.get("text", "")).startswith(BROADCASTS)


class Chaos:
    """The bot process, killed at kill points and restarted from a standby."""

    def __init__(
        self,
        emulator: TelegramEmulator,
        spawn: Callable[[int], Process],
        engine: AsyncEngine,
        deliveries: frozenset[str],
        webhook: bool,
        may_repeat: Callable[[int], int] = lambda update_id: 1,
    ) -> None:
        """`may_repeat(update_id)`: how many answers an update that was received and not
        recorded at a kill may have had (they repeat when it is applied again)."""
        self._emulator, self._spawn, self._engine = emulator, spawn, engine
        self._deliveries, self.webhook = deliveries, webhook
        self._may_repeat = may_repeat
        self._incarnations = 0
        self.kills: list[Kill] = []
        self.current: Process | None = None
        self._standby: Process | None = None

    async def _held(self) -> Process:
        process = self._spawn(self._incarnations)
        self._incarnations += 1
        await process.start(held=True)
        return process

    async def start(self) -> None:
        self.current = await self._held()
        await self.current.held()
        self.current.go()
        self._standby = await self._held()
        await self.current.ready()
        await self._standby.held()

    async def kill(
        self,
        kind: str,
        n: int,
        armed_at: int,
        finished: asyncio.Event,
        then: Callable[[], Awaitable[None]] | None = None,
        armed: Callable[[], None] = lambda: None,
        struck_now: Callable[[], None] = lambda: None,
    ) -> Kill | None:
        """Arm a kill point (then run `then`, then `armed`), wait for it (None if everyone
        finished first; `struck_now` runs at the kill), read what was in flight, start the
        standby."""
        process = self.current
        assert process is not None and self._standby is not None
        struck: asyncio.Future[str] = asyncio.get_running_loop().create_future()

        def fire(what: str) -> None:
            os.kill(process.pid, signal.SIGKILL)
            if not struck.done():
                struck.set_result(what)
                killed_at.append(time.monotonic())
                struck_now()

        killed_at: list[float] = []

        unwatch = self._emulator.watch(Trigger(kind, n, fire))
        try:
            if then is not None:
                await then()
            armed()
            ended = asyncio.ensure_future(finished.wait())
            await asyncio.wait([struck, ended], return_when=asyncio.FIRST_COMPLETED)
            ended.cancel()
        finally:
            unwatch()
        if not struck.done():
            return None
        await process.kill()
        kill = Kill(kind, n, armed_at, struck.result(), *await self.in_flight())
        self.kills.append(kill)
        self.current, self._standby = self._standby, None
        self.current.go()
        self._standby = await self._held()  # its imports while this one starts
        await self.current.ready()
        kill.down = time.monotonic() - killed_at[0]
        await self._standby.held()  # the next kill costs a start-up, not imports
        return kill

    async def in_flight(self) -> tuple[Counter[int], int]:
        """Per chat, what may repeat after the restart, read after the process died and
        before the next one starts: an outbox message Telegram has already (its text is in
        the chat: the same prompt sent for an earlier order counts too, which only loosens
        the check); a scheduled message sent whose job is not done (the chat's scheduled
        messages beyond its done jobs, at most its running jobs); the answers an update
        received and not recorded has had (`may_repeat`: applied again, its answers repeat).
        Also how many messages the outbox held."""
        found: Counter[int] = Counter()
        boxed = 0
        async with self._engine.connect() as connection:
            box = OutboxRow.__table__.c
            for chat, body in await connection.execute(select(box.chat_id, box.body)):
                if body.get("method") in ("send", "photo"):
                    boxed += 1
                    found[int(chat)] += self._has(int(chat), body.get("params", {}).get("text"))
            jobs = JobRow.__table__.c
            ours = select(jobs.status, jobs.payload).where(jobs.kind.in_(self._deliveries))
            running: Counter[int] = Counter()
            done: Counter[int] = Counter()
            for status, payload in await connection.execute(ours):
                chat = await self._chat_of_job(connection, payload)
                running[chat] += status == "running"
                done[chat] += status == "done"
            for chat, count in running.items():
                found[chat] += min(count, max(0, self._broadcasts(chat) - done[chat]))
            inbox, ledger = UpdateInboxRow.__table__.c, ProcessedUpdateRow.__table__.c
            unrecorded = inbox.update_id.not_in(select(ledger.update_id))
            stored = select(inbox.update_id, inbox.payload).where(unrecorded)
            again = {int(u): p for u, p in (await connection.execute(stored)).all()}
            if not self.webhook:  # fetched, not stored and not confirmed: Telegram sends it again
                recorded = {u for (u,) in await connection.execute(select(ledger.update_id))}
                for update in self._emulator.state.updates:
                    if int(update["update_id"]) not in recorded:
                        again.setdefault(int(update["update_id"]), update)
            for update_id, update in again.items():
                # Applied again after the restart: from the inbox or Telegram's queue when
                # polling; with a webhook, if Telegram still waits for its answer (one
                # answered and not recorded stays in the inbox: kill_checks).
                if not self.webhook or update_id in self._queued():
                    found[chat_of(update) or 0] += self._may_repeat(update_id)
        return +found, boxed

    def _broadcasts(self, chat: int) -> int:
        known = self._emulator.state.chats.get(chat)
        messages = known.messages.values() if known is not None else ()
        return sum(m.from_bot and (m.source_text or "").startswith(BROADCASTS) for m in messages)

    def _has(self, chat: int, text: object) -> bool:
        known = self._emulator.state.chats.get(chat)
        messages = known.messages.values() if known is not None else ()
        return any(m.from_bot and m.source_text == text for m in messages)

    def _queued(self) -> set[int]:
        return {int(u["update_id"]) for u in self._emulator.state.updates}

    async def _chat_of_job(self, connection: Any, payload: dict[str, Any]) -> int:
        if isinstance(payload.get("chat_id"), int):
            return int(payload["chat_id"])
        users = UserRow.__table__.c
        query = select(users.telegram_id).where(users.id == int(payload["user_id"]))
        return int((await connection.execute(query)).scalar_one())

    async def drained(self, seconds: float = 120.0) -> bool:
        """Until nothing is left to send or apply: Telegram's queue of updates, the outbox,
        updates stored and not recorded (polling: a webhook's answered read-only updates may
        stay unrecorded, see kill_checks), delivery jobs."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while loop.time() < deadline:
            if not self._emulator.state.updates and not await self._left():
                return True
            await asyncio.sleep(0.2)
        return False

    async def _left(self) -> int:
        jobs, inbox = JobRow.__table__.c, UpdateInboxRow.__table__.c
        ledger = ProcessedUpdateRow.__table__.c
        waiting = jobs.status.in_(("pending", "running")) & jobs.kind.in_(self._deliveries)
        queries = [
            select(func.count()).select_from(OutboxRow.__table__),
            select(func.count(jobs.id)).where(waiting),
        ]
        if not self.webhook:
            unrecorded = inbox.update_id.not_in(select(ledger.update_id))
            queries.append(select(func.count(inbox.update_id)).where(unrecorded))
        async with self._engine.connect() as connection:
            return sum([int((await connection.execute(q)).scalar_one()) for q in queries])

    async def stop(self) -> None:
        for process in (self.current, self._standby):
            if process is not None:
                await process.stop()

"""One process serves every connected bot (docs/own-bot.md, Routing): the shared bot, and
each organization's own bot, in the same event loop.

The fleet builds a bot for each active own bot (core/ownbot/routing.py numbers them) with the
shared bot's address, its own HTTP pool and rate limiter (keyed by the token's bot id). With a
feed (the bot roles) it long-polls each: each update of a getUpdates batch is keyed by the bot's
number and its id and goes to the application's queue with its bot; what has not settled when
the next getUpdates would tell Telegram it arrived is stored in the update inbox first
(bot/polled.py). In webhook mode (`hooks`, bot/fleet_parts.py) each gets a webhook of its own
instead (bot/admin/hooks.py).

What is active is read again when `own_bot` changes (PostgreSQL: NOTIFY `astracrm_bots`
from a trigger, migration 0050) and every LOOK_SECONDS anyway; on SQLite, where one process
serves, every SQLITE_LOOK_SECONDS. A bot disconnected, revoked or given a new token is
stopped; nothing needs a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import InvalidToken

from bot.container import Container
from bot.fleet_parts import Hooks, KnownChats, without_token
from bot.polled import Poller
from bot.telegram_bot import TolerantBot, build_bot
from core.ownbot.routing import RunningBot, bot_of, update_key
from storage.db import once_more_if_dropped
from storage.runtime.notify import listen

log = logging.getLogger(__name__)

BOTS_CHANNEL = "astracrm_bots"
LOOK_SECONDS = 60.0  # PostgreSQL: what a missed notification costs at most
SQLITE_LOOK_SECONDS = 2.0  # SQLite: no notifications; one process serves and looks
OWN_POOL = 4  # HTTP connections of an own bot (its sender waits on its rate limit)
RETRY_SECONDS = 1.0  # after a failed getUpdates
MISS_SECONDS = 10.0  # a webhook of a bot not served looks again at most this often

Feed = Callable[[Update], Awaitable[None]]
Refused = Callable[[RunningBot], Awaitable[None]]


@dataclass(slots=True)
class _Served:
    spec: RunningBot
    bot: TolerantBot
    polling: asyncio.Task[None] | None = None
    keyed: list[dict[str, Any]] = field(default_factory=list)


class Fleet:
    def __init__(
        self,
        container: Container,
        shared: TolerantBot,
        feed: Feed | None = None,
        poll_timeout: int = 10,
        flood_control: bool = True,
    ) -> None:
        """`feed`: where an own bot's updates go (None: this process does not poll; the
        application sets it once it is built)."""
        self._container = container
        self.shared = shared
        self.feed = feed
        self._poll_timeout = poll_timeout
        self._flood_control = flood_control
        self._served: dict[int, _Served] = {}
        self._stop = asyncio.Event()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._refresh_lock = asyncio.Lock()
        self.on_refused: Refused | None = None  # told when Telegram refuses a token (401)
        self.hooks: Hooks | None = None  # webhook mode: set before `start`
        self._missed: dict[int, float] = {}  # a bot's number: when it was last looked for
        self.chats = KnownChats()  # who wrote to which own bot: a cache of `bot_chat`

    def bot(self, number: int) -> TolerantBot:
        """The bot of that number; the shared bot for 0 or a bot not served (any more)."""
        served = self._served.get(number)
        return served.bot if served is not None else self.shared

    def bot_of_update(self, key: int) -> TolerantBot:
        return self.bot(bot_of(key))

    def spec(self, number: int) -> RunningBot | None:
        served = self._served.get(number)
        return served.spec if served is not None else None

    async def look_for(self, number: int) -> RunningBot | None:
        """The bot of that number, looking again if it is not served (at most every
        MISS_SECONDS: a disconnected bot's webhook posts until Telegram gives up)."""
        spec = self.spec(number)
        if spec is not None:
            return spec
        now = asyncio.get_running_loop().time()
        if now - self._missed.get(number, -MISS_SECONDS) < MISS_SECONDS:
            return None
        self._missed[number] = now
        await self._look()
        return self.spec(number)

    def of_org(self, org_id: int) -> RunningBot | None:
        """The organization's own bot, when this process serves one."""
        served = self._of_org(org_id)
        return served.spec if served is not None else None

    def _of_org(self, org_id: int) -> _Served | None:
        return next((s for s in self._served.values() if s.spec.org_id == org_id), None)

    @property
    def serves_staff(self) -> bool:
        """Whether any bot served lets its organization's staff work in it."""
        return any(served.spec.serves_staff for served in self._served.values())

    def username_of(self, org_id: int) -> str | None:
        """The user name of the organization's own bot, when this process serves one."""
        served = self._of_org(org_id)
        return served.bot.username if served is not None else None

    @property
    def numbers(self) -> list[int]:
        return sorted(self._served)

    async def start(self) -> None:
        """Serve the active bots now, then follow the changes."""
        self._stop.clear()
        await self._look()
        loop = asyncio.get_running_loop()
        engine = self._container.engine
        self._tasks = [loop.create_task(self._watch())]
        if engine.dialect.name == "postgresql":
            self._tasks.append(
                loop.create_task(listen(engine, BOTS_CHANNEL, self._wake.set, self._stop))
            )

    async def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            with contextlib.suppress(Exception):
                await task
        for number in list(self._served):
            await self._retire(number)

    async def refresh(self) -> None:
        """Start the bots that became active, stop those that are not any more."""
        async with self._refresh_lock:
            wanted = {
                spec.number: spec for spec in await self._container.services.own_bots.running()
            }
            for number, served in list(self._served.items()):
                spec = wanted.get(number)
                if spec is None or spec.token != served.spec.token:
                    await self._retire(number)
                else:
                    served.spec = spec  # "staff use it too" may have changed
            for number, spec in wanted.items():
                if number not in self._served and not self._stop.is_set():
                    await self._serve(spec)

    async def _look(self) -> None:
        """A pooled connection a database restart dropped is retried once, as an update's or
        a job's first statement is (the look after the listener reconnects is often the
        first to meet one)."""
        try:
            await once_more_if_dropped(self.refresh, "own bots")
        except Exception as error:  # noqa: BLE001 - the database is away: the next look
            log.warning("own bots not looked at: %s", type(error).__name__)

    async def _watch(self) -> None:
        sqlite = self._container.engine.dialect.name != "postgresql"
        every = SQLITE_LOOK_SECONDS if sqlite else LOOK_SECONDS
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=every)
            self._wake.clear()
            if not self._stop.is_set():
                await self._look()

    async def _serve(self, spec: RunningBot) -> None:
        settings = self._container.settings
        bot = build_bot(
            settings,
            spec.token,
            OWN_POOL,
            self._flood_control,
            without_token(str(self.shared.base_url), self.shared.token),
            without_token(str(self.shared.base_file_url), self.shared.token),
            metrics=self._container.metrics,
        )
        try:
            await bot.initialize()  # getMe: its username for links
            await self._receive(spec.number, bot)
        except Exception as error:  # noqa: BLE001 - Telegram is away: the next look
            with contextlib.suppress(Exception):
                await bot.shutdown()  # its HTTP pool
            if isinstance(error, InvalidToken):
                await self._refused(spec)
            else:
                log.warning("own bot %s not started: %s", spec.number, type(error).__name__)
            return
        served = _Served(spec, bot)
        self._served[spec.number] = served
        if self.feed is not None and self.hooks is None:
            poller = self._container.polled.poller()
            bot.keep_updates_in(lambda batch: self._keep(served, batch, poller), poller.confirming)
            served.polling = asyncio.get_running_loop().create_task(self._poll(served))
        log.info("own bot %s served", spec.number)

    async def _receive(self, number: int, bot: TolerantBot) -> None:
        """How the bot's updates reach this process: its webhook in webhook mode, else long
        polling (a webhook set before must go first: Telegram refuses getUpdates then)."""
        if self.hooks is not None:
            await bot.set_webhook(
                self.hooks.url(number),
                secret_token=self.hooks.secret_of(number),
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=False,
            )
        elif self.feed is not None:
            await bot.delete_webhook(drop_pending_updates=False)

    async def _retire(self, number: int) -> None:
        served = self._served.pop(number, None)
        if served is None:
            return
        if served.polling is not None and served.polling is not asyncio.current_task():
            served.polling.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await served.polling
        if self.hooks is not None and not self._stop.is_set():
            with contextlib.suppress(Exception):  # disconnected: Telegram stops posting
                await served.bot.delete_webhook()
        with contextlib.suppress(Exception):
            await served.bot.shutdown()
        log.info("own bot %s no longer served", number)

    def _keep(self, served: _Served, batch: list[dict[str, Any]], poller: Poller) -> None:
        """A getUpdates batch, keyed by the bot's number, to be applied (and stored in the
        update inbox if it has not settled before the next getUpdates, bot/polled.py)."""
        number = served.spec.number
        keyed = [
            {**update, "update_id": update_key(number, update["update_id"])}
            for update in batch
            if isinstance(update.get("update_id"), int)
        ]
        poller.fetched(keyed)
        served.keyed.extend(keyed)

    async def _poll(self, served: _Served) -> None:
        assert self.feed is not None
        offset: int | None = None
        bot = served.bot
        while not self._stop.is_set():
            try:
                updates = await bot.get_updates(
                    offset=offset,
                    timeout=self._poll_timeout,
                    allowed_updates=Update.ALL_TYPES,
                )
            except InvalidToken:
                await self._retire(served.spec.number)
                await self._refused(served.spec)
                return
            except Exception as error:  # noqa: BLE001 - the network: try again shortly
                log.info("own bot %s getUpdates: %s", served.spec.number, type(error).__name__)
                served.keyed.clear()  # not confirmed: Telegram sends them again
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if updates:
                offset = max(update.update_id for update in updates) + 1
            keyed, served.keyed = served.keyed, []
            for payload in keyed:
                await self.feed(Update.de_json(payload, bot))

    async def refused(self, number: int) -> None:
        """Telegram refused the token of bot `number` on a call: stop serving it, and record
        it (the sender sends the call through the shared bot instead)."""
        served = self._served.get(number)
        if served is not None:
            await self._retire(number)
            await self._refused(served.spec)

    async def _refused(self, spec: RunningBot) -> None:
        log.warning("own bot %s: Telegram refused its token", spec.number)
        if self.on_refused is not None:
            try:
                await self.on_refused(spec)
            except Exception as error:  # noqa: BLE001 - the next look tries again
                log.warning(
                    "own bot %s refusal not recorded: %s", spec.number, type(error).__name__
                )

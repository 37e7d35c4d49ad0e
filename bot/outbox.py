"""The sender: delivers what an update (or a dead process) left in the outbox, one message at
a time, and marks each sent with Telegram's message id as soon as Telegram answers.

Sends are marked one by one, each in its own short transaction (with what the message id is
recorded for: `handlers.delivery.follow_ups`); edits and maps, which may be repeated
freely, are marked together with the next send or at the end. A delivery Telegram refuses
for good (a blocked bot, a deleted message) is marked too and never retried; one that fails
for a while (flood control past its retries, the network) stays held by this process until
its lease lapses, then anyone takes it over.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.outbox_calls import MapDrawer, call
from bot.outbox_marks import PendingMarks
from bot.routes import ClientRoutes, routed_delivery
from core.client_loop.model import DeliveryStatus
from core.ownbot.routing import message_key, message_ref
from core.ports import Clock
from core.runtime.binding import Binder
from core.runtime.outbox import After, Delivery, Method, Sent, Stored
from core.services import Services
from handlers.client_loop.client_bot import file_bytes
from handlers.delivery.edits import gone, not_modified
from handlers.delivery.follow_ups import FOLLOW_UPS
from handlers.i18n import Catalogs
from storage.update_work import UpdateWork

log = logging.getLogger(__name__)

CHANGES = (Method.EDIT, Method.MARKUP, Method.DELETE)  # of a message sent before
LEASE = timedelta(seconds=60)  # a live holder sends within this; then anyone may take over
RECOVERY_SECONDS = 60.0  # how often what others left is looked for (one short transaction)
TRIES = 3


class Failed(Exception):
    """Not delivered for now (flood control, the network): left for a later attempt."""


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        services: Services,
        catalogs: Catalogs,
        draw_map: MapDrawer,
        owner: str,
        liveness: bool = False,
        bots: Callable[[int], Bot] | None = None,
        refused: Callable[[int], Awaitable[None]] | None = None,
        routes: ClientRoutes | None = None,
    ) -> None:
        """`owner`: this process's holder name ("host:pid:tag:outbox"); `liveness`: this
        process holds a liveness mark (storage/runtime/liveness.py), so others may take over
        what it holds the moment it dies, and it may take over from the dead. `bots`: the
        bot of a number (bot/fleet.py; a delivery names the bot it goes through), else
        every delivery goes through `bot`; `refused`: told when Telegram refuses an own bot's
        token (401), before its delivery goes through `bot` instead (docs/own-bot.md);
        `routes`: which bot a client's message goes through (bot/routes.py)."""
        self._bot = bot
        self._bots = bots
        self._routes = routes
        self._on_refused = refused
        self._sessions = sessions
        self._clock = clock
        self._services = services
        self._binder = Binder(services)
        self._catalogs = catalogs
        self._draw_map = draw_map
        self.owner = owner if liveness else "~" + owner
        self._liveness = liveness
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.unmarked = PendingMarks(self._take_out)  # sent edits (bot/outbox_marks.py)

    async def start(self) -> None:
        """Send what a previous process left (on SQLite, where one process serves, all of
        it at once), then keep looking every RECOVERY_SECONDS."""
        if self._sessions.kw["bind"].dialect.name != "postgresql":
            async with UpdateWork(self._sessions, self._clock, None) as work:
                await work.uow.outbox.hand_back(self.owner)
                await work.commit()
        self._stop.clear()
        self._task = asyncio.get_running_loop().create_task(self._watch())

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self.unmarked.close()

    async def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                await self.recover()
            except Exception as exc:  # noqa: BLE001 - the database is away: next round
                log.warning("outbox recovery failed: %s", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=RECOVERY_SECONDS)

    async def send_now(self, deliveries: Sequence[Delivery]) -> None:
        """What an update that changed nothing calls for: sent, not written to the outbox (the
        update itself is applied again if this process dies first); what a sent message is
        recorded by (a card, so later changes edit it: `After`) is recorded as it is for the
        outbox's messages, in one transaction after sending."""
        sent: list[tuple[Sent, Delivery]] = []
        for delivery in deliveries:
            with contextlib.suppress(Failed):
                outcome = await self._send(Stored(0, delivery))
                if outcome.unreachable or (delivery.after and outcome.message_id):
                    sent.append((outcome, delivery))
        if sent:
            await self._mark(sent)

    async def deliver(self, stored: Sequence[Stored]) -> None:
        """Send in order; each send is marked as soon as Telegram answers it."""
        done: list[tuple[Sent, Delivery]] = []
        for item in stored:
            if item.dropped:  # the recipient restricted processing since it was written
                log.info("delivery %s dropped: the recipient restricted processing", item.id)
                done.append((Sent(item.id, None, dropped=True), item.delivery))
                continue
            try:
                outcome = await self._send(item)
            except Failed:
                continue  # held until the lease lapses, then sent again by whoever takes it
            done.append((outcome, item.delivery))
            if item.delivery.method.new_message:
                await self._mark(done)
                done = []
        if done:
            await self._mark(done)

    async def recover(self, limit: int = 100) -> int:
        """Take over and send what dead (or stuck) holders left; how many were taken."""
        total = 0
        while True:
            async with UpdateWork(self._sessions, self._clock, None) as work:
                now = self._clock.now()
                taken = await work.uow.outbox.take_over(
                    self.owner, now, LEASE, limit, self._liveness
                )
                await work.commit()
            if not taken:
                return total
            log.info("%s messages left by another process are sent", len(taken))
            total += len(taken)
            await self.deliver(taken)
            if len(taken) < limit:
                return total

    async def _mark(self, sent: list[tuple[Sent, Delivery]]) -> None:
        """Record what the sent messages are remembered by and take the outbox's rows out (a
        message sent for an update that changed nothing has none: id 0). Edits with nothing
        to record leave with the next update's commit (bot/outbox_marks.py)."""
        if all(_repeatable(outcome, delivery) for outcome, delivery in sent):
            self.unmarked.add([outcome for outcome, _ in sent])
            return
        catch_up: list[Delivery] = []
        async with UpdateWork(self._sessions, self._clock, None) as work:
            services = None
            for outcome, delivery in sent:
                needs = (
                    outcome.unreachable
                    or (delivery.after and outcome.message_id)
                    or (outcome.dropped and delivery.after is After.CLIENT_MESSAGE)
                )
                if needs and services is None:
                    services = self._binder.bind(work.units)
                if services is None:
                    continue
                if outcome.dropped:  # the client's log says why it never went
                    await client_message_dropped(services, delivery)
                elif outcome.unreachable:
                    await services.users.mark_unreachable(delivery.chat_id)
                elif delivery.after is After.CLIENT_MESSAGE and outcome.message_id is not None:
                    ref = message_ref(outcome.bot, outcome.message_id)
                    await client_message_sent(services, delivery, ref)
                elif delivery.after is not None and outcome.message_id is not None:
                    follow = FOLLOW_UPS[delivery.after]
                    args = delivery.after_args
                    key = message_key(outcome.bot, outcome.message_id)  # edited through it
                    catch_up += await follow(services, self._catalogs, delivery.chat_id, key, args)
            await work.uow.outbox.mark([outcome for outcome, _ in sent])
            await work.commit()
        await self.send_now(catch_up)

    async def _take_out(self, sent: list[Sent]) -> None:
        async with UpdateWork(self._sessions, self._clock, None) as work:
            await work.uow.outbox.mark(sent)
            await work.commit()

    async def _send(self, item: Stored) -> Sent:
        try:
            routed = await routed_delivery(item.delivery, self._services, self._routes)
        except Exception as error:  # noqa: BLE001 - the database is away: later
            log.info("delivery %s not routed: %s", item.id, type(error).__name__)
            raise Failed from None
        if routed is None:
            return Sent(item.id, None)
        chosen = item.delivery.bot is None and bool(routed.bot)  # an own bot, by the rules
        delivery = routed
        for attempt in range(1, TRIES + 1):
            bot = self._bot_of(delivery)
            # An own bot's chat written to through the shared bot (the own bot gone): the
            # person may have no chat there, which says nothing of their own bot's chat.
            instead = bool(delivery.bot) and bot is self._bot
            if instead and delivery.method in CHANGES:
                # Another bot's message ids name other messages: the change is dropped.
                log.info("delivery %s: its bot is not served; the change is dropped", item.id)
                return Sent(item.id, None)
            through = 0 if bot is self._bot else delivery.bot or 0
            made = delivery if through == delivery.bot else dataclasses.replace(delivery, bot=0)
            try:
                sent = await call(bot, made, self._services, self._draw_map, self._files)
                return Sent(item.id, sent, bot=through)
            except InvalidToken:
                if not delivery.bot or self._on_refused is None or instead:
                    log.error("delivery %s: the bot's token was refused", item.id)
                    raise Failed from None
                await self._on_refused(delivery.bot or 0)
                delivery = dataclasses.replace(delivery, bot=0)
            except Forbidden:
                if chosen and self._routes is not None and delivery.method.new_message:
                    await self._blocked(delivery.bot or 0, delivery.chat_id)
                    delivery, chosen = dataclasses.replace(delivery, bot=0), False
                    continue  # through the shared bot instead
                unreachable = delivery.method.new_message and not instead
                return Sent(item.id, None, unreachable=unreachable, failed=instead)
            except BadRequest as error:
                if instead and "chat not found" in error.message.lower():
                    log.info("delivery %s: no chat with the shared bot", item.id)
                    return Sent(item.id, None, failed=True)
                return self._refused(item, error)
            except RetryAfter as flood:
                wait = flood.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                if attempt == TRIES:
                    raise Failed from None
                await asyncio.sleep(seconds)
            except NetworkError as error:
                log.info("delivery %s: %s, attempt %s", item.id, type(error).__name__, attempt)
                if attempt == TRIES:
                    raise Failed from None
                await asyncio.sleep(0.5 * attempt)
            except Exception as error:  # noqa: BLE001 - a bug here must not lose the rest
                log.error("delivery %s failed: %s", item.id, type(error).__name__)
                raise Failed from None
        raise Failed

    def _refused(self, item: Stored, error: BadRequest) -> Sent:
        delivery = item.delivery
        if delivery.quiet and (not_modified(error) or gone(error)):
            return Sent(item.id, None)
        if "chat not found" in error.message.lower():
            return Sent(item.id, None, unreachable=delivery.method.new_message)
        log.info("delivery %s refused: %s", item.id, type(error).__name__)
        return Sent(item.id, None, failed=True)

    async def _blocked(self, number: int, chat_id: int) -> None:
        """The chat blocked own bot `number`: forgotten (the cache at least, if the database
        is away), and the delivery goes through the shared bot."""
        assert self._routes is not None
        try:
            await self._routes.blocked(number, chat_id)
        except Exception as error:  # noqa: BLE001 - the send must still go
            log.warning("own bot %s chat not forgotten: %s", number, type(error).__name__)

    def _bot_of(self, delivery: Delivery) -> Bot:
        if delivery.bot and self._bots is not None:
            return self._bots(delivery.bot)
        return self._bot

    async def _files(self, number: int, file_id: str) -> bytes:
        """A file's bytes through the bot of that number (whose file id it is), to send it
        through another bot (docs/own-bot.md, Files)."""
        bot = self._bots(number) if number and self._bots is not None else self._bot
        return await file_bytes(bot, file_id)


async def client_message_sent(services: Services, delivery: Delivery, ref: str) -> None:
    """A client's message went out: its log entry says sent, with the bot and Telegram's
    message id (`core.ownbot.routing.message_ref`)."""
    args = delivery.after_args
    org_id, logged = int(args["org"]), int(args["message"])
    await services.client_loop.mark(org_id, logged, DeliveryStatus.SENT, ref)


async def client_message_dropped(services: Services, delivery: Delivery) -> None:
    """A client's message the sender dropped (the client's processing was restricted after
    it was queued): its log entry says failed, so it is never taken for sent."""
    args = delivery.after_args
    org_id, logged = int(args["org"]), int(args["message"])
    await services.client_loop.mark(org_id, logged, DeliveryStatus.FAILED)


def _repeatable(outcome: Sent, delivery: Delivery) -> bool:
    """A change of a sent message with nothing to record: sending it again changes nothing."""
    return (
        delivery.method in CHANGES
        and not outcome.unreachable
        and not outcome.dropped
        and delivery.after is None
    )

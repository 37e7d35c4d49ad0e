"""The python-telegram-bot Application: typed context, update ledger, handlers, menus."""

from __future__ import annotations

import contextlib
import logging
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import BotCommand, BotCommandScopeDefault, Chat, ChatMember, Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, ExtBot

from bot.answers import CallbackAnswers
from bot.background import Background
from bot.backups import backup_schedule
from bot.container import Container
from bot.fleet import Fleet
from bot.metrics import Metrics, update_kind
from bot.ordering import PerChatUpdateProcessor
from bot.outbox import LEASE, OutboxSender
from bot.ownbot import refusal_teller
from bot.polled import Polled
from bot.routes import ClientRoutes
from bot.telegram_bot import TolerantBot
from core.domain import User
from core.errors import DuplicateUpdate
from core.ownbot.routing import bot_of
from core.runtime.binding import Binder
from core.runtime.jobs import default_worker_id
from core.runtime.outbox import Delivery
from core.services import Services
from handlers.context import BotContext, BotData, UpdateScope
from handlers.gate import profile_of
from handlers.menus import menu
from handlers.setup import register
from storage.db import session_factory
from storage.runtime.inbox import SqlUpdateInbox
from storage.update_work import UpdateWork

log = logging.getLogger(__name__)


AnyDict = dict[Any, Any]


class CrmApplication(Application[ExtBot[None], BotContext, AnyDict, AnyDict, BotData, Any]):
    """Applies each update at most once, whichever process or redelivery brings it."""

    metrics: Metrics
    answers: CallbackAnswers
    inbox: SqlUpdateInbox
    polled: Polled
    sender: OutboxSender
    container: Container
    sessions: async_sessionmaker[AsyncSession]
    binder: Binder
    fleet: Fleet

    async def replay_inbox(self) -> int:
        """Queue what a dead process received and did not apply, in the order it came, before
        anything new is fetched; the ledger still applies each once. Only when polling: with
        webhooks Telegram redelivers what was not answered, and another live process may be
        applying an update this one would replay."""
        if self.updater is None:
            return 0
        pending = await self.inbox.pending()
        for payload in pending:
            bot = self.fleet.bot_of_update(int(payload["update_id"]))
            await self.update_queue.put(Update.de_json(payload, bot))
        if pending:
            log.info("%s updates left in the inbox are applied first", len(pending))
        return len(pending)

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        with self.metrics.update(update_kind(update)):
            await self._apply_once(update)

    async def _apply_once(self, update: Update) -> None:
        """One unit of work from the ledger check to the outbox rows (storage/update_work.py),
        then the messages the update calls for."""
        update_id = update.update_id
        services = self.bot_data.services
        received_at = self.inbox.arrived(update_id)  # a tap's own time (docs/work-times.md)
        if services.updates.noted(update_id):
            self._skip(update)
            return
        on_jobs = self.container.jobs_added.fire
        async with UpdateWork(self.sessions, services.clock, update_id, on_jobs) as work:
            bound = self.binder.bind(work.units)
            arrival = await bound.users.arrive(update_id, profile_of(update))
            if arrival.seen:
                self._skip(update)
                return
            number = bot_of(update_id)  # the bot it came through (docs/own-bot.md)
            scope = UpdateScope(bound, arrival.actor, received_at=received_at, bot=number)
            spec = self.fleet.spec(number) if number else None
            if spec is not None:
                scope.bot_org, scope.bot_staff = spec.org_id, spec.serves_staff
            chat = update.effective_chat
            if chat is not None:  # answers go through the bot it came through
                scope.outgoing.route(chat.id, number)
            started = None
            if spec is not None and arrival.actor is not None and chat is not None:
                started = await self._started(bound, update, number, arrival.actor.user)
            self.bot_data.scopes[update_id] = scope
            try:
                await super().process_update(update)
            finally:
                del self.bot_data.scopes[update_id]
            deliveries = kept_for_sender(scope.outgoing.deliveries, update)
            try:
                stored = await work.finish(
                    deliveries, self.sender.owner, LEASE, self.sender.unmarked
                )
            except DuplicateUpdate:
                self._skip(update)  # another process applied it meanwhile: its answer stands
                return
        if started is not None:
            self.fleet.chats.know(*started)
        if stored is None:
            # Noted (and so dropped from the inbox) only once answered: killed before, the
            # update is applied again and answered then. Never stored (it settled before the
            # next getUpdates, bot/polled.py): Telegram forgets it once answered, nothing to note.
            await self.sender.send_now(deliveries)
            if self.inbox.release(update_id):
                services.updates.note(update_id)
            self.polled.settled(update_id)  # answered: the next getUpdates may confirm it
        else:
            if self.inbox.release(update_id):  # out of the inbox with the ledger's next batch
                services.updates.applied(update_id)
            self.polled.settled(update_id)  # committed with its record and its messages
            await self.sender.deliver(stored)

    async def _started(
        self, bound: Services, update: Update, number: int, user: User
    ) -> tuple[int, int] | None:
        """A person writing to an own bot in private: it may write to them (their
        organization's messages go through it, docs/own-bot.md); recorded once (the fleet
        remembers it once the update's transaction commits). Blocking the bot (Telegram's
        `my_chat_member` update, "kicked") undoes it at once."""
        chat, member = update.effective_chat, update.my_chat_member
        if chat is None or chat.type != Chat.PRIVATE:
            return None
        if member is not None and member.new_chat_member.status == ChatMember.BANNED:
            self.fleet.chats.forget(number, user.telegram_id)
            await bound.own_bots.forget_chat(number, user.telegram_id)
            return None
        if self.fleet.chats.knows(number, user.telegram_id) and not _starts(update):
            return None
        await bound.own_bots.started(number, user.id)
        return number, user.telegram_id

    def _skip(self, update: Update) -> None:
        log.info("update %s already applied; skipped", update.update_id)
        self.inbox.release(update.update_id)
        self.polled.settled(update.update_id)
        _answers(update, self.answers).already_applied(update)

    async def stop(self) -> None:
        await super().stop()
        await self.bot_data.services.updates.close()  # what was noted is written


def _starts(update: Update) -> bool:
    """/start or the bot unblocked: recorded whatever this process remembers (another may
    have forgotten the chat meanwhile)."""
    message = update.message
    return update.my_chat_member is not None or bool(
        message is not None and (message.text or "").startswith("/start")
    )


def _answers(update: object, shared: CallbackAnswers) -> CallbackAnswers:
    """The tapped buttons' answers of the bot the update came through."""
    if isinstance(update, Update):
        with contextlib.suppress(RuntimeError):
            bot = update.get_bot()
            if isinstance(bot, TolerantBot):
                return bot.answers
    return shared


def build_application(
    container: Container,
    bot: TolerantBot,
    background: Background | None = None,
    polling: bool = True,
    fleet: Fleet | None = None,
) -> CrmApplication:
    """Around the bot the composition root built (bot/process.py), with its job runners;
    `polling=False`: no Updater; updates arrive through the admin endpoint's webhook.
    `fleet`: the organizations' own bots served besides (bot/fleet.py)."""
    settings = container.settings
    fleet = fleet or Fleet(container, bot)

    def arrived(update: object) -> AbstractAsyncContextManager[None]:
        return _answers(update, bot.answers).arrived(update)

    builder = (
        ApplicationBuilder()
        .application_class(CrmApplication)
        .bot(bot)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .concurrent_updates(PerChatUpdateProcessor(settings.concurrent_updates, arrived))
        .post_init(_post_init)
        .post_stop(_post_stop)
    )
    if not polling:
        builder = builder.updater(None)
    app = cast(CrmApplication, builder.build())
    app.metrics = container.metrics
    app.inbox = container.inbox
    app.polled = container.polled
    if polling:
        poller = container.polled.poller()
        bot.keep_updates_in(poller.fetched, poller.confirming)
    app.answers = bot.answers
    app.bot_data.configure(container.services, container.catalogs, settings.privacy_policy_url)
    app.bot_data.background = background
    app.container = container
    app.sessions = session_factory(container.engine)
    app.binder = Binder(container.services)
    app.fleet = fleet
    app.bot_data.own_bot_username = fleet.username_of
    fleet.feed = app.update_queue.put
    process = background.process_id if background is not None else None
    app.sender = OutboxSender(
        app.bot,
        app.sessions,
        container.services.clock,
        container.services,
        container.catalogs,
        container.services.orders.map_of,
        f"{process or default_worker_id()}:outbox",
        liveness=process is not None and container.engine.dialect.name == "postgresql",
        bots=fleet.bot,
        refused=fleet.refused,
        routes=ClientRoutes(fleet, container.services),
    )
    fleet.on_refused = refusal_teller(container, bot)
    register(app)
    return app


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Queue what the inbox holds, start the job runners, set the menu strangers see (/start,
    /help) in each language."""
    crm = cast(CrmApplication, app)
    await crm.fleet.start()  # the own bots first: what they left in the inbox is theirs
    await crm.replay_inbox()
    await crm.sender.start()
    if app.bot_data.background is not None:
        await app.bot_data.services.erasure.schedule_retention()  # the daily retention job
        await app.bot_data.services.series.schedule_fill()  # the daily series fill
        for schedule in backup_schedule(crm.container):  # BACKUP_DAILY
            await schedule()
        app.bot_data.background.start()
    catalogs = app.bot_data.catalogs
    for language in ("en", "ru"):
        commands = [BotCommand(n, d) for n, d in menu(catalogs.get(language), None, False)]
        code = None if language == catalogs.default else language
        await app.bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=code)


async def _post_stop(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await cast(CrmApplication, app).fleet.stop()
    await cast(CrmApplication, app).sender.stop()
    if app.bot_data.background is not None:
        await app.bot_data.background.stop()


def kept_for_sender(deliveries: list[Delivery], update: Update) -> list[Delivery]:
    """Answers to the person's own update go even when they restricted processing of their
    data (docs/data-rights.md): those to the update's own chat are marked `kept`."""
    chat = update.effective_chat
    if chat is None:
        return deliveries
    return [replace(d, kept=True) if d.chat_id == chat.id else d for d in deliveries]

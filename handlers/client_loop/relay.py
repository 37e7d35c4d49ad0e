"""Two-way messages in Telegram (issue 19, item 9): a linked client's text or photo goes to the
staff (a job per message, `client_relay`, with a Reply button; the copies are recorded, and an
answer removes the button from each), and a staff member's Reply or "Message client" on the
order card starts a one-step conversation whose text goes to the client
(core/client_loop/relay.py)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError

from core.client_loop.inbound import RELAY_JOB
from core.client_loop.model import Channel
from core.client_loop.relay import RelayNotice
from core.dialogs.client_data import ClientReplyData
from core.domain import Job
from core.ownbot.routing import SHARED_BOT, message_key
from core.runtime.jobs import JobHandler
from core.services import Services
from handlers import callbacks as cb
from handlers.client_loop.client_bot import ChatBots, file_bytes, via
from handlers.context import BotContext
from handlers.delivery.lanes import broadcast
from handlers.delivery.replies import reply
from handlers.i18n import Catalogs, Translator, escape
from handlers.keyboards import button
from handlers.outcomes import show

log = logging.getLogger(__name__)
CAPTION_MAX = 1024
OwnFiles = Callable[[int, str], Awaitable[bytes | None]]  # (bot number, file id) -> bytes


async def relay_from_client(update: Update, ctx: BotContext) -> bool:
    """A linked client's text or photo, passed on to the organization and the client told
    (False: neither)."""
    if not await pass_on(update, ctx):
        return False
    await reply(ctx, update, passed_on(ctx.t))
    return True


def passed_on(t: Translator) -> str:
    return t("✉️ Your message was passed on. The answer will come here.")


async def pass_on(update: Update, ctx: BotContext) -> bool:
    """A linked client's text or photo, passed on to the organization (False: neither)."""
    message = update.effective_message
    if message is None:
        return False
    photo = message.photo[-1].file_id if message.photo else None
    text = message.text or message.caption
    if not text and photo is None:
        return False
    bot_org = ctx.scope.bot_org if ctx.in_update else None
    logged = await ctx.services.client_loop.client_wrote(
        ctx.actor.user, text, photo, ctx.bot_number, bot_org
    )
    return logged is not None


async def reply_tap(
    update: Update, ctx: BotContext, tap: cb.ReplyClient | cb.MessageClient
) -> None:
    """Staff: start writing to the client (only the owners, managers, the order's assignee)."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    service = ctx.services.client_loop
    if isinstance(tap, cb.ReplyClient):
        target: ClientReplyData = await service.reply_target(ctx.actor, tap.message_id)
    else:
        target = await service.card_target(ctx.actor, tap.order_id)
    await query.answer()
    prompt = await ctx.services.dialogs.start(ctx.actor, chat.id, target.flow, target)
    await show(update, ctx, prompt)


def notice_text(t: Translator, notice: RelayNotice) -> str:
    if notice.number is not None:
        head = t(
            "💬 {name} (order №{number}) wrote:", name=notice.client_name, number=notice.number
        )
    else:
        head = t("💬 The client {name} wrote:", name=notice.client_name)
    if notice.channel is Channel.SMS:
        head += " " + t("(by SMS)")
    elif notice.channel is Channel.EMAIL:
        head += " " + t("(by e-mail)")
    return f"{head}\n{escape(notice.text)}" if notice.text else head


def relay_jobs(
    bots: ChatBots, services: Services, catalogs: Catalogs, own_files: OwnFiles | None = None
) -> dict[str, JobHandler]:
    """Each staff member hears through the bot they are written to through (bots.staff_bot: the
    own bot they work in, else the shared bot). A photo goes by a file id of that bot when one
    is known (the bot it came through, or one it was uploaded to here), else as its bytes:
    fetched once, through the bot it came through (`own_files` for an organization's own bot),
    uploaded once per bot. The copies are kept as keys with their bot's number, so an answer
    removes their Reply buttons through the bot that sent them."""

    async def relay(job: Job) -> None:
        org_id, message_id = int(str(job.payload["org"])), int(str(job.payload["message"]))
        photo = job.payload.get("photo")
        notice = await services.client_loop.relay_notice(
            org_id, message_id, str(photo) if photo else None
        )
        came = int(str(job.payload.get("bot") or SHARED_BOT))
        photos = Photos(notice.photo, came, bots.shared, own_files)
        copies: list[tuple[int, int]] = []  # recorded: an answer removes their Reply buttons
        for user in notice.recipients:
            t = catalogs.get(user.preferred_language(catalogs.default))
            markup = InlineKeyboardMarkup(
                [[button(t.raw("↩️ Reply"), cb.ReplyClient(notice.message_id))]]
            )
            text, chat = notice_text(t, notice), user.telegram_id
            try:
                chosen = await bots.staff_bot(chat)
                one = _relay_one(bots.shared, chosen[0], chat, text, markup, photos, t)
                through, sent = await via(bots, chat, chosen, one)
                copies.append((chat, message_key(through, sent.message_id)))
            except (BadRequest, Forbidden) as error:
                log.info("client message %s not relayed: %s", message_id, type(error).__name__)
        await services.client_loop.relayed(org_id, notice.message_id, copies)

    return {RELAY_JOB: relay}


class Photos:
    """A client's photo for the staff: its file id per bot, and its bytes when needed."""

    def __init__(
        self, file_id: str | None, came: int, shared: Bot, own_files: OwnFiles | None
    ) -> None:
        self.ids: dict[int, str] = {came: file_id} if file_id else {}
        self.wanted = file_id is not None
        self._came, self._shared, self._own = came, shared, own_files
        self._bytes: bytes | None = None
        self._fetched = False

    async def source(self, number: int) -> str | bytes | None:
        """What to send through bot `number`: its file id, else the bytes (None: the photo
        could not be fetched: its own bot is gone)."""
        if number in self.ids:
            return self.ids[number]
        if not self._fetched and self.wanted:
            self._fetched = True
            self._bytes = await self._fetch(self.ids[self._came])
        return self._bytes

    def uploaded(self, number: int, sent: Message) -> None:
        if number not in self.ids and sent.photo:
            self.ids[number] = sent.photo[-1].file_id

    async def _fetch(self, file_id: str) -> bytes | None:
        if self._came != SHARED_BOT:
            return await self._own(self._came, file_id) if self._own is not None else None
        try:
            return await file_bytes(self._shared, file_id)
        except TelegramError as error:
            log.info("client photo not fetched: %s", type(error).__name__)
            return None


def _relay_one(
    shared: Bot,
    chosen: int,
    chat: int,
    text: str,
    markup: InlineKeyboardMarkup,
    photos: Photos,
    t: Translator,
) -> Callable[[Bot], Awaitable[Message]]:
    """The copy for one staff member, sent through the bot `via` gives: the `chosen` one,
    or the shared bot instead."""

    async def send(bot: Bot) -> Message:
        through = SHARED_BOT if bot is shared else chosen
        source = await photos.source(through) if photos.wanted else None
        words = text
        if photos.wanted and source is None:  # its own bot is gone: the words, and why
            words += "\n" + t("📷 The photo could not be fetched from the organization's bot.")
        if source is None:
            return await bot.send_message(chat, words, reply_markup=markup, **broadcast(bot))
        sent = await bot.send_photo(
            chat, source, caption=words[:CAPTION_MAX], reply_markup=markup, **broadcast(bot)
        )
        photos.uploaded(through, sent)
        return sent

    return send

"""Two-way messages in Telegram (issue 19, item 9): a linked client's text or photo goes to the
staff (a job per message, `client_relay`, with a Reply button; the copies are recorded, and an
answer removes the button from each), and a staff member's Reply or "Message client" on the
order card starts a one-step conversation whose text goes to the client
(core/client_loop/relay.py)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden

from core.client_loop.inbound import RELAY_JOB
from core.client_loop.model import Channel
from core.client_loop.relay import RelayNotice
from core.dialogs.client_data import ClientReplyData
from core.domain import Job
from core.ownbot.routing import SHARED_BOT
from core.runtime.jobs import JobHandler
from core.services import Services
from handlers import callbacks as cb
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
    if logged is None:
        return False
    await reply(ctx, update, ctx.t("✉️ Your message was passed on. The answer will come here."))
    return True


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
    bot: Bot, services: Services, catalogs: Catalogs, own_files: OwnFiles | None = None
) -> dict[str, JobHandler]:
    """`own_files`: a photo's bytes fetched through the organization's own bot it came
    through (a file id is one bot's; the staff hear through the shared bot)."""

    async def relay(job: Job) -> None:
        org_id, message_id = int(str(job.payload["org"])), int(str(job.payload["message"]))
        photo = job.payload.get("photo")
        notice = await services.client_loop.relay_notice(
            org_id, message_id, str(photo) if photo else None
        )
        source: str | bytes | None = notice.photo
        number = int(str(job.payload.get("bot") or SHARED_BOT))
        if source is not None and number != SHARED_BOT:
            source = await own_files(number, str(source)) if own_files is not None else None
        copies: list[tuple[int, int]] = []  # recorded: an answer removes their Reply buttons
        for user in notice.recipients:
            t = catalogs.get(user.preferred_language(catalogs.default))
            markup = InlineKeyboardMarkup(
                [[button(t.raw("↩️ Reply"), cb.ReplyClient(notice.message_id))]]
            )
            text = notice_text(t, notice)
            if notice.photo and source is None:  # its own bot is gone: the words, and why
                text += "\n" + t("📷 The photo could not be fetched from the organization's bot.")
            try:
                if source is not None:
                    sent = await bot.send_photo(
                        user.telegram_id, source, caption=text[:CAPTION_MAX],
                        reply_markup=markup, **broadcast(bot),
                    )  # fmt: skip
                    if isinstance(source, bytes) and sent.photo:  # uploaded once, then by id
                        source = sent.photo[-1].file_id
                else:
                    sent = await bot.send_message(
                        user.telegram_id, text, reply_markup=markup, **broadcast(bot)
                    )
                copies.append((user.telegram_id, sent.message_id))
            except (BadRequest, Forbidden) as error:
                log.info("client message %s not relayed: %s", message_id, type(error).__name__)
        await services.client_loop.relayed(org_id, notice.message_id, copies)

    return {RELAY_JOB: relay}

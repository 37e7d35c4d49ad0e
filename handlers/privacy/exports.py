"""/export (an owner's, of the organization) and /mydata (anyone's, of their own data): a
progress message edited in place, then the ZIP as a document or, past Telegram's limit for
bots, a time-limited download link."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden

from core.domain import Job
from core.ownbot.routing import message_of_key
from core.permissions import Action, require
from core.privacy.model import ExportProgress, ExportReady, ExportStage
from core.privacy.service import EXPORT_JOB
from core.runtime.jobs import JobHandler
from core.services import Services
from handlers.context import BotContext
from handlers.delivery.edits import edit_sent
from handlers.delivery.replies import reply_first
from handlers.files import wake_jobs
from handlers.formatting import megabytes
from handlers.i18n import Catalogs, Translator

log = logging.getLogger(__name__)


async def export(update: Update, ctx: BotContext) -> None:
    require(ctx.actor, Action.ORG_EXPORT)
    await _request(update, ctx, personal=False)


async def my_data(update: Update, ctx: BotContext) -> None:
    await _request(update, ctx, personal=True)


async def _request(update: Update, ctx: BotContext, personal: bool) -> None:
    chat = update.effective_chat
    assert chat is not None
    text = ctx.t("⏳ Preparing the export. I will send it here when it is ready.")
    if personal:  # correction next to access (docs/data-rights.md)
        text += "\n" + ctx.t("To correct your name, phone or language: /settings.")
    message = await reply_first(ctx, update, text)  # kept with its bot, to be edited
    message_id = ctx.message_key(message.message_id) if message is not None else None
    await ctx.services.privacy.request_export(ctx.actor, chat.id, message_id, personal)
    wake_jobs(ctx)


async def client_package(update: Update, ctx: BotContext, client_id: int) -> None:
    """The card's "📦 Data package": queued like an export, sent here when ready."""
    chat = update.effective_chat
    assert chat is not None
    text = ctx.t("⏳ Preparing the client's data package. I will send it here when it is ready.")
    message = await reply_first(ctx, update, text)
    message_id = ctx.message_key(message.message_id) if message is not None else None
    await ctx.services.privacy.request_client_package(ctx.actor, client_id, chat.id, message_id)
    wake_jobs(ctx)


def progress_text(t: Translator, step: ExportProgress) -> str:
    if step.stage is ExportStage.TABLES:
        return t(
            "⏳ Collecting the data: {done} of {total} tables…", done=step.done, total=step.total
        )
    if step.stage is ExportStage.FILES:
        return t("⏳ Copying files: {done} of {total}…", done=step.done, total=step.total)
    return t("⏳ Packing the archive…")


def ready_text(t: Translator, ready: ExportReady) -> str:
    size = megabytes(t, ready.file.size)
    if not ready.too_large:
        return t("✅ The export is ready ({size} MB).", size=size)
    if ready.link is None:
        return t(
            "The export is {size} MB, more than Telegram can carry, and no download storage is "
            "configured. Ask the administrator to set up object storage.",
            size=size,
        )
    return t(
        '✅ The export is {size} MB, more than Telegram can carry. <a href="{link}">Download '
        "it</a> within 24 hours.",
        size=size,
        link=ready.link,
    )


def export_jobs(
    shared: Bot, services: Services, catalogs: Catalogs, bots: Callable[[int], Bot] | None = None
) -> dict[str, JobHandler]:
    """The export job: build, report progress, deliver, then delete the local copy; through
    the bot the request came through (`bots`: the bot of a number; its message is kept as a
    key with the bot's number, core/ownbot/routing.py)."""

    async def run(job: Job) -> None:
        user = await services.users.get(int(str(job.payload["user_id"])))
        t = catalogs.get(user.preferred_language(catalogs.default) if user else None)
        chat_id = int(str(job.payload["chat_id"]))
        key = job.payload.get("message_id")
        number, shown = message_of_key(int(str(key))) if key is not None else (0, None)
        bot = bots(number) if bots is not None and number else shared
        if number and bot is shared:
            shown = None  # its own bot is gone: that id names nothing in the shared chat

        async def progress(step: ExportProgress) -> None:
            if shown is not None:
                await _edit(bot, chat_id, shown, progress_text(t, step))

        ready = await services.privacy.build(job, progress)
        try:
            await _edit(bot, chat_id, shown, ready_text(t, ready))
            if not ready.too_large:
                client = job.payload.get("client_id")
                await _document(bot, chat_id, ready, t, client is not None)
        finally:
            services.privacy.discard(ready.file)

    return {EXPORT_JOB: run}


async def _document(
    bot: Bot, chat_id: int, ready: ExportReady, t: Translator, client: bool = False
) -> None:
    caption = t("Your data: a JSON and a CSV file per table, the files, and a README.")
    if client:  # a client's data package (docs/data-rights.md), for the client
        caption = t(
            "The client's data package: everything held about them, a JSON and a CSV file "
            "per table, their files, and a README."
        )
    try:
        await bot.send_document(
            chat_id, Path(ready.file.path), filename=ready.file.name, caption=caption
        )
    except (BadRequest, Forbidden) as error:
        log.info("export not delivered: %s", type(error).__name__)


async def _edit(bot: Bot, chat_id: int, message_id: int | None, text: str) -> None:
    try:
        if message_id is None:
            await bot.send_message(chat_id, text)
            return
        await edit_sent(bot, chat_id, message_id, text)
    except (BadRequest, Forbidden) as error:
        log.info("export progress not shown: %s", type(error).__name__)

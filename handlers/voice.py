"""Voice notes, audio files and video notes: kept on the order, then one status message edited
in place as the note is transcribed and summarised, ending with Apply / Dismiss."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Audio, Bot, InlineKeyboardMarkup, Message, Update, VideoNote, Voice
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden

from core.domain import VoiceNote, VoiceStatus
from core.errors import DomainError
from core.files.service import IncomingFile
from core.ownbot.routing import SHARED_BOT, message_of_key
from core.runtime.outbox import After
from core.services import Services
from core.voice.ai import Proposal
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_sent, edit_tapped
from handlers.delivery.replies import drop_keyboard, reply
from handlers.files import CLOUD_DOWNLOAD_LIMIT, wake_jobs
from handlers.formatting import money
from handlers.i18n import Catalogs, Translator, escape
from handlers.keyboards import button
from handlers.orders.cards import METHOD
from handlers.orders.publish import publish_change

log = logging.getLogger(__name__)
Media = Voice | Audio | VideoNote


def _media(message: Message) -> Media | None:
    return message.voice or message.audio or message.video_note or None


async def receive(update: Update, ctx: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    media = _media(message)
    if media is None:
        return
    if (media.file_size or 0) > CLOUD_DOWNLOAD_LIMIT:
        raise DomainError(
            "file_too_large", limit_mb=20, size_mb=round((media.file_size or 0) / 2**20, 1)
        )
    order = await ctx.services.files.target(ctx.actor)
    if order is None:
        await reply(ctx, update, ctx.t("Open the order's card first, then send the voice note."))
        return
    data = bytes(await (await media.get_file()).download_as_bytearray())
    incoming = IncomingFile(
        data,
        getattr(media, "mime_type", None),
        getattr(media, "file_name", None),
        message.caption,
        media.file_id,
        bot=ctx.scope.bot if ctx.in_update else SHARED_BOT,
    )
    duration = (
        int(media.duration.total_seconds())
        if hasattr(media.duration, "total_seconds")
        else int(media.duration or 0)
    )
    note = await ctx.services.voice.receive(
        ctx.actor, order.id, incoming, duration, message.chat_id
    )
    text = status_text(ctx.t, note, order.number)
    args: dict[str, int | str] = {"note": note.id, "status": note.status.value}
    ctx.outgoing.send(message.chat_id, text, None, After.VOICE_STATUS, args)
    wake_jobs(ctx)


def status_text(t: Translator, note: VoiceNote, number: int) -> str:
    if note.status is VoiceStatus.OFF:
        return t(
            "🎙 Saved to order №{number}. Transcription is off for your organization.",
            number=number,
        )
    if note.status is VoiceStatus.RESTRICTED:
        return t(
            "🎙 Saved to order №{number}. Not transcribed: the client restricted the processing "
            "of their data.",
            number=number,
        )
    if note.status is VoiceStatus.OWN_RESTRICTED:
        return t(
            "🎙 Saved to order №{number}. Not transcribed: you restricted the processing of "
            "your data (/privacy).",
            number=number,
        )
    if note.status is VoiceStatus.QUOTA:
        return t(
            "🎙 Saved to order №{number}. This month's transcription minutes of your plan "
            "are used up; upgrade in /admin to transcribe more.",
            number=number,
        )
    if note.status is VoiceStatus.FAILED:
        return t(
            "🎙 Saved to order №{number}, but I could not transcribe it. The recording "
            "stays on the order.",
            number=number,
        )
    lines = [t("🎙 Voice note on order №{number}", number=number)]
    stage = {
        VoiceStatus.RECEIVED: t("Received, transcribing…"),
        VoiceStatus.TRANSCRIBING: t("Transcribing…"),
        VoiceStatus.SUMMARISING: t("Preparing a summary…"),
    }.get(note.status)
    if note.transcript:
        lines.append("«" + escape(note.transcript) + "»")
    if stage:
        lines.append(stage)
    if note.status is VoiceStatus.NO_SUMMARY:  # the owner switched AI summaries off
        lines.append(t("No AI summary: AI summaries are off for your organization."))
    if note.proposal is not None:
        lines.append(_proposal_text(t, Proposal.from_dict(note.proposal), note.proposal_state))
    return "\n".join(lines)


def _proposal_text(t: Translator, p: Proposal, state: str | None) -> str:
    lines = [t("<b>Proposed update</b>")]
    if p.work_done:
        lines.append(t("Work done: {text}", text=p.work_done))
    if p.materials:
        lines.append(t("Materials: {text}", text=p.materials))
    if p.amount_minor:
        method = t.raw(METHOD[p.payment_method]) if p.payment_method else "—"
        lines.append(
            t(
                "Received: {amount} ({method})",
                amount=money(t, p.amount_minor, "RUB"),
                method=method,
            )
        )
    if p.mark_done:
        lines.append(t("Mark the order as done"))
    if p.next_visit:
        lines.append(t("Next visit: {text}", text=p.next_visit))
    if p.follow_ups:
        lines.append(t("For the office: {text}", text=p.follow_ups))
    if state == "applied":
        lines.append(t("✅ Applied."))
    elif state == "dismissed":
        lines.append(t("Dismissed."))
    return "\n".join(lines)


def status_buttons(t: Translator, note: VoiceNote) -> InlineKeyboardMarkup | None:
    if note.proposal is None or note.proposal_state != "proposed":
        return None
    return InlineKeyboardMarkup(
        [
            [
                button(t.raw("✅ Apply"), cb.VoiceApply(note.id)),
                button(t.raw("Dismiss"), cb.VoiceDismiss(note.id)),
            ]
        ]
    )


def progress_presenter(
    bot: Bot, services: Services, catalogs: Catalogs, bots: Callable[[int], Bot] | None = None
) -> Callable[[VoiceNote], Awaitable[None]]:
    """Edits the note's status message at each stage, in the worker's language, through the
    bot that sent it (`bots`: the bot of a number, core/ownbot/routing.py)."""

    async def show(note: VoiceNote) -> None:
        user = await services.users.get(note.user_id) if note.user_id else None
        t = catalogs.get(user.preferred_language(catalogs.default) if user else None)
        order = await services.orders.raw(note.organization_id, note.order_id or 0)
        number = order.number if order else 0
        key = note.status_message_id
        through, message_id = message_of_key(key) if key is not None else (0, None)
        shown = bots(through) if bots is not None and through else bot
        if through and shown is bot:
            message_id = None  # sent by an own bot no longer served: its id names nothing here
        try:
            if note.status in (VoiceStatus.TRANSCRIBING, VoiceStatus.SUMMARISING):
                await shown.send_chat_action(note.chat_id, ChatAction.TYPING)
            if message_id is not None:
                text, markup = status_text(t, note, number), status_buttons(t, note)
                await edit_sent(shown, note.chat_id, message_id, text, markup)
        except (BadRequest, Forbidden) as error:
            log.info("voice status not shown: %s", type(error).__name__)

    return show


async def answer(update: Update, ctx: BotContext, tap: cb.VoiceApply | cb.VoiceDismiss) -> None:
    """Applies the proposal through the order services, or dismisses it."""
    query = update.callback_query
    assert query is not None
    note_id = tap.note_id
    if isinstance(tap, cb.VoiceDismiss):
        await ctx.services.voice.dismiss(ctx.actor, note_id)
        await query.answer(ctx.t.raw("Dismissed."))
    else:
        changes = await ctx.services.voice.apply(ctx.actor, note_id)
        await query.answer(ctx.t.raw("Applied."))
        for change in changes:
            await publish_change(ctx, change)
    await drop_keyboard(ctx, query)
    note = await ctx.services.voice.note(note_id)
    if note is not None and query.message is not None:
        order = await ctx.services.orders.raw(note.organization_id, note.order_id or 0)
        await edit_tapped(ctx, query, status_text(ctx.t, note, order.number if order else 0))

"""The client's chat: a business's client who opened their link talks to the bot here.

A client is not staff: no onboarding (age, policy), no organization menu, no staff
commands. The gate hands every update of a person without a membership who is a linked
client (or who opens a client link) to `client_chat`, before the staff handlers; it answers
/start, /stop, /help, the consent buttons, and everything else with what this chat is for.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from telegram import Update

from core.client_loop.model import Channel, ClientLink, Purpose
from core.domain import Organization
from core.errors import DomainError
from handlers import callbacks as cb
from handlers.client_loop.acceptance import accept_tap
from handlers.client_loop.ratings import rating_comment, rating_tap
from handlers.client_loop.relay import relay_from_client
from handlers.client_loop.reminders import reason_typed, visit_tap
from handlers.client_loop.walk_in import first_contact, own_bot_client
from handlers.client_loop.welcome import (
    consent_keyboard,
    consent_question,
    news_question,
    set_client_menu,
    welcome_text,
)
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.replies import reply, tapped_label
from handlers.errors import describe
from handlers.formatting import when
from handlers.i18n import Translator, escape
from handlers.menus import client_menu
from handlers.orders.lines import approve_tap
from handlers.quotes.answers import question_typed, quote_tap

log = logging.getLogger(__name__)
CLIENT_PAYLOAD = "c_"
Links = list[tuple[ClientLink, Organization]]


def _command(update: Update) -> tuple[str | None, str | None]:
    """The command (lower case, without @bot) and its first argument, if a command."""
    message = update.effective_message
    text = message.text if message is not None and update.callback_query is None else None
    if not text or not text.startswith("/"):
        return None, None
    words = text.split()
    return words[0].split("@", 1)[0].lower(), words[1] if len(words) > 1 else None


def opens_client_link(update: Update) -> str | None:
    """The client link's payload of a `/start c_...`, else None."""
    command, payload = _command(update)
    if command == "/start" and payload is not None and payload.startswith(CLIENT_PAYLOAD):
        return payload
    return None


async def client_chat(update: Update, ctx: BotContext) -> bool:
    """For a person without a membership: True if this update was a client's, answered here
    (the staff handlers must not see it)."""
    if update.my_chat_member is not None:  # blocked or started again: nothing to answer
        return bool(await ctx.services.client_loop.client_of(ctx.actor.user.id))
    payload = opens_client_link(update)
    if payload is not None:
        await _guarded(update, ctx, open_link(update, ctx, payload))
        return True
    actor = ctx.actor
    command, argument = _command(update)
    org_id = await own_bot_client(update, ctx, command, argument)
    if org_id is not None:  # the organization's own bot: its clients, and no one else's
        links = await ctx.services.client_loop.client_of(actor.user.id)
        mine = [(link, org) for link, org in links if org.id == org_id]
        answer = _answer(update, ctx, mine, command) if mine else None
        await _guarded(update, ctx, answer or first_contact(update, ctx, org_id, command))
        return True
    if actor.user.onboarded:
        return False
    if command == "/start" and argument is not None:
        return False  # a staff invitation: onboarding as usual
    links = await ctx.services.client_loop.client_of(actor.user.id)
    if not links:
        return False
    await _guarded(update, ctx, _answer(update, ctx, links, command))
    return True


async def _guarded(update: Update, ctx: BotContext, handling: Awaitable[None]) -> None:
    """Run a client's handler; a domain error is answered here, once (raised out of the
    gate, the staff handlers would run next and answer again)."""
    try:
        await handling
    except DomainError as error:
        text = describe(ctx.t, error)
        if update.callback_query is not None:
            await update.callback_query.answer(text[:200], show_alert=True)
        else:
            await reply(ctx, update, text)


async def open_link(update: Update, ctx: BotContext, payload: str) -> None:
    """`/start c_<token>`: link this Telegram account to the client card, then welcome."""
    actor, t = ctx.actor, ctx.t
    org = actor.organization
    service = ctx.services.client_loop
    member = org is not None and actor.membership is not None
    if member and org is not None and await service.invite_org(payload) == org.id:
        await reply(ctx, update, t("This link is meant for your client: send it to them."))
        return
    redeemed = await service.redeem(actor.user, payload)  # unknown, expired, used: raises
    links = await service.client_of(actor.user.id)
    found = next((o for _, o in links if o.id == redeemed.organization_id), None)
    if found is None:  # the organization was paused or deleted since
        await reply(ctx, update, describe(t, DomainError("client_invite_unknown")))
        return
    view = None
    if redeemed.order_id is not None:
        view = await service.order_view(found.id, redeemed.link.client_id, redeemed.order_id)
    text = welcome_text(t, found, view)
    if redeemed.link.transactional_at is None:
        text += "\n\n" + consent_question(t)
        await reply(ctx, update, text, consent_keyboard(t, found.id, Purpose.TRANSACTIONAL))
    else:
        await reply(ctx, update, text)
    if actor.membership is None:
        await set_client_menu(ctx, actor.user.telegram_id, t)


async def consent_tap(update: Update, ctx: BotContext, tap: cb.ClientConsent) -> None:
    """The client's yes or no: recorded, and the question keeps its text with the answer."""
    query = update.callback_query
    assert query is not None
    t = ctx.t
    purpose = Purpose.TRANSACTIONAL if tap.purpose == "t" else Purpose.MARKETING
    link = await ctx.services.client_loop.answer_consent(
        ctx.actor.user, tap.org_id, purpose, tap.on == 1
    )
    await query.answer()
    markup = None
    if purpose is Purpose.TRANSACTIONAL and tap.on:
        answer = t("Thank you! Order updates will come here. Send /stop to stop them.")
        if link.marketing_at is None:  # the separate, optional question: off unless said yes
            answer += "\n\n" + news_question(t)
            markup = consent_keyboard(t, tap.org_id, Purpose.MARKETING)
    elif purpose is Purpose.TRANSACTIONAL:
        answer = t("Alright, no order updates here. Send /start if you change your mind.")
    else:
        answer = t("Thank you, noted.")
    message = query.message
    label = tapped_label(query)
    text = getattr(message, "text_html", None) or ""
    chosen = f"<b>{escape(label)}</b> ✓\n" if label else ""
    await edit_tapped(ctx, query, f"{text}\n\n{chosen}{answer}", markup)


async def _answer(update: Update, ctx: BotContext, links: Links, command: str | None) -> None:
    query = update.callback_query
    if query is not None:
        action = cb.decode(query.data)
        if isinstance(action, cb.ClientConsent):
            await consent_tap(update, ctx, action)
        elif isinstance(action, cb.ClientRate | cb.ClientRateSkip):
            await rating_tap(update, ctx, action)
        elif isinstance(action, cb.ClientVisit | cb.ClientSlot | cb.ClientReason):
            await visit_tap(update, ctx, action)
        elif isinstance(action, cb.ApproveTotal | cb.DeclineTotal):  # a new total (item 4)
            await approve_tap(update, ctx, action)
        elif isinstance(action, cb.AcceptWork):  # the work accepted (issue 20, item 8)
            await accept_tap(update, ctx, action)
        elif isinstance(action, cb.QuoteAnswer | cb.QuoteSlot):  # a quote (issue 20, item 5)
            await quote_tap(update, ctx, action)
        else:
            await query.answer(ctx.t.raw("This button is not for you."))
        return
    if command is not None:  # a command instead of a reason asked for: the question ends
        chat = update.effective_chat
        if chat is not None:
            await ctx.services.client_answers.forget_reason(ctx.actor.user.id, chat.id)
    if command == "/start":
        await _start(update, ctx, links)
    elif command == "/stop":
        await _stop(update, ctx, links)
    elif command == "/help":
        await reply(ctx, update, help_text(ctx.t, links))
    elif command is not None or not await _client_wrote(update, ctx):
        await reply(ctx, update, about_text(ctx.t, links))


async def _client_wrote(update: Update, ctx: BotContext) -> bool:
    """A text or photo: the reason for a cancellation asked for, the comment of a rating
    just given, else a message for the organization (False: neither, e.g. a sticker)."""
    return (
        await reason_typed(update, ctx)
        or await question_typed(update, ctx)
        or await rating_comment(update, ctx)
        or await relay_from_client(update, ctx)
    )


async def _start(update: Update, ctx: BotContext, links: Links) -> None:
    """A linked client's /start: what this chat is, and the question again where unanswered
    (how order updates are resumed after /stop)."""
    t = ctx.t
    pending = [o for link, o in links if link.transactional_at is None]
    if not pending:
        await reply(ctx, update, help_text(t, links))
        return
    for org in pending:
        text = f"<b>{escape(org.name)}</b>\n" + consent_question(t)
        await reply(ctx, update, text, consent_keyboard(t, org.id, Purpose.TRANSACTIONAL))
    await set_client_menu(ctx, ctx.actor.user.telegram_id, t)


async def _stop(update: Update, ctx: BotContext, links: Links) -> None:
    """/stop: no more messages here from any business this person is a client of."""
    t = ctx.t
    service = ctx.services.client_loop
    events = []
    for link, org in links:
        events += await service.opt_out(org.id, link.client_id, Channel.TELEGRAM)
    names = ", ".join(org.name for _, org in links)
    zone = links[0][1].timezone
    at = when(t, events[0].created_at, zone) if events else ""
    await reply(
        ctx,
        update,
        t(
            "Done: {names} will not send you messages here any more (recorded {at}). "
            "To get order updates again, send /start.",
            names=names,
            at=at,
        ),
    )


def help_text(t: Translator, links: Links) -> str:
    names = ", ".join(org.name for _, org in links)
    return "\n".join(
        [
            t(
                "This chat is where {names} sends you updates about your orders: "
                "confirmations, reminders, when the specialist is on the way.",
                names=names,
            ),
            "",
            *(f"/{name} — {escape(text)}" for name, text in client_menu(t)),
        ]
    )


def about_text(t: Translator, links: Links) -> str:
    names = ", ".join(org.name for _, org in links)
    return t(
        "This chat is where {names} sends you updates about your orders. Write your question "
        "here as a text or a photo and it will be passed on to them. Send /help to see what "
        "this chat can do.",
        names=names,
    )

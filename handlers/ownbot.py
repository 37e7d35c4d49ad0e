"""/ownbot: an owner connects the organization's own Telegram bot (docs/own-bot.md).
`/ownbot TOKEN` stores the token, deletes the message that holds it and has a job ask
Telegram about it (bot/ownbot.py tells the owner what came of it); `/ownbot` alone shows the
connected bot with "Staff use it too" and "Disconnect"."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from core.ownbot.model import BotIdentity, BotState, OwnBot
from core.ownbot.service import Check
from core.services import Services
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.outgoing import Outgoing
from handlers.delivery.replies import reply
from handlers.formatting import when
from handlers.i18n import N_, Catalogs, Translator, escape
from handlers.keyboards import button

STATES = {
    BotState.CHECKING: N_("⏳ checking the token with Telegram"),
    BotState.ACTIVE: N_("✅ working"),
    BotState.REVOKED: N_(
        "⚠️ Telegram refused the token. Send /ownbot with a new token from @BotFather."
    ),
}


def how_to(t: Translator) -> str:
    return t(
        "🤖 <b>Your business's own bot</b>\n"
        "Clients can write to a bot with your business's name instead of the shared one, and "
        "the bot stays the business's when people leave.\n"
        "1. In @BotFather send /newbot and choose the bot's name and username.\n"
        "2. Send me /ownbot and the token @BotFather gives, e.g. "
        "<code>/ownbot 123456789:AAH…</code>\n"
        "I delete the message with the token from this chat."
    )


def status_text(t: Translator, bot: OwnBot, zone: str) -> str:
    name = f"@{escape(bot.username)}" if bot.username else t("bot {id}", id=bot.telegram_id)
    staff = t("Staff use it too.") if bot.serves_staff else t("Staff keep using the shared bot.")
    return "\n".join(
        [
            t("🤖 <b>Your business's own bot</b>: {name}", name=name),
            t("State: {state}", state=t.raw(STATES[bot.state])),
            staff,
            t("Connected {when}.", when=when(t, bot.connected_at, zone)),
        ]
    )


def status_buttons(t: Translator, bot: OwnBot) -> InlineKeyboardMarkup:
    staff = (
        button(t.raw("👥 Staff: shared bot instead"), cb.OwnBotTap("s0"))
        if bot.serves_staff
        else button(t.raw("👥 Staff use it too"), cb.OwnBotTap("s1"))
    )
    return InlineKeyboardMarkup([[staff], [button(t.raw("🔌 Disconnect"), cb.OwnBotTap("d"))]])


async def ownbot(update: Update, ctx: BotContext) -> None:
    args, t, actor = list(ctx.args or []), ctx.t, ctx.actor
    message = update.effective_message
    if args:
        if message is not None:  # the token does not stay in the chat's history
            ctx.outgoing.delete(message.chat_id, ctx.message_key(message.message_id))
        bot = await ctx.services.own_bots.connect(actor, " ".join(args))
        await reply(
            ctx,
            update,
            t(
                "⏳ Checking the token of bot {id} with Telegram. I deleted your message "
                "with the token.",
                id=bot.telegram_id,
            ),
        )
        return
    found = await ctx.services.own_bots.status(actor)
    if found is None:
        await reply(ctx, update, how_to(t))
        return
    zone = actor.organization.timezone if actor.organization else "UTC"
    await reply(ctx, update, status_text(t, found, zone), status_buttons(t, found))


async def ownbot_tap(update: Update, ctx: BotContext, tap: cb.OwnBotTap) -> None:
    query, t, actor = update.callback_query, ctx.t, ctx.actor
    assert query is not None
    own = ctx.services.own_bots
    zone = actor.organization.timezone if actor.organization else "UTC"
    if tap.what == "x":
        gone = await own.disconnect(actor)
        name = f"@{escape(gone.username)}" if gone.username else str(gone.telegram_id)
        text = t(
            "🔌 {name} is disconnected and its token forgotten. Everyone uses the shared bot.",
            name=name,
        )
        await edit_tapped(ctx, query, text)
        return
    if tap.what in ("s1", "s0"):
        found: OwnBot | None = await own.set_staff(actor, tap.what == "s1")
    else:
        found = await own.status(actor)
    if found is None:
        await edit_tapped(ctx, query, how_to(t))
        return
    if tap.what == "d":
        sure = InlineKeyboardMarkup(
            [
                [button(t.raw("🔌 Yes, disconnect"), cb.OwnBotTap("x"))],
                [button(t.raw("⬅️ Back"), cb.OwnBotTap("b"))],
            ]
        )
        question = t(
            "Disconnect the bot? Its token is forgotten, and clients and staff use the "
            "shared bot again."
        )
        await edit_tapped(ctx, query, status_text(t, found, zone) + "\n\n" + question, sure)
        return
    await edit_tapped(ctx, query, status_text(t, found, zone), status_buttons(t, found))


async def check_news(
    bound: Services,
    catalogs: Catalogs,
    outgoing: Outgoing,
    check: Check,
    identity: BotIdentity | None,
) -> None:
    """Record what Telegram said of the token and tell the owner who connected it (once: a
    repeated check of the same bot records and says nothing)."""
    bot = await bound.own_bots.checked(check, identity)
    if bot is None or bot.connected_by is None:
        return
    user = await bound.users.get(bot.connected_by)
    if user is None:
        return
    t = catalogs.get(user.preferred_language(catalogs.default))
    if identity is None:
        text = t(
            "⚠️ Telegram refused the token of bot {id}: it is wrong or was revoked. Send "
            "/ownbot with the token @BotFather shows for the bot now.",
            id=check.telegram_id,
        )
    else:
        text = t(
            "✅ @{username} is connected: its menu and description are set in English and "
            "Russian. /ownbot shows it.",
            username=escape(identity.username),
        )
    outgoing.send(user.telegram_id, text)


async def refused_news(
    bound: Services, catalogs: Catalogs, outgoing: Outgoing, telegram_id: int
) -> None:
    """Telegram refused an active bot's token: it is `revoked` and the owner who connected
    it is told (once), through the shared bot."""
    bot = await bound.own_bots.refused(telegram_id)
    if bot is None or bot.connected_by is None:
        return
    user = await bound.users.get(bot.connected_by)
    if user is None:
        return
    t = catalogs.get(user.preferred_language(catalogs.default))
    name = f"@{escape(bot.username)}" if bot.username else t("bot {id}", id=telegram_id)
    text = t(
        "⚠️ Telegram refused the token of {name}: it was revoked at @BotFather. Clients and "
        "staff use the shared bot again. Send /ownbot with the bot's new token to connect it "
        "again.",
        name=name,
    )
    outgoing.send(user.telegram_id, text)

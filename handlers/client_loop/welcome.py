"""What a client reads when they open their link: the welcome (with the upcoming order when
the link was made on the order's card) and the consent question with its two buttons."""

from __future__ import annotations

import logging
from typing import Literal

from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from core.client_loop.model import Purpose
from core.client_loop.views import ClientOrderView
from core.domain import Organization
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.formatting import when
from handlers.i18n import Translator, escape
from handlers.keyboards import button
from handlers.menus import client_menu

log = logging.getLogger(__name__)


def welcome_text(t: Translator, org: Organization, view: ClientOrderView | None) -> str:
    lines = [
        t(
            "👋 Hello! This is the Telegram chat of <b>{org}</b>. "
            "Updates about your orders can come here.",
            org=org.name,
        )
    ]
    if view is not None:
        lines += ["", *order_lines(t, org, view)]
    return "\n".join(lines)


def order_lines(t: Translator, org: Organization, view: ClientOrderView) -> list[str]:
    """The order as a client may see it (never notes, contacts or other staff)."""
    lines = [t("<b>Your order №{number}</b>", number=view.number)]
    if view.starts_at is not None:
        lines.append("🕒 " + escape(when(t, view.starts_at, org.timezone)))
    if view.address:
        lines.append("📍 " + escape(view.address))
    if view.work:
        lines.append("🧰 " + escape(view.work))
    if view.worker_first_name:
        lines.append(t("👷 Specialist: {name}", name=view.worker_first_name))
    return lines


def consent_question(t: Translator) -> str:
    return t(
        "May we send you order updates here: confirmations, reminders, when the specialist "
        "is on the way?"
    )


def news_question(t: Translator) -> str:
    return t("And news and offers now and then? Only if you like: order updates come either way.")


def consent_keyboard(t: Translator, org_id: int, purpose: Purpose) -> InlineKeyboardMarkup:
    code: Literal["t", "m"] = "t" if purpose is Purpose.TRANSACTIONAL else "m"
    if purpose is Purpose.TRANSACTIONAL:
        yes, no = t.raw("✅ Yes, send me order updates"), t.raw("No, thanks")
    else:
        yes, no = t.raw("✅ Yes, send me news"), t.raw("No, thanks")
    return InlineKeyboardMarkup(
        [
            [button(yes, cb.ClientConsent(org_id, code, 1))],
            [button(no, cb.ClientConsent(org_id, code, 0))],
        ]
    )


async def set_client_menu(ctx: BotContext, chat_id: int, t: Translator) -> None:
    """The chat's command list for a client: /start, /stop, /help only."""
    commands = [BotCommand(name, text) for name, text in client_menu(t)]
    try:
        await ctx.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
    except (BadRequest, Forbidden) as error:
        log.info("client menu not set: %s", type(error).__name__)

"""Messages and menus sent to someone other than the sender of the current update."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from core.domain import Role
from handlers.context import BotContext
from handlers.i18n import Translator
from handlers.menus import menu

log = logging.getLogger(__name__)


async def refresh_menu(
    ctx: BotContext, chat_id: int, role: Role | None, onboarded: bool, t: Translator
) -> None:
    """Set this chat's command list to what the person may use, in their language.

    The chat scope is set without a language code: Telegram would match a language-specific
    entry against the app's interface language, not the language chosen in the bot.
    """
    commands = [BotCommand(name, text) for name, text in menu(t, role, onboarded)]
    try:
        await ctx.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
    except (BadRequest, Forbidden) as error:
        log.info("menu for a chat not updated: %s", type(error).__name__)


async def notify_user(
    ctx: BotContext, telegram_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Send to a person's private chat; a blocked bot marks them unreachable instead of failing."""
    try:
        return await ctx.bot.send_message(
            telegram_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            disable_web_page_preview=True,
        )
    except Forbidden:
        await ctx.services.users.mark_unreachable(telegram_id)
    except BadRequest as error:
        log.info("notification not delivered: %s", type(error).__name__)
    return None

"""Messages and menus sent to someone other than the sender of the current update."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from core.domain import Role
from core.runtime.outbox import After
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
    ctx: BotContext,
    telegram_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    after: After | None = None,
    after_args: dict[str, int | str] | None = None,
) -> None:
    """Send to a person's private chat after the update is applied; a blocked bot marks them
    unreachable instead of failing (the sender does)."""
    ctx.outgoing.send(telegram_id, text, markup, after, after_args)

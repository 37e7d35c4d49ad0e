"""Which lane of the bot's rate limiter a message goes in (bot/flood.py, docs/rate-limits.md):
replies to people go first; scheduled messages (digests, plans, reminders, alerts from jobs)
are broadcasts and wait while anyone is being answered."""

from __future__ import annotations

from typing import Any

from telegram import Bot
from telegram.ext import ExtBot

BROADCAST = "broadcast"  # bot.flood.Lane.BROADCAST (handlers do not import bot/)


def broadcast(bot: Bot) -> dict[str, Any]:
    """Keyword arguments that put a Bot API call in the broadcast lane; none for a bot without
    our rate limiter (python-telegram-bot refuses `rate_limit_args` without a limiter, and
    its own AIORateLimiter takes a number of retries there)."""
    limiter = bot.rate_limiter if isinstance(bot, ExtBot) else None
    if getattr(limiter, "takes_lanes", False):
        return {"rate_limit_args": {"lane": BROADCAST}}
    return {}

"""Which bot a client's message goes through, for the jobs that write to clients themselves
(reminders, rating questions, the done summary and receipts): the organization's own bot when
the client has a chat with it, else the shared bot (docs/own-bot.md, Routing). A client who
blocked the own bot is written to through the shared bot instead, and the own bot is not
tried for them again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from telegram import Bot
from telegram.error import Forbidden

from core.ownbot.routing import SHARED_BOT

T = TypeVar("T")


class ClientBots(Protocol):
    shared: Bot

    async def bot_for(self, org_id: int, chat_id: int) -> tuple[int, Bot]:
        """The number and the bot the organization writes to that chat through."""
        ...

    async def blocked(self, number: int, chat_id: int) -> None:
        """The chat blocked own bot `number`: it no longer goes through it."""
        ...


class SharedOnly:
    """Every client on the shared bot (a process with no own bots)."""

    def __init__(self, shared: Bot) -> None:
        self.shared = shared

    async def bot_for(self, org_id: int, chat_id: int) -> tuple[int, Bot]:
        return SHARED_BOT, self.shared

    async def blocked(self, number: int, chat_id: int) -> None:
        return None


async def to_client(
    bots: ClientBots, org_id: int, chat_id: int, send: Callable[[Bot], Awaitable[T]]
) -> tuple[int, T]:
    """`send` through the client's bot; the number of the bot it went through and what
    `send` returned. Refusals other than a blocked own bot are the caller's."""
    number, bot = await bots.bot_for(org_id, chat_id)
    try:
        return number, await send(bot)
    except Forbidden:
        if number == SHARED_BOT:
            raise
    await bots.blocked(number, chat_id)
    return SHARED_BOT, await send(bots.shared)

"""Which bot a message goes through, for the jobs that write to people themselves: to a client
(reminders, rating questions, the done summary and receipts), the organization's own bot when
the client has a chat with it; to a staff member (digests, reminders' and payments' notices,
rating alerts, dead-job notices), the own bot they work in, if any; else the shared bot
(docs/own-bot.md). A person who blocked the own bot is written to through the shared bot
instead, and the own bot is not tried for them again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import Forbidden

from core.ownbot.routing import SHARED_BOT
from handlers.delivery.lanes import broadcast

T = TypeVar("T")


class ChatBots(Protocol):
    shared: Bot

    async def bot_for(self, org_id: int, chat_id: int) -> tuple[int, Bot]:
        """The number and the bot the organization writes to that chat through."""
        ...

    async def staff_bot(self, chat_id: int) -> tuple[int, Bot]:
        """The number and the bot a staff member is written to through."""
        ...

    async def any_bot(self, chat_id: int) -> tuple[int, Bot]:
        """A bot the person has a chat with (for what is no organization's)."""
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

    async def staff_bot(self, chat_id: int) -> tuple[int, Bot]:
        return SHARED_BOT, self.shared

    async def any_bot(self, chat_id: int) -> tuple[int, Bot]:
        return SHARED_BOT, self.shared

    async def blocked(self, number: int, chat_id: int) -> None:
        return None


async def to_client(
    bots: ChatBots, org_id: int, chat_id: int, send: Callable[[Bot], Awaitable[T]]
) -> tuple[int, T]:
    """`send` through the client's bot; the number of the bot it went through and what
    `send` returned. Refusals other than a blocked own bot are the caller's."""
    return await via(bots, chat_id, await bots.bot_for(org_id, chat_id), send)


async def to_staff(
    bots: ChatBots, chat_id: int, send: Callable[[Bot], Awaitable[T]]
) -> tuple[int, T]:
    """`send` through the bot the staff member works in, as `to_client`."""
    return await via(bots, chat_id, await bots.staff_bot(chat_id), send)


async def to_anyone(
    bots: ChatBots, chat_id: int, send: Callable[[Bot], Awaitable[T]]
) -> tuple[int, T]:
    """`send` through a bot the person has a chat with, as `to_client`."""
    return await via(bots, chat_id, await bots.any_bot(chat_id), send)


async def via(
    bots: ChatBots, chat_id: int, chosen: tuple[int, Bot], send: Callable[[Bot], Awaitable[T]]
) -> tuple[int, T]:
    """`send` through the `chosen` bot (its number and the bot), the shared bot instead when
    the person blocked that own bot (then forgotten); the number it went through."""
    number, bot = chosen
    try:
        return number, await send(bot)
    except Forbidden:
        if number == SHARED_BOT:
            raise
    await bots.blocked(number, chat_id)
    return SHARED_BOT, await send(bots.shared)


def text_to(
    chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Callable[[Bot], Awaitable[Message]]:
    """A text (HTML) sent in the broadcast lane through whichever bot is given."""

    async def send_through(bot: Bot) -> Message:
        return await bot.send_message(chat_id, text, reply_markup=markup, **broadcast(bot))

    return send_through


async def file_bytes(bot: Bot, file_id: str) -> bytes:
    """A file's bytes through the bot whose file id it is (to send it through another bot:
    a file id is one bot's, docs/own-bot.md, Files)."""
    found = await bot.get_file(file_id)
    return bytes(await found.download_as_bytearray())

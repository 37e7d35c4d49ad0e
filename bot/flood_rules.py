"""Telegram's flood limits as numbers, the two lanes, and what a flood budget answers; shared by
the in-process budget (bot/flood_local.py) and the Redis one (bot/flood_redis.py)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple, Protocol


class Lane(StrEnum):
    """Replies to people go before scheduled broadcasts (digests, plans, reminders)."""

    INTERACTIVE = "interactive"
    BROADCAST = "broadcast"


@dataclass(frozen=True)
class Limits:
    """Telegram's numbers (docs/rate-limits.md) and our reserve for replies."""

    per_second: int = 30  # messages of the whole bot in any `window`...
    window: float = 1.0
    # ...counted over a little more than the window (Telegram's clock is not ours). A message
    # reaches Telegram after its turn, and not equally late (calls queue for a connection, the
    # network, a busy event loop): each is counted from its turn until answered, then from its
    # answer (Budget.sent), so a window never holds more arrivals than turns.
    margin: float = 0.1
    chat_interval: float = 1.0  # a private chat: one a second...
    chat_burst: int = 3  # ...after a short burst
    group_limit: int = 20  # a group or channel: 20...
    group_period: float = 60.0  # ...a minute
    # While anyone got a reply in the last `linger` seconds, broadcasts leave `reserve` of the
    # bot-wide budget to replies, so a reply never waits for a second of broadcasts.
    reserve: int = 5
    linger: float = 5.0


class Turn(NamedTuple):
    """A bot-wide budget's answer: granted now, or ask again in `wait` seconds; `at` is the
    budget's clock (Redis's when shared); `ticket` names the grant in a shared budget."""

    granted: bool
    wait: float
    at: float
    ticket: str = ""


class Budget(Protocol):
    """Where the budget lives: in this process, or in Redis for every process."""

    async def chat_turn(self, chat: int | str, lane: Lane = Lane.INTERACTIVE) -> float:
        """Take the chat's next turn; seconds until it comes."""

    async def chat_held(self, chat: int | str) -> float:
        """Seconds left of a 429's hold on the chat (0: none)."""

    async def bot_turn(self, lane: Lane) -> Turn:
        """One message of `lane` out of the bot-wide budget, if it is there now."""

    async def sent(self, turn: Turn) -> None:
        """The message of a granted `turn` has been answered: it is counted from now on.

        Telegram counts a message when it arrives, which may be well after its turn (calls
        queue for a connection, the network, a busy event loop); a grant counted from its
        answer instead lets the next turns come only when the window surely holds no more
        than `per_second` arrivals."""

    async def hold(self, chat: int | str | None, seconds: float) -> None:
        """Telegram answered 429: hold that chat (and broadcasts) or, for no chat, the bot."""

    async def close(self) -> None:
        """Release connections."""


def span(limits: Limits) -> float:
    """The time in which at most `per_second` turns are granted."""
    return limits.window + limits.margin


def is_private(chat: int | str) -> bool:
    """A private chat has a positive id; groups and channels negative ids or @names."""
    return isinstance(chat, int) and chat > 0

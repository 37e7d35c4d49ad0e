"""Which bot an update came through and a message goes through (docs/own-bot.md, Routing).

Bots are numbered: 0 is the shared bot, an organization's own bot has the number the
deployment gave its Telegram id when it was first connected (`bot_number`, never reused, so
a bot connected again keeps its number). Telegram counts update ids per bot, so the update
inbox and the ledger key an update by its bot and its id together, in one integer: the bot's
number above bit 40, the update id below it (Telegram's update ids are 32-bit). The shared
bot's updates keep their own ids as keys, so nothing stored before own bots changes meaning.
"""

from __future__ import annotations

from dataclasses import dataclass

SHARED_BOT = 0
UPDATE_BITS = 40
UPDATE_MASK = (1 << UPDATE_BITS) - 1
MAX_BOT_NUMBER = (1 << (63 - UPDATE_BITS)) - 1  # keys stay within a signed 64-bit column


def update_key(bot: int, update_id: int) -> int:
    """The key of update `update_id` of bot number `bot` (the shared bot's: the id itself)."""
    if not 0 <= update_id <= UPDATE_MASK or not 0 <= bot <= MAX_BOT_NUMBER:
        raise ValueError("update id or bot number out of range")
    return (bot << UPDATE_BITS) | update_id


def bot_of(key: int) -> int:
    """The number of the bot an update key belongs to."""
    return key >> UPDATE_BITS if key > 0 else SHARED_BOT


def update_id_of(key: int) -> int:
    """Telegram's own id of the update (what getUpdates' offset counts)."""
    return key & UPDATE_MASK if key > 0 else key


def message_key(bot: int, message_id: int) -> int:
    """A sent message as kept to be edited later (a card, a voice note's status): its id in
    the chat with the bot's number above bit 40, as an update's key; the shared bot's are
    their ids (message ids count per chat of each bot)."""
    return update_key(bot, message_id)


def message_of_key(key: int) -> tuple[int, int]:
    """The bot's number and the message id a `message_key` holds."""
    return bot_of(key), update_id_of(key)


def message_ref(bot: int, message_id: int) -> str:
    """A sent message as a client message's log keeps it: its id in the chat, after the bot's
    number and a colon for an own bot's (message ids count per chat of each bot)."""
    return f"{bot}:{message_id}" if bot else str(message_id)


def message_of(ref: str | None) -> tuple[int, int] | None:
    """The bot's number and the message id a `message_ref` names; None for anything else."""
    bot, colon, message = (ref or "").rpartition(":")
    if not message.isdigit() or (colon and not bot.isdigit()):
        return None
    return int(bot or 0), int(message)


@dataclass(frozen=True, slots=True)
class RunningBot:
    """An own bot processes serve: its number, its organization and its token."""

    number: int
    org_id: int
    telegram_id: int
    serves_staff: bool
    token: str

    def __repr__(self) -> str:  # the token never reaches a log
        return f"RunningBot(number={self.number}, org_id={self.org_id})"

"""What the own-bot service needs: its rows, and Telegram's answers about a token."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.ownbot.model import BotIdentity, BotProfile, BotState, OwnBot


class OwnBotRepository(Protocol):
    async def get(self, org_id: int) -> OwnBot | None: ...
    async def holder(self, telegram_id: int) -> int | None:
        """The organization the bot is connected to, if any."""
        ...

    async def put(
        self, org_id: int, telegram_id: int, sealed: bytes, user_id: int, now: datetime
    ) -> OwnBot:
        """Connect (or replace the organization's bot with) this one, state `checking`."""
        ...

    async def sealed_token(self, org_id: int) -> tuple[OwnBot, bytes] | None: ...
    async def checked(
        self, org_id: int, telegram_id: int, state: BotState, username: str | None, now: datetime
    ) -> bool:
        """Record a check of the bot `telegram_id` (still the organization's): False when the
        bot was replaced or disconnected meanwhile."""
        ...

    async def set_staff(self, org_id: int, serves_staff: bool) -> bool: ...
    async def number(self, telegram_id: int) -> int | None:
        """The bot's number here (core/ownbot/routing.py), given when it was connected."""
        ...

    async def running(self) -> list[tuple[int, OwnBot, bytes]]:
        """Every active bot: its number, the bot and its sealed token."""
        ...

    async def refused(self, telegram_id: int, now: datetime) -> OwnBot | None:
        """Telegram refused the active bot's token: now `revoked` (None: it was not active)."""
        ...

    async def remove(self, org_id: int) -> OwnBot | None: ...
    async def started(self, bot: int, user_id: int, now: datetime) -> bool:
        """The person wrote to bot number `bot` (so it may write to them); False: known."""
        ...

    async def has_chat(self, bot: int, telegram_id: int) -> bool:
        """Whether the person of that Telegram id wrote to bot number `bot`."""
        ...

    async def staff_bot(self, telegram_id: int) -> int | None:
        """The own bot (its number) a staff member works in, if any (docs/own-bot.md)."""
        ...

    async def chats_of(self, telegram_id: int) -> list[int]:
        """The numbers of the own bots the person wrote to, first started first."""
        ...

    async def forget_chat(self, bot: int, telegram_id: int) -> None:
        """The person blocked bot number `bot`: it no longer writes to them."""
        ...


class BotDirectory(Protocol):
    """Telegram's Bot API, asked with a token that is not the process's own."""

    async def identify(self, token: str) -> BotIdentity:
        """getMe; TokenRefused on 401; other failures raise (the job retries)."""
        ...

    async def set_profile(self, token: str, profile: BotProfile) -> None:
        """setMyCommands, setMyDescription and setMyShortDescription per language."""
        ...

"""An organization's own Telegram bot (docs/own-bot.md): what is stored of it, and the shape
of a token. The token itself is kept only encrypted and never leaves the service but to
Telegram."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

OWNBOT_CHECK_JOB = "ownbot_check"
# "<bot id>:<secret>": the id is the bot's user id; @BotFather's secrets are 35 characters of
# letters, digits, "_" and "-" (a little room either side).
TOKEN_SHAPE = re.compile(r"^([1-9][0-9]{4,19}):[A-Za-z0-9_-]{30,50}$")


class BotState(StrEnum):
    CHECKING = "checking"  # stored, getMe not answered yet
    ACTIVE = "active"  # Telegram knows the token; clients (and staff, if chosen) use it
    REVOKED = "revoked"  # Telegram refused the token (401): everyone is on the shared bot


@dataclass(frozen=True, slots=True)
class OwnBot:
    organization_id: int
    telegram_id: int
    state: BotState
    serves_staff: bool
    connected_by: int | None
    connected_at: datetime
    username: str | None = None
    checked_at: datetime | None = None

    @property
    def link(self) -> str | None:
        return f"https://t.me/{self.username}" if self.username else None


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """What getMe answers of a bot."""

    id: int
    username: str
    first_name: str


@dataclass(frozen=True, slots=True)
class BotProfile:
    """What the organization's bot shows, per language code ("" is every other language):
    its command menu, the description of an empty chat and the short "about" text."""

    commands: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    short_descriptions: dict[str, str] = field(default_factory=dict)


class TokenRefused(Exception):
    """Telegram answered 401 for the token: wrong, or revoked at @BotFather."""


def token_bot_id(token: str) -> int | None:
    """The bot's id a well-formed token names; None for anything else."""
    found = TOKEN_SHAPE.match(token.strip())
    return int(found.group(1)) if found else None

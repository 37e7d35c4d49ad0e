"""The fleet's small parts (bot/fleet.py): the webhooks of own bots in webhook mode, and who
is known to have written to which own bot."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

OWN_WEBHOOK_PATH = "/telegram/"  # then the bot's number
CHATS = 100_000  # people remembered as having written to an own bot (then read again)


@dataclass(frozen=True, slots=True)
class Hooks:
    """Webhook mode: where Telegram POSTs each own bot's updates, and the secret they are
    derived from (the process's own webhook secret; never logged)."""

    base_url: str  # the admin endpoint's public address
    secret: str

    def url(self, number: int) -> str:
        return f"{self.base_url}{OWN_WEBHOOK_PATH}{number}"

    def secret_of(self, number: int) -> str:
        """The secret Telegram sends back with bot `number`'s updates (64 hex digits)."""
        message = f"astracrm own bot webhook {number}".encode()
        return hmac.new(self.secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass(slots=True)
class KnownChats:
    """(bot number, Telegram id) of people known to have written to that own bot: a cache of
    `bot_chat` (it only grows while they do not block the bot), emptied past CHATS."""

    _known: set[tuple[int, int]] = field(default_factory=set)

    def knows(self, number: int, telegram_id: int) -> bool:
        return (number, telegram_id) in self._known

    def know(self, number: int, telegram_id: int) -> None:
        if len(self._known) >= CHATS:
            self._known.clear()
        self._known.add((number, telegram_id))

    def forget(self, number: int, telegram_id: int) -> None:
        self._known.discard((number, telegram_id))


def without_token(url: str, token: str) -> str:
    return url.removesuffix(token)

"""A file kept on an order (a photo, a document, a voice recording), as stored: where its
bytes are, their hash and size, and Telegram's id for sending it again."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Attachment:
    id: int
    organization_id: int
    order_id: int | None
    kind: str
    storage_key: str
    sha256: str
    size: int
    mime: str
    file_name: str | None
    telegram_file_id: str | None
    caption: str | None
    stored: bool
    telegram_file_bot: int = 0  # the bot `telegram_file_id` belongs to (docs/own-bot.md, Files)

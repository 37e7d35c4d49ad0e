"""Read-only views of bot messages for scenario tests and the sandbox web chat."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.emulator.keyboards import inline_rows, keyboard_rows
from sandbox.emulator.state import StoredMessage

MEDIA_KINDS = ("photo", "document", "voice", "audio", "video", "video_note", "location")


@dataclass(frozen=True)
class BotMessage:
    """A bot message as a user sees it: plain text, buttons, keyboard and media."""

    message_id: int
    chat_id: int
    text: str
    html: str | None
    parse_mode: str | None
    buttons: list[list[tuple[str, str]]]
    keyboard: list[list[str]]
    remove_keyboard: bool
    media: str | None
    file_ids: list[str]
    media_group_id: str | None
    reply_to_message_id: int | None
    version: int
    deleted: bool
    silent: bool
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_stored(cls, stored: StoredMessage) -> BotMessage:
        """Snapshot a stored message."""
        message = stored.message
        media = next((kind for kind in MEDIA_KINDS if kind in message), None)
        replied = message.get("reply_to_message")
        keyboard = stored.reply_keyboard or {}
        return cls(
            message_id=stored.message_id,
            chat_id=int(message["chat"]["id"]),
            text=str(message.get("text", message.get("caption", ""))),
            html=stored.source_text,
            parse_mode=stored.parse_mode,
            buttons=inline_rows(message.get("reply_markup")),
            keyboard=keyboard_rows(stored.reply_keyboard),
            remove_keyboard=bool(keyboard.get("remove_keyboard")),
            media=media,
            file_ids=_file_ids(message, media),
            media_group_id=message.get("media_group_id"),
            reply_to_message_id=replied["message_id"] if replied else None,
            version=stored.version,
            deleted=stored.deleted,
            silent=stored.silent,
            raw=message,
        )

    @property
    def edited(self) -> bool:
        """Whether the message was edited since it was sent."""
        return "edit_date" in self.raw

    @property
    def labels(self) -> list[str]:
        """All inline button labels, row by row."""
        return [label for row in self.buttons for label, _ in row]

    def button(self, label: str) -> str:
        """The callback_data (or url) of the inline button labelled `label`."""
        for row in self.buttons:
            for text, value in row:
                if text == label:
                    return value
        raise KeyError(f"no button {label!r}; buttons: {self.labels}")

    def describe(self) -> str:
        """A one-line summary for failure messages."""
        parts = [f"#{self.message_id}"]
        if self.media:
            parts.append(f"[{self.media}]")
        parts.append(repr(self.text[:200]))
        if self.buttons:
            parts.append(f"buttons={self.labels}")
        if self.keyboard:
            parts.append(f"keyboard={self.keyboard}")
        return " ".join(parts)


def _file_ids(message: dict[str, Any], media: str | None) -> list[str]:
    if media in (None, "location"):
        return []
    content = message[str(media)]
    items = content if isinstance(content, list) else [content]
    return [str(item["file_id"]) for item in items]

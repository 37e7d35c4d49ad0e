"""The emulator's in-memory world: bot, users and private chats, messages, updates and files.

Every change wakes waiters (`notifier`) and is published to observers (`bus`).
"""

from __future__ import annotations

import copy
import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.emulator.errors import bad_request
from sandbox.emulator.events import EventBus, Notifier, Seen, Watcher

DEFAULT_UPDATE_TYPES_EXCLUDED = ("chat_member", "message_reaction", "message_reaction_count")
_FILE_PREFIXES = {"photo": "AgAC", "document": "BQAC", "voice": "AwAC", "audio": "CQAC"}
_DEFAULT_SCOPE: tuple[str, int | None, int | None] = ("default", None, None)
_FILE_DIRS = {"photo": "photos", "document": "documents", "voice": "voice", "audio": "music"}
_FILE_KINDS = {folder: kind for kind, folder in _FILE_DIRS.items()}


@dataclass
class StoredFile:
    """A file the emulator knows: uploaded by the bot or sent by a user."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    mime_type: str | None = None
    file_name: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """What its file id is for (photo, document, voice, audio, video...): Telegram refuses
        an id of one kind where another is expected."""
        folder = self.file_path.split("/", 1)[0]
        return _FILE_KINDS.get(folder, folder.removesuffix("s"))

    def as_file(self) -> dict[str, Any]:
        """Telegram's `File` object, as getFile returns it."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class StoredMessage:
    """A message in a chat: its current Telegram shape plus what only the emulator knows."""

    message: dict[str, Any]
    from_bot: bool
    source_text: str | None = None
    parse_mode: str | None = None
    reply_keyboard: dict[str, Any] | None = None
    version: int = 0
    deleted: bool = False
    silent: bool = False

    @property
    def message_id(self) -> int:
        """The message id."""
        return int(self.message["message_id"])


@dataclass
class ChatState:
    """A private chat between the bot and one user."""

    chat: dict[str, Any]
    user: dict[str, Any]
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    started: bool = True
    blocked: bool = False

    @property
    def chat_id(self) -> int:
        """The chat id (equal to the user id for private chats)."""
        return int(self.chat["id"])


@dataclass
class WebhookConfig:
    """What setWebhook configured; an empty url means polling."""

    url: str = ""
    secret_token: str | None = None
    allowed_updates: list[str] | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class Stats:
    """Counters for benchmarks: successful sends and sends refused with 429."""

    sent: int = 0
    refused_429: int = 0
    updates: int = 0
    webhook_delivered: int = 0
    webhook_failed: int = 0


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request received (params best-effort JSON-decoded)."""

    method: str
    params: dict[str, Any]
    at: float


def update_type(update: dict[str, Any]) -> str:
    """The update's kind, e.g. "message" or "callback_query"."""
    return next(key for key in update if key != "update_id")


def is_allowed(update: dict[str, Any], allowed: list[str] | None) -> bool:
    """Whether an update passes an `allowed_updates` filter (None/empty: Telegram's default)."""
    kind = update_type(update)
    return kind in allowed if allowed else kind not in DEFAULT_UPDATE_TYPES_EXCLUDED


class EmulatorState:
    """All mutable state; methods keep the derived bits (ids, events, wake-ups) consistent."""

    def __init__(self, bot_user: dict[str, Any], first_update_id: int = 1) -> None:
        self.bot = bot_user
        # Telegram's server time, Unix seconds, for the dates it puts on messages (a test runs
        # it on the bot's clock: `TelegramEmulator(wall_clock=...)`).
        self.wall: Callable[[], float] = time.time
        self.chats: dict[int, ChatState] = {}
        self.updates: deque[dict[str, Any]] = deque()
        self.next_update_id = first_update_id
        self.polling_allowed_updates: list[str] | None = None
        self.poll_generation = 0
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self._file_numbers = itertools.count(1)
        self.commands: dict[tuple[tuple[str, int | None, int | None], str], list[Any]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.profile_texts: dict[
            tuple[str, str], str
        ] = {}  # (kind, language): sandbox/emulator/profile.py
        self.webhook = WebhookConfig()
        self.calls: deque[ApiCall] = deque(maxlen=100_000)
        self.callback_answers: dict[str, dict[str, Any] | None] = {}
        self.inline_answers: dict[str, dict[str, Any] | None] = {}
        self.query_chats: dict[str, int] = {}
        self.notifier = Notifier()
        self.bus = EventBus()
        self.stats = Stats()
        self.closing = False
        self.watchers: list[Watcher] = []

    def changed(
        self, kind: str | None = None, chat_id: int = 0, data: dict[str, Any] | None = None
    ) -> None:
        """Record a change: publish an event (if `kind`) and wake all waiters."""
        if kind is not None:
            self.bus.publish(kind, chat_id, data or {})
        self.notifier.notify()

    def add_user(self, user: dict[str, Any], started: bool = True) -> ChatState:
        """Register a user and the private chat with them (idempotent by id)."""
        chat_id = int(user["id"])
        if chat_id in self.chats:
            self.chats[chat_id].user.update(user)
            return self.chats[chat_id]
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        chat.update({k: user[k] for k in ("last_name", "username") if user.get(k)})
        state = ChatState(chat=chat, user=user, started=started)
        self.chats[chat_id] = state
        return state

    def chat(self, chat_id: int | None) -> ChatState:
        """The chat, or Telegram's 400 "chat not found"."""
        if chat_id is None:
            raise bad_request("chat_id is empty")
        if chat_id not in self.chats:
            raise bad_request("chat not found")
        return self.chats[chat_id]

    def add_message(
        self, chat: ChatState, fields: dict[str, Any], from_bot: bool, **meta: Any
    ) -> StoredMessage:
        """Append a message (id, date, chat and sender filled in) and publish it."""
        sender = self.bot if from_bot else chat.user
        message = {
            "message_id": chat.next_message_id,
            "from": dict(sender),
            "chat": dict(chat.chat),
            "date": int(self.wall()),
            **fields,
        }
        chat.next_message_id += 1
        stored = StoredMessage(message=message, from_bot=from_bot, **meta)
        chat.messages[stored.message_id] = stored
        if not from_bot:
            chat.started = True
        self.changed("message", chat.chat_id, copy.deepcopy(message))
        return stored

    def find_message(self, chat: ChatState, message_id: int | None) -> StoredMessage | None:
        """A live (not deleted) message of the chat."""
        stored = chat.messages.get(message_id or 0)
        return None if stored is None or stored.deleted else stored

    def edit_message(self, chat: ChatState, stored: StoredMessage, fields: dict[str, Any]) -> None:
        """Apply an edit (fields set to None are removed) and publish it."""
        for key, value in fields.items():
            if value is None:
                stored.message.pop(key, None)
            else:
                stored.message[key] = value
        if "text" in fields or "caption" in fields:  # Telegram shows no "edited" for buttons alone
            stored.message["edit_date"] = int(self.wall())
        stored.version += 1
        self.changed("edited", chat.chat_id, copy.deepcopy(stored.message))

    def delete_message(self, chat: ChatState, stored: StoredMessage) -> None:
        """Mark a message deleted and publish it."""
        stored.deleted = True
        stored.version += 1
        self.changed("deleted", chat.chat_id, {"message_id": stored.message_id})

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for the bot, with the next update id."""
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(update)
        self.stats.updates += 1
        self.changed()
        return update

    def confirm_updates(self, offset: int | None) -> None:
        """getUpdates `offset`: forget updates below it (negative: keep the last -offset)."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            while len(self.updates) > -offset:
                self.updates.popleft()
            return
        while self.updates and self.updates[0]["update_id"] < offset:
            self.updates.popleft()

    def deliverable(self, allowed: list[str] | None, limit: int) -> list[dict[str, Any]]:
        """The first `limit` queued updates passing `allowed` (others are dropped)."""
        if any(not is_allowed(update, allowed) for update in self.updates):
            self.updates = deque(u for u in self.updates if is_allowed(u, allowed))
        return list(itertools.islice(self.updates, limit))

    def add_file(
        self, data: bytes, kind: str, mime_type: str | None = None, file_name: str | None = None
    ) -> StoredFile:
        """Store bytes under a new file id and path."""
        number = next(self._file_numbers)
        extension = {"photo": ".jpg", "voice": ".oga", "audio": ".mp3", "video": ".mp4"}.get(
            kind, _extension(file_name)
        )
        stored = StoredFile(
            # the bot's id in it: one bot's file id is unknown to another, as on Telegram
            file_id=f"{_FILE_PREFIXES.get(kind, 'BAAC')}AgIAAxkBAAI{number:06d}{kind[:3]}"
            f"{self.bot.get('id', 0)}",
            file_unique_id=f"AQAD{number:06d}",
            file_path=f"{_FILE_DIRS.get(kind, kind + 's')}/file_{number}{extension}",
            data=data,
            mime_type=mime_type,
            file_name=file_name,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def restore_file(self, stored: StoredFile) -> None:
        """Register a file saved by an earlier run; new file numbers continue above its own."""
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        digits = "".join(char for char in stored.file_unique_id if char.isdigit())
        following = next(self._file_numbers)
        self._file_numbers = itertools.count(max(following, int(digits or 0) + 1))

    def effective_commands(self, chat_id: int, language_code: str | None) -> list[Any]:
        """The command menu a private chat shows, in Telegram's scope lookup order."""
        languages = [language_code, ""] if language_code else [""]
        scopes = (("chat", chat_id, None), ("all_private_chats", None, None), _DEFAULT_SCOPE)
        for scope in scopes:
            for language in languages:
                if (scope, language) in self.commands:
                    return self.commands[(scope, language)]
        return []

    def log_call(self, method: str, params: dict[str, Any], now: float) -> None:
        """Append to the call log."""
        self.calls.append(ApiCall(method, params, now))

    def seen(self, seen: Seen) -> None:
        """Show every watcher what happens (a copy of the list: a watcher may unwatch)."""
        for watcher in list(self.watchers):
            watcher(seen)


def _extension(file_name: str | None) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1]
    return ""

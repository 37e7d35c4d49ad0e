"""The web chat's side of the world: personas, what was read, and the live event streams.

The emulator owns users, chats and messages; the hub adds what only a person at the page cares
about (unread counts) and lets the server end every event stream before it shuts down.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from sandbox.emulator.emulator import TelegramEmulator
from sandbox.emulator.events import Event
from sandbox.emulator.scenario import UserDriver
from sandbox.emulator.state import ChatState, EmulatorState
from sandbox.web import inputs
from sandbox.web.inputs import WebError
from sandbox.web.views import preview

FIRST_PERSONA_ID = 700_000_001
MAX_PERSONA_ID = 2**52  # Telegram user ids fit in 52 bits
LANGUAGES = ("en", "ru")
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{4,19}")
CLOSE = Event("close", 0, {})


class ChatHub:
    """Personas and live streams over one emulator (one per web app)."""

    def __init__(
        self,
        emulator: TelegramEmulator,
        *,
        title: str,
        keepalive: float,
        max_upload: int,
        first_persona_id: int = FIRST_PERSONA_ID,
        persona_range: int = MAX_PERSONA_ID,
    ) -> None:
        """`first_persona_id` and `persona_range`: the ids new personas are given (another
        bot's page gives its own, so a client made there is nobody in the shared bot)."""
        self.emulator = emulator
        self.title = title
        self.keepalive = keepalive
        self.max_upload = max_upload
        self.closed = False
        # What existed before the page was served (e.g. a loaded world) counts as read.
        self._read_up_to = {chat_id: _last_id(chat) for chat_id, chat in self.state.chats.items()}
        self._streams: list[asyncio.Queue[Event]] = []
        self._first_id, self._range = first_persona_id, persona_range
        self._next_id = first_persona_id

    @property
    def state(self) -> EmulatorState:
        """The emulator's state."""
        return self.emulator.state

    def chat(self, user_id: int) -> ChatState:
        """A persona's private chat, or a 404."""
        chat = self.state.chats.get(user_id)
        if chat is None:
            raise WebError(404, f"no persona {user_id}")
        return chat

    def driver(self, user_id: int) -> UserDriver:
        """The persona's driver (the emulator keeps one per user)."""
        return driver_of(self.emulator, self.chat(user_id))

    def personas(self) -> list[dict[str, Any]]:
        """Every persona, in id order."""
        return [self.persona_view(chat) for _, chat in sorted(self.state.chats.items())]

    def persona_view(self, chat: ChatState) -> dict[str, Any]:
        """A persona for the list: names, language, phone, unread count, last message."""
        user = chat.user
        names = (user.get("first_name"), user.get("last_name"))
        live = [stored for stored in chat.messages.values() if not stored.deleted]
        return {
            "id": chat.chat_id,
            "first_name": user.get("first_name"),
            "last_name": user.get("last_name"),
            "username": user.get("username"),
            "language_code": user.get("language_code"),
            "phone_number": self.driver(chat.chat_id).phone_number,
            "name": " ".join(name for name in names if name),
            "blocked": chat.blocked,
            "unread": self.unread(chat),
            "last": preview(live[-1]) if live else None,
        }

    def create_persona(self, body: dict[str, Any]) -> dict[str, Any]:
        """A new persona from validated fields; its id is the next free one unless given."""
        fields = _persona_fields(body, creating=True)
        user_id = inputs.integer(body, "id", 1, MAX_PERSONA_ID, required=False)
        if user_id is not None and user_id in self.state.chats:
            raise WebError(409, f"persona {user_id} already exists")
        self._check_username(fields.get("username"), user_id)
        if user_id is None:
            first, last = self._first_id, self._first_id + self._range
            taken = (chat_id + 1 for chat_id in self.state.chats if first <= chat_id < last)
            user_id = max([self._next_id, *taken])
        self._next_id = max(self._next_id, user_id + 1)
        driver = self.emulator.user(user_id, **fields)
        self._read_up_to[user_id] = 0
        return self._changed(driver.chat)

    def update_persona(self, user_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """Change a persona's names, username, language or phone (what later updates carry)."""
        chat = self.chat(user_id)
        fields = _persona_fields(body, creating=False)
        if fields.get("first_name") == "":
            raise inputs.invalid("first_name is required")
        self._check_username(fields.get("username"), user_id)
        phone = fields.pop("phone_number", None)
        if phone:
            self.driver(user_id).phone_number = phone
        for key, value in fields.items():
            _assign(chat.user, key, value)
            if key != "language_code":  # a Chat has no language
                _assign(chat.chat, key, value)
        return self._changed(chat)

    def _check_username(self, username: str | None, user_id: int | None) -> None:
        """Usernames are unique in Telegram (case-insensitively), so they are here."""
        if not username:
            return
        for chat_id, chat in self.state.chats.items():
            taken = str(chat.user.get("username") or "").lower() == username.lower()
            if taken and chat_id != user_id:
                raise WebError(409, f"@{username} is taken by persona {chat_id}")

    def remove_persona(self, user_id: int) -> None:
        """Forget a persona and its chat."""
        self.chat(user_id)
        self.emulator.remove_user(user_id)
        self._read_up_to.pop(user_id, None)
        self.broadcast("personas", {"personas": self.personas()})

    def _changed(self, chat: ChatState) -> dict[str, Any]:
        self.state.changed()  # wakes the autosave
        self.broadcast("personas", {"personas": self.personas()})
        return self.persona_view(chat)

    def unread(self, chat: ChatState) -> int:
        """Live bot messages after the last one the page showed."""
        seen = self._read_up_to.get(chat.chat_id, 0)
        return sum(
            1
            for stored in chat.messages.values()
            if stored.from_bot and not stored.deleted and stored.message_id > seen
        )

    def mark_read(self, chat: ChatState) -> None:
        """Everything in the chat so far has been seen."""
        self._read_up_to[chat.chat_id] = _last_id(chat)

    @property
    def open_streams(self) -> int:
        """How many event streams are being served."""
        return len(self._streams)

    def open_stream(self) -> asyncio.Queue[Event]:
        """A queue of emulator events plus the hub's own ("personas", "close")."""
        queue = self.emulator.subscribe()
        self._streams.append(queue)
        return queue

    def close_stream(self, queue: asyncio.Queue[Event]) -> None:
        """Stop feeding a stream's queue."""
        self.emulator.unsubscribe(queue)
        if queue in self._streams:
            self._streams.remove(queue)

    def broadcast(self, kind: str, data: dict[str, Any]) -> None:
        """Send a page-only event to every open stream."""
        for queue in self._streams:
            queue.put_nowait(Event(kind, 0, data))
        self.state.notifier.notify()  # streams wait on the notifier, not on their queues

    def close(self) -> None:
        """End every event stream now (and refuse new ones), so the server can stop at once."""
        self.closed = True
        for queue in self._streams:
            queue.put_nowait(CLOSE)
        self.state.notifier.notify()


def driver_of(emulator: TelegramEmulator, chat: ChatState) -> UserDriver:
    """The emulator's driver for an existing chat (made from the chat's user if it had none)."""
    user = chat.user
    return emulator.user(
        chat.chat_id,
        str(user.get("first_name", "User")),
        last_name=user.get("last_name"),
        username=user.get("username"),
        language_code=user.get("language_code"),
    )


def _assign(target: dict[str, Any], key: str, value: str) -> None:
    if value:
        target[key] = value
    else:
        target.pop(key, None)


def _last_id(chat: ChatState) -> int:
    return max(chat.messages, default=0)


def _persona_fields(body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "first_name": inputs.text(body, "first_name", required=creating, max_length=64),
        "last_name": inputs.text(body, "last_name", max_length=64),
        "username": inputs.text(body, "username", max_length=32, pattern=_USERNAME),
        "phone_number": inputs.text(body, "phone_number", max_length=20, pattern=PHONE),
    }
    if creating or "language_code" in body:
        fields["language_code"] = inputs.choice(body, "language_code", LANGUAGES, "en")
    if creating:
        return fields
    # When updating, an absent field stays as it is and an empty one clears it.
    return {key: ("" if value is None else value) for key, value in fields.items() if key in body}

"""A human user in a private chat with the bot: sends updates, taps buttons, reads replies.

Waiting is event-driven (the state's notifier); a timeout fails with what the bot sent last.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

from sandbox.emulator import files
from sandbox.emulator.keyboards import button_label
from sandbox.emulator.markup import utf16_len
from sandbox.emulator.reading import ChatReader, ScenarioError
from sandbox.emulator.state import ChatState, EmulatorState, StoredMessage
from sandbox.emulator.views import BotMessage

_QUERY_IDS = itertools.count(4_000_000_000_000_000_001)
_MEDIA_GROUP_IDS = itertools.count(14_000_000_000_000_001)


class UserDriver(ChatReader):
    """Acts as one user; every action becomes an update for the bot (reading: `ChatReader`)."""

    def __init__(self, state: EmulatorState, chat: ChatState, phone_number: str) -> None:
        super().__init__(state, chat)
        self.phone_number = phone_number

    async def _deliver(self, fields: dict[str, Any]) -> dict[str, Any]:
        if self.chat.blocked:
            await self.unblock()
        stored = self.state.add_message(self.chat, fields, from_bot=False)
        self.state.push_update("message", copy.deepcopy(stored.message))
        return stored.message

    async def send(
        self, text: str, reply_to: int | None = None, date: int | None = None
    ) -> dict[str, Any]:
        """A text message; a leading /command gets its bot_command entity. `date`: when
        Telegram got it (Unix seconds; default now), for a message that reaches the bot late."""
        fields: dict[str, Any] = {"text": text}
        if date is not None:
            fields["date"] = date
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            fields["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        if reply_to is not None:
            replied = self.state.find_message(self.chat, reply_to)
            if replied is None:
                raise ScenarioError(f"cannot reply to unknown message {reply_to}")
            nested = {k: v for k, v in replied.message.items() if k != "reply_to_message"}
            fields["reply_to_message"] = copy.deepcopy(nested)
        return await self._deliver(fields)

    async def send_photo(
        self,
        data: bytes,
        caption: str | None = None,
        media_group_id: str | None = None,
        mime_type: str | None = None,
    ) -> dict[str, Any]:
        """A photo (stored as two PhotoSizes, downloadable by the bot)."""
        fields: dict[str, Any] = {"photo": files.new_photo(self.state, data, mime_type)}
        if caption:
            fields["caption"] = caption
        if media_group_id:
            fields["media_group_id"] = media_group_id
        return await self._deliver(fields)

    async def send_album(
        self, photos: list[bytes], caption: str | None = None
    ) -> list[dict[str, Any]]:
        """Several photo messages sharing a media_group_id (caption on the first)."""
        group = str(next(_MEDIA_GROUP_IDS))
        return [
            await self.send_photo(data, caption if index == 0 else None, group)
            for index, data in enumerate(photos)
        ]

    async def send_document(
        self, data: bytes, file_name: str, mime_type: str, caption: str | None = None
    ) -> dict[str, Any]:
        """A document."""
        stored = self.state.add_file(data, "document", mime_type, file_name)
        fields: dict[str, Any] = {"document": files.document(stored)}
        if caption:
            fields["caption"] = caption
        return await self._deliver(fields)

    async def send_voice(
        self, data: bytes, duration: int, mime_type: str = "audio/ogg", caption: str | None = None
    ) -> dict[str, Any]:
        """A voice note."""
        stored = self.state.add_file(data, "voice", mime_type)
        fields: dict[str, Any] = {"voice": files.voice(stored, duration)}
        if caption:
            fields["caption"] = caption
        return await self._deliver(fields)

    async def send_audio(
        self,
        data: bytes,
        duration: int,
        file_name: str | None = None,
        mime_type: str = "audio/mpeg",
        caption: str | None = None,
    ) -> dict[str, Any]:
        """A music file (Telegram's Audio)."""
        stored = self.state.add_file(data, "audio", mime_type, file_name)
        fields: dict[str, Any] = {"audio": files.audio(stored, duration, {})}
        if caption:
            fields["caption"] = caption
        return await self._deliver(fields)

    async def send_contact(
        self,
        phone_number: str,
        first_name: str,
        last_name: str | None = None,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """A shared contact."""
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
        if last_name:
            contact["last_name"] = last_name
        if user_id is not None:
            contact["user_id"] = user_id
        return await self._deliver({"contact": contact})

    async def send_location(self, latitude: float, longitude: float) -> dict[str, Any]:
        """A location."""
        return await self._deliver({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_live_location(
        self, latitude: float, longitude: float, live_period: int = 3600
    ) -> dict[str, Any]:
        """A live location (Telegram then sends its updates as edited_message)."""
        location = {"latitude": latitude, "longitude": longitude, "live_period": live_period}
        return await self._deliver({"location": location})

    async def move_live_location(
        self, message_id: int, latitude: float, longitude: float, date: int | None = None
    ) -> dict[str, Any]:
        """A live location's new position: the message edited (an edited_message update).
        `date`: when Telegram got the edit (Unix seconds; default now), for one that reaches
        the bot late."""
        stored = self.state.find_message(self.chat, message_id)
        old = stored.message.get("location") if stored and not stored.from_bot else None
        if stored is None or not isinstance(old, dict) or "live_period" not in old:
            raise ScenarioError(f"{self.id} has no live location {message_id}")
        location = {**old, "latitude": latitude, "longitude": longitude}
        self.state.edit_message(self.chat, stored, {"location": location})
        stored.message["edit_date"] = int(self.state.wall()) if date is None else date
        self.state.push_update("edited_message", copy.deepcopy(stored.message))
        return stored.message

    async def forward(self, text: str, from_name: str) -> dict[str, Any]:
        """A text forwarded from a user who hides their account."""
        now = int(self.state.wall())
        origin = {"type": "hidden_user", "sender_user_name": from_name, "date": now}
        return await self._deliver({"text": text, "forward_origin": origin})

    async def edit(self, message_id: int, text: str) -> dict[str, Any]:
        """Edit one of this user's text messages (an edited_message update)."""
        stored = self.state.find_message(self.chat, message_id)
        if stored is None or stored.from_bot:
            raise ScenarioError(f"{self.id} has no message {message_id} to edit")
        self.state.edit_message(self.chat, stored, {"text": text, "entities": None})
        self.state.push_update("edited_message", copy.deepcopy(stored.message))
        return stored.message

    async def tap(self, label: str, message: BotMessage | int | None = None) -> str | None:
        """Tap an inline button: a callback_query update; a URL button returns its URL."""
        stored = self._keyboard_message(message)
        buttons = [b for row in stored.message["reply_markup"]["inline_keyboard"] for b in row]
        button = next((b for b in buttons if b.get("text") == label), None)
        if button is None:
            labels = [b.get("text") for b in buttons]
            raise ScenarioError(f"no button {label!r} on #{stored.message_id}; have {labels}")
        if "url" in button:
            return str(button["url"])
        if "callback_data" not in button:
            raise ScenarioError(f"button {label!r} has neither callback_data nor url")
        self._push_callback(stored, str(button["callback_data"]))
        return None

    async def tap_data(self, message_id: int, callback_data: str) -> str:
        """Tap the button carrying `callback_data` on a message; returns the callback query id."""
        stored = self._keyboard_message(message_id)
        buttons = [b for row in stored.message["reply_markup"]["inline_keyboard"] for b in row]
        if not any(b.get("callback_data") == callback_data for b in buttons):
            raise ScenarioError(f"no button with data {callback_data!r} on #{message_id}")
        return self._push_callback(stored, callback_data)

    def forge_callback(self, message_id: int, callback_data: str) -> str:
        """A callback the message never carried: a stale button from an older version of the
        message, or a hand-crafted one. Returns the callback query id."""
        stored = self.state.find_message(self.chat, message_id)
        if stored is None:
            raise ScenarioError(f"no message #{message_id} in chat {self.id}")
        return self._push_callback(stored, callback_data)

    def _push_callback(self, stored: StoredMessage, data: str) -> str:
        query_id = str(next(_QUERY_IDS))
        self._register_query(query_id, self.state.callback_answers)
        query = {
            "id": query_id,
            "from": dict(self.user),
            "message": copy.deepcopy(stored.message),
            "chat_instance": str(-self.id),
            "data": data,
        }
        self.state.push_update("callback_query", query)
        return query_id

    async def double_tap(self, label: str, message: BotMessage | int | None = None) -> None:
        """Two taps on the same button before the bot can react (an impatient thumb)."""
        await self.tap(label, message)
        await self.tap(label, message)

    def _register_query(self, query_id: str, answers: dict[str, dict[str, Any] | None]) -> None:
        answers[query_id] = None
        self.state.query_chats[query_id] = self.id
        self._last_query = query_id

    def _keyboard_message(self, message: BotMessage | int | None) -> StoredMessage:
        if message is not None:
            message_id = message if isinstance(message, int) else message.message_id
            stored = self.state.find_message(self.chat, message_id)
            if stored is None or "reply_markup" not in stored.message:
                raise ScenarioError(f"message #{message_id} has no inline keyboard")
            return stored
        for stored in reversed(self.chat.messages.values()):
            if stored.from_bot and not stored.deleted and "reply_markup" in stored.message:
                return stored
        raise ScenarioError(f"no bot message with inline buttons; last: {self._describe_last()}")

    async def press(self, label: str) -> dict[str, Any]:
        """Press a reply-keyboard button (request_contact buttons share this user's contact)."""
        rows = self._current_keyboard()
        button = next((b for row in rows for b in row if button_label(b) == label), None)
        if button is None:
            labels = [[button_label(b) for b in row] for row in rows]
            raise ScenarioError(f"no keyboard button {label!r}; keyboard: {labels}")
        if isinstance(button, dict) and button.get("request_contact"):
            last_name = self.user.get("last_name")
            first_name = str(self.user["first_name"])
            return await self.send_contact(self.phone_number, first_name, last_name, self.id)
        return await self.send(label)

    def _current_keyboard(self) -> list[list[Any]]:
        for stored in reversed(self.chat.messages.values()):
            keyboard = stored.reply_keyboard if stored.from_bot else None
            if keyboard and ("keyboard" in keyboard or keyboard.get("remove_keyboard")):
                return list(keyboard.get("keyboard", []))
        return []

    async def inline_query(self, query: str, timeout: float = 5.0) -> list[Any]:  # noqa: ASYNC109
        """Send an inline query and return the results the bot answers with."""
        query_id = str(next(_QUERY_IDS))
        self._register_query(query_id, self.state.inline_answers)
        payload = {"id": query_id, "from": dict(self.user), "query": query, "offset": ""}
        self.state.push_update("inline_query", {**payload, "chat_type": "sender"})
        answers = self.state.inline_answers
        if not await self.state.notifier.wait_for(lambda: answers[query_id] is not None, timeout):
            raise ScenarioError(f"no answerInlineQuery for {query!r} within {timeout}s")
        return list((answers[query_id] or {}).get("results", []))

    async def block(self) -> None:
        """Block the bot (a my_chat_member update with status "kicked")."""
        self._set_blocked(True)

    async def unblock(self) -> None:
        """Unblock the bot (a my_chat_member update with status "member")."""
        self._set_blocked(False)

    def _set_blocked(self, blocked: bool) -> None:
        if self.chat.blocked == blocked:
            return
        self.chat.blocked = blocked
        member = {"status": "member", "user": dict(self.state.bot)}
        kicked = {"status": "kicked", "user": dict(self.state.bot), "until_date": 0}
        old, new = (member, kicked) if blocked else (kicked, member)
        now = int(self.state.wall())
        update = {"chat": dict(self.chat.chat), "from": dict(self.user), "date": now}
        update.update(old_chat_member=old, new_chat_member=new)
        self.state.push_update("my_chat_member", update)
        self.state.changed("blocked" if blocked else "unblocked", self.id)

"""What a user sees of the bot in their chat: new replies, edits, answers and the command menu.

All waits are event-driven and fail with a `ScenarioError` naming what the bot sent last.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sandbox.emulator.state import ChatState, EmulatorState, StoredMessage
from sandbox.emulator.views import BotMessage


class ScenarioError(AssertionError):
    """A scripted user could not do what a test asked (no such button, no reply in time...)."""


class ChatReader:
    """Reads bot messages in one private chat, remembering what was already read."""

    def __init__(self, state: EmulatorState, chat: ChatState) -> None:
        self.state = state
        self.chat = chat
        self.last_callback_answer: dict[str, Any] | None = None
        self._cursor = 0
        self._seen_versions: dict[int, int] = {}
        self._last_query: str | None = None

    @property
    def id(self) -> int:
        """The user id (also the private chat id)."""
        return self.chat.chat_id

    @property
    def user(self) -> dict[str, Any]:
        """The Telegram User object."""
        return self.chat.user

    def _view(self, stored: StoredMessage) -> BotMessage:
        self._seen_versions[stored.message_id] = stored.version
        return BotMessage.from_stored(stored)

    def _bot_messages(self) -> list[StoredMessage]:
        return [stored for stored in self.chat.messages.values() if stored.from_bot]

    def _next_unread(self) -> StoredMessage | None:
        return next((m for m in self._bot_messages() if m.message_id > self._cursor), None)

    def _describe_last(self) -> str:
        live = [stored for stored in self._bot_messages() if not stored.deleted]
        return BotMessage.from_stored(live[-1]).describe() if live else "nothing"

    def _timeout(self, what: str, timeout: float) -> ScenarioError:
        name = self.user.get("first_name", self.id)
        return ScenarioError(
            f"{name} ({self.id}): {what} within {timeout}s; bot's last message: "
            f"{self._describe_last()}"
        )

    async def reply(self, timeout: float = 5.0) -> BotMessage:  # noqa: ASYNC109
        """The next new bot message in this chat since the last read (edits do not count)."""
        if not await self.state.notifier.wait_for(
            lambda: self._next_unread() is not None, timeout
        ):
            raise self._timeout("no new bot message", timeout)
        stored = self._next_unread()
        assert stored is not None
        self._cursor = stored.message_id
        return self._view(stored)

    async def replies(self, count: int, timeout: float = 5.0) -> list[BotMessage]:  # noqa: ASYNC109
        """The next `count` new bot messages, all within `timeout` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        return [await self.reply(max(0.0, deadline - loop.time())) for _ in range(count)]

    def messages(self) -> list[BotMessage]:
        """Every bot message in this chat (current state, deleted ones included)."""
        return [BotMessage.from_stored(stored) for stored in self._bot_messages()]

    def last(self) -> BotMessage:
        """The latest live bot message in its current state (edits applied)."""
        live = [stored for stored in self._bot_messages() if not stored.deleted]
        if not live:
            raise ScenarioError(f"the bot has sent nothing to {self.id}")
        return self._view(live[-1])

    async def wait_edit(self, message_id: int, timeout: float = 5.0) -> BotMessage:  # noqa: ASYNC109
        """Wait for an edit (or deletion) of a bot message not yet seen by this reader."""
        stored = self.chat.messages.get(message_id)
        if stored is None or not stored.from_bot:
            raise ScenarioError(f"no bot message #{message_id} in chat {self.id}")
        seen = self._seen_versions.get(message_id, 0)
        if not await self.state.notifier.wait_for(lambda: stored.version > seen, timeout):
            raise self._timeout(f"no edit of #{message_id}", timeout)
        return self._view(stored)

    async def callback_answer(self, timeout: float = 5.0) -> str | None:  # noqa: ASYNC109
        """The text of the bot's answerCallbackQuery for the last tap (None if no text)."""
        query_id = self._last_query
        answers = self.state.callback_answers
        if query_id is None or query_id not in answers:
            raise ScenarioError("no button was tapped")
        if not await self.state.notifier.wait_for(lambda: answers[query_id] is not None, timeout):
            raise self._timeout("no answerCallbackQuery", timeout)
        self.last_callback_answer = answers[query_id]
        return (self.last_callback_answer or {}).get("text")

    def commands(self) -> list[tuple[str, str]]:
        """The command menu this chat shows, for this user's language."""
        language = self.user.get("language_code")
        commands = self.state.effective_commands(self.id, language)
        return [(str(c["command"]), str(c["description"])) for c in commands]

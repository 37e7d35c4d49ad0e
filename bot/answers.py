"""Every tapped button is answered at once, before anything else the bot does for that tap.

Telegram shows a spinner on a tapped button until the bot answers the callback query, and
refuses an answer that comes too late ("query is too old"). Handlers answer with a short
confirmation ("Saved.") once their work is done; under load, or while the same person's
earlier taps are still being handled one by one, that can take seconds. So each callback
query is registered as it arrives, before it waits for its turn in its chat, and:

- the handler's own answer goes out if it comes first, within `GRACE` seconds;
- otherwise an empty answer goes out after `GRACE`, or right before any other Bot API call
  the update makes, or when the update is done, whichever is first;
- a handler's answer after that is dropped, unless it is an alert (an error, a refusal):
  that is sent into the chat as a message instead, so the person still reads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from telegram import Update

log = logging.getLogger(__name__)

GRACE = 0.4  # seconds a handler has to answer with its own words
ANSWER = "answerCallbackQuery"

Post = Callable[[str, dict[str, Any]], Awaitable[Any]]


class Pending:
    """One callback query that arrived and may still need its answer."""

    def __init__(self, query_id: str, chat_id: int | None) -> None:
        self.query_id = query_id
        self.chat_id = chat_id
        self.claimed = False
        self.answered = asyncio.Event()
        self.timer: asyncio.TimerHandle | None = None
        self.late: asyncio.Task[None] | None = None  # the empty answer after GRACE, if sent

    def claim(self) -> bool:
        """Take the right to answer; False if someone already did."""
        if self.claimed:
            return False
        self.claimed = True
        return True


_current: ContextVar[Pending | None] = ContextVar("pending_answer", default=None)


class CallbackAnswers:
    """The callback queries in flight; `post` sends a Bot API call past this class."""

    def __init__(self, post: Post, grace: float = GRACE) -> None:
        self._post = post
        self.grace = grace  # public: a test under load may give handlers longer
        self._pending: dict[str, Pending] = {}

    @contextlib.asynccontextmanager
    async def arrived(self, update: object) -> AsyncIterator[None]:
        """Around the whole handling of an update, from the moment it arrives."""
        if not isinstance(update, Update) or update.callback_query is None:
            yield
            return
        query, chat = update.callback_query, update.effective_chat
        pending = Pending(query.id, chat.id if chat is not None else None)
        self._pending[query.id] = pending
        # A timer, not a task: most taps are answered by their handler well within GRACE.
        loop = asyncio.get_running_loop()
        pending.timer = loop.call_later(self.grace, self._answer_late, pending)
        token = _current.set(pending)
        try:
            yield
        finally:
            _current.reset(token)
            pending.timer.cancel()
            await self._settle(pending)
            if pending.late is not None:
                await pending.late
            self._pending.pop(query.id, None)

    def already_applied(self, update: object) -> None:
        """A redelivered tap that was applied (and answered) before needs no second answer,
        unless its empty answer already went out while it waited for its turn."""
        if isinstance(update, Update) and update.callback_query is not None:
            pending = self._pending.get(update.callback_query.id)
            if pending is not None and pending.claim():
                pending.answered.set()

    async def before(self, endpoint: str, data: dict[str, Any]) -> bool:
        """Called before each Bot API call; False: drop this call (a late answer)."""
        if endpoint == ANSWER:
            pending = self._pending.get(str(data.get("callback_query_id")))
            if pending is None or pending.claim():
                return True
            await self._late(pending, data)
            return False
        pending = _current.get()
        if pending is not None:
            await self._settle(pending)
        return True

    def after(self, endpoint: str, data: dict[str, Any]) -> None:
        """Called after each Bot API call that went out (or failed)."""
        if endpoint == ANSWER:
            pending = self._pending.get(str(data.get("callback_query_id")))
            if pending is not None:
                pending.answered.set()

    def _answer_late(self, pending: Pending) -> None:
        if not pending.claimed:
            pending.late = asyncio.get_running_loop().create_task(self._settle(pending))

    async def _settle(self, pending: Pending) -> None:
        """Answered by now: empty if nobody answered yet, else wait for the answer under way."""
        if not pending.claim():
            await pending.answered.wait()
            return
        try:
            await self._post(ANSWER, {"callback_query_id": pending.query_id})
        except Exception as error:  # noqa: BLE001 - a missed answer must not fail the update
            log.info("a callback query was not answered: %s", type(error).__name__)
        finally:
            pending.answered.set()

    async def _late(self, pending: Pending, data: dict[str, Any]) -> None:
        """A handler answered after the empty answer went out: an alert becomes a message."""
        await pending.answered.wait()
        text = data.get("text")
        if not (data.get("show_alert") and text and pending.chat_id is not None):
            log.debug("a late callback answer was dropped")
            return
        try:
            await self._post("sendMessage", {"chat_id": pending.chat_id, "text": text})
        except Exception as error:  # noqa: BLE001 - as an unanswerable alert would be
            log.info("a late alert was not delivered: %s", type(error).__name__)

"""The emulator facade: a bot identity, the world state, method dispatch and rate limits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from sandbox.emulator.errors import BotApiError, not_found
from sandbox.emulator.events import Event, Seen, Watcher
from sandbox.emulator.methods import ALL_METHODS, SEND_METHODS
from sandbox.emulator.params import Params
from sandbox.emulator.ratelimit import RateLimiter, RateLimits
from sandbox.emulator.scenario import UserDriver
from sandbox.emulator.state import ApiCall, ChatState, EmulatorState, Stats

DEFAULT_TOKEN = "123456:TEST-TOKEN"


class TelegramEmulator:
    """An in-memory Telegram Bot API for one bot; serve it over HTTP with `EmulatorServer`."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_first_name: str = "Test Bot",
        bot_username: str = "test_bot",
        rate_limits: bool = False,
        limits: RateLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
        first_update_id: int = 1,
        wall_clock: Callable[[], float] | None = None,
    ) -> None:
        prefix = token.split(":", 1)[0]
        bot = {
            "id": int(prefix) if prefix.isdigit() else 123456,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.token = token
        self.state = EmulatorState(bot, first_update_id)
        if wall_clock is not None:  # the dates on messages: Unix seconds (default: time.time)
            self.state.wall = wall_clock
        self.rate_limits = rate_limits
        self.limiter = RateLimiter(limits or RateLimits(), clock)
        self._drivers: dict[int, UserDriver] = {}
        self._held: dict[int, asyncio.Event] = {}

    def hold_sends(self, chat_id: int) -> None:
        """Messages to `chat_id` wait (the bot is mid-update) until `drop_held`, which fails
        them with 502 and records nothing: for tests that kill the bot at that moment."""
        self._held.setdefault(chat_id, asyncio.Event())

    def drop_held(self, chat_id: int) -> None:
        held = self._held.pop(chat_id, None)
        if held is not None:
            held.set()

    def watch(self, watcher: Watcher) -> Callable[[], None]:
        """Call `watcher(seen)` synchronously as each Bot API call arrives and as it succeeds
        (before the answer leaves), and around each webhook delivery (`Seen`); returns the
        function that stops it. For tests that act at an exact point of the bot's work, e.g.
        kill it right after Telegram recorded a message and before the bot read the answer."""
        self.state.watchers.append(watcher)

        def unwatch() -> None:
            if watcher in self.state.watchers:
                self.state.watchers.remove(watcher)

        return unwatch

    @property
    def bot(self) -> dict[str, Any]:
        """The bot's User object."""
        return self.state.bot

    @property
    def limits(self) -> RateLimits:
        """The rate-limit numbers (mutable; used only while `rate_limits` is true)."""
        return self.limiter.limits

    @property
    def stats(self) -> Stats:
        """Counters: sent, refused_429, updates, webhook_delivered, webhook_failed."""
        return self.state.stats

    @property
    def calls(self) -> list[ApiCall]:
        """Every Bot API call received, oldest first."""
        return list(self.state.calls)

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """The params of every call to `method` (case-insensitive)."""
        return [call.params for call in self.state.calls if call.method.lower() == method.lower()]

    def chat(self, chat_id: int) -> ChatState:
        """A chat's state (raises the Bot API's "chat not found" error)."""
        return self.state.chat(chat_id)

    def user(
        self,
        id: int,
        first_name: str = "User",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        phone_number: str | None = None,
        started: bool = True,
    ) -> UserDriver:
        """A persona with a private chat; `started=False` models a user who never wrote."""
        if id in self._drivers:
            return self._drivers[id]
        user: dict[str, Any] = {"id": id, "is_bot": False, "first_name": first_name}
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        user.update({key: value for key, value in optional.items() if value})
        chat = self.state.add_user(user, started=started)
        driver = UserDriver(self.state, chat, phone_number or f"+1555{id % 10_000_000:07d}")
        self._drivers[id] = driver
        return driver

    def remove_user(self, id: int) -> bool:
        """Forget a persona and its private chat (the sandbox's "delete"); False if unknown."""
        self._drivers.pop(id, None)
        removed = self.state.chats.pop(id, None) is not None
        self.state.changed()
        return removed

    def subscribe(self) -> asyncio.Queue[Event]:
        """A queue of every event from now on (messages, edits, deletions, answers...)."""
        return self.state.bus.subscribe()

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None:
        """Stop a subscription."""
        self.state.bus.unsubscribe(queue)

    def close(self) -> None:
        """Release pending long polls (the server calls this before shutting down)."""
        self.state.closing = True
        self.state.changed()

    async def call(self, method: str, params: Params | dict[str, Any] | None = None) -> Any:
        """Run one Bot API method; raises `BotApiError` with Telegram's status and text."""
        params = params if isinstance(params, Params) else Params(params)
        logged = params.logged()
        self.state.log_call(method, logged, time.time())
        self.state.seen(Seen(method, logged))
        handler = ALL_METHODS.get(method.lower())
        if handler is None:
            raise not_found()
        is_send = method.lower() in SEND_METHODS
        chat_key = _chat_key(params)
        if is_send and chat_key in self._held:
            await self._held[chat_key].wait()  # a test kills the bot meanwhile
            raise BotApiError(502, "Bad Gateway")
        if is_send and self.rate_limits:
            try:
                self.limiter.check(chat_key)
            except BotApiError:
                self.stats.refused_429 += 1
                raise
        result = await handler(self.state, params)
        if is_send:
            self.stats.sent += 1
            if self.rate_limits:
                self.limiter.record(chat_key)
        self.state.seen(Seen(method, logged, answered=True, result=result))
        return result


def _chat_key(params: Params) -> int:
    raw = params.text("chat_id") or "0"
    try:
        return int(raw)
    except ValueError:
        return hash(raw)

"""Change notification: a wake-up-all notifier for waiters and an event bus for observers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple


class Event(NamedTuple):
    """Something visible happened in a chat, e.g. `("message", 42, {...message...})`.

    Kinds and data: "message" and "edited" (the message), "deleted" (`message_id`),
    "callback_answer" (`callback_query_id`, `text`, `show_alert`, `url`), "chat_action"
    (`action`), "inline_answer" (`results`), "commands" (chat_id 0), "blocked", "unblocked".
    """

    kind: str
    chat_id: int
    data: dict[str, Any]


class Notifier:
    """Wakes every waiter whenever the emulator's state changes; waiters re-check a predicate."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake all current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], seconds: float) -> bool:
        """Wait until `predicate()` is true; False if `seconds` pass first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            event = self._event
            if predicate():
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                return predicate()


class EventBus:
    """Fan-out of events to subscriber queues (the sandbox web chat listens here)."""

    def __init__(self) -> None:
        self._queues: list[asyncio.Queue[Event]] = []

    def subscribe(self) -> asyncio.Queue[Event]:
        """A new unbounded queue that receives every event from now on."""
        queue: asyncio.Queue[Event] = asyncio.Queue()
        self._queues.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None:
        """Stop delivering events to `queue` (no error if it was not subscribed)."""
        if queue in self._queues:
            self._queues.remove(queue)

    def publish(self, kind: str, chat_id: int, data: dict[str, Any]) -> None:
        """Deliver an event to every subscriber."""
        event = Event(kind, chat_id, data)
        for queue in self._queues:
            queue.put_nowait(event)


@dataclass(frozen=True)
class Seen:
    """What a watcher (`TelegramEmulator.watch`) is shown, synchronously, as it happens.

    A Bot API call when it arrives (`answered` False) and when it succeeded (`answered` True,
    with its `result`), before the answer leaves for the bot; a webhook delivery (`method`
    "webhook", `params` the update) before it is POSTed and after the bot answered 2xx.
    """

    method: str
    params: dict[str, Any]
    answered: bool = False
    result: Any = None


Watcher = Callable[[Seen], None]

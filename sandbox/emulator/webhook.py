"""Pushes queued updates to the configured webhook like Telegram's Bot API server does: up to
`max_connections` requests at once, but one at a time and in order within a chat (the next
update of a chat goes only after the webhook answered the previous one), retrying (bounded)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Hashable
from typing import Any

import httpx

from sandbox.emulator.events import Seen
from sandbox.emulator.state import EmulatorState

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def queue_key(update: dict[str, Any]) -> Hashable:
    """The chat an update belongs to (or its sender); updates of one key go one at a time."""
    payload = next((v for k, v in update.items() if k != "update_id" and isinstance(v, dict)), {})
    message = payload.get("message")
    for source in (
        payload.get("chat"),
        message.get("chat") if isinstance(message, dict) else None,
        payload.get("from"),
        payload.get("user"),
    ):
        if isinstance(source, dict) and "id" in source:
            return int(source["id"])
    return ("update", update.get("update_id"))


class WebhookDeliverer:
    """The delivery loop and its in-flight requests.

    Its httpx client is created on the first delivery (an SSL context costs ~50 ms) and closed
    by `aclose()`.
    """

    def __init__(
        self,
        state: EmulatorState,
        max_attempts: int = 5,
        backoff: float = 0.05,
        max_backoff: float | None = None,
    ) -> None:
        """Retries wait `backoff` doubled after each attempt, at most `max_backoff` (None: no
        cap); Telegram keeps retrying for hours, tests that restart the bot cap the wait."""
        self.state = state
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._client: httpx.AsyncClient | None = None
        self._busy: set[Hashable] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def retry_wait(self, attempt: int) -> float:
        """Seconds before the retry after failed attempt number `attempt` (from 0)."""
        wait: float = self.backoff * 2**attempt
        return wait if self.max_backoff is None else min(wait, self.max_backoff)

    async def aclose(self) -> None:
        """Close the HTTP client, if one was created."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
            self._client = httpx.AsyncClient(timeout=60, limits=limits)
        return self._client

    def _ready(self) -> list[dict[str, Any]]:
        """The oldest pending update of each chat with nothing in flight, up to the free
        connections."""
        hook = self.state.webhook
        free = hook.max_connections - len(self._tasks)
        if not hook.url or free <= 0 or not self.state.updates:
            return []
        ready: list[dict[str, Any]] = []
        blocked = set(self._busy)
        for update in self.state.deliverable(hook.allowed_updates, len(self.state.updates)):
            key = queue_key(update)
            if key in blocked:
                continue
            blocked.add(key)
            ready.append(update)
            if len(ready) >= free:
                break
        return ready

    async def run(self) -> None:
        """Deliver forever (until cancelled)."""
        try:
            while True:
                await self.state.notifier.wait_for(lambda: bool(self._ready()), 3600)
                for update in self._ready():
                    key = queue_key(update)
                    self._busy.add(key)
                    task = asyncio.create_task(self._one(update, key))
                    self._tasks.add(task)
        finally:
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _one(self, update: dict[str, Any], key: Hashable) -> None:
        try:
            if await self._deliver(update):
                with contextlib.suppress(ValueError):
                    self.state.updates.remove(update)
        finally:
            self._busy.discard(key)
            task = asyncio.current_task()
            if task is not None:
                self._tasks.discard(task)
            self.state.changed()

    async def _deliver(self, update: dict[str, Any]) -> bool:
        """True when the update is finished with (delivered or given up on)."""
        for attempt in range(self.max_attempts):
            hook = self.state.webhook
            if not hook.url:
                return False
            headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
            self.state.seen(Seen("webhook", update))
            try:
                response = await self._http().post(hook.url, json=update, headers=headers)
                if response.is_success:
                    self.state.stats.webhook_delivered += 1
                    self.state.seen(Seen("webhook", update, answered=True))
                    return True
                error = f"Wrong response from the webhook: {response.status_code}"
            except httpx.HTTPError as exc:
                error = f"Connection failed: {type(exc).__name__}"
            hook.last_error_date, hook.last_error_message = int(time.time()), error
            if attempt + 1 < self.max_attempts:
                await asyncio.sleep(self.retry_wait(attempt))
        logger.warning("webhook gave up on update %s", update["update_id"])
        self.state.stats.webhook_failed += 1
        return True

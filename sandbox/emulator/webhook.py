"""Pushes queued updates to the configured webhook, in order, retrying like Telegram (bounded)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx

from sandbox.emulator.state import EmulatorState

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookDeliverer:
    """One delivery loop: POST the oldest update, drop it once delivered or out of attempts.

    Its httpx client is created on the first delivery (an SSL context costs ~50 ms) and closed
    by `aclose()`.
    """

    def __init__(self, state: EmulatorState, max_attempts: int = 5, backoff: float = 0.05) -> None:
        self.state = state
        self.max_attempts = max_attempts
        self.backoff = backoff
        self._client: httpx.AsyncClient | None = None

    async def aclose(self) -> None:
        """Close the HTTP client, if one was created."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=10)
        return self._client

    def _next_update(self) -> dict[str, Any] | None:
        hook = self.state.webhook
        if not hook.url:
            return None
        pending = self.state.deliverable(hook.allowed_updates, 1)
        return pending[0] if pending else None

    async def run(self) -> None:
        """Deliver forever (until cancelled)."""
        while True:
            await self.state.notifier.wait_for(lambda: self._next_update() is not None, 3600)
            update = self._next_update()
            if update is None:
                continue
            finished = await self._deliver(update)
            if finished and self.state.updates and self.state.updates[0] is update:
                self.state.updates.popleft()
            self.state.changed()

    async def _deliver(self, update: dict[str, Any]) -> bool:
        """True when the update is finished with (delivered or given up on)."""
        for attempt in range(self.max_attempts):
            hook = self.state.webhook
            if not hook.url:
                return False
            headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
            try:
                response = await self._http().post(hook.url, json=update, headers=headers)
                if response.is_success:
                    self.state.stats.webhook_delivered += 1
                    return True
                error = f"Wrong response from the webhook: {response.status_code}"
            except httpx.HTTPError as exc:
                error = f"Connection failed: {type(exc).__name__}"
            hook.last_error_date, hook.last_error_message = int(time.time()), error
            if attempt + 1 < self.max_attempts:
                await asyncio.sleep(self.backoff * 2**attempt)
        logger.warning("webhook gave up on update %s", update["update_id"])
        self.state.stats.webhook_failed += 1
        return True

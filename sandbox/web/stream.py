"""`GET /api/events`: emulator events as Server-Sent Events, so the page updates live.

A stream ends when the client goes away (Starlette watches for the disconnect), when the hub is
closed, or when the emulator closes: uvicorn waits for open responses before it stops, so an
endless stream would hold up every shutdown.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from sandbox.emulator.events import Event
from sandbox.web.hub import ChatHub
from sandbox.web.views import message_view

_MESSAGE_KINDS = ("message", "edited")
_PASSED_KINDS = ("deleted", "callback_answer", "chat_action", "commands", "blocked", "unblocked")
_PAGE_KINDS = ("personas",)
RETRY_MILLISECONDS = 2000


def sse(kind: str, data: dict[str, Any]) -> str:
    """One SSE frame (JSON has no raw newlines, so one data line is enough)."""
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


class EventStream:
    """The route and the per-client generator."""

    def __init__(self, hub: ChatHub) -> None:
        self.hub = hub

    def routes(self) -> list[Route]:
        """The SSE route."""
        return [Route("/api/events", self.events, methods=["GET"])]

    async def events(self, request: Request) -> Response:
        """The live stream (`retry` set so a browser reconnects quickly after a restart)."""
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(self._frames(), media_type="text/event-stream", headers=headers)

    def _ended(self) -> bool:
        return self.hub.closed or self.hub.state.closing

    async def _frames(self) -> AsyncIterator[str]:
        queue = self.hub.open_stream()
        try:
            yield f"retry: {RETRY_MILLISECONDS}\n: connected\n\n"
            while not self._ended():
                frame = await self._next_frame(queue)
                if frame is not None:
                    yield frame
        finally:
            self.hub.close_stream(queue)

    async def _next_frame(self, queue: asyncio.Queue[Event]) -> str | None:
        """The next event's frame, a keep-alive comment after a quiet spell, or None to re-check.

        Waiting on the state's notifier (rather than the queue alone) also wakes on the
        emulator closing; every bus event notifies it too.
        """
        notifier = self.hub.state.notifier
        ready = await notifier.wait_for(
            lambda: not queue.empty() or self._ended(), self.hub.keepalive
        )
        if not ready:
            return ": keep-alive\n\n"
        if queue.empty():
            return None
        return self._frame(queue.get_nowait())

    def _frame(self, event: Event) -> str | None:
        if event.kind in _MESSAGE_KINDS:
            chat = self.hub.state.chats.get(event.chat_id)
            stored = chat.messages.get(int(event.data["message_id"])) if chat else None
            if stored is None:
                return None  # the persona was removed meanwhile
            view = message_view(self.hub.state, stored)
            return sse(event.kind, {"chat_id": event.chat_id, "message": view})
        if event.kind in _PASSED_KINDS or event.kind in _PAGE_KINDS:
            return sse(event.kind, {"chat_id": event.chat_id, **event.data})
        return None  # "close" and kinds the page has no use for (inline answers)

"""What the local peers share: serving, recording requests, failing on demand (the test suite's
fakes and the sandbox's peers alike).

A fake is an `AsgiServer` (the emulator's in-loop uvicorn runner, which shuts down cleanly
enough for `filterwarnings = error`) with a Starlette app, so a test starts one with
`async with FakeX() as fake:` and points the real adapter at `fake.base_url`. No import of the
product's code.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import BaseRoute

from sandbox.emulator.server import AsgiServer

__all__ = ["AsgiServer", "FakeService", "RecordedRequest"]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the fake received it; header names are lower case."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class FakeService(AsgiServer):
    """Base for fakes: `requests` records everything; `fail_status` and `delay` misbehave.

    `delay` seconds pass before each answer (use it beyond the client's timeout); stopping the
    server cuts the wait short, so a timed-out request does not hold up the test's teardown.
    """

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        super().__init__(Starlette(routes=list(routes)))
        self.requests: list[RecordedRequest] = []
        self.fail_status: int | None = None
        self.delay = 0.0
        self._closing = asyncio.Event()

    async def start(self) -> None:
        self._closing = asyncio.Event()
        await super().start()

    async def stop(self) -> None:
        self._closing.set()
        await super().stop()

    async def record(self, request: Request) -> RecordedRequest:
        recorded = RecordedRequest(
            method=request.method,
            path=request.url.path,
            query=dict(request.query_params),
            headers={name.lower(): value for name, value in request.headers.items()},
            body=await request.body(),
        )
        self.requests.append(recorded)
        return recorded

    async def pause(self) -> None:
        """Wait `delay` seconds, or until the server stops."""
        if self.delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.delay)

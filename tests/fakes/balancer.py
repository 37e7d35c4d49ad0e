"""A round-robin HTTP load balancer for tests: each request goes to the next backend; a backend
that refuses or drops the connection is skipped (the request goes to the next one), as a real
balancer with passive health checks does. Records which backend served each update."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.emulator.webhook import queue_key

FORWARDED = ("content-type", "x-telegram-bot-api-secret-token")


class Balancer:
    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.served: list[Served] = []
        self.failovers = 0
        self._turn = itertools.count()
        self._client = httpx.AsyncClient(timeout=60)
        self.app = Starlette(routes=[Route("/{path:path}", self._forward, methods=["POST"])])

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _forward(self, request: Request) -> Response:
        body = await request.body()
        headers = {k: v for k, v in request.headers.items() if k.lower() in FORWARDED}
        start = next(self._turn)
        for step in range(len(self.backends)):
            index = (start + step) % len(self.backends)
            try:
                answer = await self._client.post(
                    f"{self.backends[index]}{request.url.path}", content=body, headers=headers
                )
            except httpx.TransportError:
                self.failovers += 1
                continue
            self.served.append(Served(_update(body), index, body))
            return Response(answer.content, status_code=answer.status_code)
        return Response(status_code=502)


@dataclass(frozen=True)
class Served:
    update: dict[str, Any]
    backend: int
    body: bytes

    @property
    def chat(self) -> Any:
        return queue_key(self.update)


def _update(body: bytes) -> dict[str, Any]:
    try:
        data: Any = json.loads(body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}

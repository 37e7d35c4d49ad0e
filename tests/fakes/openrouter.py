"""A local OpenRouter chat completions API (OpenAI-compatible), see docs/protocols.md, OpenRouter.

    async with FakeOpenRouter(api_key="sk-or-v1-test") as router:
        model = HttpOpenRouter(client, "sk-or-v1-test", base_url=router.base_url)
        router.answer = '{"intent": "new_order"}'      # or a callable(request body) -> str
        ...
        router.bodies[-1]["messages"]                  # exactly what left the process

Misbehaving on demand: `fail(429, retry_after="3")` (the next call; `times=` for more),
`fail(402)` (credits), `error_in_choice = 502` (a 200 whose `choices[0].error` is set),
`error_after_start = 502` (a 200 with a top-level `error`, as when generation broke off),
`delay` (beyond the client's timeout), `malformed = True` (a 200 that is not JSON).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import FakeService

BASE_PATH = "/api/v1"
MESSAGES = {
    400: "Invalid request: messages must be a non-empty array",
    401: "No auth credentials found",
    402: "Insufficient credits. Add more using https://openrouter.ai/credits",
    403: "Input was flagged by moderation",
    408: "Request timed out",
    429: "Rate limit exceeded: free-models-per-min",
    502: "Provider returned error",
    503: "No endpoints found that can handle the requested parameters",
}
RESPONSE_FORMATS = frozenset({"text", "json_object", "json_schema"})
ROLES = frozenset({"system", "user", "assistant", "tool"})


def openrouter_error(status: int, message: str | None = None, **headers: str) -> JSONResponse:
    """`{"error": {"code": 429, "message": "...", "metadata": {...}}}` with the same status."""
    error: dict[str, Any] = {"code": status, "message": message or MESSAGES.get(status, "Error")}
    if status == 402:
        error["metadata"] = {"limit_source": "credits"}
    return JSONResponse({"error": error}, status_code=status, headers=headers)


class FakeOpenRouter(FakeService):
    """`POST /api/v1/chat/completions`; answers `answer` (a string or a function of the body)."""

    def __init__(self, api_key: str = "sk-or-v1-fake") -> None:
        route = Route(f"{BASE_PATH}/chat/completions", self._complete, methods=["POST"])
        super().__init__([route])
        self.api_key = api_key
        self.answer: str | Callable[[dict[str, Any]], str] = '{"ok": true}'
        self.bodies: list[dict[str, Any]] = []
        self.error_in_choice: int | None = None
        self.error_after_start: int | None = None
        self.malformed = False
        self._failures: list[tuple[int, dict[str, str]]] = []

    @property
    def base_url(self) -> str:
        """What `HttpOpenRouter(base_url=...)` expects."""
        return f"{self.url}{BASE_PATH}"

    def fail(self, status: int, times: int = 1, retry_after: str | None = None) -> None:
        """The next `times` calls get `status` with OpenRouter's error body."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self._failures += [(status, headers)] * times

    async def _complete(self, request: Request) -> Response:
        recorded = await self.record(request)
        await self.pause()
        if self.fail_status is not None:
            return openrouter_error(self.fail_status)
        if self._failures:
            status, headers = self._failures.pop(0)
            return openrouter_error(status, **headers)
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return openrouter_error(401)
        try:
            body = json.loads(recorded.body)
        except ValueError:
            return openrouter_error(400, "Invalid JSON body")
        problem = _invalid(body)
        if problem is not None:
            return openrouter_error(400, problem)
        self.bodies.append(body)
        return self._answer(body)

    def _answer(self, body: dict[str, Any]) -> Response:
        if self.malformed:
            return Response(b'{"id": "gen-1", "choices": [{"mess', media_type="application/json")
        text = self.answer(body) if callable(self.answer) else self.answer
        choice: dict[str, Any] = {
            "index": 0,
            "finish_reason": "stop",
            "native_finish_reason": "stop",
        }
        choice["message"] = {"role": "assistant", "content": text}
        if self.error_in_choice is not None:
            choice["error"] = {"code": self.error_in_choice, "message": "Upstream error"}
            choice["finish_reason"] = "error"
        completion = {
            "id": f"gen-{uuid.uuid4().hex[:12]}",
            "provider": "OpenAI",
            "model": body.get("model", "openai/gpt-4o-mini"),
            "object": "chat.completion",
            "created": int(time.time()),
            "choices": [choice],
            "usage": {"prompt_tokens": 20, "completion_tokens": 10, "total_tokens": 30},
        }
        if self.error_after_start is not None:
            error = {"code": self.error_after_start, "message": "Provider disconnected"}
            completion = {"id": completion["id"], "error": error, "choices": []}
        return JSONResponse(completion, headers={"X-Generation-Id": completion["id"]})


def _invalid(body: Any) -> str | None:
    """What a real endpoint would refuse with 400, or None."""
    if not isinstance(body, dict):
        return "Body must be a JSON object"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "Invalid request: messages must be a non-empty array"
    for message in messages:
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            return "Invalid request: each message needs a valid role"
        if not isinstance(message.get("content"), str):
            return "Invalid request: message content must be a string"
    fmt = body.get("response_format")
    known = fmt is None or (isinstance(fmt, dict) and fmt.get("type") in RESPONSE_FORMATS)
    if not known:
        return "Invalid response_format"
    temperature = body.get("temperature", 1)
    if not isinstance(temperature, int | float) or not 0 <= temperature <= 2:
        return "temperature must be between 0 and 2"
    return None

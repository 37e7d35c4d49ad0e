"""A local YandexGPT gRPC service (`TextGenerationService.Completion`), see docs/protocols.md.

    async with FakeYandexGpt(folder_id="b1gfolder", api_key="key") as gpt:
        model = GrpcYandexGpt(gpt.endpoint, "b1gfolder", api_key="key", secure=False)
        gpt.answer = '{"intent": "new_order"}'     # or a callable(CompletionRequest) -> str
        ...
        gpt.requests[-1].request.messages          # exactly what left the process

A `grpc.aio` server on 127.0.0.1 in the test's event loop. It checks the `authorization`
metadata (`Api-Key` or `Bearer`; anything else: UNAUTHENTICATED), `x-folder-id` when sent,
the `model_uri` shape and folder, the messages and the temperature; then streams a PARTIAL
alternative and a FINAL one with usage (counts are int64). The real service sends the PARTIAL
chunks only with `stream=true`; `partial_first = False` does the same.

Misbehaving on demand: `fail()` (the next call aborts with RESOURCE_EXHAUSTED and the quota
message; any code and `times=`), `final_status` (e.g. CONTENT_FILTER), `delay` (seconds before
answering, beyond the client's deadline).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import grpc
from yandex.cloud.ai.foundation_models.v1 import text_common_pb2 as common
from yandex.cloud.ai.foundation_models.v1.text_generation import (
    text_generation_service_pb2 as generation,
)
from yandex.cloud.ai.foundation_models.v1.text_generation import (
    text_generation_service_pb2_grpc as generation_grpc,
)

MODEL_URI = re.compile(
    r"gpt://([^/]+)/(yandexgpt-lite|yandexgpt|yandexgpt-32k|llama-lite|llama)(/(latest|rc|deprecated))?"
)
QUOTA = (
    "ai.textGenerationCompletionSessionsCount.count gauge quota limit exceed: allowed 10 requests"
)
ROLES = frozenset({"system", "user", "assistant"})
Alternative = common.Alternative


@dataclass(frozen=True)
class Call:
    """One Completion call as the fake received it; metadata keys are lower case."""

    request: Any  # CompletionRequest
    metadata: dict[str, str]


class _Refused(Exception):
    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class FakeYandexGpt:
    """Serves `TextGenerationService` on `endpoint` (host:port, insecure)."""

    def __init__(
        self,
        folder_id: str = "b1gfakefolder",
        api_key: str | None = "fake-yc-api-key",
        iam_token: str | None = "t1.fake-iam-token",
    ) -> None:
        self.folder_id, self.api_key, self.iam_token = folder_id, api_key, iam_token
        self.answer: str | Callable[[Any], str] = '{"ok": true}'
        self.partial_first = True
        self.final_status = Alternative.ALTERNATIVE_STATUS_FINAL
        self.delay = 0.0
        self.requests: list[Call] = []
        self.endpoint = ""
        self._failures: list[tuple[grpc.StatusCode, str]] = []
        self._server: Any = None

    def fail(
        self,
        code: grpc.StatusCode = grpc.StatusCode.RESOURCE_EXHAUSTED,
        message: str = QUOTA,
        times: int = 1,
    ) -> None:
        self._failures += [(code, message)] * times

    async def __aenter__(self) -> Self:
        self._server = grpc.aio.server()
        generation_grpc.add_TextGenerationServiceServicer_to_server(_Servicer(self), self._server)
        port = self._server.add_insecure_port("127.0.0.1:0")
        await self._server.start()
        self.endpoint = f"127.0.0.1:{port}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._server.stop(None)

    def check(self, request: Any, metadata: dict[str, str]) -> None:
        """Raise _Refused as the real service would; forced failures first."""
        if self._failures:
            raise _Refused(*self._failures.pop(0))
        scheme, _, secret = metadata.get("authorization", "").partition(" ")
        valid = {("Api-Key", self.api_key), ("Bearer", self.iam_token)}
        if not secret or (scheme, secret) not in valid:
            raise _Refused(grpc.StatusCode.UNAUTHENTICATED, "The token is invalid")
        folder = metadata.get("x-folder-id")
        uri = MODEL_URI.fullmatch(request.model_uri)
        if uri is None:
            raise _Refused(grpc.StatusCode.INVALID_ARGUMENT, "invalid model_uri")
        if uri.group(1) != self.folder_id or folder not in (None, self.folder_id):
            raise _Refused(grpc.StatusCode.PERMISSION_DENIED, "Permission denied")
        _check_messages(request)

    def reply(self, request: Any) -> list[Any]:
        """A PARTIAL chunk (cumulative text, as the service streams) and the FINAL one."""
        text = self.answer(request) if callable(self.answer) else self.answer
        final = Alternative(
            message=common.Message(role="assistant", text=text), status=self.final_status
        )
        usage = common.ContentUsage(input_text_tokens=28, completion_tokens=max(1, len(text) // 4))
        usage.total_tokens = usage.input_text_tokens + usage.completion_tokens
        responses = [
            generation.CompletionResponse(
                alternatives=[final], usage=usage, model_version="23.10.2024"
            )
        ]
        if self.partial_first or request.completion_options.stream:
            partial = Alternative(
                message=common.Message(role="assistant", text=text[: len(text) // 2]),
                status=Alternative.ALTERNATIVE_STATUS_PARTIAL,
            )
            responses.insert(
                0,
                generation.CompletionResponse(alternatives=[partial], model_version="23.10.2024"),
            )
        return responses


def _check_messages(request: Any) -> None:
    if not request.messages:
        raise _Refused(grpc.StatusCode.INVALID_ARGUMENT, "messages must not be empty")
    for message in request.messages:
        if message.role not in ROLES or not message.text:
            raise _Refused(grpc.StatusCode.INVALID_ARGUMENT, "invalid message")
    options = request.completion_options
    if options.HasField("temperature") and not 0 <= options.temperature.value <= 1:
        raise _Refused(grpc.StatusCode.INVALID_ARGUMENT, "temperature must be within [0, 1]")


class _Servicer(generation_grpc.TextGenerationServiceServicer):
    def __init__(self, fake: FakeYandexGpt) -> None:
        self.fake = fake

    async def Completion(self, request: Any, context: Any) -> AsyncIterator[Any]:
        metadata = {key.lower(): value for key, value in context.invocation_metadata()}
        self.fake.requests.append(Call(request, metadata))
        if self.fake.delay:
            await asyncio.sleep(self.fake.delay)
        try:
            self.fake.check(request, metadata)
        except _Refused as refusal:
            await context.abort(refusal.code, refusal.message)
        for response in self.fake.reply(request):
            yield response

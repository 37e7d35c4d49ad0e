"""Chat completions with YandexGPT over gRPC, see docs/protocols.md, YandexGPT.

Uses the stubs generated into the `yandexcloud` package (`TextGenerationService.Completion`,
unary request, server-streamed answers) on a `grpc.aio` channel to a configured endpoint, so
the SDK's blocking endpoint discovery never runs. Credentials go as call metadata: an API key
(`Api-Key`) or an IAM token (`Bearer`, with `x-folder-id`, which the docs say to leave out for
service-account API keys). Text sent here must already be de-identified (`core.deid`); prompts,
answers and credentials are never logged, only gRPC status codes.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import grpc  # type: ignore[import-untyped]  # no stubs; types-grpcio would add them
from yandex.cloud.ai.foundation_models.v1 import text_common_pb2 as common
from yandex.cloud.ai.foundation_models.v1.text_generation import (
    text_generation_service_pb2 as generation,
)
from yandex.cloud.ai.foundation_models.v1.text_generation import (
    text_generation_service_pb2_grpc as generation_grpc,
)

from core.errors import ExternalServiceError

log = logging.getLogger(__name__)

SERVICE = "yandexgpt"
FINAL = frozenset(
    {
        common.Alternative.ALTERNATIVE_STATUS_FINAL,
        common.Alternative.ALTERNATIVE_STATUS_TRUNCATED_FINAL,
    }
)
# Asking again will not help: bad credentials, no access, a request the service refuses.
FINAL_CODES = frozenset(
    {
        grpc.StatusCode.UNAUTHENTICATED,
        grpc.StatusCode.PERMISSION_DENIED,
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.OUT_OF_RANGE,
        grpc.StatusCode.UNIMPLEMENTED,
    }
)


class GrpcYandexGpt:
    """`core.ports.ChatModel` over YandexGPT's gRPC API; close with `aclose()`."""

    def __init__(
        self,
        endpoint: str,
        folder_id: str,
        api_key: str | None = None,
        iam_token: str | None = None,
        model: str = "yandexgpt-lite/latest",
        secure: bool = True,
        timeout: float = 30.0,
        temperature: float = 0.1,
        max_tokens: int = 2000,
    ) -> None:
        if (api_key is None) == (iam_token is None):
            raise ValueError("GrpcYandexGpt needs exactly one of api_key and iam_token")
        self._endpoint = endpoint
        self._secure = secure
        self._timeout = timeout
        self._model_uri = f"gpt://{folder_id}/{model}"
        self._options = common.CompletionOptions(stream=False)
        self._options.temperature.value = temperature  # google.protobuf.DoubleValue
        self._options.max_tokens.value = max_tokens  # Int64Value
        if api_key is not None:
            self._auth: list[tuple[str, str]] = [("authorization", f"Api-Key {api_key}")]
        else:
            self._auth = [("authorization", f"Bearer {iam_token}"), ("x-folder-id", folder_id)]
        self._channel: Any = None
        self._stub: Any = None

    async def complete(self, system: str, user: str, json_mode: bool = True) -> str:
        """The final alternative's text; raises ExternalServiceError on failure."""
        messages = [common.Message(role="system", text=system)] if system else []
        messages.append(common.Message(role="user", text=user))
        request = generation.CompletionRequest(
            model_uri=self._model_uri,
            completion_options=self._options,
            messages=messages,
            json_object=json_mode,
        )
        metadata = (*self._auth, ("x-client-request-id", str(uuid.uuid4())))
        metadata += (("x-data-logging-enabled", "false"),)
        try:
            # The deadline on the loop's monotonic clock, not gRPC's: gRPC reckons its own by
            # time.time(), so a wall clock stepped back or ahead ends a call at once or never.
            async with asyncio.timeout(self._timeout):
                call = self._connect().Completion(request, metadata=metadata)
                return await _final_text(call)
        except TimeoutError:
            log.warning("YandexGPT failed: gRPC DEADLINE_EXCEEDED")
            raise ExternalServiceError(SERVICE, "gRPC DEADLINE_EXCEEDED", True) from None
        except grpc.aio.AioRpcError as error:
            code = error.code()
            log.warning("YandexGPT failed: gRPC %s", code.name)
            retryable = code not in FINAL_CODES
            raise ExternalServiceError(SERVICE, f"gRPC {code.name}", retryable) from None

    async def aclose(self) -> None:
        """Close the channel (a later call opens a new one)."""
        channel, self._channel, self._stub = self._channel, None, None
        if channel is not None:
            await channel.close()

    def _connect(self) -> Any:
        """The stub, on a channel opened at first use (inside the running event loop)."""
        if self._stub is None:
            if self._secure:
                credentials = grpc.ssl_channel_credentials()
                self._channel = grpc.aio.secure_channel(self._endpoint, credentials)
            else:
                self._channel = grpc.aio.insecure_channel(self._endpoint)
            self._stub = generation_grpc.TextGenerationServiceStub(self._channel)
        return self._stub


async def _final_text(call: Any) -> str:
    """Read the stream to its end; the last alternative must be FINAL (or TRUNCATED_FINAL)."""
    last = None
    async for response in call:
        if response.alternatives:
            last = response.alternatives[0]
    if last is None:
        raise _failure("no alternatives", retryable=True)
    if last.status == common.Alternative.ALTERNATIVE_STATUS_CONTENT_FILTER:
        raise _failure("content filter", retryable=False)
    if last.status not in FINAL:
        raise _failure("stream ended before the final answer", retryable=True)
    text: str = last.message.text
    if not text.strip():
        raise _failure("empty answer", retryable=True)
    return text


def _failure(reason: str, retryable: bool) -> ExternalServiceError:
    log.warning("YandexGPT failed: %s", reason)
    return ExternalServiceError(SERVICE, reason, retryable)

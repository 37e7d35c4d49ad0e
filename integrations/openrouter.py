"""Chat completions through OpenRouter (OpenAI-compatible), see docs/protocols.md, OpenRouter.

Text sent here must already be de-identified (`core.deid`). Errors follow OpenRouter's table:
bad requests, keys, credits and moderation (400, 401, 402, 403) are final; timeouts, rate
limits and unavailable providers (408, 429, 502, 503) may pass, and `retry_after` carries the
server's `Retry-After` when it sent one. A 200 can still carry an error (in `choices[0]` or at
the top level, once generation began). Prompts, answers, error messages and the key are never
logged: only statuses, codes and exception types.
"""

from __future__ import annotations

import logging
from email.utils import parsedate_to_datetime
from time import time
from typing import Any

import httpx

from core.errors import ExternalServiceError

log = logging.getLogger(__name__)

SERVICE = "openrouter"
DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
DEFAULT_MODEL = "openai/gpt-4o-mini"
RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


class OpenRouterError(ExternalServiceError):
    """An OpenRouter failure; `retry_after` (seconds) when the server asked for a pause."""

    def __init__(
        self,
        reason: str,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(SERVICE, reason, retryable)
        self.status = status
        self.retry_after = retry_after


class HttpOpenRouter:
    """`core.ports.ChatModel` over `POST {base_url}/chat/completions` with a shared client."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        api_key: str,
        model: str = DEFAULT_MODEL,
        base_url: str = DEFAULT_BASE_URL,
        app_title: str = "AstraCRM",
        referer: str | None = None,
        timeout: float = 30.0,
        temperature: float = 0.1,
        max_tokens: int | None = None,
    ) -> None:
        self._client = client
        self._url = f"{base_url.rstrip('/')}/chat/completions"
        self._headers = {"Authorization": f"Bearer {api_key}", "X-Title": app_title}
        if referer:
            self._headers["HTTP-Referer"] = referer
        self._model = model
        self._timeout = timeout
        self._temperature = temperature
        self._max_tokens = max_tokens

    async def complete(self, system: str, user: str, json_mode: bool = True) -> str:
        """The assistant's text; raises OpenRouterError (an ExternalServiceError) on failure."""
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        body: dict[str, Any] = {
            "model": self._model,
            "messages": messages,
            "temperature": self._temperature,
            "stream": False,
        }
        if self._max_tokens is not None:
            body["max_tokens"] = self._max_tokens
        if json_mode:
            body["response_format"] = {"type": "json_object"}
        return answer_of(await self._post(body))

    async def _post(self, body: dict[str, Any]) -> Any:
        try:
            response = await self._client.post(
                self._url, json=body, headers=self._headers, timeout=self._timeout
            )
        except httpx.TimeoutException as error:
            log.warning("OpenRouter failed: %s", type(error).__name__)
            raise OpenRouterError("timeout", retryable=True) from None
        except httpx.HTTPError as error:
            log.warning("OpenRouter failed: %s", type(error).__name__)
            raise OpenRouterError(type(error).__name__, retryable=True) from None
        if response.status_code != httpx.codes.OK:
            code = _error_code(_json_or_none(response)) or response.status_code
            raise _failure(response.status_code, code, _retry_after(response))
        payload = _json_or_none(response)
        if payload is None:
            raise _failure(200, None, None, "unreadable response")
        return payload


def answer_of(payload: Any) -> str:
    """`choices[0].message.content`, or the error a 200 may carry instead."""
    if not isinstance(payload, dict):
        raise _failure(200, None, None, "unexpected response")
    if "error" in payload:  # the request failed after generation had begun
        raise _failure(200, _error_code(payload), None, "error in a 200 response")
    choices = payload.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise _failure(200, None, None, "no choices")
    choice = choices[0]
    if isinstance(choice.get("error"), dict):
        raise _failure(200, _error_code(choice), None, "error in the choice")
    if choice.get("finish_reason") == "error":
        raise _failure(200, None, None, "generation ended with an error")
    message = choice.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str) or not content.strip():
        raise _failure(200, None, None, "empty answer")
    return content


def _failure(
    status: int, code: int | None, retry_after: float | None, what: str | None = None
) -> OpenRouterError:
    """The error for an HTTP status and OpenRouter's own `error.code` (which decides)."""
    decisive = code if code is not None else status
    retryable = decisive in RETRYABLE or decisive >= 500 or decisive == 200
    reason = f"HTTP {status}" + (f", code {code}" if code is not None else "")
    reason += f": {what}" if what else ""
    log.warning("OpenRouter failed: %s", reason)
    return OpenRouterError(reason, retryable, status=status, retry_after=retry_after)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _error_code(payload: Any) -> int | None:
    """`error.code` as an int (OpenRouter mirrors the HTTP status there), else None."""
    error = payload.get("error") if isinstance(payload, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    return int(code) if isinstance(code, str) and code.isdigit() else None


def _retry_after(response: httpx.Response) -> float | None:
    """`Retry-After` in seconds: a number of seconds or an HTTP date."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time())
    except (TypeError, ValueError):
        return None

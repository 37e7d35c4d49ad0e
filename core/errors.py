"""Domain errors are codes with parameters; the presentation layer turns them into sentences."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule said no. `code` is stable and translated by the handlers; `params` fill it in."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __repr__(self) -> str:
        return f"DomainError({self.code!r})"


class ConcurrencyConflict(Exception):
    """Another process changed the same row first; the caller may retry or report a no-op."""


class DuplicateUpdate(Exception):
    """This Telegram update was already applied by this or another process."""


class ExternalServiceError(Exception):
    """An outside service failed. `retryable` says whether trying again later may help
    (timeouts, 429, 5xx) or not (bad credentials, a request it will always refuse)."""

    def __init__(self, service: str, reason: str, retryable: bool = True) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason
        self.retryable = retryable

"""Bot API error envelope: an exception carrying Telegram's HTTP status and description."""

from __future__ import annotations

from typing import Any


class BotApiError(Exception):
    """An error the emulator answers with, in Telegram's `{"ok": false, ...}` shape."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram would send for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> BotApiError:
    """HTTP 400, with Telegram's "Bad Request: " prefix."""
    return BotApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> BotApiError:
    """HTTP 403, with Telegram's "Forbidden: " prefix."""
    return BotApiError(403, f"Forbidden: {reason}")


def conflict(reason: str) -> BotApiError:
    """HTTP 409, as getUpdates answers when another consumer takes over."""
    return BotApiError(409, f"Conflict: {reason}")


def too_many_requests(retry_after: int) -> BotApiError:
    """HTTP 429 with `parameters.retry_after`, as Telegram's flood control answers."""
    return BotApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        {"retry_after": retry_after},
    )


def not_found() -> BotApiError:
    """HTTP 404, the answer to an unknown method."""
    return BotApiError(404, "Not Found")


def unauthorized() -> BotApiError:
    """HTTP 401, the answer to a wrong bot token."""
    return BotApiError(401, "Unauthorized")

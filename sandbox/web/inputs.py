"""Request validation for the web chat's JSON API: every bad input becomes a 4xx with a reason."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from starlette.requests import Request

MAX_JSON_BODY = 64 * 1024


class WebError(Exception):
    """A client error; the app turns it into `{"ok": false, "error": message}` with `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def invalid(message: str) -> WebError:
    """A 400 naming what is wrong with the input."""
    return WebError(400, message)


async def read_json(request: Request) -> dict[str, Any]:
    """The request body as a JSON object (an empty body is an empty object)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_JSON_BODY:
        raise WebError(413, f"the request body is larger than {MAX_JSON_BODY} bytes")
    body = await request.body()
    if len(body) > MAX_JSON_BODY:
        raise WebError(413, f"the request body is larger than {MAX_JSON_BODY} bytes")
    if not body.strip():
        return {}
    try:
        decoded = json.loads(body)
    except ValueError:
        raise invalid("the request body is not valid JSON") from None
    if not isinstance(decoded, dict):
        raise invalid("the request body must be a JSON object")
    return decoded


def text(
    body: dict[str, Any],
    name: str,
    *,
    required: bool = False,
    max_length: int = 4096,
    pattern: re.Pattern[str] | None = None,
) -> str | None:
    """A string field, stripped; None when absent or empty and not required."""
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise invalid(f"{name} is required")
        return None
    if not isinstance(value, str):
        raise invalid(f"{name} must be a string")
    value = value.strip()
    if len(value) > max_length:
        raise invalid(f"{name} is longer than {max_length} characters")
    if pattern is not None and not pattern.fullmatch(value):
        raise invalid(f"{name} has an invalid format")
    return value


def choice(body: dict[str, Any], name: str, options: tuple[str, ...], default: str) -> str:
    """One of `options` (default when absent)."""
    value = body.get(name, default)
    if value not in options:
        raise invalid(f"{name} must be one of: {', '.join(options)}")
    return str(value)


def number(body: dict[str, Any], name: str, low: float, high: float) -> float:
    """A required finite number within [low, high] (numeric strings are accepted)."""
    value = body.get(name)
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise invalid(f"{name} must be a number") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise invalid(f"{name} must be a number")
    if not low <= value <= high:
        raise invalid(f"{name} must be between {low:g} and {high:g}")
    return float(value)


def integer(
    body: dict[str, Any], name: str, low: int, high: int, *, required: bool = True
) -> int | None:
    """An integer within [low, high] (a digit string is accepted); None if optional and absent."""
    value = body.get(name)
    if value is None and not required:
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{name} must be an integer")
    if not low <= value <= high:
        raise invalid(f"{name} must be between {low} and {high}")
    return value

"""Bot API call parameters from any body Telegram accepts, with typed, Telegram-like accessors.

PTB sends url-encoded bodies whose non-string values are JSON text, so values stay raw here and
each method decodes a field by the type it expects (a text "123" stays a string).
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from sandbox.emulator.errors import bad_request


@dataclass(frozen=True)
class UploadedFile:
    """One multipart file part."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """The parameters of one call; raw values plus uploaded files keyed by field name."""

    def __init__(
        self, values: dict[str, Any] | None = None, files: dict[str, UploadedFile] | None = None
    ) -> None:
        self.values = dict(values or {})
        self.files = dict(files or {})

    def __contains__(self, name: str) -> bool:
        return name in self.values or name in self.files

    def logged(self) -> dict[str, Any]:
        """Best-effort decoded values for the call log (JSON-looking strings are decoded)."""
        decoded = {key: _maybe_json(value) for key, value in self.values.items()}
        for name, upload in self.files.items():
            decoded[name] = f"<file {upload.filename or name}, {len(upload.data)} bytes>"
        return decoded

    def text(self, name: str, default: str | None = None) -> str | None:
        """A string field (numbers and booleans sent by JSON clients are stringified)."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else str(value)

    def integer(self, name: str) -> int | None:
        """An integer field; a non-numeric value is a 400 like Telegram's."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str) -> float | None:
        """A float field."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        """A boolean field (JSON true, "true", "1")."""
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        """A JSON-typed field (object or array): decoded when it arrived as a string."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None


def _maybe_json(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def read_params(request: Request) -> Params:
    """Parse query string plus a JSON, url-encoded or multipart body into `Params`."""
    values: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        files: dict[str, UploadedFile] = {}
        async with request.form(max_files=100, max_fields=1000) as form:
            for key, item in form.multi_items():
                if isinstance(item, UploadFile):
                    data = await item.read()
                    files[key] = UploadedFile(item.filename, item.content_type, data)
                else:
                    values[key] = item
        return Params(values, files)
    body = await request.body()
    if content_type.startswith("application/json") and body.strip():
        try:
            decoded = json.loads(body)
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if isinstance(decoded, dict):
            values.update(decoded)
    elif body:
        values.update(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return Params(values)

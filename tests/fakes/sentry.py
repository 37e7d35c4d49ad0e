"""A local Sentry ingest endpoint: `POST /api/<project>/envelope/` (see docs/protocols.md).

    async with FakeSentry() as sentry:
        start_sentry(sentry.dsn, "test")
        ...
        sentry.items("event")            # each event payload as a dict
        sentry.raw                       # every decompressed body, to scan for leaks

The SDK authenticates with `X-Sentry-Auth: Sentry sentry_key=<public key>, sentry_version=7,
...` (or `sentry_key` in the query), may compress the body (gzip, br), and frames the body as
an envelope: a JSON header line, then per item a JSON item header line and its payload
(exactly `length` bytes when the header gives one, else up to the next newline). The fake
answers 401 to a wrong key and 400 to a body that is not an envelope, like the real one.
"""

from __future__ import annotations

import gzip
import json
import zlib
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.server import FakeService

PUBLIC_KEY = "0123456789abcdef0123456789abcdef"


def _decompress(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "br":
        import brotli  # type: ignore[import-not-found]

        return bytes(brotli.decompress(body))
    return body


def parse_envelope(body: bytes) -> tuple[dict[str, Any], list[tuple[dict[str, Any], bytes]]]:
    """(envelope header, [(item header, payload)])."""
    header_line, _, rest = body.partition(b"\n")
    header = json.loads(header_line)
    items = []
    while rest.strip():
        item_line, _, rest = rest.partition(b"\n")
        item = json.loads(item_line)
        if "length" in item:
            payload, rest = rest[: item["length"]], rest[item["length"] + 1 :]
        else:
            payload, _, rest = rest.partition(b"\n")
        items.append((item, payload))
    return header, items


class FakeSentry(FakeService):
    def __init__(self, project: int = 42) -> None:
        super().__init__([Route("/api/{project:int}/envelope/", self._envelope, methods=["POST"])])
        self.project = project
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[dict[str, Any], list[tuple[dict[str, Any], bytes]]]] = []

    @property
    def dsn(self) -> str:
        host = self.url.split("://", 1)[1]
        return f"http://{PUBLIC_KEY}@{host}/{self.project}"

    def items(self, kind: str) -> list[dict[str, Any]]:
        return [
            json.loads(payload)
            for _, items in self.envelopes
            for header, payload in items
            if header.get("type") == kind
        ]

    async def _envelope(self, request: Request) -> JSONResponse:
        recorded = await self.record(request)
        auth = recorded.headers.get("x-sentry-auth", "") + recorded.query.get("sentry_key", "")
        if PUBLIC_KEY not in auth or request.path_params["project"] != self.project:
            return JSONResponse({"detail": "invalid api key"}, status_code=401)
        try:
            body = _decompress(recorded.body, recorded.headers.get("content-encoding", ""))
            envelope = parse_envelope(body)
        except (ValueError, OSError, KeyError):
            return JSONResponse({"detail": "invalid envelope"}, status_code=400)
        self.raw.append(body)
        self.envelopes.append(envelope)
        return JSONResponse({"id": envelope[0].get("event_id")})

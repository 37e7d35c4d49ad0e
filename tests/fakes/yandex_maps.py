"""A local Yandex Static API (`GET /v1`), see docs/protocols.md, Yandex Maps.

    async with FakeStaticMaps(api_key="k") as maps:
        previews = HttpStaticMaps(client, "k", base_url=maps.base_url)
        ...
        maps.requests[-1].query["pt"]  # what the adapter asked for

Answers a valid PNG of the requested size; 403 for a missing or wrong key; 400 for a missing
or out-of-range `ll`, a size over 650x450, a bad `z`, `pt`, `lang` or `scale`.
Misbehaving on demand: `fail_status`, `delay`, and `content_type` / `body` to serve, say, an
HTML page with a 200. The body of errors is not documented; the JSON used here is a guess.
"""

from __future__ import annotations

import re
import struct
import zlib

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import FakeService

BASE_PATH = "/v1"
MAX_WIDTH, MAX_HEIGHT = 650, 450
DEFAULT_SIZE = (600, 450)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LANGUAGES = frozenset({"ru_RU", "en_US", "en_RU", "ru_UA", "uk_UA", "tr_TR"})
_MARKER = re.compile(r"(pm2?(wt|do|db|bl|gn|gr|lb|nt|or|pn|rd|vv|yw)[sml]([1-9]\d?)?|flag)")


class BadRequest(ValueError):
    """A parameter the Static API would refuse with 400."""


def png(width: int = 1, height: int = 1, rgb: tuple[int, int, int] = (236, 232, 223)) -> bytes:
    """A valid truecolour PNG filled with one colour (no Pillow needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" + bytes(rgb) * width  # filter type 0 (None) before every scanline
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _point(text: str) -> tuple[float, float]:
    """`<lon>,<lat>` within range."""
    try:
        lon, lat = (float(part) for part in text.split(","))
    except ValueError:
        raise BadRequest(f"bad point {text!r}") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadRequest("coordinates out of range")
    return lon, lat


def _size(text: str | None) -> tuple[int, int]:
    if text is None:
        return DEFAULT_SIZE
    try:
        width, height = (int(part) for part in text.split(","))
    except ValueError:
        raise BadRequest("bad size") from None
    if not (0 < width <= MAX_WIDTH and 0 < height <= MAX_HEIGHT):
        raise BadRequest(f"size is limited to {MAX_WIDTH},{MAX_HEIGHT}")
    return width, height


def _markers(text: str) -> None:
    """`lon,lat,style~lon,lat,style...`; the style may be left out."""
    for marker in text.split("~"):
        parts = marker.split(",", 2)
        _point(",".join(parts[:2]))
        if len(parts) == 3 and not _MARKER.fullmatch(parts[2]):
            raise BadRequest(f"unknown marker style {parts[2]!r}")


def _check_optional(query: dict[str, str]) -> None:
    """`z` 0..21, `lang` a known locale, `scale` 1.0..4.0 when present."""
    zoom = query.get("z")
    if zoom is not None and not (zoom.isdigit() and 0 <= int(zoom) <= 21):
        raise BadRequest("z must be 0..21")
    if "lang" in query and query["lang"] not in LANGUAGES:
        raise BadRequest("unknown lang")
    try:
        scale = float(query.get("scale", "1.0"))
    except ValueError:
        raise BadRequest("bad scale") from None
    if not 1.0 <= scale <= 4.0:
        raise BadRequest("scale must be 1.0..4.0")


def _error(status: int, error: str, message: str) -> JSONResponse:
    return JSONResponse({"statusCode": status, "error": error, "message": message}, status)


class FakeStaticMaps(FakeService):
    """Map images on `{base_url}?apikey=...&ll=...`; records every request's query."""

    def __init__(self, api_key: str = "fake-maps-key") -> None:
        super().__init__([Route(BASE_PATH, self._map, methods=["GET"])])
        self.api_key = api_key
        self.content_type = "image/png"
        self.body: bytes | None = None  # None: a PNG of the requested size

    @property
    def base_url(self) -> str:
        """What `HttpStaticMaps(base_url=...)` expects."""
        return f"{self.url}{BASE_PATH}"

    async def _map(self, request: Request) -> Response:
        recorded = await self.record(request)
        await self.pause()
        if self.fail_status is not None:
            return _error(self.fail_status, "Failure", "failing on purpose")
        if recorded.query.get("apikey") != self.api_key:
            return _error(403, "Forbidden", "Invalid api key")
        try:
            if "ll" not in recorded.query:
                raise BadRequest("ll is required")
            _point(recorded.query["ll"])
            size = _size(recorded.query.get("size"))
            if "pt" in recorded.query:
                _markers(recorded.query["pt"])
            _check_optional(recorded.query)
        except BadRequest as error:
            return _error(400, "Bad Request", str(error))
        body = self.body if self.body is not None else png(*size)
        return Response(body, media_type=self.content_type)

"""Map previews from the Yandex Static API (`GET /v1`), see docs/protocols.md, Yandex Maps.

A preview decorates a card; when the service says no (bad key, bad parameters, an HTML error
page, a network failure) the card goes without one. The key travels in the query string, so
only status codes and exception types are logged, never a URL or an httpx message.
"""

from __future__ import annotations

import logging

import httpx

from core.maps import lon_lat, valid_coordinates

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://static-maps.yandex.ru/v1"
MAX_SIZE = (650, 450)  # the Static API refuses larger images
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MARKER_STYLE = "pm2rdm"  # red, medium


class HttpStaticMaps:
    """`core.ports.StaticMaps`: a small PNG map centred on the place, with a red marker."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        size: tuple[int, int] = (450, 300),
        zoom: int = 16,
        timeout: float = 5.0,
    ) -> None:
        width, height = size
        if not (0 < width <= MAX_SIZE[0] and 0 < height <= MAX_SIZE[1]):
            raise ValueError(f"size must be within {MAX_SIZE[0]}x{MAX_SIZE[1]}")
        if not 0 <= zoom <= 21:
            raise ValueError("zoom must be 0..21")
        self._client = client
        self._api_key = api_key
        self._url = base_url
        self._size = f"{width},{height}"
        self._zoom = zoom
        self._timeout = timeout

    async def preview(self, latitude: float, longitude: float) -> bytes | None:
        """The PNG bytes, or None when the coordinates are invalid or the service failed."""
        if not valid_coordinates(latitude, longitude):
            return None
        point = lon_lat(latitude, longitude)
        params = {
            "apikey": self._api_key,
            "ll": point,
            "z": str(self._zoom),
            "size": self._size,
            "pt": f"{point},{MARKER_STYLE}",
            "lang": "ru_RU",
        }
        try:
            response = await self._client.get(self._url, params=params, timeout=self._timeout)
        except httpx.HTTPError as error:
            log.warning("Yandex static map failed: %s", type(error).__name__)
            return None
        if not _is_png(response):
            log.warning("Yandex static map failed: HTTP %s", response.status_code)
            return None
        return response.content


def _is_png(response: httpx.Response) -> bool:
    """200, `image/png` and the PNG signature: proxies and errors can answer 200 with HTML."""
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return (
        response.status_code == httpx.codes.OK
        and media_type == "image/png"
        and response.content.startswith(PNG_SIGNATURE)
    )

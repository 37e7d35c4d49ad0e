"""Driving times from Yandex's Distance Matrix API (`GET /v2/distancematrix`), see
docs/protocols.md, Yandex routing.

`core.client_loop.eta.Routing`: one origin, one destination, `mode=driving`; the answer's
`rows[0].elements[0]` with `status` "OK" carries `duration.value` in seconds. Anything else
(no route, a refused key, an outage, a malformed answer) is None and the caller falls back to
the straight-line estimate. The key travels in the query string, so only status codes and
exception types are logged, never a URL, a coordinate or a body.
"""

from __future__ import annotations

import logging
import math

import httpx

from core.client_loop.eta import Point
from core.maps import format_degrees, valid_coordinates

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.routing.yandex.net/v2"


def lat_lon(point: Point) -> str:
    """`<lat>,<lon>`: the Router and Distance Matrix APIs take latitude first (unlike `ll`)."""
    return f"{format_degrees(point.latitude)},{format_degrees(point.longitude)}"


class YandexRouting:
    def __init__(
        self,
        client: httpx.AsyncClient,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 5.0,
    ) -> None:
        self._client = client
        self._api_key = api_key
        self._url = base_url.rstrip("/") + "/distancematrix"
        self._timeout = timeout

    async def drive_seconds(self, origin: Point, destination: Point) -> float | None:
        points = (origin, destination)
        if not all(valid_coordinates(p.latitude, p.longitude) for p in points):
            return None
        params = {
            "apikey": self._api_key,
            "origins": lat_lon(origin),
            "destinations": lat_lon(destination),
            "mode": "driving",
        }
        try:
            response = await self._client.get(self._url, params=params, timeout=self._timeout)
        except httpx.HTTPError as error:
            log.warning("Yandex routing failed: %s", type(error).__name__)
            return None
        if response.status_code != httpx.codes.OK:
            log.warning("Yandex routing failed: HTTP %s", response.status_code)
            return None
        try:
            element = response.json()["rows"][0]["elements"][0]
            if element.get("status") != "OK":
                log.info("Yandex routing found no route")
                return None
            seconds = float(element["duration"]["value"])
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            log.warning("Yandex routing answered something unexpected")
            return None
        return seconds if math.isfinite(seconds) and seconds >= 0 else None

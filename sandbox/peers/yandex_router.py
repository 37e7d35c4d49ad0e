"""A local Yandex Distance Matrix API (docs/protocols.md, Yandex routing): `GET
/v2/distancematrix?apikey=&origins=<lat,lon|...>&destinations=<lat,lon|...>&mode=`.

Answers `{"rows": [{"elements": [{"status", "distance": {"value"}, "duration": {"value"}}]}]}`,
a row per origin and an element per destination in the order given, distances in metres and
durations in seconds. Its own road model, independent of the product's fallback estimate: the
great-circle distance times `road_factor` at `speeds[mode]` km/h (so a test can tell a routed
ETA from the straight-line one), unless `seconds` is set to answer a fixed duration.

Refuses as the service does: a missing or wrong key (403), a missing or malformed point, more
than 100 cells, an unknown mode (400). `unroutable` answers status "FAIL" for every pair;
`fail_status` answers that HTTP status; `delay` holds the answer. Error bodies are not
documented: the JSON here is a guess and adapters must not rely on it. No import of the
product's code: a fake that drifted from the adapter shows in the tests.

    async with YandexRouterPeer(api_key="k") as router:
        routing = YandexRouting(client, "k", base_url=router.base_url)
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.emulator.server import AsgiServer

MAX_CELLS = 100
MODES = frozenset({"driving", "truck", "walking", "transit"})
EARTH_RADIUS_M = 6_371_000.0


class BadRequest(ValueError):
    """What the service refuses with 400."""


@dataclass(frozen=True, slots=True)
class RouterRequest:
    origins: list[tuple[float, float]]
    destinations: list[tuple[float, float]]
    mode: str


def points(text: str | None, name: str) -> list[tuple[float, float]]:
    """`lat,lon|lat,lon|...` (latitude first), within range."""
    if not text:
        raise BadRequest(f"{name} is required")
    found = []
    for pair in text.split("|"):
        try:
            lat, lon = (float(part) for part in pair.split(","))
        except ValueError:
            raise BadRequest(f"bad point in {name}") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise BadRequest(f"{name}: coordinates out of range")
        found.append((lat, lon))
    return found


def great_circle_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


class YandexRouterPeer(AsgiServer):
    def __init__(self, api_key: str = "sandbox-routing-key") -> None:
        super().__init__(Starlette(routes=[Route("/v2/distancematrix", self._matrix)]))
        self.api_key = api_key
        self.road_factor = 1.3
        self.speeds = {"driving": 30.0, "truck": 25.0, "walking": 5.0, "transit": 18.0}
        self.seconds: float | None = None  # a fixed answer for every pair
        self.unroutable = False
        self.fail_status: int | None = None
        self.delay = 0.0
        self.requests: list[RouterRequest] = []

    @property
    def base_url(self) -> str:
        """What `YandexRouting(base_url=...)` expects."""
        return f"{self.url}/v2"

    def duration(self, a: tuple[float, float], b: tuple[float, float], mode: str) -> float:
        if self.seconds is not None:
            return self.seconds
        return great_circle_m(a, b) * self.road_factor / (self.speeds[mode] / 3.6)

    async def _matrix(self, request: Request) -> Response:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_status is not None:
            return JSONResponse({"errors": ["failing on purpose"]}, self.fail_status)
        query = request.query_params
        if query.get("apikey") != self.api_key:
            return JSONResponse({"errors": ["Invalid api key"]}, 403)
        try:
            origins = points(query.get("origins"), "origins")
            destinations = points(query.get("destinations"), "destinations")
            mode = query.get("mode", "driving")
            if mode not in MODES:
                raise BadRequest("unknown mode")
            if len(origins) * len(destinations) > MAX_CELLS:
                raise BadRequest(f"the matrix is limited to {MAX_CELLS} cells")
        except BadRequest as error:
            return JSONResponse({"errors": [str(error)]}, 400)
        self.requests.append(RouterRequest(origins, destinations, mode))
        rows = [{"elements": [self._element(o, d, mode) for d in destinations]} for o in origins]
        return JSONResponse({"rows": rows})

    def _element(
        self, a: tuple[float, float], b: tuple[float, float], mode: str
    ) -> dict[str, object]:
        if self.unroutable:
            return {"status": "FAIL"}
        distance = great_circle_m(a, b) * self.road_factor
        return {
            "status": "OK",
            "distance": {"value": round(distance)},
            "duration": {"value": round(self.duration(a, b, mode))},
        }

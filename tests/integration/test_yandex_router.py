"""YandexRouting (integrations/yandex_router.py) against the local Distance Matrix peer
(sandbox/peers/yandex_router.py) over real HTTP: latitude first, one origin and one destination,
driving; the duration of an OK element; None for a FAIL element, a refused key, an outage, a
malformed answer or invalid points, with nothing of the key or the points in the log."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from core.client_loop.eta import Point, Routing, eta_minutes
from integrations.yandex_router import YandexRouting
from sandbox.peers.yandex_router import YandexRouterPeer, great_circle_m

KEY = "test-routing-key"
HOME = Point(55.751244, 37.618423)
WORK = Point(55.796127, 37.537765)  # about 7 km north-west


@pytest.fixture
async def router() -> AsyncIterator[YandexRouterPeer]:
    async with YandexRouterPeer(api_key=KEY) as peer:
        yield peer


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as http:
        yield http


@pytest.fixture
def routing(router, client) -> Routing:
    return YandexRouting(client, KEY, base_url=router.base_url, timeout=2.0)


async def test_driving_time_of_one_pair_latitude_first(router, routing):
    seconds = await routing.drive_seconds(HOME, WORK)
    (asked,) = router.requests
    assert asked.origins == [(55.751244, 37.618423)] and asked.mode == "driving"
    assert asked.destinations == [(55.796127, 37.537765)]
    crow = great_circle_m((HOME.latitude, HOME.longitude), (WORK.latitude, WORK.longitude))
    assert seconds == round(crow * 1.3 / (30 / 3.6))
    # the routed ETA differs from the straight-line fallback (x1.4 at 25 km/h)
    assert await eta_minutes(HOME, WORK, 1.4, 25, routing) == 20
    assert await eta_minutes(HOME, WORK, 1.4, 25, None) == 25


async def test_a_fixed_answer_is_rounded_as_a_person_says_it(router, routing):
    router.seconds = 7 * 60 + 1
    assert await routing.drive_seconds(HOME, WORK) == 421
    assert await eta_minutes(HOME, WORK, 1.4, 25, routing) == 8


@pytest.mark.parametrize("misbehaviour", ["unroutable", "key", "500", "html"])
async def test_failures_are_none_and_the_log_keeps_no_key_or_point(
    router, client, routing, misbehaviour, caplog
):
    if misbehaviour == "unroutable":
        router.unroutable = True
    elif misbehaviour == "key":
        routing = YandexRouting(client, "wrong-key", base_url=router.base_url)
    elif misbehaviour == "500":
        router.fail_status = 500
    else:
        routing = YandexRouting(client, KEY, base_url=router.url + "/nowhere")
    caplog.set_level(logging.INFO)  # (httpx's own request line is silenced by bot/logs.py)
    assert await routing.drive_seconds(HOME, WORK) is None
    assert await eta_minutes(HOME, WORK, 1.4, 25, routing) == 25  # the fallback
    ours = " ".join(r.getMessage() for r in caplog.records if r.name.startswith("integrations"))
    assert ours  # the failure is logged, by status or type only
    for secret in (KEY, "wrong-key", "55.75", "37.61"):
        assert secret not in ours


async def test_invalid_points_are_not_sent(router, routing):
    assert await routing.drive_seconds(Point(91, 0), WORK) is None
    assert await routing.drive_seconds(HOME, Point(0, float("nan"))) is None
    assert router.requests == []


async def test_the_peer_refuses_what_the_service_refuses(router, client):
    url = router.base_url + "/distancematrix"
    base = {"apikey": KEY, "origins": "55.7,37.6", "destinations": "55.8,37.5"}
    assert (await client.get(url, params=base)).status_code == 200
    for broken in (
        {"origins": ""},
        {"origins": "37.6"},
        {"destinations": "95,37.5"},
        {"mode": "flying"},
        {"origins": "|".join(["55.7,37.6"] * 11), "destinations": "|".join(["55.8,37.5"] * 10)},
    ):
        assert (await client.get(url, params={**base, **broken})).status_code == 400, broken
    assert (await client.get(url, params={**base, "apikey": "x"})).status_code == 403
    answer = (await client.get(url, params={**base, "origins": "55.7,37.6|55.6,37.4"})).json()
    assert [len(row["elements"]) for row in answer["rows"]] == [1, 1]

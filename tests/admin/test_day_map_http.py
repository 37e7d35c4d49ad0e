"""Today's map on both databases: without a Yandex key the orders planned today (not cancelled,
not tomorrow's) and the workers' last shared positions are drawn as an SVG by coordinates, with
no script on the page; with the organization's key the page loads our script, which loads the
Yandex JavaScript API, and the policy allows Yandex's hosts. Workers are refused."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from core.day_map.model import layout
from core.domain import Role
from core.errors import DomainError
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from storage.db import create_engine
from storage.tables import ClientTripRow
from tests.admin.test_numbers_http import sign_in
from tests.support import onboard, owner_with_org, profile, profile_of

NOON = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
KREMLIN, SOKOLNIKI, LOCATED = (55.7520, 37.6175), (55.7890, 37.6790), (55.7700, 37.6400)


async def _seed(services, clock, db_url):
    clock.set(NOON)
    owner = await owner_with_org(services)
    token = (await services.invites.create(owner, Role.WORKER)).token
    person = profile("Иван")
    await services.invites.accept(await onboard(services, person), token)
    worker = await services.users.identify(profile_of(await services.users.identify(person)))
    client = await services.clients.create(owner, "Анна", "+79161234501", "Красная пл., 1")

    async def order(at, where=None, address="Красная пл., 1"):
        lat, lon = where or (None, None)
        draft = OrderDraft(client.id, address, lat, lon, scheduled_at=at)
        return await services.orders.create(owner, draft)

    first = await order(NOON + timedelta(hours=1), KREMLIN)
    second = await order(NOON + timedelta(hours=3), SOKOLNIKI, "Сокольники")
    await order(NOON + timedelta(hours=5), None, "где-то")  # no coordinates: listed only
    gone = await order(NOON + timedelta(hours=2), KREMLIN)
    await services.orders.act(owner, gone.id, OrderAction.CANCEL)
    await order(NOON + timedelta(days=1), KREMLIN)  # tomorrow: not today's
    await services.orders.act(owner, second.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    engine = create_engine(db_url)
    async with engine.begin() as connection:
        await connection.execute(
            insert(ClientTripRow.__table__).values(
                organization_id=owner.organization.id, order_id=second.id,
                worker_id=worker.user.id, client_id=client.id, chat_id=0, draft={},
                latitude=LOCATED[0], longitude=LOCATED[1], position_at=NOON, edits=0,
                created_at=NOON,
            )
        )  # fmt: skip
    await engine.dispose()
    return owner, worker, (first.number, second.number)


async def test_without_a_key_the_map_is_drawn_by_coordinates(client, container, db_url, clock):
    services = container.services
    owner, worker, (first, second) = await _seed(services, clock, db_url)
    await sign_in(client, services, owner)
    answer = await client.get("/map")
    assert answer.status_code == 200, answer.text
    page, policy = answer.text, answer.headers["content-security-policy"]
    assert "<script" not in page and "script-src" not in policy and "yandex" not in policy
    drawn = page.split('data-testid="map-drawing"')[1].split("</svg>")[0]
    assert re.findall(r'data-order="(\d+)"', drawn) == [str(first), str(second)]
    assert 'data-worker="Иван"' in drawn
    assert "yandex.ru/maps/?pt=37.617500,55.752000" in drawn  # a link needs no key
    rows = page.split('data-testid="map-orders"')[1].split("</table>")[0]
    assert rows.count("<tr data-order=") == 3  # not the cancelled one, not tomorrow's
    assert "13:00" in rows and "нет координат" in rows
    css = await client.get("/map/map.css")
    assert css.status_code == 200 and "day-map" in css.text
    with pytest.raises(DomainError) as refused:
        await services.day_map.today(worker)
    assert refused.value.code == "forbidden"


async def test_with_a_key_the_yandex_map_loads_by_our_script(client, container, db_url, clock):
    services = container.services
    owner, _, (first, _second) = await _seed(services, clock, db_url)
    await sign_in(client, services, owner)
    page = (await client.get("/settings")).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = {"name": "yandex_maps_key", "value": "maps-key-0123456789", "csrf": csrf}
    assert (await client.post("/settings/credentials", data=form)).status_code == 303
    answer = await client.get("/map")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self' https://api-maps.yandex.ru" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    page = answer.text
    assert '<script src="/map/map.js" defer></script>' in page
    assert re.search(r"<script>|<script [^s]", page) is None  # no inline script
    assert 'data-key="maps-key-0123456789"' in page and 'data-lang="ru_RU"' in page
    raw = re.search(r'data-points="([^"]+)"', page).group(1)
    points = json.loads(raw.replace("&quot;", '"').replace("&#x27;", "'").replace("&gt;", ">"))
    assert [p["label"] for p in points] == [str(first), str(_second), "Иван"]
    assert points[0]["at"] == list(KREMLIN)  # latitude first, as API 2.1 takes it
    script = await client.get("/map/map.js")
    assert (
        "api-maps.yandex.ru/2.1/" in script.text
        and "text/javascript" in script.headers["content-type"]
    )


def test_the_layout_keeps_points_inside_and_north_up():
    spots = layout([KREMLIN, SOKOLNIKI, LOCATED], 800, 480)
    assert all(30 <= x <= 770 and 30 <= y <= 450 for x, y in spots)
    assert spots[1][1] < spots[0][1] and spots[1][0] > spots[0][0]  # north-east of the Kremlin
    assert layout([KREMLIN], 800, 480) == [(400.0, 240.0)]

"""Issue 22, item 5 in headless Chromium: with the organization's Yandex Maps key the map page's
script (bot/admin/day_map/map.js) loads the JavaScript API 2.1 and puts today's orders and the
worker on the way on it, under the page's CSP. The API is a local fake served in place of
api-maps.yandex.ru (no external network in tests) with the surface map.js relies on
(docs/board-map.md): `ymaps.ready`, `ymaps.Map(element, {center, zoom, controls})`,
`ymaps.Placemark([lat, lon], properties, options)`, `geoObjects.add` and `getBounds`,
`setBounds` and `setCenter`; it records the calls for the test to read."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest

from core.domain import TelegramProfile
from core.orders.listing import local_day_bounds
from core.orders.service import OrderDraft
from tests.e2e.conftest import local_bot, make_settings
from tests.e2e.scenario import create_org

FAKE_YMAPS = """
window.__ymaps = {maps: [], marks: [], bounds: null, center: null};
window.ymaps = {
  ready: function (done) { setTimeout(done, 0); },
  Map: function (element, state) {
    var seen = window.__ymaps, marks = [];
    seen.maps.push({id: element.id, center: state.center, zoom: state.zoom});
    this.geoObjects = {
      add: function (mark) { marks.push(mark); seen.marks.push(mark); },
      getBounds: function () {
        var lat = marks.map(function (m) { return m.at[0]; });
        var lon = marks.map(function (m) { return m.at[1]; });
        return [[Math.min.apply(null, lat), Math.min.apply(null, lon)],
                [Math.max.apply(null, lat), Math.max.apply(null, lon)]];
      }
    };
    this.setBounds = function (bounds) { seen.bounds = bounds; };
    this.setCenter = function (at) { seen.center = at; };
  },
  Placemark: function (at, properties, options) {
    this.at = at; this.properties = properties; this.options = options;
  }
};
"""


@pytest.fixture
async def crm(tmp_path):
    base = make_settings(f"sqlite:///{tmp_path}/crm.db", tmp_path)
    local = local_bot(base.model_copy(update={"admin_port": 0}))
    await local.start()
    yield local
    await local.stop()


async def test_the_yandex_map_shows_todays_orders(crm, page):
    olga = crm.emulator.user(2401, "Ольга", language_code="ru")
    await create_org(olga)
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(2401, "Ольга", language_code="ru"))
    await services.org_settings.set_credential(owner, "yandex_maps_key", "map-key-42")
    start, end = local_day_bounds(services.clock.now(), "Europe/Moscow")
    midday = start + (end - start) / 2  # today on the app's clock, whatever the hour
    for lat, lon in ((55.752, 37.6175), (55.789, 37.679)):
        await services.orders.create(
            owner, OrderDraft(None, "Москва", lat, lon, scheduled_at=midday)
        )
    asked: list[str] = []

    async def fake_api(route):
        asked.append(route.request.url)
        await route.fulfill(body=FAKE_YMAPS, content_type="text/javascript")

    await page.route("https://api-maps.yandex.ru/**", fake_api)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Policy" in m.text else None)
    await page.goto((await services.admin.issue_link(owner)).url)
    await page.click('[data-testid="sign-in"]')
    await page.wait_for_url("**/settings")
    await page.goto(f"{crm.admin.url}/map")
    await page.locator('#map[data-ready="yandex"]').wait_for()
    seen = await page.evaluate("window.__ymaps")
    query = parse_qs(urlparse(asked[0]).query)
    assert query["apikey"] == ["map-key-42"] and query["lang"] == ["ru_RU"]
    assert [m["at"] for m in seen["marks"]] == [[55.752, 37.6175], [55.789, 37.679]]
    assert [m["properties"]["iconContent"] for m in seen["marks"]] == ["1", "2"]
    assert seen["bounds"] == [[55.752, 37.6175], [55.789, 37.679]]
    assert await page.locator('[data-testid="map-drawing"]').count() == 0  # replaced
    assert not violations, json.dumps(violations, ensure_ascii=False)

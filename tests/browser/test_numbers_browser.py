"""Issue 22, item 4 in headless Chromium: the Numbers page of an owner with a paid order
renders its SVG charts with data (bars of a real size) under the admin pages' strict CSP (its
stylesheet a file, no inline script), and the CSV link downloads the same figures."""

from __future__ import annotations

import pytest

from core.domain import TelegramProfile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from tests.browser.conftest import ARTIFACTS
from tests.e2e.conftest import local_bot, make_settings
from tests.e2e.scenario import create_org


@pytest.fixture
async def crm(tmp_path):
    base = make_settings(f"sqlite:///{tmp_path}/crm.db", tmp_path)
    local = local_bot(base.model_copy(update={"admin_port": 0}))
    await local.start()
    yield local
    await local.stop()


async def _paid(services, owner, amount: int, method: str) -> None:
    order = await services.orders.create(owner, OrderDraft(None, description="окна"))
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=owner.user.id)
    await services.orders.act(owner, order.id, OrderAction.START)
    await services.orders.act(owner, order.id, OrderAction.DONE)
    await services.orders.act(owner, order.id, OrderAction.PAY, amount_minor=amount, method=method)


async def test_the_numbers_charts_render_with_data(crm, page):
    olga = crm.emulator.user(2301, "Ольга", language_code="ru")
    await create_org(olga)
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(2301, "Ольга", language_code="ru"))
    await _paid(services, owner, 150000, "cash")
    await _paid(services, owner, 50000, "card")
    first, last = services.numbers.default_period(owner)  # the app's clock, not the test's
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Policy" in m.text else None)
    await page.goto((await services.admin.issue_link(owner)).url)
    await page.click('[data-testid="sign-in"]')
    await page.wait_for_url("**/settings")
    await page.goto(f"{crm.admin.url}/numbers?from={first}&to={last}")
    assert await page.locator('[data-testid="n-rev"]').inner_text() == "2\xa0000\xa0₽"
    bars = page.locator('[data-testid="chart-days"] rect.bar')
    assert await bars.count() == 7
    tallest = await bars.nth(6).bounding_box()
    assert tallest is not None and tallest["height"] > 100  # today's revenue, to scale
    fill = await bars.nth(6).evaluate("e => getComputedStyle(e).fill")
    assert fill == "rgb(47, 111, 237)"  # the stylesheet file applied under the CSP
    methods = page.locator('[data-testid="chart-methods"] rect.bar')
    widths = [(await methods.nth(i).bounding_box())["width"] for i in range(2)]
    assert widths[0] == pytest.approx(widths[1] / 3, rel=0.02)  # card 500, cash 1,500
    async with page.expect_download() as download:
        await page.click('[data-testid="csv"]')
    saved = await (await download.value).path()
    assert "revenue_total;;2000,00" in saved.read_text(encoding="utf-8-sig")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "admin-numbers.png"), full_page=True)
    assert not violations, violations

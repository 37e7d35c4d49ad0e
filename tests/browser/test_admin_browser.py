"""The settings page as an owner uses it in headless Chromium: open the bot's /admin link, sign
in, change the time zone, and the next bot reply shows order times in the new zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from core.domain import TelegramProfile
from core.orders.service import OrderDraft
from tests.browser.conftest import ARTIFACTS
from tests.e2e.conftest import local_bot, make_settings
from tests.e2e.scenario import create_org

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/signin/[A-Za-z0-9_-]+)")


@pytest.fixture
async def crm(tmp_path):
    base = make_settings(f"sqlite:///{tmp_path}/crm.db", tmp_path)
    settings = base.model_copy(update={"admin_port": 0})
    local = local_bot(settings)
    await local.start()
    yield local
    await local.stop()


async def card_time(owner) -> str:
    await owner.send("/order 1")
    card = await owner.reply()
    return next(line for line in card.text.splitlines() if line.startswith("🕒"))


async def test_owner_changes_the_time_zone_in_the_browser(crm, page):
    olga = crm.emulator.user(901, "Ольга", language_code="ru")
    await create_org(olga)
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(901, "Ольга", language_code="ru"))
    moment = datetime(2030, 5, 6, 7, 0, tzinfo=UTC)
    await services.orders.create(owner, OrderDraft(None, scheduled_at=moment, description="окна"))
    assert "10:00" in await card_time(olga)
    await olga.send("/admin")
    link = LINK.search((await olga.reply()).text).group(1)
    await page.goto(link)
    await page.click('[data-testid="sign-in"]')
    await page.wait_for_url("**/settings")
    assert await page.input_value("#timezone") == "Europe/Moscow"
    await page.fill("#timezone", "Asia/Yekaterinburg")
    await page.click('[data-testid="save-profile"]')
    await page.locator('[data-testid="notice"]').filter(has_text="Сохранено").wait_for()
    assert await page.input_value("#timezone") == "Asia/Yekaterinburg"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "admin-settings.png"), full_page=True)
    assert "12:00" in await card_time(olga)
    await page.goto(link.split("/signin/")[0] + "/billing")
    await page.locator('[data-testid="current-plan"]').filter(has_text="Free").wait_for()
    await page.screenshot(path=str(ARTIFACTS / "admin-billing.png"), full_page=True)

"""Issue scenario: an order offered to all that nobody took within a quarter of an hour alerts
the owner once, with buttons to assign it; an offer someone took alerts nobody."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.clock import FixedClock
from core.domain import TelegramProfile
from core.orders.service import OrderDraft
from handlers.notifications.digests import RENDERERS
from storage.tables import JobRow
from tests.e2e.conftest import local_bot, make_settings
from tests.e2e.scenario import create_org, invite_link, onboard

# 15:00 in Moscow on Friday: past the morning plan and yesterday's digest, before today's
START = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
async def crm(db_url, tmp_path):
    clock = FixedClock(START)
    local = local_bot(make_settings(db_url, tmp_path), clock=clock)
    local.clock = clock  # the scenario moves it
    await local.start()
    yield local
    await local.stop()


async def _tick(crm, moment: datetime) -> int:
    """The scheduler's look at `moment`, once the deliveries before it are done."""
    for _ in range(100):
        if await _deliveries_waiting(crm) == 0:
            break
        await asyncio.sleep(0.1)
    crm.clock.set(moment)
    return await crm.app.bot_data.background.scheduler.run_once()


async def _deliveries_waiting(crm) -> int:
    job = JobRow.__table__
    stmt = select(func.count()).where(
        job.c.kind.in_(list(RENDERERS)), job.c.status.in_(["pending", "running"])
    )
    async with crm.container.engine.connect() as connection:
        return int((await connection.execute(stmt)).scalar() or 0)


async def _offer(crm, olga, owner, hour: int, ivan):
    """An order for tomorrow at `hour` UTC, offered to all from its card; Ivan's offer."""
    services = crm.container.services
    client = await services.clients.create(owner, "Пётр Сидоров", None, "Москва, Тверская, 1")
    at = START.replace(day=28, hour=hour)
    made = await services.orders.create(owner, OrderDraft(client.id, scheduled_at=at))
    await olga.send(f"/order {made.number}")
    card = await olga.reply()
    await olga.tap("👷 Назначить", message=card)
    await olga.reply()
    await olga.tap("📣 Предложить всем")
    return await ivan.reply()


async def test_an_untaken_offer_alerts_the_owner_once_with_a_button_to_assign(crm):
    olga = crm.emulator.user(8301, "Ольга", language_code="ru")
    await create_org(olga)
    token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(8302, "Иван", language_code="ru")
    await onboard(ivan, "ru", payload=token)
    await ivan.reply()
    await olga.reply()
    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(8301, "Ольга", language_code="ru"))
    await _offer(crm, olga, owner, 12, ivan)  # 15:00 in Moscow
    taken = await _offer(crm, olga, owner, 13, ivan)
    await ivan.tap("🙋 Взять", message=taken)
    await ivan.wait_edit(taken.message_id)
    assert await _tick(crm, START + timedelta(minutes=14)) == 0
    assert await _tick(crm, START + timedelta(minutes=15)) == 1  # not about the one Ivan took
    alert = await olga.reply()
    assert "Заказ №1 никто не взял: он предложен всем работникам в 15:00." in alert.text
    assert "сб 28 нояб., 15:00" in alert.text and "Пётр Сидоров" in alert.text
    assert alert.labels == ["👷 Назначить", "Открыть №1"]
    assert await _tick(crm, START + timedelta(minutes=30)) == 0  # once
    await olga.tap("👷 Назначить", message=alert)
    choice = await olga.reply()
    await olga.tap(next(label for label in choice.labels if "Иван" in label))
    assert "№1" in (await ivan.reply()).text

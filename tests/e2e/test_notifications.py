"""Issue scenarios with an injected clock: the owner's 20:00 digest, a worker's morning plan and
reminders, an overdue alert once, no duplicate after a restart, quiet hours, Berlin's DST."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.background import DELIVERY_SLOTS
from bot.local import LocalBot
from core.clock import FixedClock
from core.domain import JobStatus, TelegramProfile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.privacy.policy_service import NOTICE_JOB as POLICY_NOTICE_JOB
from handlers.notifications.digests import RENDERERS
from sandbox.emulator.reading import ScenarioError
from storage.tables import JobRow
from tests.e2e.conftest import make_settings
from tests.e2e.scenario import create_org, invite_link, onboard

NBSP = "\xa0"


def moscow(hour: int, minute: int = 0, day: int = 27) -> datetime:
    return datetime(2026, 11, day, 0, minute, tzinfo=UTC) + timedelta(hours=hour - 3)


@pytest.fixture
async def crm(db_url, tmp_path):
    clock = FixedClock(moscow(10))
    local = LocalBot(make_settings(db_url, tmp_path), clock=clock)
    local.clock = clock
    await local.start()
    yield local
    await local.stop()


async def tick(crm, moment: datetime) -> int:
    """The scheduler's next look, at `moment`; delivery jobs are woken at once. The clock only
    moves once the deliveries before are finished, as real time would let them."""
    assert await _eventually(lambda: _queue_idle(crm))
    crm.clock.set(moment)
    return await crm.app.bot_data.background.scheduler.run_once()


async def _queue_idle(crm) -> bool:
    """No delivery waiting or running (other kinds, such as billing's, may wait for days)."""
    job = JobRow.__table__
    stmt = select(func.count()).where(
        job.c.kind.in_(list(RENDERERS)), job.c.status.in_(["pending", "running"])
    )
    async with crm.container.engine.connect() as connection:
        return (await connection.execute(stmt)).scalar() == 0


async def actor(crm, user):
    profile = TelegramProfile(user.id, user.user["first_name"], language_code="ru")
    return await crm.container.services.users.identify(profile)


async def team(crm, zone_label="Москва"):
    olga = crm.emulator.user(8101, "Ольга", language_code="ru")
    await create_org(olga, zone_label=zone_label)
    token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(8102, "Иван", language_code="ru")
    await onboard(ivan, "ru", payload=token)
    await ivan.reply()
    await olga.reply()
    return olga, ivan


async def order(crm, owner, at, worker=None, address="Москва, Тверская, 1"):
    services = crm.container.services
    client = await services.clients.create(owner, "Пётр Сидоров", None, address)
    draft = OrderDraft(client.id, address=address, price_minor=350000, scheduled_at=at)
    made = await services.orders.create(owner, draft)
    if worker is not None:
        await services.orders.act(owner, made.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    return made


async def nothing_new(person, seconds=0.5):
    with pytest.raises(ScenarioError):
        await person.reply(timeout=seconds)


async def test_messages_have_a_runner_of_their_own_with_several_in_flight(crm):
    """Thousands of digests (and a policy change's notices) queue behind the rate limit, not
    in front of uploads."""
    *others, delivery = crm.app.bot_data.background.runners
    scheduled = {*RENDERERS, POLICY_NOTICE_JOB}
    assert set(delivery.kinds) == scheduled and delivery.concurrency == DELIVERY_SLOTS > 1
    assert others and all(not set(r.kinds) & scheduled for r in others)
    assert "upload" in others[0].kinds


async def test_owner_digest_at_20_moscow_with_numbers_and_buttons_once(crm):
    olga, ivan = await team(crm)
    owner, worker = await actor(crm, olga), await actor(crm, ivan)
    services = crm.container.services
    done = await order(crm, owner, moscow(12), worker)
    await order(crm, owner, moscow(15))
    cancelled = await order(crm, owner, moscow(16))
    await services.orders.act(owner, cancelled.id, OrderAction.CANCEL)
    await services.orders.act(worker, done.id, OrderAction.START)
    await services.orders.act(worker, done.id, OrderAction.DONE)
    await services.orders.act(worker, done.id, OrderAction.PAY, amount_minor=350000, method="cash")
    assert await tick(crm, moscow(19, 59)) == 1  # the 15:00 order is late: an alert, no digest
    alert = await olga.reply()
    assert "Заказ №2 должен был начаться в 15:00" in alert.text
    assert await tick(crm, moscow(20)) == 1
    digest = await olga.reply()
    assert "Сводка за пт 27 нояб." in digest.text, digest.text
    for line in (
        "Просрочено: 1 — №2",
        "Без исполнителя: 1 — №2",
        "Отменено: 1 — №3",
        "Новые заказы: 3 (+3)",
        "Выполнено: 1 (+1)",
        f"Выручка: 3{NBSP}500{NBSP}₽ (+3{NBSP}500{NBSP}₽)",
        f"наличные: 3{NBSP}500{NBSP}₽",
        "Выполнили: Иван: 1",
    ):
        assert line in digest.text, (line, digest.text)
    assert digest.labels == ["📋 Без исполнителя (1)", "👷 Назначить №2", "⏰ №2"]
    await olga.tap("📋 Без исполнителя (1)", message=digest)
    listing = await olga.reply()
    assert "№2" in listing.text and "№1" not in listing.text
    await olga.tap("👷 Назначить №2", message=digest)
    assert "Иван" in " ".join((await olga.reply()).labels)
    await olga.tap("⏰ №2", message=digest)
    assert "Заказ №2" in (await olga.reply()).text
    await crm.restart_bot()
    assert await tick(crm, moscow(20, 1)) == 0
    assert await tick(crm, moscow(23)) == 0
    await nothing_new(olga)


async def test_worker_plan_at_8_reminder_30_minutes_before_overdue_alert_once(crm):
    olga, ivan = await team(crm)
    owner, worker = await actor(crm, olga), await actor(crm, ivan)
    crm.clock.set(moscow(7))
    first = await order(crm, owner, moscow(9), worker)
    await order(crm, owner, moscow(11), worker, address="Москва, Арбат, 5")
    assert await tick(crm, moscow(7, 59)) == 0
    assert await tick(crm, moscow(8)) == 1
    plan = await ivan.reply()
    assert "Ваш план на пт 27 нояб." in plan.text and "2 заказа" in plan.text
    assert plan.text.index("09:00") < plan.text.index("11:00") and "Арбат" in plan.text
    assert "yandex.ru/maps" in plan.html
    assert plan.labels == ["№1", "№2", "🤒 Не могу сегодня работать"]
    assert await tick(crm, moscow(8, 29)) == 0
    assert await tick(crm, moscow(8, 30)) == 1
    reminder = await ivan.reply()
    assert "Скоро: заказ №1 в 09:00" in reminder.text and "Тверская" in reminder.text
    assert await tick(crm, moscow(9, 20)) == 1
    alert = await olga.reply()
    assert "Заказ №1 должен был начаться в 09:00, но не начат." in alert.text
    assert "Иван" in alert.text and alert.labels == ["Открыть №1"]
    assert await tick(crm, moscow(9, 25)) == 0
    await crm.container.services.orders.act(worker, first.id, OrderAction.START)
    await ivan.block()  # the second reminder cannot be delivered: marked, not retried
    assert await _eventually(lambda: _handled(crm, crm.emulator.state.next_update_id - 1))
    assert await tick(crm, moscow(10, 30)) == 1
    assert await _eventually(lambda: _unreachable(crm, worker.user.id))
    done = {JobStatus.DONE.value}
    assert await _eventually(lambda: _has_states(crm, done)), "the job ends done, not retried"


async def test_quiet_hours_hold_the_digest_until_they_end(crm):
    olga, _ = await team(crm)
    owner = await actor(crm, olga)
    await olga.send("/notifications")
    prefs = await olga.reply()
    assert "Ежедневная сводка: вкл., в 20:00" in prefs.text
    await olga.tap("🌙 Тихие часы: выкл.", message=prefs)
    prefs = await olga.wait_edit(prefs.message_id)
    assert "Тихие часы: 22:00–08:00" in prefs.text
    for _ in range(2):
        label = next(lbl for lbl in prefs.labels if lbl.startswith("🕒 в "))
        await olga.tap(label, message=prefs)
        prefs = await olga.wait_edit(prefs.message_id)
    assert "Ежедневная сводка: вкл., в 22:00" in prefs.text
    await order(crm, owner, moscow(10, day=28))
    assert await tick(crm, moscow(22)) == 0
    assert await tick(crm, moscow(7, 59, day=28)) == 0
    assert await tick(crm, moscow(8, day=28)) == 1
    held = await olga.reply()
    assert "Сводка за пт 27 нояб." in held.text and "Без исполнителя: 1" in held.text


async def test_digest_command_shows_today_so_far(crm):
    olga, _ = await team(crm)
    await order(crm, await actor(crm, olga), moscow(16))
    crm.clock.advance(minutes=5)
    await olga.send("/digest")
    digest = await olga.reply()
    assert "Сводка за пт 27 нояб." in digest.text and "Новые заказы: 1 (+1)" in digest.text


def berlin_utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def test_berlin_local_times_hold_across_the_spring_change(crm):
    crm.clock.set(berlin_utc(3, 28, 9))  # Saturday 10:00 CET
    hans = crm.emulator.user(8201, "Hans", language_code="en")
    await onboard(hans, "en")
    await hans.reply()
    await hans.send("Sauber GmbH")
    await hans.reply()
    await hans.send("Europe/Berlin")
    await hans.reply()
    await hans.tap("EUR")
    await hans.reply()
    token = await invite_link(hans, "Worker")
    lena = crm.emulator.user(8202, "Lena", language_code="en")
    await onboard(lena, "en", payload=token)
    await lena.reply()
    await hans.reply()
    owner, worker = await actor(crm, hans), await actor(crm, lena)
    await order(crm, owner, berlin_utc(3, 28, 13), address="Berlin, Unter den Linden 1")
    sunday = await order(
        crm, owner, berlin_utc(3, 29, 8), worker, address="Berlin, Karl-Marx-Allee 2"
    )
    assert await tick(crm, berlin_utc(3, 28, 18, 59)) == 1  # Saturday's 14:00 order is late
    assert "was due at" in (await hans.reply()).text
    assert await tick(crm, berlin_utc(3, 28, 19)) == 1  # 20:00 CET
    assert "Digest for Sat 28 Mar" in (await hans.reply()).text
    assert await tick(crm, berlin_utc(3, 29, 5, 59)) == 0  # 07:59 CEST, after the change
    assert await tick(crm, berlin_utc(3, 29, 6)) == 1  # 08:00 CEST
    assert "Your plan for Sun 29 Mar" in (await lena.reply()).text
    assert await tick(crm, berlin_utc(3, 29, 7, 30)) == 1  # 09:30 CEST: 30 minutes before 10:00
    assert "Soon: order №2 at 10:00" in (await lena.reply()).text
    await crm.container.services.orders.act(worker, sunday.id, OrderAction.START)
    assert await tick(crm, berlin_utc(3, 29, 17, 59)) == 0
    assert await tick(crm, berlin_utc(3, 29, 18)) == 1  # 20:00 CEST
    assert "Digest for Sun 29 Mar" in (await hans.reply()).text
    assert await tick(crm, berlin_utc(3, 29, 19)) == 0  # 20:00 by the winter clock: no second


async def _handled(crm, update_id):
    """Applied: confirmed to Telegram (the next getUpdates waits for it, bot/polled.py) and
    not waiting in the inbox."""
    queued = {u["update_id"] for u in crm.emulator.state.updates}
    return update_id not in queued and not await crm.container.inbox.pending()


async def _unreachable(crm, user_id):
    user = await crm.container.services.users.get(user_id)
    return user is not None and user.unreachable_at is not None


async def _job_states(crm):
    job = JobRow.__table__
    stmt = select(job.c.status).where(job.c.kind.in_(list(RENDERERS))).distinct()
    async with crm.container.engine.connect() as connection:
        return set((await connection.execute(stmt)).scalars())


async def _has_states(crm, states):
    return await _job_states(crm) == states


async def _eventually(check, seconds=5.0):
    for _ in range(int(seconds / 0.05)):
        if await check():
            return True
        await asyncio.sleep(0.05)
    return False

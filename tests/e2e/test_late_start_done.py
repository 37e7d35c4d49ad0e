"""Issue 20, item 9 through the bot: a Start and a Done that reach the bot 40 minutes after
they came in keep their own times (a tapped button carries no time: its time is when it first
came into the update inbox, which a restart does not move), are noted as late on the order's
history, and the history shows the travel time from "On my way" to Start; a live location
edit that arrives late counts the arrival at the edit's own date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.db import create_engine, session_factory
from storage.runtime.inbox import SqlUpdateInbox
from storage.tables import OrderRow
from tests.e2e.test_client_link import _team
from tests.e2e.test_client_link import crm as link_crm
from tests.e2e.test_on_my_way import ON_MY_WAY, _linked_client, _today_order, _trip, away

crm = link_crm  # a bot on a running clock the test can move

MOSCOW = ZoneInfo("Europe/Moscow")


async def _received_then_died(crm) -> datetime:
    """What a process does with a getUpdates batch before it applies any of it (stores it in
    its inbox, and its next getUpdates confirms it), and then it dies: the bot is stopped, the
    taps waiting for it are stored and confirmed. Returns when they came in."""
    engine = create_engine(crm.settings.database_url)
    try:
        batch = [dict(u) for u in crm.emulator.state.updates]
        assert batch, "nothing was waiting for the bot"
        await SqlUpdateInbox(session_factory(engine), crm.clock).save(batch)
        crm.emulator.state.confirm_updates(batch[-1]["update_id"] + 1)
        return crm.clock.now()
    finally:
        await engine.dispose()


async def _late_tap(crm, person, label, message) -> datetime:
    """`label` tapped, received by a process that died; applied 40 minutes later by the next."""
    await crm.stop_bot()
    await person.tap(label, message=message)
    came_in = await _received_then_died(crm)
    crm.clock.advance(minutes=40)
    await crm.start_bot()
    return came_in


async def _times(crm) -> tuple[datetime, datetime]:
    engine = create_engine(crm.settings.database_url)
    try:
        async with engine.connect() as connection:
            query = select(OrderRow.started_at, OrderRow.done_at).where(OrderRow.number == 1)
            started, done = (await connection.execute(query)).one()
    finally:
        await engine.dispose()
    return started.astimezone(UTC), done.astimezone(UTC)


def _near(a: datetime, b: datetime) -> bool:
    return abs(a - b) < timedelta(seconds=2)  # the stored value and this test's reading


async def test_a_late_start_and_done_keep_their_own_times(crm):
    olga, ivan = await _team(crm, (8201, 8202))
    card, ivans = await _today_order(olga, ivan)
    await _linked_client(crm, olga, card, 8203)
    await ivan.tap(ON_MY_WAY, message=ivans)
    asked = await ivan.reply()
    await ivan.tap("30 min", message=asked)
    await ivan.wait_edit(asked.message_id)
    crm.clock.advance(minutes=25)

    start_came = await _late_tap(crm, ivan, "▶️ Start", ivans)
    started = await ivan.wait_edit(ivans.message_id)
    assert "✅ Done" in started.labels, started.labels
    crm.clock.advance(minutes=50)
    done_came = await _late_tap(crm, ivan, "✅ Done", started)
    await ivan.wait_edit(ivans.message_id)

    started_at, done_at = await _times(crm)
    assert _near(started_at, start_came) and _near(done_at, done_came), (started_at, done_at)
    assert crm.clock.now() - done_at >= timedelta(minutes=40)
    trip = await _trip(crm, 8203)
    assert trip is not None and trip.arrived_at is not None
    assert _near(trip.arrived_at.astimezone(UTC), start_came)  # Start was the arrival

    await olga.tap("📜 История", message=card)
    history = (await olga.reply()).text
    lines = history.splitlines()
    start_line = next(line for line in lines if "начинает работу" in line)
    done_line = next(line for line in lines if "завершает" in line)
    assert started_at.astimezone(MOSCOW).strftime("%H:%M") in start_line, history
    assert done_at.astimezone(MOSCOW).strftime("%H:%M") in done_line, history
    assert "в пути 25 мин" in start_line, history
    assert "дошло до бота с опозданием 40 мин" in start_line, history
    assert "дошло до бота с опозданием 40 мин" in done_line, history
    assert any("Ivan Petrov выезжает к клиенту («Еду»)" in line for line in lines), history


async def test_a_location_edit_that_came_late_arrives_at_its_own_date(crm):
    olga, ivan = await _team(crm, (8211, 8212))
    card, ivans = await _today_order(olga, ivan)
    petr = await _linked_client(crm, olga, card, 8213, language="en")
    await ivan.tap(ON_MY_WAY, message=ivans)
    await ivan.reply()
    shared = await ivan.send_live_location(*away(8_000))
    await petr.reply()
    await ivan.reply()
    crm.clock.advance(minutes=45)
    edited = crm.clock.now() - timedelta(minutes=40)
    await ivan.move_live_location(shared["message_id"], *away(50), date=int(edited.timestamp()))
    assert (await petr.reply()).text == "Чистый дом: Ivan has arrived."
    trip = await _trip(crm, 8213)
    assert trip is not None and trip.arrived_at is not None
    assert trip.arrived_at.astimezone(UTC) == edited.replace(microsecond=0)

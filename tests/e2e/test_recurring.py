"""Issue 20, items 1-2: an owner makes an order repeat weekly from its card, in Russian (an
organization in Europe/Berlin) and in English (America/New_York); the series crosses the
spring DST change and every visit stays at 09:00 local (the UTC time moves by an hour); the
daily fill job run by the bot's own job runner makes the visits the horizon reaches; a visit
is skipped from the series menu; the card shows the series in the owner's language."""

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from sandbox.emulator import UserDriver
from storage.tables import JobRow, OrderRow
from tests.e2e.conftest import e2e_clock, local_bot, make_settings
from tests.e2e.scenario import onboard


@pytest.fixture
async def crm(db_url, tmp_path):
    """The bot on a clock the scenario moves (two weeks on, to the next daily fill)."""
    clock = e2e_clock()
    local = local_bot(make_settings(db_url, tmp_path), clock=clock)
    local.clock = clock
    await local.start()
    yield local
    await local.stop()


LABELS = {
    "ru": {
        "name": "Как называется",
        "skip": "Пропустить",
        "create": "✅ Создать",
        "repeat": "🔁 Повторять",
        "weekly": "Еженедельно",
        "series": "🔁 Серия",
        "skip_visit": "⏭ Пропустить визит",
        "sure": "Да, пропустить",
    },
    "en": {
        "name": "What is your business called",
        "skip": "Skip",
        "create": "✅ Create",
        "repeat": "🔁 Repeat",
        "weekly": "Weekly",
        "series": "🔁 Series",
        "skip_visit": "⏭ Skip this visit",
        "sure": "Yes, skip it",
    },
}


async def _owner(crm, language: str, zone: str) -> UserDriver:
    owner = crm.emulator.user(2101, "Olga", language_code=language)
    await onboard(owner, language)
    assert LABELS[language]["name"] in (await owner.reply()).text
    await owner.send("Clean Home")
    await owner.reply()
    await owner.send(zone)  # typed IANA name
    await owner.reply()
    await owner.tap("RUB")
    await owner.reply()
    return owner


async def _order(owner: UserDriver, language: str, when: str):
    """/neworder for a new client at `when`; returns the new order's card."""
    words = LABELS[language]
    await owner.send("/neworder")
    for step in ("+7 916 555 44 61", "Anna", "Berlin, Unter den Linden 1"):
        await owner.reply()
        await owner.send(step)
    category = await owner.reply()
    await owner.tap(category.labels[0])
    await owner.reply()
    await owner.send(when)
    await owner.reply()
    await owner.send("3500")
    for label in (words["skip"], words["create"]):
        await owner.reply()
        await owner.tap(label)
    await owner.reply()  # "Order №1 is created."
    return await owner.reply()


async def _scheduled(crm) -> list[datetime]:
    order = OrderRow.__table__
    async with crm.container.engine.connect() as connection:
        rows = await connection.execute(
            select(order.c.scheduled_at, order.c.status).order_by(order.c.number)
        )
        return [(_utc(at), status) for at, status in rows.all()]


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


async def _run_fill(crm, at: datetime) -> None:
    """The clock jumps to `at`; the queued daily fill is due and the bot's runner runs it."""
    crm.clock.set(at)
    crm.app.bot_data.background.wake()
    for _ in range(100):
        job = JobRow.__table__
        async with crm.container.engine.connect() as connection:
            jobs = await connection.execute(
                select(job.c.status).where(job.c.kind == "series_fill")
            )
            if "done" in set(jobs.scalars()):
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the series fill job did not run")


@pytest.mark.parametrize(
    ("language", "zone", "when", "end", "line", "utc_hours"),
    [
        # Berlin: CET until Sunday 29 March, then CEST; Tuesdays 24.03, 31.03, 07.04, 14.04
        ("ru", "Europe/Berlin", "24.03 09:00", "4", "по вторникам, 09:00, 4 визита", [8, 7, 7, 7]),
        # New York: EST until Sunday 8 March, then EDT; Thursdays 05.03 ... 26.03
        ("en", "America/New_York", "05.03 9:00", "26.03", "every Thursday, 09:00, until 26.03",
         [14, 13, 13, 13]),
    ],
)  # fmt: skip
async def test_a_weekly_series_across_dst_through_the_bot(
    crm, language, zone, when, end, line, utc_hours
):
    words = LABELS[language]
    owner = await _owner(crm, language, zone)
    card = await _order(owner, language, when)
    assert "09:00" in card.text, card.text
    await owner.tap(words["repeat"], message=card)
    await owner.reply()  # how often
    await owner.tap(words["weekly"])
    await owner.reply()  # every how many weeks
    await owner.tap("1")
    days = await owner.reply()  # which weekdays: keep the order's
    await owner.tap(days.labels[0])
    await owner.reply()  # until when
    await owner.send(end)
    made = await owner.reply()
    assert line in made.text, made.text
    series_card = await owner.reply()
    assert f"🔁 {line}" in series_card.text, series_card.text
    assert words["series"] in series_card.labels, series_card.labels
    first = await _scheduled(crm)
    assert len(first) >= 2  # the order and what the 30 days ahead reach
    # two weeks later the daily job, run by the bot's runner, fills the rest
    await _run_fill(crm, datetime(2026, 3, 19, 2, 0, 30, tzinfo=UTC))
    visits = await _scheduled(crm)
    assert [at.hour for at, _ in visits] == utc_hours  # 09:00 local before and after DST
    assert len({at for at, _ in visits}) == 4
    await owner.send("/order 4")
    last = await owner.reply()
    assert "09:00" in last.text and f"🔁 {line}" in last.text, last.text
    await owner.tap(words["series"], message=last)
    menu = await owner.reply()
    assert line in menu.text, menu.text
    await owner.tap(words["skip_visit"], message=menu)
    await owner.reply()
    await owner.tap(words["sure"])
    await owner.wait_edit(last.message_id)
    assert [status for _, status in await _scheduled(crm)][-1] == "cancelled"

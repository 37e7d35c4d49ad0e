"""Recurring series on both databases: making a series, the horizon kept filled idempotently,
skip, pause and resume, "this and following", the organization's zone change, a client's
series ended, the horizon setting. Times are the organization's wall clock across DST."""

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy.exc import IntegrityError

from core.changes import NewOrder
from core.dialogs.data import RepeatData
from core.domain import OrderStatus, Role
from core.errors import DomainError
from core.orders.service import OrderDraft
from core.recurring.model import SeriesState
from core.recurring.rules import checked_rule, local_of
from handlers.i18n import Catalogs
from handlers.orders.history import history_text
from tests.support import onboard, owner_with_org, profile, profile_of, services_for

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


async def _setup(services, clock, zone=BERLIN):
    """An owner in `zone`, a worker, a client, and an order on Tuesday 03.03 at 09:00."""
    owner = await owner_with_org(services)
    await services.org_settings.update_profile(owner, timezone=zone)
    owner = await services.users.identify(profile_of(owner))
    token = (await services.invites.create(owner, Role.WORKER)).token
    person = profile("Ivan")
    worker = await onboard(services, person)
    await services.invites.accept(worker, token)
    worker = await services.users.identify(person)
    client = await services.clients.create(owner, "Анна", "+79161234567", "ул. Ленина, 1")
    at = datetime(2026, 3, 3, 9, 0, tzinfo=UTC).replace(tzinfo=None)
    draft = OrderDraft(
        client.id,
        address="ул. Ленина, 1",
        price_minor=250000,
        scheduled_at=_utc(at, zone),
        description="Уборка",
    )
    order = await services.orders.create(owner, draft)
    await services.orders.act(owner, order.id, _assign(), assignee_id=worker.user.id)
    return owner, worker, client, order


def _assign():
    from core.orders.rules import OrderAction

    return OrderAction.ASSIGN


def _utc(local, zone):
    from core.recurring.rules import at_utc

    return at_utc(local, zone)


async def _repeat(services, owner, order, **kw):
    rule = checked_rule(
        kw.pop("freq", "weekly"), kw.pop("interval", 1), date(2026, 3, 3), time(9, 0), **kw
    )
    async with services.series._uow() as uow:
        made = await services.series.make(uow, owner, order.id, rule)
        await uow.commit()
    return made


async def _visits(services, owner, series_id, zone=BERLIN):
    """(local time, status, assignee, price) of the series' orders, by time."""
    async with services.series._uow() as uow:
        orders = await uow.series.open_from(
            owner.organization.id, series_id, datetime.min.replace(tzinfo=UTC)
        )
        keys = {o.id: await uow.series.key_of(o.id) for o in orders}
    return [(local_of(o.scheduled_at, zone), keys[o.id]) for o in orders]


@pytest.mark.db
async def test_a_weekly_series_is_made_ahead_at_nine_across_dst(services, clock):
    owner, worker, client, order = await _setup(services, clock)
    made = await _repeat(services, owner, order)
    # now 02.03 10:00 Berlin; horizon 30 days: 10, 17, 24, 31 March (the first is the order)
    assert [local_of(o.scheduled_at, BERLIN) for o in made.made] == [
        datetime(2026, 3, d, 9, 0) for d in (10, 17, 24, 31)
    ]
    assert [o.scheduled_at.hour for o in made.made] == [8, 8, 8, 7]  # CEST from 29 March
    for o in made.made:
        assert (o.client_id, o.address, o.price_minor) == (client.id, "ул. Ленина, 1", 250000)
        assert (o.assignee_id, o.status, o.series_id) == (
            worker.user.id,
            OrderStatus.ASSIGNED,
            made.series.id,
        )
        assert o.description == "Уборка"
    card = await services.orders.card(owner, order.id)
    assert card.series is not None and card.series.id == made.series.id
    history = history_text(
        Catalogs().get("en"),
        await services.orders.history(owner, made.made[0].id),
        owner.organization,
    )
    assert "the series created the order" in history, history
    assert card.series.rule.as_rrule() == "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU"
    with pytest.raises(DomainError) as again:
        await _repeat(services, owner, order)
    assert again.value.code == "series_already"


@pytest.mark.db
async def test_the_fill_job_keeps_the_horizon_idempotently(services, clock, uow_factory):
    owner, _, _, order = await _setup(services, clock)
    made = await _repeat(services, owner, order, count=8)
    assert await services.series.fill_all() == 0  # nothing new: every occurrence has its order
    clock.advance(days=7)
    assert await services.series.fill_all() == 1  # 07.04
    assert await services.series.fill_all() == 0
    clock.advance(days=14)
    assert await services.series.fill_all() == 2  # 14.04, 21.04: the 8th and last
    clock.advance(days=60)
    assert await services.series.fill_all() == 0  # the count is reached
    visits = await _visits(services, owner, made.series.id)
    assert len({key for _, key in visits}) == len(visits)
    async with uow_factory() as uow:  # the database refuses a second order for an occurrence
        new = NewOrder(created_by=owner.user.id, client_id=None, series_id=made.series.id,
                       occurrence="2026-03-10T09:00")  # fmt: skip
        with pytest.raises(IntegrityError):
            await uow.orders.add(owner.organization.id, clock.now(), new)
    await services.series.schedule_fill()
    await services.series.schedule_fill()  # asked twice, queued once
    async with uow_factory() as uow:
        from sqlalchemy import func, select

        from storage.tables import JobRow

        count = select(func.count()).select_from(JobRow).where(JobRow.kind == "series_fill")
        assert (await uow.session.execute(count)).scalar() == 1


@pytest.mark.db
async def test_skip_pause_resume_and_end(services, clock):
    owner, worker, client, order = await _setup(services, clock)
    made = await _repeat(services, owner, order)
    second = made.made[0]
    skipped = await services.series.skip(owner, second.id)
    assert skipped.card.order.status is OrderStatus.CANCELLED
    assert await services.series.fill_all() == 0  # the skipped visit is not made again
    changes = await services.series.pause(owner, order.id)
    assert len(changes) == 4  # the order itself and 17, 24, 31 March
    assert all(c.card.order.status is OrderStatus.CANCELLED for c in changes)
    assert await services.series.fill_all() == 0  # paused: nothing made
    with pytest.raises(DomainError):
        await services.series.pause(owner, order.id)
    clock.advance(days=14)  # resumed on 16.03: 17.03 to 14.04 made again
    again = await services.series.resume(owner, order.id)
    assert [local_of(o.scheduled_at, BERLIN).day for o in again] == [17, 24, 31, 7, 14]
    assert {o.assignee_id for o in again} == {worker.user.id}
    series = await services.series.client_series(owner, client.id)
    assert [s.id for s in series] == [made.series.id]
    ended = await services.series.end_for_client(owner, client.id)
    assert len(ended) == 5
    assert await services.series.client_series(owner, client.id) == []
    clock.advance(days=7)
    assert await services.series.fill_all() == 0
    info = await services.series.info(owner, order.id)
    assert info.series.state is SeriesState.ENDED


@pytest.mark.db
async def test_this_and_following_splits_the_series(services, clock):
    owner, _, _, order = await _setup(services, clock)
    made = await _repeat(services, owner, order, count=6)
    # the price from the first visit: the series itself changes, no split
    async with services.series._uow() as uow:
        priced = await services.series.following(uow, owner, order.id, "price", 300000)
        await uow.commit()
    assert len(priced) == 5
    card = await services.orders.card(owner, made.made[3].id)
    assert card.order.price_minor == 300000 and card.series.id == made.series.id
    assert card.series.price_minor == 300000
    third = made.made[1]  # 17.03
    async with services.series._uow() as uow:
        changes = await services.series.following(uow, owner, third.id, "time", time(10, 30))
        await uow.commit()
    assert len(changes) == 3  # 17, 24, 31 March
    card = await services.orders.card(owner, third.id)
    successor = card.series
    assert successor is not None and successor.id != made.series.id
    assert successor.rule.start == date(2026, 3, 17) and successor.rule.count == 4
    assert successor.rule.at == time(10, 30)
    old = await services.series.info(owner, order.id)
    assert old.series.rule.until == date(2026, 3, 16) and old.series.rule.count is None
    before = await _visits(services, owner, made.series.id)
    after = await _visits(services, owner, successor.id)
    assert [t for t, _ in before] == [datetime(2026, 3, 3, 9), datetime(2026, 3, 10, 9)]
    assert [t for t, _ in after] == [datetime(2026, 3, d, 10, 30) for d in (17, 24, 31)]
    assert after[0][1] == "2026-03-17T10:30"
    clock.advance(days=21)
    assert await services.series.fill_all() == 1  # 07.04 at 10:30, the 4th of the successor
    after = await _visits(services, owner, successor.id)
    assert after[-1][0] == datetime(2026, 4, 7, 10, 30)


@pytest.mark.db
async def test_the_organization_changing_its_zone_keeps_nine_oclock(services, clock):
    owner, _, _, order = await _setup(services, clock, zone=BERLIN)
    made = await _repeat(services, owner, order)
    await services.org_settings.update_profile(owner, timezone=NEW_YORK)
    owner = await services.users.identify(profile_of(owner))
    visits = await _visits(services, owner, made.series.id, NEW_YORK)
    assert [t.time() for t, _ in visits] == [time(9, 0)] * 5
    assert [t.day for t, _ in visits] == [3, 10, 17, 24, 31]
    clock.advance(days=7)
    assert await services.series.fill_all() == 1
    visits = await _visits(services, owner, made.series.id, NEW_YORK)
    assert visits[-1][0] == datetime(2026, 4, 7, 9, 0)  # New York's wall clock


@pytest.mark.db
async def test_the_horizon_setting_and_refusals(services, clock):
    owner, worker, _, order = await _setup(services, clock)
    assert await services.series.horizon(owner) == 30
    with pytest.raises(DomainError) as wide:
        await services.series.set_horizon(owner, 400)
    assert wide.value.code == "series_horizon_range"
    with pytest.raises(DomainError):
        await services.series.set_horizon(worker, 7)
    await services.series.set_horizon(owner, 10)
    made = await _repeat(services, owner, order)
    assert len(made.made) == 1  # 10.03 only
    unscheduled = await services.orders.create(owner, OrderDraft(None))
    with pytest.raises(DomainError) as error:
        await _repeat(services, owner, unscheduled)
    assert error.value.code == "series_unscheduled"
    with pytest.raises(DomainError) as forbidden:
        async with services.series._uow() as uow:
            await services.series.make(uow, worker, order.id, made.series.rule)
    assert forbidden.value.code == "forbidden"
    with pytest.raises(DomainError) as asked:  # a forged 🔁 Repeat: refused before any question
        data = RepeatData(order_id=order.id)
        await services.dialogs.start(worker, worker.user.telegram_id, data.flow, data)
    assert asked.value.code == "forbidden"


@pytest.mark.db
async def test_erasing_the_client_removes_their_series(services, clock):
    owner, _, client, order = await _setup(services, clock)
    made = await _repeat(services, owner, order)
    await services.erasure.erase_client(owner, client.id)
    assert await services.series.client_series(owner, client.id) == []
    card = await services.orders.card(owner, made.made[0].id)
    assert card.order.series_id is None and card.series is None
    assert await services.series.fill_all() == 0

""" "On my way" on both databases, through the services on a frozen clock
(core/client_loop/on_the_way.py, storage/client_loop/trips.py): only the assignee of an order
of today not started; the client told once; a live location moving every 10 s edits the
Telegram message at most once per 60 s with the latest position; the edit a later one
superseded is skipped when sent; within 150 m (or Start) "arrived" and the position cleared;
the ETA settings kept; the trip's storage."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.client_loop.eta import Point
from core.client_loop.model import ClientLoopSettings, DeliveryStatus, MessageKind, Purpose
from core.client_loop.on_the_way import Refusal, StepKind
from core.client_loop.trips import Trip
from core.domain import Role
from core.errors import DomainError
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from tests.integration.test_client_loop_storage import _member, _person
from tests.privacy_support import open_world
from tests.support import owner_with_org

HOME = Point(55.751244, 37.618423)  # the order's point
DEGREE_M = 111_195.08


def away(metres: float) -> Point:
    """A point `metres` north of the order."""
    return Point(HOME.latitude + metres / DEGREE_M, HOME.longitude)


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


async def _setup(w, clock, linked=True, when=timedelta(hours=3), point=True):
    """An owner, a worker assigned an order of today (clock: 12:00 Moscow) for a client linked
    in Telegram with consent."""
    services = w.services
    owner = await owner_with_org(services)
    worker = await _member(w, owner, Role.WORKER, "Иван")
    client = await services.clients.create(owner, "Пётр Сидоров", "+79165550001", None, None)
    draft = OrderDraft(
        client.id, address="ул. Тихая, 5", scheduled_at=clock.now() + when,
        latitude=HOME.latitude if point else None, longitude=HOME.longitude if point else None,
    )  # fmt: skip
    order = await services.orders.create(owner, draft)
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    if linked:
        issued = await services.client_loop.invite(owner, client.id, order.id)
        person = await _person(w, "Пётр")
        await services.client_loop.redeem(person, issued.token)
        org_id = owner.organization.id
        await services.client_loop.answer_consent(person, org_id, Purpose.TRANSACTIONAL, True)
    return owner, worker, order


async def _tell(w, step, text="on my way"):
    """What the handler does with a TELL step: log the message, record the trip as told."""
    logged = await w.services.client_loop.queue(step.draft, text)
    await w.services.trips.told(step.trip, step.draft, step.eta_minutes, logged.id)
    return logged


async def _trip(w, order) -> Trip:
    async with w.uow() as uow:
        found = await uow.client_loop.trip(order.organization_id, order.id)
    assert found is not None
    return found


async def test_only_the_assignee_and_only_today_and_not_started(w, clock):
    owner, worker, order = await _setup(w, clock)
    trips = w.services.trips
    for someone in (owner,):  # the owner is not the assignee: as if the order did not exist
        with pytest.raises(DomainError) as refused:
            await trips.offer(someone, order.id, "ru")
        assert refused.value.code == "order_gone"
    with pytest.raises(DomainError) as refused:
        await trips.pick(worker, order.id + 1000, 15, "ru")  # a forged order id
    assert refused.value.code == "order_gone"
    with pytest.raises(DomainError) as refused:
        await trips.pick(worker, order.id, 45, "ru")  # a forged time
    assert refused.value.code == "choose_option"
    async with w.uow() as uow:
        assert await uow.client_loop.trip(order.organization_id, order.id) is None

    asked = await trips.offer(worker, order.id, "ru")
    assert asked.kind is StepKind.ASK and asked.order_number == order.number
    again = await trips.offer(worker, order.id, "ru")  # a second tap: the same trip
    assert again.kind is StepKind.ASK and again.trip.id == asked.trip.id

    clock.advance(days=1)  # tomorrow it is not today's any more
    assert (await trips.offer(worker, order.id, "ru")).refusal is Refusal.NOT_TODAY
    clock.advance(days=-1)
    await w.services.orders.act(worker, order.id, OrderAction.START)
    assert (await trips.offer(worker, order.id, "ru")).refusal is Refusal.NOT_OPEN


async def test_an_unreachable_client_or_a_kind_turned_off_is_refused(w, clock):
    _, worker, order = await _setup(w, clock, linked=False)
    step = await w.services.trips.offer(worker, order.id, "ru")
    assert step.kind is StepKind.REFUSED and step.refusal is Refusal.UNREACHABLE

    owner2, worker2, order2 = await _setup(w, clock)
    off = ClientLoopSettings(disabled=frozenset({MessageKind.ON_MY_WAY}))
    await w.services.client_loop.update_settings(owner2, off)
    assert (await w.services.trips.offer(worker2, order2.id, "ru")).refusal is Refusal.UNREACHABLE


async def test_live_location_every_10_s_edits_at_most_once_a_minute_last_position_wins(w, clock):
    _, worker, order = await _setup(w, clock)
    trips, uid = w.services.trips, worker.user.id
    assert await trips.moved(uid, away(5000), "ru") is None  # no trip yet: not ours
    await trips.offer(worker, order.id, "ru")

    first = await trips.moved(uid, away(10_000), "ru")  # 10 km x 1.4 at 25 km/h = 34 min
    assert first.kind is StepKind.TELL and first.eta_minutes == 35
    assert first.draft.kind is MessageKind.ON_MY_WAY and first.draft.telegram
    assert first.draft.values["worker_first_name"] == "Иван"
    logged = await _tell(w, first)
    await w.services.client_loop.mark(order.organization_id, logged.id, DeliveryStatus.SENT, "777")

    edits = []
    for second in range(10, 181, 10):  # every 10 s for 3 minutes, 50 m closer each time
        clock.advance(seconds=10)
        step = await trips.moved(uid, away(10_000 - 5 * second), "ru")
        assert step.kind in (StepKind.EDIT, StepKind.KEEP), step
        if step.kind is StepKind.EDIT:
            edits.append((second, step.trip.edits, step.eta_minutes))
    assert [(s, n) for s, n, _ in edits] == [(60, 1), (120, 2), (180, 3)]
    trip = await _trip(w, order)
    assert trip.position == away(10_000 - 5 * 180) and trip.edits == 3
    # only the last edit asked for goes out; an earlier one still pending is skipped
    org_id = order.organization_id
    assert await trips.live_target(org_id, order.id, 3) == (0, 777)
    assert await trips.live_target(org_id, order.id, 2) is None

    # closer than 150 m: arrived, the position forgotten, "arrived" for the client
    clock.advance(seconds=10)
    arrived = await trips.moved(uid, away(140), "ru")
    assert arrived.kind is StepKind.ARRIVE and arrived.draft.kind is MessageKind.ARRIVED
    trip = await _trip(w, order)
    assert trip.arrived_at == clock.now() and trip.position is None
    assert await trips.moved(uid, away(100), "ru") is None  # nothing more after arrival
    assert await trips.live_target(org_id, order.id, 3) is None
    assert (await trips.offer(worker, order.id, "ru")).refusal is Refusal.ARRIVED


async def test_a_picked_time_then_start_arrives_once(w, clock):
    _, worker, order = await _setup(w, clock)
    trips = w.services.trips
    told = await trips.pick(worker, order.id, 30, "ru")
    assert told.kind is StepKind.TELL and told.eta_minutes == 30
    await _tell(w, told)
    changed = await trips.pick(worker, order.id, 15, "ru")  # a second pick edits at once
    assert changed.kind is StepKind.EDIT and changed.eta_minutes == 15
    change = await w.services.orders.act(worker, order.id, OrderAction.START)
    step = await trips.started(change.card.order, "ru")
    assert step.kind is StepKind.ARRIVE and step.draft.kind is MessageKind.ARRIVED
    assert await trips.started(change.card.order, "ru") is None  # once


async def test_an_order_without_a_point_asks_for_a_time(w, clock):
    _, worker, order = await _setup(w, clock, point=False)
    await w.services.trips.offer(worker, order.id, "ru")
    step = await w.services.trips.moved(worker.user.id, away(3000), "ru")
    assert step.kind is StepKind.REFUSED and step.refusal is Refusal.NO_POINT


async def test_eta_settings_are_kept_and_checked(w, clock):
    owner, worker, order = await _setup(w, clock)
    loop = w.services.client_loop
    assert (await loop.settings(owner)).eta_detour == 1.4
    faster = ClientLoopSettings(eta_detour=1.2, eta_speed_kmh=40, arrived_elsewhere=True)
    await loop.update_settings(owner, faster)
    kept = await loop.settings(owner)
    assert (kept.eta_detour, kept.eta_speed_kmh, kept.arrived_elsewhere) == (1.2, 40, True)
    for wrong in (ClientLoopSettings(eta_detour=5.0), ClientLoopSettings(eta_speed_kmh=0)):
        with pytest.raises(DomainError):
            await loop.update_settings(owner, wrong)
    await w.services.trips.offer(worker, order.id, "ru")
    step = await w.services.trips.moved(worker.user.id, away(10_000), "ru")
    assert step.eta_minutes == 20  # 10 km x 1.2 at 40 km/h = 18 min -> 20


async def test_trip_storage(w, clock):
    _, worker, order = await _setup(w, clock)
    org_id = order.organization_id
    async with w.uow() as uow:
        repo = uow.client_loop
        made = await repo.add_trip(org_id, order.id, worker.user.id, order.client_id, clock.now())
        await uow.commit()
    async with w.uow() as uow:
        repo = uow.client_loop
        assert await repo.active_trip(worker.user.id) == made
        assert await repo.trip(org_id + 1, order.id) is None  # another organization's
        assert await repo.change_trip(org_id, order.id, {"latitude": 1.5, "longitude": 2.5})
        assert not await repo.change_trip(org_id + 1, order.id, {"edits": 9})
        with pytest.raises(ValueError):
            await repo.change_trip(org_id, order.id, {"worker_id": 1})
        await uow.commit()
    async with w.uow() as uow:
        found = await uow.client_loop.trip(org_id, order.id)
        assert found.position == Point(1.5, 2.5) and found.edits == 0
        assert not found.told
        await uow.client_loop.change_trip(org_id, order.id, {"arrived_at": clock.now()})
        await uow.commit()
    async with w.uow() as uow:
        assert await uow.client_loop.active_trip(worker.user.id) is None

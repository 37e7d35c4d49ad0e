"""Invoices on both databases (core/invoices, storage/invoices.py): Done issues the order's
invoice in its own unit of work with the organization's next number of the year (in its
zone), gapless when a Done is rolled back and when Dones run at once (PostgreSQL), the lines
billed with their VAT, nothing for an order without a price; the organization's details."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.catalogue.model import NewLine
from core.invoices.issue import SEND_JOB
from core.invoices.requisites import Requisites
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from storage.tables import JobRow
from tests.integration.test_catalogue import _order
from tests.privacy_support import open_world


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


async def _started(w, clock, owner, worker, price: int | None = 150000):
    services = w.services
    client = await services.clients.create(owner, "Анна Петрова", None, None, None)
    draft = OrderDraft(client.id, scheduled_at=clock.now() + timedelta(hours=1), price_minor=price)
    order = await services.orders.create(owner, draft)
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    await services.orders.act(worker, order.id, OrderAction.START)
    return order


async def _invoice(w, org_id: int, order_id: int):
    async with w.uow() as uow:
        return await uow.invoices.for_order(org_id, order_id)


async def test_done_numbers_invoices_per_organization_and_year_without_gaps(w, clock):
    owner, _manager, worker, first, _ = await _order(w, clock)
    org_id = owner.organization.id
    await w.services.orders.act(worker, first.id, OrderAction.DONE)
    unpriced = await _started(w, clock, owner, worker, price=None)
    await w.services.orders.act(worker, unpriced.id, OrderAction.DONE)
    second = await _started(w, clock, owner, worker)
    await w.services.orders.act(worker, second.id, OrderAction.DONE)

    one, none, two = [await _invoice(w, org_id, o.id) for o in (first, unpriced, second)]
    assert none is None  # nothing to bill, no number taken
    assert (one.number, two.number) == ("2026-000001", "2026-000002")
    assert (one.total_minor, two.total_minor) == (300000, 150000)
    assert one.lines[0].name is None  # the price as agreed
    assert two.client_id is not None

    # 21:30 UTC on 31 December is already 2027 in Moscow: a new year, a new sequence
    clock.set(datetime(2026, 12, 31, 21, 30, tzinfo=UTC))
    third = await _started(w, clock, owner, worker)
    await w.services.orders.act(worker, third.id, OrderAction.DONE)
    assert (await _invoice(w, org_id, third.id)).number == "2027-000001"

    async with w.uow() as uow:
        assert [i.number for i in await uow.invoices.all(org_id)] == [
            "2026-000001",
            "2026-000002",
            "2027-000001",
        ]
        jobs = (await uow.session.execute(select(JobRow).where(JobRow.kind == SEND_JOB))).all()
        assert len(jobs) == 3  # each invoice is sent once


async def test_a_rolled_back_done_gives_its_number_back(w, clock):
    owner, _manager, worker, order, _ = await _order(w, clock)
    org_id = owner.organization.id
    async with w.uow() as uow:
        await w.services.orders.act(worker, order.id, OrderAction.DONE, uow)
        assert (await uow.invoices.for_order(org_id, order.id)).seq == 1
        # no commit: the Done and its invoice go together
    assert await _invoice(w, org_id, order.id) is None
    await w.services.orders.act(worker, order.id, OrderAction.DONE)
    assert (await _invoice(w, org_id, order.id)).number == "2026-000001"


async def test_lines_are_billed_with_their_vat(w, clock):
    owner, _manager, worker, order, _ = await _order(w, clock)
    lines = w.services.order_lines
    await lines.add_line(worker, order.id, NewLine("Фильтр", 2000, 45000, "шт", 0, 2000))
    await lines.add_line(worker, order.id, NewLine("Выезд", 1000, 110000, "", 10000, 1000))
    await w.services.orders.act(worker, order.id, OrderAction.DONE)
    invoice = await _invoice(w, owner.organization.id, order.id)
    assert [line.name for line in invoice.lines] == [None, "Фильтр", "Выезд"]
    assert invoice.total_minor == 300000 + 90000 + 100000
    assert invoice.vat_minor == 15000 + 9091


async def test_dones_at_once_take_consecutive_numbers(w, clock):
    owner, _manager, worker, order, _ = await _order(w, clock)
    orders = [order] + [await _started(w, clock, owner, worker) for _ in range(4)]
    await asyncio.gather(*(w.services.orders.act(worker, o.id, OrderAction.DONE) for o in orders))
    org_id = owner.organization.id
    numbers = sorted([(await _invoice(w, org_id, o.id)).seq for o in orders])
    assert numbers == [1, 2, 3, 4, 5]


async def test_a_waiting_counter_takes_the_number_a_rollback_gave_back(w, clock, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite writers never overlap (BEGIN IMMEDIATE)")
    owner, *_ = await _order(w, clock)
    org_id = owner.organization.id
    async with w.uow() as first:
        assert await first.invoices.next_seq(org_id, 2026) == 1
        async with w.uow() as second:
            waiting = asyncio.ensure_future(second.invoices.next_seq(org_id, 2026))
            await asyncio.sleep(0)
            await first.rollback()
            assert await waiting == 1  # it waited for the first, which gave 1 back
            await second.commit()
    async with w.uow() as third:
        assert await third.invoices.next_seq(org_id, 2026) == 2
        async with w.uow() as fourth:
            waiting = asyncio.ensure_future(fourth.invoices.next_seq(org_id, 2026))
            await asyncio.sleep(0)
            await third.commit()
            assert await waiting == 3


async def test_the_organizations_details_are_kept(w, clock):
    owner, *_ = await _order(w, clock)
    org_id = owner.organization.id
    given = Requisites(legal_name='ООО "Чистый дом"', inn="7707083893", kpp="773601001")
    async with w.uow() as uow:
        assert (await uow.invoices.requisites(org_id)).empty
        await uow.invoices.save_requisites(org_id, given, clock.now())
        await uow.commit()
    changed = Requisites(legal_name="ИП Иванов", inn="500100732259", bik="044525225")
    async with w.uow() as uow:
        assert await uow.invoices.requisites(org_id) == given
        await uow.invoices.save_requisites(org_id, changed, clock.now())
        await uow.commit()
    async with w.uow() as uow:
        assert await uow.invoices.requisites(org_id) == changed

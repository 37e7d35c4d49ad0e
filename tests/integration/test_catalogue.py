"""The services catalogue and line items on both databases, through the services on a frozen
clock (core/catalogue, storage/catalogue.py): who may manage the catalogue, archived items,
a line added on site (the price as agreed becomes the first line, the total is their sum, the
card shows them), the client's approval of a changed total before Done (Telegram and page)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.catalogue.approval import Approval
from core.catalogue.model import ItemChange, ItemKind, NewItem, NewLine, total_of
from core.catalogue.parsing import parse_line
from core.client_loop.model import Purpose
from core.domain import Role
from core.errors import DomainError
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from storage.tables import AuditEventRow, JobRow, OrderEventRow
from tests.integration.test_client_loop_storage import _member, _person
from tests.privacy_support import open_world
from tests.support import owner_with_org


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


def _item(name: str, price: int, unit: str = "шт", vat: int | None = 2000) -> NewItem:
    return NewItem(kind=ItemKind.SERVICE, name=name, unit=unit, price_minor=price, vat_bp=vat)


async def _order(w, clock, price: int | None = 300000, linked: bool = False):
    """An owner, a manager, a worker assigned a started order of a client."""
    services = w.services
    owner = await owner_with_org(services)
    manager = await _member(w, owner, Role.MANAGER, "Мария")
    worker = await _member(w, owner, Role.WORKER, "Иван")
    client = await services.clients.create(owner, "Пётр Сидоров", "+79165550001", None, None)
    draft = OrderDraft(client.id, scheduled_at=clock.now() + timedelta(hours=3), price_minor=price)
    order = await services.orders.create(owner, draft)
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    person = None
    if linked:
        issued = await services.client_loop.invite(owner, client.id, order.id)
        person = await _person(w, "Пётр")
        await services.client_loop.redeem(person, issued.token)
        org_id = owner.organization.id
        await services.client_loop.answer_consent(person, org_id, Purpose.TRANSACTIONAL, True)
    await services.orders.act(worker, order.id, OrderAction.START)
    return owner, manager, worker, order, person


async def test_owners_and_managers_manage_the_catalogue_and_workers_read_it(w, clock):
    services = w.services
    owner = await owner_with_org(services)
    manager = await _member(w, owner, Role.MANAGER, "Мария")
    worker = await _member(w, owner, Role.WORKER, "Иван")
    tap = await services.catalogue.add(owner, _item("Замена смесителя", 150000))
    cable = await services.catalogue.add(manager, _item("Кабель", 30000, unit="м", vat=None))
    with pytest.raises(DomainError) as refused:
        await services.catalogue.add(worker, _item("Своё", 100))
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError):
        await services.catalogue.set_price(worker, tap.id, 1)
    listed = await services.catalogue.items(worker)
    assert [i.name for i in listed] == ["Замена смесителя", "Кабель"]

    changed = await services.catalogue.set_price(manager, cable.id, 32000)
    assert changed.price_minor == 32000 and changed.unit == "м" and changed.vat_bp is None
    renamed = await services.catalogue.change(owner, tap.id, ItemChange(name="  Смеситель  "))
    assert renamed.name == "Смеситель" and renamed.price_minor == 150000
    with pytest.raises(DomainError) as refused:
        await services.catalogue.change(owner, tap.id, ItemChange(vat_bp=1800))
    assert refused.value.code == "vat_rate_invalid"

    await services.catalogue.archive(manager, cable.id)
    assert [i.name for i in await services.catalogue.items(worker)] == ["Смеситель"]
    everything = await services.catalogue.items(owner, archived=True)
    assert [(i.name, i.archived) for i in everything] == [("Кабель", True), ("Смеситель", False)]
    with pytest.raises(DomainError):
        await services.catalogue.items(worker, archived=True)
    restored = await services.catalogue.archive(owner, cable.id, archived=False)
    assert not restored.archived

    other = await owner_with_org(services, name="Другая")
    with pytest.raises(DomainError) as refused:
        await services.catalogue.set_price(other, tap.id, 1)  # another organization's item
    assert refused.value.code == "not_found"
    async with w.uow() as uow:
        stmt = select(AuditEventRow.data).where(AuditEventRow.subject_type == "catalogue_item")
        logged = (await uow.session.execute(stmt)).scalars().all()
    assert len(logged) == 6 and all("Кабель" not in str(d) for d in logged)


async def test_a_worker_adds_lines_on_site_and_the_price_is_their_sum(w, clock):
    services = w.services
    owner, manager, worker, order, _ = await _order(w, clock)
    cable = await services.catalogue.add(owner, _item("Кабель", 30000, unit="м"))
    typed = parse_line("replace tap, 1 x 1 500", "en")
    added = await services.order_lines.add_line(
        worker, order.id, NewLine(typed.name or "", typed.quantity_milli, typed.price_minor or 0)
    )
    assert not added.approval
    card = added.change.card
    assert card.order.price_minor == 450000 and card.order.line_count == 2
    shown = [(x.name, x.total_minor) for x in card.lines]
    assert shown == [(None, 300000), ("replace tap", 150000)]
    told = {n.recipient.id: n.kind for n in added.change.notices}
    assert told == {owner.user.id: "line", manager.user.id: "line"}  # the leads, not the worker

    picked = NewLine("Кабель", 2500, cable.price_minor, "м", 7500, cable.vat_bp, cable.id)
    added = await services.order_lines.add_line(manager, order.id, picked)
    assert worker.user.id in {n.recipient.id for n in added.change.notices}
    order_now, lines = await services.order_lines.lines(owner, order.id)
    assert order_now.price_minor == total_of(lines) == 450000 + 67500
    assert [x.position for x in lines] == [0, 1, 2] and lines[2].item_id == cable.id
    assert lines[2].vat_minor == 11250
    worker_card = await services.orders.card(worker, order.id)
    assert len(worker_card.lines) == 3

    async with w.uow() as uow:
        stmt = select(OrderEventRow.data).where(OrderEventRow.kind == "line")
        events = (await uow.session.execute(stmt)).scalars().all()
    assert [(e["from"], e["to"]) for e in events] == [(300000, 450000), (450000, 517500)]
    with pytest.raises(DomainError) as refused:  # the price is the sum of the lines
        await services.orders.act(owner, order.id, OrderAction.EDIT, field="price", value=1)
    assert refused.value.code == "price_is_lines"
    await services.orders.act(worker, order.id, OrderAction.DONE)  # no approval asked


async def test_who_may_add_a_line_and_when(w, clock):
    services = w.services
    owner, _, worker, order, _ = await _order(w, clock, price=None)
    other = await _member(w, owner, Role.WORKER, "Пётр")
    with pytest.raises(DomainError) as refused:
        await services.order_lines.add_line(other, order.id, NewLine("a", 1000, 100))
    assert refused.value.code == "order_gone"  # not their order: they do not see it
    with pytest.raises(DomainError) as refused:
        await services.order_lines.add_line(worker, order.id, NewLine("a", 1000, 100, vat_bp=1))
    assert refused.value.code == "vat_rate_invalid"
    first = await services.order_lines.add_line(worker, order.id, NewLine("work", 1000, 5000))
    assert first.change.card.order.line_count == 1  # no price before: no agreed line
    assert first.change.card.order.price_minor == 5000
    await services.orders.act(worker, order.id, OrderAction.DONE)
    with pytest.raises(DomainError) as refused:
        await services.order_lines.add_line(worker, order.id, NewLine("late", 1000, 100))
    assert refused.value.code == "order_already"
    late = await services.order_lines.add_line(owner, order.id, NewLine("late", 1000, 100))
    assert late.change.card.order.price_minor == 5100  # a manager, until it is settled


async def test_a_changed_total_waits_for_the_clients_approval_before_done(w, clock):
    services = w.services
    owner, _, worker, order, person = await _order(w, clock, linked=True)
    settings = await services.client_loop.settings(owner)
    await services.client_loop.update_settings(owner, replace(settings, approve_total=True))
    added = await services.order_lines.add_line(worker, order.id, NewLine("tap", 1000, 150000))
    assert added.approval and added.change.card.order.approval_minor == 450000
    with pytest.raises(DomainError) as refused:
        await services.orders.act(worker, order.id, OrderAction.DONE)
    assert refused.value.code == "approval_pending"

    stranger = await _person(w, "Чужой")
    org_id = owner.organization.id
    with pytest.raises(DomainError) as refused:
        await services.approvals.by_telegram(stranger.id, org_id, order.id, 450000)
    assert refused.value.code == "client_button_foreign"
    outcome = await services.approvals.by_telegram(person.id, org_id, order.id, 300000)
    assert outcome.answer is Approval.OUTDATED
    outcome = await services.approvals.by_telegram(person.id, org_id, order.id, 450000)
    assert outcome.answer is Approval.APPROVED and outcome.order.approval_minor is None
    again = await services.approvals.by_telegram(person.id, org_id, order.id, 450000)
    assert again.answer is Approval.NOTHING
    async with w.uow() as uow:
        stmt = select(JobRow.payload).where(JobRow.kind == "client_answer_notice")
        notices = (await uow.session.execute(stmt)).scalars().all()
    assert [n["what"] for n in notices] == ["approved"]
    await services.orders.act(worker, order.id, OrderAction.DONE)


async def test_a_total_is_not_held_for_a_client_who_cannot_be_asked(w, clock):
    services = w.services
    owner, _, worker, order, _ = await _order(w, clock, linked=False)
    settings = await services.client_loop.settings(owner)
    await services.client_loop.update_settings(owner, replace(settings, approve_total=True))
    added = await services.order_lines.add_line(worker, order.id, NewLine("tap", 1000, 150000))
    assert not added.approval and added.change.card.order.approval_minor is None
    await services.orders.act(worker, order.id, OrderAction.DONE)

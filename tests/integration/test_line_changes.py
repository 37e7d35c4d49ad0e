"""Issue 20, item 4 on both databases, through the services on a frozen clock: the client
declines a new total (Done refused with what staff can do next, the staff told once, a line
change asks again), and the staff's cards of the order are redrawn in the unit of work of the
client's answer (approved or declined) without another change of the order."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from core.catalogue.approval import Approval
from core.catalogue.model import NewLine, total_of
from core.domain import Role
from core.errors import DomainError
from core.orders.rules import OrderAction
from storage.tables import JobRow, OrderEventRow
from tests.integration.test_catalogue import _order
from tests.integration.test_client_loop_storage import _member
from tests.privacy_support import open_world


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


async def _asked(w, clock):
    """A started order of a linked client whose organization asks for approval; the worker
    added a line (3 000 -> 4 500) and their card is shown in message 77 of chat 700."""
    services = w.services
    owner, manager, worker, order, person = await _order(w, clock, linked=True)
    settings = await services.client_loop.settings(owner)
    await services.client_loop.update_settings(owner, replace(settings, approve_total=True))
    added = await services.order_lines.add_line(worker, order.id, NewLine("tap", 1000, 150000))
    assert added.approval
    async with w.uow() as uow:
        await uow.orders.remember_message(order, worker.user.id, 700, 77, "card", clock.now())
        await uow.commit()
    return owner, manager, worker, order, person


async def _notices(w) -> list[str]:
    async with w.uow() as uow:
        stmt = select(JobRow.payload).where(JobRow.kind == "client_answer_notice")
        return [p["what"] for p in (await uow.session.execute(stmt)).scalars()]


async def test_a_declined_total_blocks_done_until_a_line_changes(w, clock):
    services = w.services
    owner, _, worker, order, person = await _asked(w, clock)
    org_id = owner.organization.id
    declined = await services.approvals.by_telegram(person.id, org_id, order.id, 450000, False)
    assert declined.answer is Approval.DECLINED
    assert declined.order.approval_minor == 450000
    assert declined.order.approval_declined_at == clock.now()
    again = await services.approvals.by_telegram(person.id, org_id, order.id, 450000, False)
    assert again.answer is Approval.DECLINED and again.shown == ()  # nothing changed twice
    late = await services.approvals.by_telegram(person.id, org_id, order.id, 450000)
    assert late.answer is Approval.DECLINED  # declined stands until staff change the lines
    assert await _notices(w) == ["declined"]
    with pytest.raises(DomainError) as refused:
        await services.orders.act(worker, order.id, OrderAction.DONE)
    assert refused.value.code == "approval_declined"
    async with w.uow() as uow:
        stmt = select(OrderEventRow.data).where(OrderEventRow.kind == "total_declined")
        events = (await uow.session.execute(stmt)).scalars().all()
    assert events == [{"by": "telegram", "total_minor": 450000}]

    added = await services.order_lines.add_line(worker, order.id, NewLine("tap", 1000, 10000))
    asked = added.change.card.order
    assert asked.approval_minor == 460000 and asked.approval_declined_at is None
    page = await services.approvals.by_telegram(person.id, org_id, order.id, 460000)
    assert page.answer is Approval.APPROVED
    await services.orders.act(worker, order.id, OrderAction.DONE)


async def test_the_staff_card_is_redrawn_by_the_clients_answer(w, clock):
    services = w.services
    owner, _, worker, order, person = await _asked(w, clock)
    org_id = owner.organization.id
    approved = await services.approvals.by_telegram(person.id, org_id, order.id, 450000)
    assert approved.answer is Approval.APPROVED
    [shown] = approved.shown
    assert (shown.chat_id, shown.message_id, shown.viewer.id) == (700, 77, worker.user.id)
    assert shown.card is not None and shown.card.order.approval_minor is None
    assert shown.card.order.version == approved.order.version
    assert len(shown.card.lines) == 2 and OrderAction.DONE in shown.card.actions


async def _events(w, kind: str) -> list[dict]:
    async with w.uow() as uow:
        stmt = select(OrderEventRow.data).where(OrderEventRow.kind == kind)
        return list((await uow.session.execute(stmt)).scalars())


async def test_a_line_is_changed_and_removed_and_the_price_stays_the_sum(w, clock):
    services = w.services
    owner, manager, worker, order, _ = await _order(w, clock)
    lines = services.order_lines
    await lines.add_line(worker, order.id, NewLine("tap", 1000, 150000))
    await lines.add_line(worker, order.id, NewLine("cable", 2000, 30000, "м", 6000))
    _, rows = await lines.lines(owner, order.id)
    agreed, tap, cable = rows
    edited = await lines.edit_line(worker, order.id, tap.id, 2500)
    assert edited.line.quantity_milli == 2500 and not edited.removed
    card = edited.change.card
    assert card.order.price_minor == 300000 + 375000 + 54000
    assert [x.quantity_milli for x in card.lines] == [1000, 2500, 2000]  # read after the edit
    told = {n.recipient.id: n.kind for n in edited.change.notices}
    assert told == {owner.user.id: "line_edit", manager.user.id: "line_edit"}
    with pytest.raises(DomainError) as refused:  # the discount is more than the line
        await lines.edit_line(worker, order.id, cable.id, 100)
    assert refused.value.code == "line_discount_range"

    removed = await lines.edit_line(manager, order.id, tap.id, None)
    assert removed.removed and removed.line.id == tap.id
    assert worker.user.id in {n.recipient.id for n in removed.change.notices}
    after, rows = await lines.lines(owner, order.id)
    assert [(x.id, x.position) for x in rows] == [(agreed.id, 0), (cable.id, 1)]
    assert after.price_minor == total_of(rows) == 354000 and after.line_count == 2
    with pytest.raises(DomainError) as refused:  # a second tap on Remove
        await lines.edit_line(manager, order.id, tap.id, None)
    assert refused.value.code == "line_gone"
    added = await lines.add_line(worker, order.id, NewLine("late", 1000, 100))
    assert [x.name for x in added.change.card.lines] == [None, "cable", "late"]
    assert [(e["from"], e["to"], e["quantity_milli"]) for e in await _events(w, "line_edit")] == [
        (504000, 729000, 2500),
        (729000, 354000, None),
    ]

    for line in added.change.card.lines:  # every line removed: no price left
        last = await lines.edit_line(worker, order.id, line.id, None)
    assert last.change.card.order.price_minor is None
    assert last.change.card.order.line_count == 0


async def test_lines_of_a_done_order_are_not_changed(w, clock):
    services = w.services
    owner, _, worker, order, _ = await _order(w, clock)
    added = await services.order_lines.add_line(worker, order.id, NewLine("tap", 1000, 150000))
    other = await _member(w, owner, Role.WORKER, "Пётр")
    with pytest.raises(DomainError) as refused:
        await services.order_lines.edit_line(other, order.id, added.line.id, None)
    assert refused.value.code == "order_gone"
    await services.orders.act(worker, order.id, OrderAction.DONE)
    for who in (worker, owner):
        with pytest.raises(DomainError) as refused:
            await services.order_lines.edit_line(who, order.id, added.line.id, None)
        assert refused.value.code == "lines_done"
    _, rows = await services.order_lines.lines(owner, order.id)
    assert len(rows) == 2


async def test_a_changed_line_asks_the_client_again_after_a_decline(w, clock):
    services = w.services
    owner, _, worker, order, person = await _asked(w, clock)
    org_id = owner.organization.id
    await services.approvals.by_telegram(person.id, org_id, order.id, 450000, False)
    _, rows = await services.order_lines.lines(owner, order.id)
    removed = await services.order_lines.edit_line(worker, order.id, rows[1].id, None)
    asked = removed.change.card.order
    assert removed.approval and asked.approval_minor == 300000
    assert asked.approval_declined_at is None
    with pytest.raises(DomainError) as refused:
        await services.orders.act(worker, order.id, OrderAction.DONE)
    assert refused.value.code == "approval_pending"

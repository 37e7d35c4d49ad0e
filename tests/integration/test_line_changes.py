"""Issue 20, item 4 on both databases, through the services on a frozen clock: the client
declines a new total (Done refused with what staff can do next, the staff told once, a line
change asks again), and the staff's cards of the order are redrawn in the unit of work of the
client's answer (approved or declined) without another change of the order."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from core.catalogue.approval import Approval
from core.catalogue.model import NewLine
from core.errors import DomainError
from core.orders.rules import OrderAction
from storage.tables import JobRow, OrderEventRow
from tests.integration.test_catalogue import _order
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

"""What a sent message's id is recorded for, in the transaction that marks it sent: a card is
remembered (later changes edit it), and a card drawn before a change is caught up at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.runtime.outbox import Method
from handlers.delivery.follow_ups import card_sent
from handlers.i18n import Catalogs
from handlers.orders.publish import remembered
from tests.support import owner_with_org, services_for

ADDRESS = "Тверская 1"


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


async def _card(services, clock):
    owner = await owner_with_org(services)
    client = await services.clients.create(owner, "Анна", "+79161234567", ADDRESS)
    draft = OrderDraft(
        client.id,
        address=ADDRESS,
        price_minor=500000,
        scheduled_at=clock.now() + timedelta(hours=3),
    )
    order = await services.orders.create(owner, draft)
    return owner, await services.orders.card(owner, order.id)


async def test_a_sent_card_is_remembered_and_needs_nothing_more(services, clock, uow_factory):
    owner, card = await _card(services, clock)
    chat = owner.user.telegram_id
    extra = await card_sent(services, Catalogs(), chat, 41, remembered(card, "card"))
    assert extra == []
    async with uow_factory() as uow:
        shown = await uow.orders.messages(card.order.organization_id, card.order.id)
    assert (owner.user.id, chat, 41, "card") in shown


async def test_a_card_drawn_before_a_change_is_edited_to_the_order_as_it_is(services, clock):
    owner, card = await _card(services, clock)
    drawn = remembered(card, "card")
    await services.orders.act(owner, card.order.id, OrderAction.CANCEL)
    chat = owner.user.telegram_id
    extra = await card_sent(services, Catalogs(), chat, 42, drawn)
    assert [(d.method, d.chat_id, d.params["message_id"]) for d in extra] == [
        (Method.EDIT, chat, 42)
    ]
    assert "✖️" in str(extra[0].params["text"]) or "ancel" in str(extra[0].params["text"])

"""Conversations in the database: one stored before dialog data was typed goes on to the
end; a damaged one reads as no conversation, and a new one replaces it."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert

from core.clients.flows import NEW_CLIENT
from core.dialogs.engine import DialogInput
from core.outcomes import NoDialog, OrderCreated, Prompt
from storage.tables import DialogStateRow
from tests.support import owner_with_org, services_for


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


async def _store(uow_factory, actor, flow, step, data, now):
    """A row as an earlier version wrote it (raw JSON, not through the typed repository)."""
    row = dict(chat_id=actor.user.telegram_id, user_id=actor.user.id, flow=flow, step=step)
    async with uow_factory() as uow:
        values = dict(row, data=data, version=3, updated_at=now)
        await uow._session.execute(insert(DialogStateRow.__table__).values(**values))
        await uow.commit()


async def test_an_order_draft_stored_by_the_untyped_version_is_created(
    services, uow_factory, clock
):
    owner = await owner_with_org(services)
    client = await services.clients.create(owner, "Анна Петрова", "+7 916 123-45-67")
    draft = {
        "today": "2026-03-02",
        "now_local": "2026-03-02T12:00:00",
        "categories": [],
        "may_assign": True,
        "candidates": [[client.id, "Анна Петрова", "+79161234567"]],
        "resolved": True,
        "client_pick": str(client.id),
        "client_loaded": client.id,
        "client_label": "Анна Петрова",
        "client_address": None,
        "address": {"text": "Тверская 1", "lat": None, "lon": None},
        "suggestions": [],
        "when": {"day": "2026-03-03", "time": None},
        "time": "10:00:00",
        "price": None,
        "description": "окна",
    }
    await _store(uow_factory, owner, "new_order", "confirm", draft, clock.now())
    chat = owner.user.telegram_id
    current = await services.dialogs.current(owner, chat)
    assert current is not None and current.step == "confirm" and current.version == 3
    done = await services.dialogs.answer(owner, chat, DialogInput(choice="create"))
    assert isinstance(done, OrderCreated) and not done.client_created
    card = await services.orders.card(owner, done.order_id)
    assert card.order.client_id == client.id and card.order.address == "Тверская 1"
    assert card.order.scheduled_at == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 10:00 Moscow
    assert card.order.price_minor is None and card.order.description == "окна"
    assert await services.dialogs.current(owner, chat) is None


@pytest.mark.parametrize(
    ("flow", "step", "data"),
    [
        ("payment", "amount", {"order_id": "three"}),
        ("new_order", "when", {"today": "вчера"}),
        ("new_client", "nickname", {"name": "Анна"}),  # a step this version does not have
        ("a_flow_gone", "step", {}),
    ],
)
async def test_a_conversation_this_version_cannot_read_is_none(
    services, uow_factory, clock, flow, step, data
):
    owner = await owner_with_org(services)
    chat = owner.user.telegram_id
    await _store(uow_factory, owner, flow, step, data, clock.now())
    answer = await services.dialogs.answer(owner, chat, DialogInput(text="500"))
    assert isinstance(answer, NoDialog), "read as no conversation, not an error"
    prompt = await services.dialogs.start(owner, chat, NEW_CLIENT)
    assert isinstance(prompt, Prompt) and prompt.state.step == "name"
    current = await services.dialogs.current(owner, chat)
    assert current is not None and current.flow == NEW_CLIENT and current.version == 1

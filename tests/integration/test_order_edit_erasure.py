"""An edited address or description keeps its old and new text in the order's history; erasing
the client or the retention limit leaves only which detail changed."""

import pytest

from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from tests.privacy_support import open_world, seed_client
from tests.support import owner_with_org

OLD_PLACE = "Улица Прежняя, 13"
NEW_PLACE = "Улица Новая, 31"
NOTES = "Код домофона 7731"


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


async def test_erasing_the_client_erases_the_edited_texts(w, clock):
    owner = await owner_with_org(w.services)
    seeded = await seed_client(w, owner, clock, tag="Правкина", phone="+79165550101")
    order_id = seeded.order.id
    edit = OrderAction.EDIT
    for place in (OLD_PLACE, NEW_PLACE):
        value = {"text": place, "lat": None, "lon": None}
        await w.services.orders.act(owner, order_id, edit, field="address", value=value)
    await w.services.orders.act(owner, order_id, edit, field="description", value=NOTES)
    await w.services.orders.act(owner, order_id, edit, field="price", value=420000)
    assert "order_event.data" in await w.scan([OLD_PLACE, NOTES])
    await w.services.erasure.erase_client(owner, seeded.client.id)
    assert await w.scan([OLD_PLACE, NEW_PLACE, NOTES]) == []
    edits = [e for e, _ in await w.services.orders.history(owner, order_id) if e.kind == "edit"]
    assert [e.data for e in edits[:3]] == [{"field": "address"}] * 2 + [{"field": "description"}]
    assert edits[3].data == {"field": "price", "from": 350000, "to": 420000}  # accounts stay


async def test_the_retention_limit_erases_an_address_edited_away(w, clock):
    """An order with no address, description or file left still had one in its history."""
    owner = await owner_with_org(w.services)
    await w.services.privacy.set_retention(owner, 365)
    order = await w.services.orders.create(owner, OrderDraft(None, address=OLD_PLACE))
    none = {"text": None, "lat": None, "lon": None}
    await w.services.orders.act(owner, order.id, OrderAction.EDIT, field="address", value=none)
    await w.services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=owner.user.id)
    await w.services.orders.act(owner, order.id, OrderAction.START)
    await w.services.orders.act(owner, order.id, OrderAction.DONE)
    assert await w.scan([OLD_PLACE]) == ["order_event.data"]
    clock.advance(days=366)
    await w.services.erasure.enforce()
    assert await w.scan([OLD_PLACE]) == []

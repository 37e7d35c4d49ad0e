"""Issue 20, item 7: a category's checklist through the admin API, on SQLite and PostgreSQL:
owners and managers replace it (cleaned, kinds and units kept), no sign-in is refused, an
unknown category is 404 and bad items 422; an order made afterwards takes the checklist."""

from __future__ import annotations

from core.orders.service import OrderDraft
from tests.admin.test_client_page import world as page_world
from tests.admin.test_working_hours_http import _signed_in_as

world = page_world


async def test_owners_define_a_categorys_checklist_through_the_api(client, world):
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    headers = {"X-CSRF-Token": csrf}
    services = world.services
    async with services.client_loop._uow() as uow:
        category = (await uow.categories.listing(world.org_id))[0]
    url = f"/api/checklists/{category.id}"
    empty = await client.get(url)
    assert empty.status_code == 200 and empty.json() == {"category_id": category.id, "items": []}
    body = {
        "items": [
            {"text": "  Check   the filter ", "required": True},
            {"text": "Meter reading", "kind": "number", "required": True, "unit": "kWh"},
            {"text": "Photo of the unit", "kind": "photo", "unit": "ignored"},
        ]
    }
    saved = await client.put(url, json=body, headers=headers)
    assert saved.status_code == 200
    assert saved.json()["items"] == [
        {"text": "Check the filter", "kind": "tick", "required": True, "unit": None},
        {"text": "Meter reading", "kind": "number", "required": True, "unit": "kWh"},
        {"text": "Photo of the unit", "kind": "photo", "required": False, "unit": None},
    ]
    assert (await client.get(url)).json() == saved.json()
    for wrong in (
        {"items": [{"text": "\u200b "}]},
        {"items": [{"text": "x", "kind": "video"}]},
        {"items": [{"text": "x"}] * 31},
    ):
        refused = await client.put(url, json=wrong, headers=headers)
        assert refused.status_code == 422, wrong
    assert (await client.get(url)).json() == saved.json()  # nothing of a refusal is kept
    assert (await client.get("/api/checklists/999999")).status_code == 404
    put_unknown = await client.put("/api/checklists/999999", json=body, headers=headers)
    assert put_unknown.status_code == 404

    draft = OrderDraft(world.client.id, category_id=category.id)
    order = await services.orders.create(world.owner, draft)
    answers = await services.checklists.answers(world.owner, order.id)
    assert [i.text for i in answers.items] == [
        "Check the filter",
        "Meter reading",
        "Photo of the unit",
    ]


async def test_the_api_needs_a_signed_in_owner_or_manager(client, world):
    """Workers cannot sign in to the admin app at all; their use case refuses them too
    (tests/integration/test_checklists.py)."""
    async with world.services.client_loop._uow() as uow:
        category = (await uow.categories.listing(world.org_id))[0]
    url = f"/api/checklists/{category.id}"
    assert (await client.get(url)).status_code == 401
    assert (await client.put(url, json={"items": []})).status_code in (401, 403)

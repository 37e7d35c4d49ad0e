"""Issue 20, item 1: how many days ahead series' visits are made, through the API (owners set
it, audited; managers and owners read it; refused out of range). SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from tests.admin.test_client_page import world as page_world
from tests.admin.test_working_hours_http import _signed_in_as

world = page_world


async def test_owners_set_the_recurring_days(client, world):
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    headers = {"X-CSRF-Token": csrf}
    default = await client.get("/api/settings/recurring-days")
    assert default.status_code == 200 and default.json() == {"days": 30}
    for wrong in ({"days": 0}, {"days": 367}, {"days": "many"}, {}):
        refused = await client.put("/api/settings/recurring-days", json=wrong, headers=headers)
        assert 400 <= refused.status_code < 500, wrong
    saved = await client.put("/api/settings/recurring-days", json={"days": 14}, headers=headers)
    assert saved.status_code == 200 and saved.json() == {"days": 14}
    assert await world.services.series.horizon(world.owner) == 14
    entries = await world.services.audit.page(world.owner)
    assert any(e.data.get("name") == "recurring_days" for e in entries.items)


async def test_a_worker_cannot_change_them(world):
    with pytest.raises(DomainError) as error:
        await world.services.series.set_horizon(world.worker, 7)
    assert error.value.code == "forbidden"

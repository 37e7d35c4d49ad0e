"""Issue 20, item 1: how many days ahead series' visits are made, through the API (owners set
it, audited; managers and owners read it; refused out of range). SQLite and PostgreSQL."""

from __future__ import annotations

import re

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


async def test_the_settings_form_sets_the_recurring_days(client, world):
    """The settings page's form: the current value shown, a post without the CSRF token
    forbidden, a number out of range or not a number refused on the page in the reader's
    language with nothing saved, a good one saved (and read back by the API)."""
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    page = await client.get("/settings")
    assert "Повторяющиеся визиты" in page.text and "Дней вперёд" in page.text
    assert re.search(r'name="recurring_days"[^>]*value="30"', page.text)
    forged = await client.post("/settings/recurring-days", data={"recurring_days": "14"})
    assert forged.status_code == 403
    for wrong in ("0", "367", "many", "", "１４", "-5", "1e3"):
        data = {"recurring_days": wrong, "csrf": csrf}
        refused = await client.post("/settings/recurring-days", data=data)
        assert refused.status_code == 422, wrong
        assert "от 1 до 366 дней вперёд" in refused.text, wrong
    assert await world.services.series.horizon(world.owner) == 30
    saved = await client.post(
        "/settings/recurring-days", data={"recurring_days": " 14 ", "csrf": csrf}
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/settings?saved=1"
    assert (await client.get("/api/settings/recurring-days")).json() == {"days": 14}
    shown = await client.get("/settings?saved=1")
    assert re.search(r'name="recurring_days"[^>]*value="14"', shown.text)


async def test_an_english_owner_reads_the_recurring_form_in_english(client, world):
    await world.services.users.set_language(world.owner, "en")
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    page = await client.get("/settings")
    assert "Recurring visits" in page.text and "Days ahead" in page.text
    refused = await client.post(
        "/settings/recurring-days", data={"recurring_days": "0", "csrf": csrf}
    )
    assert refused.status_code == 422
    assert "Visits can be made from 1 to 366 days ahead." in refused.text

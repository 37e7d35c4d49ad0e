"""Issue 25, item 5: the settings page's "AI for the organization" form in the owner's
language: three boxes ticked by default, a post without the CSRF token forbidden, a post with
one box ticked turns the other two off (audited), and the page shows it. Both databases."""

from __future__ import annotations

import re

from tests.admin.test_client_page import world as page_world
from tests.admin.test_working_hours_http import _signed_in_as

world = page_world
BOXES = ("ai_speech", "ai_summaries", "ai_inbox")


def _ticked(html: str) -> set[str]:
    return {n for n in BOXES if re.search(rf'name="{n}" value="1" checked', html)}


async def test_the_ai_switches_on_the_settings_page(client, world):
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    page = await client.get("/settings")
    assert "ИИ в организации" in page.text and "Распознавание речи" in page.text
    assert _ticked(page.text) == set(BOXES)
    forged = await client.post("/settings/ai", data={"ai_speech": "1"})
    assert forged.status_code == 403
    saved = await client.post("/settings/ai", data={"ai_speech": "1", "csrf": csrf})
    assert saved.status_code == 303 and saved.headers["location"] == "/settings?saved=1"
    assert _ticked((await client.get("/settings?saved=1")).text) == {"ai_speech"}
    entries = (await world.services.audit.page(world.owner)).items
    changed = {e.data["name"]: e.data["new"] for e in entries if e.action == "setting.changed"}
    assert changed == {"ai_summaries": False, "ai_inbox": False}

"""`--demo`: the demo organization in the database and its team as sandbox personas."""

from __future__ import annotations

from bot.local import LocalBot
from storage import demo
from storage.db import session_factory


async def seed_demo(local: LocalBot) -> str:
    assert local.container is not None
    now = local.container.services.clock.now()
    created = await demo.seed(session_factory(local.container.engine), now)
    for person in demo.TEAM:
        local.emulator.user(person.telegram_id, person.first_name, language_code=person.language)
    names = ", ".join(f"{p.first_name} ({p.role.value})" for p in demo.TEAM)
    state = "created" if created else "already there"
    return f"Demo organization {state}: switch to {names} in the web chat and send /orders."

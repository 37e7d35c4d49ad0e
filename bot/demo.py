"""`--demo`: the demo organization in the database, in one language, and its team as sandbox
personas who have not written to the bot yet."""

from __future__ import annotations

from bot.local import LocalBot
from storage import demo
from storage.db import session_factory


async def seed_demo(local: LocalBot, language: str = "ru") -> str:
    assert local.container is not None
    now = local.container.services.clock.now()
    sessions = session_factory(local.container.engine)
    created = await demo.seed(sessions, now, language=language, onboarded=False)
    team = demo.team(language)
    for person in team:
        local.emulator.user(
            person.telegram_id,
            person.first_name,
            last_name=person.last_name,
            username=person.username,
            language_code=person.language,
        )
    names = ", ".join(f"{p.first_name} {p.last_name} ({p.role.value})" for p in team)
    state = "created" if created else "already there"
    return f"Demo organization {state}: switch to {names} in the web chat and send /start."

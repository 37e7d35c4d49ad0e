"""The sandbox's demo organization as a first-time user meets it: each team member's first
/start is a first contact (never "welcome back"), and every name is in the demo's language."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.demo import seed_demo
from storage import demo
from storage.db import session_factory
from storage.tables import ClientPhoneRow, ClientRow, OrganizationRow
from tests.e2e.scenario import onboard

# The web chat's preset personas (sandbox/web/static/personas.js).
PRESETS = {"Olga", "Mary", "Ivan", "Wang"}


@pytest.mark.parametrize(
    ("language", "first", "back", "role"),
    [
        ("ru", "Добро пожаловать в", "С возвращением", "роль: владелец"),
        ("en", "Welcome to", "Welcome back", "role: owner"),
    ],
)
async def test_a_demo_member_is_greeted_as_a_first_contact_then_as_returning(
    crm, language, first, back, role
):
    await seed_demo(crm, language)
    owner = crm.emulator.user(demo.team(language)[0].telegram_id)
    await onboard(owner, language)
    greeting = await owner.reply()
    assert first in greeting.text and back not in greeting.text, greeting.text
    assert role in greeting.text, greeting.text
    await owner.send("/start")
    assert back in (await owner.reply()).text


@pytest.mark.parametrize(("language", "letters"), [("ru", "[А-Яа-яЁё]"), ("en", "[A-Za-z']")])
async def test_demo_names_are_in_one_language_unique_and_unlike_the_presets(
    crm, language, letters
):
    summary = await seed_demo(crm, language)
    team = [person.first_name for person in demo.team(language)]
    assert all(name in summary for name in team), summary
    assert not PRESETS & set(team) and len(set(team)) == len(team)
    async with session_factory(crm.container.engine)() as session:
        rows = (
            await session.execute(
                select(ClientRow.name, ClientPhoneRow.phone, ClientRow.email).outerjoin(
                    ClientPhoneRow, ClientPhoneRow.client_id == ClientRow.id
                )
            )
        ).all()
        org = (await session.execute(select(OrganizationRow))).scalar_one()
    clients = [row.name for row in rows]
    phones = [row.phone for row in rows if row.phone is not None]
    mails = [row.email for row in rows if row.email is not None]
    assert len(clients) == len(set(clients)) == 300
    # every fifth is reached by e-mail only (an address at a reserved domain, no phone)
    assert len(set(phones)) == 240 and len(set(mails)) == 60
    assert all(row.phone is None for row in rows if row.email is not None)
    assert all(mail.endswith("@mail.demo.test") for mail in mails)
    word = re.compile(rf"^{letters}+$")
    assert all(word.match(part) for name in clients for part in name.split()), clients
    assert not any(name in client for name in team for client in clients)
    assert org.language == language and word.match(org.name.split()[0])

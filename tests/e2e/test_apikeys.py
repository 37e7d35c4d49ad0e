"""/apikeys through the bot (issue 21, item 5; docs/rest-api.md): an owner creates a key (the
secret shown once), lists it with its scopes and last use, and revokes it; a worker, in
English, is refused."""

from __future__ import annotations

import re

import pytest

from core.errors import DomainError
from tests.e2e.scenario import create_org, invite_link, onboard

SECRET = re.compile(r"<code>(crm_[A-Za-z0-9_-]+)</code>|(crm_[A-Za-z0-9_-]{40,})")


async def test_the_owner_creates_lists_and_revokes_a_key_and_a_worker_is_refused(crm):
    olga = crm.emulator.user(7901, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/apikeys")
    empty = await olga.reply()
    assert "API-ключей пока нет" in empty.text and "orders:read" in empty.text
    await olga.send("/apikeys new Сайт orders:read clients:write")
    made = await olga.reply()
    assert "API-ключ №1 «Сайт» создан" in made.text
    found = SECRET.search(made.text)
    assert found is not None
    secret = found.group(1) or found.group(2)
    caller = await crm.container.services.api_keys.caller(secret)
    assert [s.value for s in caller.key.scopes] == ["orders:read", "clients:write"]
    await olga.send("/apikeys")
    listed = await olga.reply()
    assert f"№1 Сайт ({secret[:8]}…): orders:read, clients:write" in listed.text
    assert secret not in listed.text and "последнее использование:" in listed.text
    await olga.send("/apikeys new x everything")
    assert "Выберите одну или несколько областей доступа" in (await olga.reply()).text
    await olga.send("/apikeys revoke 1")
    assert (await olga.reply()).text == "API-ключ №1 отозван."
    with pytest.raises(DomainError, match="api_key_invalid"):
        await crm.container.services.api_keys.caller(secret)

    token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(7902, "Ivan", language_code="en")
    await onboard(ivan, "en", payload=token)
    await ivan.reply()
    await olga.reply()
    await ivan.send("/apikeys new mine orders:read")
    assert (await ivan.reply()).text == "Your role does not allow this."

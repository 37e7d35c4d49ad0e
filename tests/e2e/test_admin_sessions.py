"""Web sessions with the real bot (issue 25, item 12): the emulator, the admin app on a real
port and browsers as HTTP clients with their own cookies. The first sign-in and a second one
from the same browser say nothing; a browser the person has not used before brings exactly one
message in their language, whose "Not you? Sign out everywhere" ends every web session."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.admin.support_sessions import CHROME, FIREFOX
from tests.e2e.scenario import create_org

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/signin/[A-Za-z0-9_-]+)")


async def _link(person) -> str:
    await person.send("/admin")
    reply = await person.reply()
    found = LINK.search(reply.text)
    assert found, reply.text
    return found.group(1)


async def test_a_new_browser_is_told_once_and_not_you_signs_out_everywhere(admin_crm):
    olga = admin_crm.emulator.user(7931, "Ольга", language_code="ru")
    await create_org(olga)
    base = admin_crm.admin.url
    async with (
        httpx.AsyncClient(base_url=base, headers={"user-agent": CHROME}) as chrome,
        httpx.AsyncClient(base_url=base, headers={"user-agent": FIREFOX}) as firefox,
    ):
        for _ in range(2):
            assert (await chrome.post(await _link(olga))).status_code == 303
        assert (await chrome.get("/settings")).status_code == 200
        assert (await firefox.post(await _link(olga))).status_code == 303
        told = await olga.reply()
        assert told.text.startswith("🔐 Новый вход на веб-страницы")
        assert "Firefox 121, Linux\nАдрес: 127.0.0.1" in told.text
        with pytest.raises(Exception, match="no new bot message"):
            await olga.reply(timeout=1.0)  # exactly one
        await olga.tap("Не вы? Выйти везде", message=told)
        done = await olga.reply()
        assert done.text == (
            "✅ Выход выполнен везде: завершено 2 веб-сеанса. Чтобы войти снова, отправьте /admin."
        )
        for web in (chrome, firefox):
            assert (await web.get("/settings")).status_code == 401
        assert (await firefox.post(await _link(olga))).status_code == 303  # a known browser now
        assert (await firefox.get("/sessions")).status_code == 200
    with pytest.raises(Exception, match="no new bot message"):
        await olga.reply(timeout=1.0)

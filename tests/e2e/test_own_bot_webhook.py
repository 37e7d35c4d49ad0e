"""Webhook mode serves every own bot through a webhook of its own (issue 23, item 2;
docs/own-bot.md, Routing): `/telegram/<number>` with a secret of that number alone. Updates
are answered through the bot they came through, a redelivered update is applied once, a
forged or misdirected POST is refused, and no own bot is long-polled."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import admin_settings, e2e_clock, local_bot
from tests.e2e.test_own_bot_routing import two_organizations

SECRET = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
async def crm(db_url, tmp_path):
    clock = e2e_clock()
    local = local_bot(admin_settings(db_url, tmp_path), clock=clock, webhook=True)
    local.clock = clock
    await local.start()
    yield local
    await local.stop()


async def test_each_own_bot_has_its_own_webhook_and_secret(crm):
    (own_a, own_b), _, (first, second) = await two_organizations(crm, (7701, 7702))

    (shared_hook,) = crm.emulator.calls_to("setWebhook")
    (hook_a,) = own_a.calls_to("setWebhook")
    (hook_b,) = own_b.calls_to("setWebhook")
    assert hook_a["url"].endswith(f"/telegram/{first}")
    assert hook_b["url"].endswith(f"/telegram/{second}")
    secrets = {shared_hook["secret_token"], hook_a["secret_token"], hook_b["secret_token"]}
    assert len(secrets) == 3  # one secret per bot
    assert not own_a.calls_to("getUpdates") and not own_b.calls_to("getUpdates")

    # A person writes to each bot: each answer comes through the bot written to.
    anna_a = own_a.user(8101, "Anna", language_code="en")
    anna_b = own_b.user(8101, "Anna", language_code="en")
    sent = await anna_a.send("/help")
    assert (await anna_a.reply()).text
    await anna_b.send("/help")
    assert (await anna_b.reply()).text
    assert len(anna_a.messages()) == 1 and len(anna_b.messages()) == 1

    # Redelivered (Telegram did not see the answer): applied once, answered once.
    update = {"update_id": own_a.state.next_update_id - 1, "message": sent}
    right = {SECRET: hook_a["secret_token"]}
    async with httpx.AsyncClient() as web:
        assert (await web.post(hook_a["url"], json=update, headers=right)).status_code == 200
        # forged: no secret, the shared bot's, the other bot's; a bot nobody connected
        for headers in (
            {},
            {SECRET: shared_hook["secret_token"]},
            {SECRET: hook_b["secret_token"]},
        ):
            answer = await web.post(hook_a["url"], json=update, headers=headers)
            assert answer.status_code == 403
        unknown = hook_a["url"].rsplit("/", 1)[0] + "/999"
        assert (await web.post(unknown, json=update, headers=right)).status_code == 403
        its_own = {SECRET: crm.app.fleet.hooks.secret_of(999)}  # right, but nobody's bot
        assert (await web.post(unknown, json=update, headers=its_own)).status_code == 404
        assert (await web.post(hook_a["url"], content=b"[", headers=right)).status_code == 400
    assert len(anna_a.messages()) == 1

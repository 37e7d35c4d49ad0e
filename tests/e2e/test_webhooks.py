"""Issue 21, item 7 end to end: the real bot with its admin app and job runners, the
emulator, and a receiver on a real port. The owner subscribes on the admin page, an order
made in the bot's process reaches the receiver signed; when the receiver keeps failing the
subscription is switched off and the owner gets one message in Telegram (from the outbox);
/metrics counts the deliveries by outcome, the POSTs by status and their time, and the
switch-off."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import httpx
import pytest
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from core.domain import TelegramProfile
from core.orders.service import OrderDraft
from core.webhooks.policy import DISABLE_AFTER
from sandbox.emulator.server import AsgiServer
from storage.db import create_engine
from tests.e2e.conftest import admin_settings, local_bot
from tests.e2e.scenario import create_org
from tests.e2e.test_admin import admin_link, sign_in
from tests.e2e.test_metrics import sample

SECRET = re.compile(r'data-testid="webhook-secret">(whsec_[^<]+)<')


class Receiver(AsgiServer):
    def __init__(self) -> None:
        super().__init__(Starlette(routes=[Route("/hook", self._hook, methods=["POST"])]))
        self.got: list[tuple[dict[str, str], bytes]] = []
        self.status = 200

    async def _hook(self, request: Request) -> Response:
        self.got.append((dict(request.headers), await request.body()))
        return PlainTextResponse("nope" if self.status >= 300 else "ok", self.status)


@pytest.fixture
async def receiver():
    server = Receiver()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def crm(db_url, tmp_path):
    local = local_bot(admin_settings(db_url, tmp_path, webhooks_allow_private=True))
    await local.start()
    yield local
    await local.stop()


async def _wait_for(condition, crm, tries: int = 100) -> None:  # type: ignore[no-untyped-def]
    for _ in range(tries):
        if condition():
            return
        await crm.emulator.state.notifier.wait_for(condition, 0.1)
    raise AssertionError("the receiver got nothing")


async def test_a_signed_delivery_then_a_switch_off_told_in_telegram(crm, receiver, db_url):
    olga = crm.emulator.user(901, "Ольга", language_code="ru")
    await create_org(olga)
    async with sign_in(await admin_link(olga)) as (web, csrf):
        form = {"url": f"{receiver.url}/hook", "events": ["order.created"], "csrf": csrf}
        made = await web.post("/settings/webhooks", data=form)
        assert made.status_code == 200
        secret = SECRET.search(made.text).group(1)
    actor = await crm.container.services.users.identify(TelegramProfile(901, "Ольга"))
    order = await crm.container.services.orders.create(actor, OrderDraft(None))
    await _wait_for(lambda: len(receiver.got) == 1, crm)
    headers, body = receiver.got[0]
    signed = headers["x-timestamp"].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert headers["x-signature"] == "sha256=" + expected
    assert json.loads(body)["data"]["id"] == order.id
    # The receiver breaks after a long run of failures: the next failure switches it off.
    receiver.status = 500
    engine = create_engine(db_url)
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE webhook_subscription SET failures = :n"), {"n": DISABLE_AFTER - 1}
        )
    await engine.dispose()
    await crm.container.services.orders.create(actor, OrderDraft(None))
    told = await olga.reply(timeout=15)
    assert "Вебхуки на" in told.text and f"{receiver.url}/hook" in told.text
    assert len(receiver.got) == 2
    await crm.container.services.orders.create(actor, OrderDraft(None))
    with pytest.raises(AssertionError):
        await olga.reply(timeout=1)
    assert len(receiver.got) == 2  # nothing goes to a switched-off subscription
    # /metrics: one delivered, one given up with its subscription switched off, both timed.
    async with httpx.AsyncClient(base_url=crm.admin.url) as web:
        scraped = (await web.get("/metrics")).text
    assert sample(scraped, "astracrm_webhook_deliveries_total", outcome="delivered") == 1
    assert sample(scraped, "astracrm_webhook_deliveries_total", outcome="given_up") == 1
    assert sample(scraped, "astracrm_webhook_attempts_total", status="2xx") == 1
    assert sample(scraped, "astracrm_webhook_attempts_total", status="5xx") == 1
    assert sample(scraped, "astracrm_webhook_subscriptions_disabled_total") == 1
    assert sample(scraped, "astracrm_webhook_seconds_count") == 2

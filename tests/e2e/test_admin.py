"""Issue scenarios for the admin endpoint, with the real bot, the emulator, the admin server on
a real port and the local T-Bank fake posting signed notifications to it."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import text

from bot.settings import Settings
from core.domain import TelegramProfile
from core.orders.service import OrderDraft
from storage.db import create_engine
from tests.admin.support import ENCRYPTION_KEY, PASSWORD, TERMINAL
from tests.e2e.conftest import local_bot
from tests.e2e.scenario import INVITE_LINK, create_org, invite_link, onboard
from tests.fakes.tbank import FakeTBank

LINK = re.compile(r"(http://127\.0\.0\.1:\d+/signin/[A-Za-z0-9_-]+)")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
DADATA = "5c2a9e0d7b3f41d8a6e2c9b0f1d3e5a7dadata"


def admin_settings(db_url: str, tmp_path, bank: FakeTBank) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=None,
        database_url=db_url,
        files_dir=tmp_path / "files",
        concurrent_updates=4,
        admin_port=0,
        secret_key="e2e-secret",
        encryption_key=ENCRYPTION_KEY,
        tbank_terminal_key=TERMINAL,
        tbank_password=PASSWORD,
        tbank_base_url=bank.base_url,
    )


@pytest.fixture
async def bank():
    async with FakeTBank(terminal_key=TERMINAL, password=PASSWORD) as fake:
        yield fake


@pytest.fixture
async def crm(db_url, tmp_path, bank):
    local = local_bot(admin_settings(db_url, tmp_path, bank))
    await local.start()
    yield local
    await local.stop()


async def admin_link(owner) -> str:
    await owner.send("/admin")
    reply = await owner.reply()
    match = LINK.search(reply.text)
    assert match, reply.text
    return match.group(1)


@asynccontextmanager
async def sign_in(link: str):
    """Opens the link as a browser would: the signed-in client and the page's CSRF token."""
    async with httpx.AsyncClient(base_url=link.split("/signin/")[0]) as web:
        assert (await web.get(link)).status_code == 200
        opened = await web.post(link, follow_redirects=True)
        assert opened.status_code == 200, opened.text
        yield web, CSRF.search(opened.text).group(1)


async def card_time(owner) -> str:
    await owner.send("/order 1")
    card = await owner.reply()
    return next(line for line in card.text.splitlines() if line.startswith("🕒"))


async def test_owner_signs_in_changes_the_time_zone_and_the_bot_follows(crm, db_url):
    olga = crm.emulator.user(801, "Ольга", language_code="ru")
    await create_org(olga)
    services = crm.container.services
    actor = await services.users.identify(TelegramProfile(801, "Ольга", language_code="ru"))
    when = datetime(2030, 5, 6, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
    await services.orders.create(actor, OrderDraft(None, scheduled_at=when, description="окна"))
    assert "10:00" in await card_time(olga)
    async with sign_in(await admin_link(olga)) as (web, csrf):
        form = {"name": "Чистый дом", "timezone": "Asia/Yekaterinburg", "currency": "RUB"}
        saved = await web.post("/settings/profile", data={**form, "language": "ru", "csrf": csrf})
        assert saved.status_code == 303
        secret = {"name": "dadata_token", "value": DADATA, "csrf": csrf}
        assert (await web.post("/settings/credentials", data=secret)).status_code == 303
        assert DADATA not in (await web.get("/settings")).text
    assert "12:00" in await card_time(olga)
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT * FROM org_secret"))).all()
    await engine.dispose()
    assert len(rows) == 1 and DADATA not in repr(rows)


async def test_workers_get_no_link_and_a_link_works_once(crm):
    olga = crm.emulator.user(811, "Ольга", language_code="ru")
    await create_org(olga)
    token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(812, "Иван", language_code="ru")
    await onboard(ivan, "ru", payload=token)
    await ivan.reply()
    await olga.reply()
    await ivan.send("/admin")
    assert "для владельцев и менеджеров" in (await ivan.reply()).text
    await olga.send("/more")
    assert "/admin" in (await olga.reply()).text
    await ivan.send("/more")
    assert "/admin" not in (await ivan.reply()).text
    link = await admin_link(olga)
    async with sign_in(link) as (web, _):
        again = await web.post(link)
        assert again.status_code == 401 and "/admin" in again.text


async def test_buying_pro_through_the_bank_extends_exactly_once(crm, bank):
    olga = crm.emulator.user(821, "Ольга", language_code="ru")
    await create_org(olga)
    async with sign_in(await admin_link(olga)) as (web, csrf):
        page = await web.get("/billing")
        assert "Free" in page.text
        form = {"plan": "pro", "months-pro": "1", "email-pro": "olga@example.com", "csrf": csrf}
        checkout = await web.post("/billing/checkout", data=form)
        assert checkout.status_code == 303 and checkout.headers["location"].startswith(bank.url)
        (payment,) = bank.payments.values()
        assert payment.init["NotificationURL"] == f"{crm.admin.url}/tbank/notify"
        deliveries = await bank.pay(payment.payment_id)
        assert [d.ok for d in deliveries] == [True, True]
        paid = await olga.reply()
        assert "Оплата получена" in paid.text and "Pro" in paid.text
        first = (await web.get("/api/billing", headers={"X-CSRF-Token": csrf})).json()
        assert first["plan"]["code"] == "pro"
        repeated = await bank.notify(payment.payment_id)
        forged = await bank.notify(payment.payment_id, token_override="0" * 64)
        tampered = await bank.notify(payment.payment_id, overrides={"Amount": 100})
        assert repeated.ok and (forged.status_code, tampered.status_code) == (403, 403)
        second = (await web.get("/api/billing")).json()
        assert second["paid_until"] == first["paid_until"]
        expected = datetime.fromisoformat(first["period_start"]) + timedelta(days=28)
        assert datetime.fromisoformat(second["paid_until"]) > expected
    with pytest.raises(Exception, match="no new bot message"):
        await olga.reply(timeout=1.0)


async def test_a_free_organization_is_refused_a_fourth_member(crm):
    olga = crm.emulator.user(831, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/invite worker 5")
    token = INVITE_LINK.search((await olga.reply()).text).group(1)
    for uid in (832, 833):
        worker = crm.emulator.user(uid, f"W{uid}", language_code="ru")
        await onboard(worker, "ru", payload=token)
        assert "вступили" in (await worker.reply()).text
    fourth = crm.emulator.user(834, "Лишний", language_code="ru")
    await onboard(fourth, "ru", payload=token)
    refusal = await fourth.reply()
    assert "Free" in refusal.text and "3" in refusal.text, refusal.text
    assert f"{crm.admin.url}/billing" in refusal.text


async def test_webhook_mode(db_url, tmp_path, bank):
    local = local_bot(admin_settings(db_url, tmp_path, bank), webhook=True)
    await local.start()
    try:
        olga = local.emulator.user(841, "Ольга", language_code="ru")
        await create_org(olga)
        (call,) = local.emulator.calls_to("setWebhook")
        assert call["url"] == f"{local.admin.url}/telegram/webhook" and call["secret_token"]
        assert local.emulator.stats.webhook_delivered >= 5
        async with httpx.AsyncClient() as web:
            forged = await web.post(
                f"{local.admin.url}/telegram/webhook",
                json={"update_id": 1},
                headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
            )
            assert forged.status_code == 403
            ready = await web.get(f"{local.admin.url}/ready")
            assert ready.json() == {"database": "ok", "bot": "ok"}
    finally:
        await local.stop()

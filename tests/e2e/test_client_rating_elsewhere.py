"""Issue 19, item 8 through the bot for clients who are not in Telegram: the worker finishes
the order and records the cash; the client gets the rating question by SMS (Russian, the
local SMS.ru) or by e-mail (English, the local SMTP server) with a link to the order's page,
rates there over HTTP on the bot's own admin app, and the staff see it: a low rating alerts
the owner at once with the comment, and every rating is on the order's history."""

from __future__ import annotations

import re
from dataclasses import replace

import httpx
import pytest

from core.client_loop.model import Channel, MessageKind
from core.client_loop.providers import (
    SMS_SECRET,
    SMTP_SECRET,
    sms_json,
    sms_settings,
    smtp_json,
    smtp_settings,
)
from sandbox.peers.mail import MailPeer
from sandbox.peers.sms import SmsRuPeer
from tests.e2e.conftest import admin_settings, e2e_clock, local_bot
from tests.e2e.test_client_link import _order, _team
from tests.e2e.test_client_payment import _finish, _owner
from tests.e2e.test_client_payment_elsewhere import _log, _order_of
from tests.e2e.test_kill import until

PHONE = "+79161234567"  # the order's client, Пётр Сидоров (tests.e2e.test_client_link._order)
EMAIL = "petr.sidorov@example.org"
NONCE = re.compile(r'name="nonce" value="([^"]+)"')


@pytest.fixture
async def crm(db_url, tmp_path):
    """The bot with its admin app on a free port (the client page) and client SMS going to
    a local SMS.ru."""
    async with SmsRuPeer(api_id="sms-key") as sms:
        settings = admin_settings(db_url, tmp_path, sms_ru_base_url=sms.base_url)
        local = local_bot(settings, clock=e2e_clock())
        local.sms = sms  # type: ignore[attr-defined]
        await local.start()
        try:
            yield local
        finally:
            await local.stop()


async def _asked_at_once(crm, owner) -> None:
    """The organization asks for the rating as soon as the order is paid."""
    loop = crm.container.services.client_loop
    settings = await loop.settings(owner)
    await loop.update_settings(owner, replace(settings, rating_delay_minutes=0))


async def _cash(ivan, prompt) -> None:
    """Ivan records the 3 500 in cash under "Done! Was a payment received?"."""
    await ivan.tap("💰 Record payment", message=prompt)
    await ivan.reply()
    await ivan.send("3500")
    methods = await ivan.reply()
    await ivan.tap(next(label for label in methods.labels if "ash" in label), message=methods)


def _page_link(crm, text: str) -> str:
    base = crm.settings.public_base_url
    found = re.search(re.escape(base) + r"/c/[A-Za-z0-9_-]+", text)
    assert found is not None, text
    return found.group(0)


async def _rate(url: str, stars: int, comment: str, language: str) -> str:
    """The client opens the page, sees the Rate form and sends it; the page afterwards."""
    async with httpx.AsyncClient() as web:
        page = await web.get(url, params={"lang": language})
        assert page.status_code == 200 and 'data-testid="rate-section"' in page.text
        nonce = NONCE.search(page.text)
        assert nonce is not None
        form = {"nonce": nonce.group(1), "stars": str(stars), "comment": comment}
        sent = await web.post(f"{url}/rate", data=form, params={"lang": language})
        assert sent.status_code == 303, sent.text  # back to the page (POST, redirect, GET)
        shown = await web.get(url, params={"lang": language})
        return shown.text


async def _history(olga) -> str:
    await olga.send("/order 1")
    card = await olga.reply()
    while "📜 История" not in card.labels:  # unread notices before the card
        card = await olga.reply()
    await olga.tap("📜 История", message=card)
    return (await olga.reply()).text


async def test_an_sms_client_rates_on_the_page_and_the_owner_is_alerted(crm):
    olga, ivan = await _team(crm, (7701, 7702))
    await _order(olga, ivan)
    owner = await _owner(crm, 7701)
    org_id = owner.organization.id
    services = crm.container.services
    provider = sms_json(sms_settings("sms_ru", "sms-key"))
    await services.org_settings.store_secret(owner, SMS_SECRET, provider)
    await _asked_at_once(crm, owner)

    prompt = await _finish(ivan)
    await until(lambda: crm.sms.received(PHONE), "the done SMS")
    assert not any("Оцените" in s.text for s in crm.sms.received(PHONE))  # not paid yet
    await _cash(ivan, prompt)
    asking = lambda: [s for s in crm.sms.received(PHONE) if "Оцените визит" in s.text]  # noqa: E731
    await until(asking, "the rating SMS")
    (question,) = asking()
    assert question.text.startswith("Чистый дом: как поработал Ivan?")
    url = _page_link(crm, question.text)

    rated = await _rate(url, 2, "Опоздал на час", "ru")
    assert "Ваша оценка визита: 2 из 5" in rated
    alert = lambda: [m for m in olga.messages() if "Низкая оценка" in (m.text or "")]  # noqa: E731
    await until(alert, "the owner's alert")
    (told,) = alert()
    assert "Низкая оценка заказа №1: 2 из 5" in told.text and "Опоздал на час" in told.text
    assert "Пётр Сидоров" in told.text and told.labels == ["Открыть заказ №1"]
    assert "оценил(а) визит: 2 из 5 · «Опоздал на час»" in await _history(olga)
    order = await _order_of(crm, org_id)
    logged = await _log(crm, org_id, order.client_id)
    assert ("rating_request", Channel.SMS) in [(kind, channel) for kind, channel, _ in logged]
    assert len(asking()) == 1  # asked once


async def test_an_email_client_rates_five_stars_in_english_and_nobody_is_alerted(crm):
    olga, ivan = await _team(crm, (7711, 7712))
    await _order(olga, ivan)
    owner = await _owner(crm, 7711)
    org_id = owner.organization.id
    services = crm.container.services
    org = owner.organization
    await services.org_settings.update_profile(
        owner, name=org.name, timezone=org.timezone, currency=org.currency, language="en"
    )
    order = await _order_of(crm, org_id)
    await services.clients.edit(owner, order.client_id, "email", EMAIL)
    await _asked_at_once(crm, owner)
    async with MailPeer() as mail:
        server = smtp_settings("127.0.0.1", mail.port, "none", "office@chisty.example")
        await services.org_settings.store_secret(owner, SMTP_SECRET, smtp_json(server))
        prompt = await _finish(ivan)
        await until(lambda: mail.for_recipient(EMAIL), "the done e-mail")
        await _cash(ivan, prompt)
        asking = lambda: [m for m in mail.for_recipient(EMAIL) if "Rate the visit" in m.subject]  # noqa: E731
        await until(asking, "the rating e-mail")
        (question,) = asking()
        assert question.subject.startswith("Чистый дом: how did Ivan do?")
        assert question.attachments() == []  # no calendar file for a rating
        url = _page_link(crm, question.text() or "")

    rated = await _rate(url, 5, "", "en")
    assert "You rated this visit: 5 of 5" in rated
    assert "оценил(а) визит: 5 из 5" in await _history(olga)
    assert not any("Низкая оценка" in (m.text or "") for m in olga.messages())
    logged = await _log(crm, org_id, order.client_id)
    kinds = [(kind, channel) for kind, channel, _ in logged]
    assert (MessageKind.RATING_REQUEST.value, Channel.EMAIL) in kinds

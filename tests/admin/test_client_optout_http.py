"""Issue 19, items 2 and 11: opting out and delivery reports, end to end on the admin app.

E-mail: a client e-mail sent by the job through the local SMTP server carries the RFC 8058
headers and a visible link; GET shows a button and records nothing, the one-click POST
records the withdrawal at once (once), an unknown token is a 404. SMS: the provider fakes post
delivery reports and inbound STOPs to the organization's callback URL (a secret in the path):
delivered and failed move the log once and never back, STOP/СТОП withdraw SMS, a forged secret
records nothing, a replay changes nothing; a queued SMS after STOP is not sent."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email import message_from_bytes, policy

import httpx
import pytest

from bot.admin.app import build_admin_app
from bot.container import build_container
from core.client_loop.model import Channel, ConsentAction, DeliveryStatus, Purpose
from core.client_loop.providers import (
    SMS_SECRET,
    SMTP_SECRET,
    SmsProvider,
    sms_json,
    sms_settings,
    smtp_json,
    smtp_settings,
)
from core.orders.service import OrderDraft
from core.runtime.jobs import JobRunner
from integrations.ical import invitation_ics
from integrations.sms_ru import HttpSmsRu
from integrations.smsc import HttpSmsc
from integrations.smtp import SmtpMailSender
from sandbox.emulator.server import AsgiServer
from sandbox.peers.mail import MailPeer
from sandbox.peers.sms import SmscPeer, SmsRuPeer
from storage.db import session_factory
from storage.runtime.jobs import SqlJobQueue
from storage.uow import SqlUnitOfWork
from tests.admin.support import admin_settings
from tests.support import owner_with_org

PUBLIC = "https://crm.test"
PHONE = "+79165550123"
EMAIL = "anna.client@example.org"
NOON = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
VISIT = datetime(2026, 3, 4, 12, 30, tzinfo=UTC)


class World:
    def __init__(self, container, clock, server, web, peers):
        self.container, self.services, self.clock = container, container.services, clock
        self.server, self.web = server, web
        self.sms, self.smsc, self.mail = peers
        self.sessions = session_factory(container.engine)
        delivery = self.services.client_loop.delivery(
            self.services.org_settings.credential_in, self.gateway, SmtpMailSender,
            invitation_ics, public_url=PUBLIC,
        )  # fmt: skip
        queue = SqlJobQueue(self.sessions)
        self.runner = JobRunner(queue, delivery.handlers(), clock, "t", retry_base=1.0)

    def gateway(self, settings):
        http = self.container.http
        if settings.provider is SmsProvider.SMSC:
            return HttpSmsc(http, settings.key, settings.password, base_url=self.smsc.base_url)
        return HttpSmsRu(http, settings.key, base_url=self.sms.base_url)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, self.clock)

    async def run_jobs(self) -> int:
        ran = 0
        while await self.runner.run_once():
            ran += 1
        return ran

    def local(self, url: str) -> str:
        """The public https address as the reverse proxy in front of the app serves it."""
        return url.replace(PUBLIC, self.server.url)


@asynccontextmanager
async def open_world(db_url, clock):
    async with (
        SmsRuPeer(api_id="sms-key") as sms,
        SmscPeer(login="chisty", password="smsc-secret") as smsc,
        MailPeer() as mail,
    ):
        settings = admin_settings(database_url=db_url, public_base_url=PUBLIC)
        container = build_container(settings, clock)
        try:
            async with (
                AsgiServer(build_admin_app(container)) as server,
                httpx.AsyncClient(base_url=server.url) as web,
            ):
                yield World(container, clock, server, web, (sms, smsc, mail))
        finally:
            await container.close()


@pytest.fixture
async def w(db_url, clock):
    clock.set(NOON)
    async with open_world(db_url, clock) as opened:
        yield opened


async def _org(w, provider="sms_ru", smtp=True):
    owner = await owner_with_org(w.services)
    store = w.services.org_settings.store_secret
    if provider == "smsc":
        sms = sms_settings("smsc", "chisty", "smsc-secret")
    else:
        sms = sms_settings("sms_ru", "sms-key")
    await store(owner, SMS_SECRET, sms_json(sms))
    if smtp:
        server = smtp_settings("127.0.0.1", w.mail.port, "none", "office@chistota.example", "Дом")
        await store(owner, SMTP_SECRET, smtp_json(server))
    return owner


async def _book(w, owner, phone=PHONE, email=None):
    client = await w.services.clients.create(owner, "Анна Смирнова", phone, "ул. Тихая, 5", None)
    if email is not None:
        async with w.uow() as uow:
            await uow.client_loop.set_client_email(owner.organization.id, client.id, email, NOON)
            await uow.commit()
    draft = OrderDraft(client.id, address="ул. Тихая, 5", scheduled_at=VISIT, description="Окна")
    order = await w.services.orders.create(owner, draft)
    message = await w.services.client_loop.order_message(order, "created", "ru")
    assert message is not None and await w.services.client_loop.queue_elsewhere(message, None)
    return client, order


async def _consents(w, owner, client):
    async with w.uow() as uow:
        events = await uow.client_loop.consents(owner.organization.id, client.id)
    return [(e.channel, e.purpose, e.action) for e in events]


async def _log(w, owner, client):
    async with w.uow() as uow:
        return await uow.client_loop.client_messages(owner.organization.id, client.id)


WITHDRAWN_EMAIL = [
    (Channel.EMAIL, p, ConsentAction.WITHDRAWN) for p in (Purpose.TRANSACTIONAL, Purpose.MARKETING)
]


async def test_an_email_carries_one_click_unsubscribe_and_the_link_works_once(w, caplog):
    caplog.set_level(logging.DEBUG)
    owner = await _org(w, smtp=True)
    client, _ = await _book(w, owner, phone=None, email=EMAIL)
    assert await w.run_jobs() == 1
    (received,) = w.mail.for_recipient(EMAIL)
    parsed = message_from_bytes(received.raw, policy=policy.default)
    header = str(parsed["List-Unsubscribe"])
    assert header.startswith(f"<{PUBLIC}/u/") and header.endswith(">")
    assert str(parsed["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    link = header[1:-1]
    assert link in received.text()  # the visible link in the body
    path = link.removeprefix(PUBLIC)
    second = await _order(w, owner, client, "Двери")
    queued = await w.services.client_loop.order_message(second, "created", "ru")
    assert queued is not None and await w.services.client_loop.queue_elsewhere(queued, None)
    page = await w.web.get(path, headers={"accept-language": "ru"})
    assert page.status_code == 200 and "Отписаться" in page.text and 'method="post"' in page.text
    assert await _consents(w, owner, client) == []  # a GET (a link scanner) changes nothing
    w.clock.set(datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    one_click = {"List-Unsubscribe": "One-Click"}
    done = await w.web.post(path, data=one_click)  # the provider's POST: the org's language
    assert done.status_code == 200 and "больше не будете получать письма" in done.text
    assert await _consents(w, owner, client) == WITHDRAWN_EMAIL
    async with w.uow() as uow:
        events = await uow.client_loop.consents(owner.organization.id, client.id)
    assert {e.created_at for e in events} == {datetime(2026, 3, 3, 10, 0, tzinfo=UTC)}
    again = await w.web.post(path, data=one_click, headers={"accept-language": "en-GB"})
    assert again.status_code == 200 and "no longer receive e-mails" in again.text
    assert await _consents(w, owner, client) == WITHDRAWN_EMAIL  # idempotent
    shown = await w.web.get(path)
    assert shown.status_code == 200 and 'method="post"' not in shown.text
    for unknown in ("/u/AAAAAAAAAAAAAAAAAAAAAA", "/u/x"):
        missing = await w.web.post(unknown, data=one_click, headers={"accept-language": "ru"})
        assert missing.status_code == 404 and "недействительна" in missing.text
        assert (await w.web.get(unknown)).status_code == 404
    assert await _consents(w, owner, client) == WITHDRAWN_EMAIL
    # Queued before the opt-out: the job re-checks and does not send it.
    assert await w.run_jobs() == 1
    assert len(w.mail.for_recipient(EMAIL)) == 1
    statuses = sorted(m.status.value for m in await _log(w, owner, client))
    assert statuses == ["failed", "sent"]
    # After it, the channel choice finds no way to reach the client.
    third = await _order(w, owner, client, "Пол")
    assert await w.services.client_loop.order_message(third, "created", "ru") is None
    logged = _product_log(caplog)
    for secret in (EMAIL, path.rsplit("/", 1)[1], "Тихая", "Анна"):
        assert secret not in logged


def _product_log(caplog) -> str:
    ours = ("core", "bot", "storage", "integrations", "handlers")
    return "\n".join(r.getMessage() for r in caplog.records if r.name.split(".")[0] in ours)


async def _order(w, owner, client, work):
    draft = OrderDraft(client.id, address="ул. Тихая, 5", scheduled_at=VISIT, description=work)
    return await w.services.orders.create(owner, draft)


async def test_sms_ru_reports_and_stop_reach_the_organization(w, caplog):
    caplog.set_level(logging.DEBUG)
    owner = await _org(w, smtp=False)
    client, _ = await _book(w, owner)
    assert await w.run_jobs() == 1
    (sms,) = w.sms.received(PHONE)
    (registered,) = w.sms.callbacks
    assert registered.startswith(f"{PUBLIC}/sms/sms_ru/{owner.organization.id}/")
    w.sms.callbacks = [w.local(registered)]
    assert await w.sms.deliver(sms.message_id, 102) == ["100"]  # in transit: still sent
    (logged,) = await _log(w, owner, client)
    assert logged.status is DeliveryStatus.SENT
    assert await w.sms.deliver(sms.message_id, 103) == ["100"]
    assert await w.sms.deliver(sms.message_id, 103) == ["100"]  # replayed
    assert await w.sms.deliver(sms.message_id, 104) == ["100"]  # never backwards
    (logged,) = await _log(w, owner, client)
    assert logged.status is DeliveryStatus.DELIVERED and logged.delivered_at == NOON
    # A forged secret: 404, nothing recorded.
    forged = registered.rsplit("/", 1)[0] + "/not-the-secret"
    w.sms.callbacks = [w.local(forged)]
    assert await w.sms.receive(PHONE, "STOP") == ["not found"]
    assert await _consents(w, owner, client) == []
    w.sms.callbacks = [w.local(registered)]
    assert await w.sms.receive(PHONE, "Hello, see you") == ["100"]
    assert await _consents(w, owner, client) == []
    assert await w.sms.receive(PHONE, "  ｓｔｏｐ \n") == ["100"]  # full-width, NFKC
    assert await w.sms.receive(PHONE, "STOP") == ["100"]  # repeated: recorded once
    stopped = [(Channel.SMS, p, ConsentAction.WITHDRAWN) for p in Purpose]
    assert await _consents(w, owner, client) == stopped
    text = _product_log(caplog)
    for secret in (PHONE, PHONE[1:], "Тихая", "Анна", registered.rsplit("/", 1)[1]):
        assert secret not in text


async def test_a_queued_sms_after_stop_is_not_sent_and_falls_back_to_email(w):
    owner = await _org(w)
    client, _ = await _book(w, owner, email=EMAIL)
    async with w.uow() as uow:  # the client's СТОП arrived after the SMS was queued
        hook = await uow.client_loop.sms_hook(owner.organization.id)
    assert hook is None
    url = (await _rotate(w, owner, "sms_ru")).removeprefix(PUBLIC)
    answer = await w.web.post(url, data={"data[0]": f"callback_receive\n1\n{PHONE[1:]}\nСтоп\n1"})
    assert answer.text == "100"
    assert await w.run_jobs() == 2
    assert w.sms.received(PHONE) == []
    assert len(w.mail.for_recipient(EMAIL)) == 1
    logged = {m.channel: m.status for m in await _log(w, owner, client)}
    assert logged == {Channel.SMS: DeliveryStatus.FAILED, Channel.EMAIL: DeliveryStatus.SENT}


async def _rotate(w, owner, provider):
    return await w.services.client_loop.optouts().rotate_sms_hook(owner, provider)


async def test_smsc_reports_and_otpiska(w):
    owner = await _org(w, provider="smsc", smtp=False)
    client, _ = await _book(w, owner)
    path = await _rotate(w, owner, "smsc")
    w.smsc.callback_url = w.server.url + path
    assert await w.run_jobs() == 1
    (sms,) = w.smsc.received(PHONE)
    assert await w.smsc.deliver(sms.message_id, status=20) == 200  # failed
    assert await w.smsc.deliver(sms.message_id, status=1) == 200  # late: not moved back
    (logged,) = await _log(w, owner, client)
    assert logged.status is DeliveryStatus.FAILED and logged.delivered_at is None
    assert await w.smsc.receive(PHONE, "Отписка") == 200
    assert await _consents(w, owner, client) == [
        (Channel.SMS, p, ConsentAction.WITHDRAWN) for p in Purpose
    ]
    w.smsc.callback_url = w.server.url + path.rsplit("/", 1)[0] + "/forged"
    other, _ = await _book(w, owner, phone="+79165550999")
    assert await w.smsc.receive("+79165550999", "STOP") == 404
    assert await _consents(w, owner, other) == []


async def test_the_owner_makes_a_new_callback_url_and_the_old_one_stops(client, container):
    from tests.admin.test_admin_http import signed_in

    owner, csrf = await signed_in(client, container.services)
    headers = {"X-CSRF-Token": csrf}
    route = "/api/client-channels/sms/callback"
    first = await client.post(route, params={"provider": "smsc"}, headers=headers)
    assert first.status_code == 200
    url = first.json()["url"]
    assert url.startswith(f"http://admin.test/sms/smsc/{owner.organization.id}/")
    report = {"id": "404-none", "phone": PHONE[1:], "status": "1", "err": "0"}
    path = url.removeprefix("http://admin.test")
    answer = await client.post(path, data=report)
    assert answer.status_code == 200 and answer.text == "OK"
    second = (await client.post(route, params={"provider": "smsc"}, headers=headers)).json()
    assert second["url"] != url
    assert (await client.post(path, data=report)).status_code == 404  # the old secret
    new_path = second["url"].removeprefix("http://admin.test")
    assert (await client.post(new_path, data=report)).status_code == 200
    other = new_path.replace("/smsc/", "/twilio/")
    assert (await client.post(other, data=report)).status_code == 404
    refused = await client.post(route, params={"provider": "twilio"}, headers=headers)
    assert refused.status_code == 422
    client.cookies.clear()
    assert (await client.post(route, params={"provider": "smsc"})).status_code == 401

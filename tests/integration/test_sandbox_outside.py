"""The sandbox's "SMS & e-mail" view: what its own SMS.ru and mail server took, sent by the
product's real adapters over real HTTP and SMTP, shown by GET /api/outside newest first; and
the demo organization connected to both as its owner would connect its own."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest

from bot.demo import connect_demo_channels, seed_demo
from bot.local import LocalBot
from bot.sandbox import SANDBOX_SMS_KEY, mail_port, sandbox_settings, with_sandbox_keys
from bot.settings import Settings
from core.channels.email import Attachment, Mailbox, OutgoingEmail, SmtpSecurity, SmtpSettings
from core.client_loop.providers import SMS_SECRET, SMTP_SECRET, sms_of, smtp_of
from core.clock import FixedClock
from core.team.users import load_actor
from integrations.sms_ru import HttpSmsRu
from integrations.smtp import SmtpMailSender
from sandbox.emulator.emulator import TelegramEmulator
from sandbox.peers.mail import MailPeer
from sandbox.peers.sms_ru import SmsRuPeer
from sandbox.web import build_sandbox_app
from sandbox.web.outside import OutsideApi
from storage import demo
from storage.db import session_factory
from storage.uow import SqlUnitOfWork

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
TEXT = "Мастер Павел приедет завтра в 10:00. Подтвердить: https://crm.example/c/Ab3dEf"


@pytest.fixture
async def peers():
    sms, mail = SmsRuPeer(api_id=SANDBOX_SMS_KEY, clock=lambda: NOW), MailPeer()
    await sms.start()
    await mail.start()
    try:
        yield sms, mail
    finally:
        await mail.stop()
        await sms.stop()


async def outside(app) -> dict:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as web:
        answer = await web.get("/api/outside")
    assert answer.status_code == 200
    return answer.json()


async def test_sms_and_mail_taken_by_the_fakes_show_newest_first(peers):
    sms, mail = peers
    app = build_sandbox_app(TelegramEmulator("1:sandbox"), outside=OutsideApi([sms], mail))
    assert await outside(app) == {"sms": [], "mail": []}

    async with httpx.AsyncClient() as http:
        gateway = HttpSmsRu(http, SANDBOX_SMS_KEY, base_url=sms.base_url)
        await gateway.send("+79161234567", TEXT, sender="AstraCRM")
        await gateway.send("+79161234568", "Оплата: https://crm.example/p/1", sender="AstraCRM")
    server = SmtpSettings("127.0.0.1", mail.port, SmtpSecurity.NONE, "office@demo.test", "Демо")
    invitation = Attachment("visit.ics", "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR\r\n")
    await SmtpMailSender(FixedClock(NOW)).send(
        server,
        OutgoingEmail(
            sender=Mailbox("office@demo.test", "Демо"),
            to=Mailbox("client5@mail.demo.test", "Анна"),
            subject="Визит 8 декабря",
            text=TEXT,
            message_id_domain="demo.test",
            attachments=(invitation,),
        ),
    )
    await mail.wait_for(1)

    shown = await outside(app)
    # the same instant on the fake's clock: the later arrival first
    assert [m["phone"] for m in shown["sms"]] == ["+79161234568", "+79161234567"]
    first = shown["sms"][1]
    assert first["text"] == TEXT and first["segments"] == 2 and first["sender"] == "AstraCRM"
    [letter] = shown["mail"]
    assert letter["to"] == ["client5@mail.demo.test"]
    assert letter["subject"] == "Визит 8 декабря"
    assert letter["text"].strip() == TEXT
    assert letter["files"] == [{"name": "visit.ics", "type": "application/ics", "size": 17}]
    json.dumps(shown)  # plain JSON for the page


async def test_the_demo_organization_is_connected_to_the_sandboxs_own_sms_and_mail(
    tmp_path, peers
):
    _, mail = peers
    settings, _ = with_sandbox_keys(
        sandbox_settings(Settings(sandbox_dir=tmp_path, sandbox_port=0))
    )
    async with LocalBot(settings) as local:
        await seed_demo(local, "ru")
        await connect_demo_channels(local, "ru", SANDBOX_SMS_KEY, mail.port)
        assert local.container is not None
        services = local.container.services
        sessions = session_factory(local.container.engine)
        async with SqlUnitOfWork(sessions, FixedClock(NOW)) as uow:
            owner = await uow.users.by_telegram_id(demo.team("ru")[0].telegram_id)
            assert owner is not None
            actor = await load_actor(uow, owner)
            assert actor.organization is not None
            org_id = actor.organization.id
            stored = [
                await services.org_settings.credential_in(uow, org_id, name)
                for name in (SMS_SECRET, SMTP_SECRET)
            ]
    chosen_sms, chosen_mail = sms_of(stored[0]), smtp_of(stored[1])
    assert chosen_sms is not None and chosen_sms.key == SANDBOX_SMS_KEY
    assert chosen_mail is not None
    assert (chosen_mail.host, chosen_mail.port) == ("127.0.0.1", mail.port)
    assert chosen_mail.security is SmtpSecurity.NONE
    assert chosen_mail.from_address == f"office@{demo.MAIL_DOMAIN}"


def test_the_mail_server_listens_two_ports_after_the_web_chat(tmp_path):
    assert mail_port(Settings(sandbox_dir=tmp_path, sandbox_port=8080)) == 8082
    assert mail_port(Settings(sandbox_dir=tmp_path, sandbox_port=0)) == 0

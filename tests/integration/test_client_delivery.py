"""Issue 19, item 2: confirmations for a client who is not in Telegram go by SMS or e-mail as
durable jobs, through the real SMS.ru and SMTP adapters against the local peers: one SMS per
confirmation with the time and address (Russian and English), one e-mail with the .ics,
quiet hours, a permanent SMS failure falling back to e-mail, a temporary one retried once,
and nothing personal in the logs."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from icalendar import Calendar

from bot.container import Adapters, make_services
from bot.settings import Settings
from core.channels.sms import count_segments
from core.client_loop.delivery import ClientDelivery
from core.client_loop.model import Channel, DeliveryStatus
from core.client_loop.providers import (
    SMS_SECRET,
    SMTP_SECRET,
    SmsProvider,
    sms_json,
    sms_settings,
    smtp_json,
    smtp_settings,
)
from core.errors import DomainError
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.runtime.jobs import JobRunner
from handlers.i18n import Catalogs
from integrations.ical import invitation_ics
from integrations.phones import PhonenumbersNormalizer
from integrations.sms_ru import HttpSmsRu
from integrations.smsc import HttpSmsc
from integrations.smtp import SmtpMailSender
from sandbox.peers.mail import MailPeer
from sandbox.peers.sms import SmscPeer, SmsRuPeer
from storage.db import create_engine, session_factory
from storage.runtime.jobs import SqlJobQueue
from storage.secrets import FernetSecretBox
from storage.uow import SqlUnitOfWork
from tests.support import owner_with_org

PHONE = "+79165550123"
EMAIL = "anna.client@example.org"
ADDRESS = "ул. Тихая, д. 5, кв. 12"
# Tuesday 3 March 2026, 12:00 in Moscow (UTC+3): the visit is the next day at 15:30 local.
NOON = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
VISIT = datetime(2026, 3, 4, 12, 30, tzinfo=UTC)


class World:
    def __init__(self, services, uow, sessions, clock, http, peers):
        self.services, self.uow, self.sessions, self.clock = services, uow, sessions, clock
        self.http = http
        self.sms_peer, self.smsc_peer, self.mail_peer = peers
        self.delivery: ClientDelivery = services.client_loop.delivery(
            services.org_settings.credential_in, self.gateway, SmtpMailSender, invitation_ics
        )
        self.runner = JobRunner(
            SqlJobQueue(sessions), self.delivery.handlers(), clock, "test", retry_base=1.0
        )

    def gateway(self, settings):
        if settings.provider is SmsProvider.SMSC:
            return HttpSmsc(
                self.http, settings.key, settings.password, base_url=self.smsc_peer.base_url
            )
        return HttpSmsRu(self.http, settings.key, base_url=self.sms_peer.base_url)

    async def run_jobs(self) -> int:
        ran = 0
        while await self.runner.run_once():
            ran += 1
        return ran


@asynccontextmanager
async def open_world(db_url, clock, tmp_path):
    engine = create_engine(db_url)
    sessions = session_factory(engine)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, clock)

    key = FernetSecretBox.generate_key()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url="sqlite:///unused.db", files_dir=tmp_path, encryption_key=key
    )
    adapters = Adapters(PhonenumbersNormalizer(), None, None, None, None)
    adapters.secrets = FernetSecretBox(key)
    services = make_services(uow, clock, Catalogs(), settings, adapters)
    async with (
        httpx.AsyncClient() as http,
        SmsRuPeer(api_id="sms-key") as sms_peer,
        SmscPeer(login="chisty", password="smsc-secret") as smsc_peer,
        MailPeer() as mail_peer,
    ):
        try:
            peers = (sms_peer, smsc_peer, mail_peer)
            yield World(services, uow, sessions, clock, http, peers)
        finally:
            await engine.dispose()


@pytest.fixture
async def w(db_url, clock, tmp_path):
    clock.set(NOON)
    async with open_world(db_url, clock, tmp_path) as opened:
        yield opened


async def _org(w, language="ru", sms=True, smtp=True):
    owner = await owner_with_org(w.services)
    if language != "ru":
        org = owner.organization
        await w.services.org_settings.update_profile(
            owner, name=org.name, timezone=org.timezone, currency=org.currency, language=language
        )
    settings = w.services.org_settings
    if sms:
        await settings.store_secret(owner, SMS_SECRET, sms_json(sms_settings("sms_ru", "sms-key")))
    if smtp:
        server = smtp_settings(
            "127.0.0.1", w.mail_peer.port, "none", "office@chistota.example", "Чистый дом"
        )
        await settings.store_secret(owner, SMTP_SECRET, smtp_json(server))
    return owner


async def _book(w, owner, phone=PHONE, email=None, when=VISIT):
    client = await w.services.clients.create(
        owner, "Анна Смирнова", phone, ADDRESS, "ключ под ковриком"
    )
    if email is not None:
        async with w.uow() as uow:
            await uow.client_loop.set_client_email(
                owner.organization.id, client.id, email, w.clock.now()
            )
            await uow.commit()
    draft = OrderDraft(
        client.id, address=ADDRESS, price_minor=250000, scheduled_at=when,
        description="Помыть окна",
    )  # fmt: skip
    order = await w.services.orders.create(owner, draft)
    return client, order


async def _confirm(w, order, event="created"):
    draft = await w.services.client_loop.order_message(order, event, "ru")
    assert draft is not None and not draft.telegram
    assert await w.services.client_loop.queue_elsewhere(draft, "2 500 ₽")
    return draft


async def _log(w, owner, client):
    async with w.uow() as uow:
        return await uow.client_loop.client_messages(owner.organization.id, client.id)


async def test_an_sms_only_client_gets_one_sms_with_the_time_and_address_in_russian(w):
    owner = await _org(w, smtp=False)
    client, order = await _book(w, owner)
    draft = await _confirm(w, order)
    assert draft.channels == (Channel.SMS,)
    assert await w.run_jobs() == 1
    (sms,) = w.sms_peer.received(PHONE)
    assert "04.03.2026" in sms.text and "15:30" in sms.text
    assert "Тихая" in sms.text and "записан" in sms.text
    assert count_segments(sms.text).segments <= 2
    (logged,) = await _log(w, owner, client)
    assert logged.channel is Channel.SMS and logged.status is DeliveryStatus.SENT
    assert logged.provider_id == sms.message_id
    # The same confirmation queued again is not a second SMS (dedup per order, kind, version).
    await _confirm_again(w, order)
    assert await w.run_jobs() == 0
    assert len(w.sms_peer.received(PHONE)) == 1


async def _confirm_again(w, order):
    draft = await w.services.client_loop.order_message(order, "created", "ru")
    assert draft is not None
    assert not await w.services.client_loop.queue_elsewhere(draft, None)


async def test_an_sms_only_client_gets_it_in_english_and_a_move_is_a_new_message(w):
    owner = await _org(w, language="en", smtp=False)
    _, order = await _book(w, owner)
    await _confirm(w, order)
    await w.run_jobs()
    (sms,) = w.sms_peer.received(PHONE)
    assert "booked for 04.03.2026 at 15:30" in sms.text and "Тихая" in sms.text
    change = await w.services.orders.act(
        owner, order.id, OrderAction.RESCHEDULE, scheduled_at=VISIT + timedelta(days=1)
    )
    await _confirm(w, change.card.order, "reschedule")
    await w.run_jobs()
    _, second = w.sms_peer.received(PHONE)
    assert "05.03.2026 at 15:30" in second.text and "moved from 04.03.2026 at 15:30" in second.text


async def test_a_long_address_and_work_are_shortened_never_the_time(w):
    owner = await _org(w, smtp=False)
    client = await w.services.clients.create(owner, "Анна", PHONE, None, None)
    draft = OrderDraft(
        client.id, address="улица Очень Длинного Названия " * 8, price_minor=100,
        scheduled_at=VISIT, description="Генеральная уборка квартиры после ремонта " * 5,
    )  # fmt: skip
    order = await w.services.orders.create(owner, draft)
    await _confirm(w, order)
    await w.run_jobs()
    (sms,) = w.sms_peer.received(PHONE)
    assert "15:30" in sms.text and "04.03.2026" in sms.text and "…" in sms.text
    assert count_segments(sms.text).segments <= 2


async def test_an_email_only_client_gets_one_email_with_the_ics(w):
    owner = await _org(w, sms=False)
    client, order = await _book(w, owner, phone=None, email=EMAIL)
    draft = await _confirm(w, order)
    assert draft.channels == (Channel.EMAIL,)
    assert await w.run_jobs() == 1
    (mail,) = w.mail_peer.for_recipient(EMAIL)
    assert "04.03.2026" in mail.subject and "15:30" in mail.subject
    assert "Тихая" in mail.text() and "office@chistota.example" in mail.text()
    (name, _, data) = next(a for a in mail.attachments() if a[0].endswith(".ics"))
    assert name == f"order-{order.number}.ics"
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    assert event.decoded("dtstart").astimezone(UTC) == VISIT
    assert str(event["uid"]).startswith(f"order-{order.id}@")
    assert "mailto:office@chistota.example" in str(event["organizer"]).lower()
    (logged,) = await _log(w, owner, client)
    assert logged.channel is Channel.EMAIL and logged.status is DeliveryStatus.SENT


async def test_quiet_hours_move_an_sms_booked_at_22_to_09(w):
    owner = await _org(w, smtp=False)
    w.clock.set(datetime(2026, 3, 3, 19, 0, tzinfo=UTC))  # 22:00 in Moscow
    _, order = await _book(w, owner)
    await _confirm(w, order)
    assert await w.run_jobs() == 0
    w.clock.set(datetime(2026, 3, 4, 5, 59, tzinfo=UTC))  # 08:59
    assert await w.run_jobs() == 0 and w.sms_peer.received(PHONE) == []
    w.clock.set(datetime(2026, 3, 4, 6, 0, tzinfo=UTC))  # 09:00
    assert await w.run_jobs() == 1
    assert len(w.sms_peer.received(PHONE)) == 1


async def test_an_sms_held_overnight_is_dropped_when_the_order_moved_or_closed(w):
    owner = await _org(w, smtp=False)
    w.clock.set(datetime(2026, 3, 3, 19, 0, tzinfo=UTC))  # 22:00 in Moscow: held to 09:00
    client, order = await _book(w, owner)
    await _confirm(w, order)
    change = await w.services.orders.act(
        owner, order.id, OrderAction.RESCHEDULE, scheduled_at=VISIT + timedelta(hours=2)
    )
    await _confirm(w, change.card.order, "reschedule")
    w.clock.set(datetime(2026, 3, 4, 6, 0, tzinfo=UTC))  # 09:00
    assert await w.run_jobs() == 2
    (sms,) = w.sms_peer.received(PHONE)  # the move only: the booking's time is gone
    assert "17:30" in sms.text and "перенес" in sms.text
    statuses = sorted((m.kind.value, m.status.value) for m in await _log(w, owner, client))
    assert statuses == [("confirmation", "failed"), ("rescheduled", "sent")]

    # cancelled overnight: the held move says nothing
    w.clock.set(datetime(2026, 3, 4, 19, 0, tzinfo=UTC))
    later = await w.services.orders.act(
        owner, order.id, OrderAction.RESCHEDULE, scheduled_at=VISIT + timedelta(days=1)
    )
    await _confirm(w, later.card.order, "reschedule")
    await w.services.orders.act(owner, order.id, OrderAction.CANCEL)
    w.clock.set(datetime(2026, 3, 5, 6, 0, tzinfo=UTC))
    await w.run_jobs()
    assert len(w.sms_peer.received(PHONE)) == 1


async def test_a_permanent_sms_failure_falls_back_to_email(w):
    owner = await _org(w)
    client, order = await _book(w, owner, email=EMAIL)
    draft = await _confirm(w, order)
    assert draft.channels == (Channel.SMS, Channel.EMAIL)
    w.sms_peer.refuse = 200  # SMS.ru: wrong api_id (permanent)
    assert await w.run_jobs() == 2
    assert w.sms_peer.received(PHONE) == []
    assert len(w.mail_peer.for_recipient(EMAIL)) == 1
    logged = {m.channel: m.status for m in await _log(w, owner, client)}
    assert logged == {Channel.SMS: DeliveryStatus.FAILED, Channel.EMAIL: DeliveryStatus.SENT}


async def test_a_temporary_failure_is_retried_and_sent_once(w, caplog):
    caplog.set_level(logging.DEBUG)
    owner = await _org(w, smtp=False)
    client, order = await _book(w, owner)
    await _confirm(w, order)
    w.sms_peer.fail_status = 503
    assert await w.run_jobs() == 1  # failed, waits for its retry
    w.sms_peer.fail_status = None
    w.clock.advance(minutes=5)
    assert await w.run_jobs() == 1
    assert len(w.sms_peer.received(PHONE)) == 1
    (logged,) = await _log(w, owner, client)
    assert logged.status is DeliveryStatus.SENT
    text = _product_log(caplog)
    for secret in (PHONE, PHONE[1:], "Тихая", "Анна", EMAIL, "sms-key"):
        assert secret not in text


def _product_log(caplog) -> str:
    """What the product logged (the local peers' own servers log the wire, as a real one
    would on its side)."""
    ours = ("core", "handlers", "storage", "integrations", "bot")
    lines = [r.getMessage() for r in caplog.records if r.name.split(".")[0] in ours]
    assert lines  # the job's own lines are there
    return "\n".join(lines)


async def test_nothing_personal_in_the_logs_of_an_email_fallback(w, caplog):
    caplog.set_level(logging.DEBUG)
    owner = await _org(w)
    _, order = await _book(w, owner, email=EMAIL)
    await _confirm(w, order)
    w.sms_peer.refuse = 200
    await w.run_jobs()
    text = _product_log(caplog)
    for secret in (PHONE, PHONE[1:], "Тихая", "Анна", EMAIL, "sms-key", "окна"):
        assert secret not in text


async def test_the_client_cards_email_is_validated_and_kept(w):
    owner = await _org(w, sms=False)
    client, _ = await _book(w, owner, phone=None)
    clients, loop = w.services.clients, w.services.client_loop
    await clients.edit(owner, client.id, "email", " Anna.Client@EXAMPLE.org ")
    assert await loop.email_of(owner, client.id) == "Anna.Client@example.org"
    for wrong in ("anna@", "anna@localhost", "два слова@example.org"):
        with pytest.raises(DomainError) as refused:
            await clients.edit(owner, client.id, "email", wrong)
        assert refused.value.code == "client_email_invalid"
    assert await loop.email_of(owner, client.id) == "Anna.Client@example.org"
    await clients.edit(owner, client.id, "email", "-")
    assert await loop.email_of(owner, client.id) is None


async def test_an_smsc_account_sends_the_sms(w):
    owner = await _org(w, smtp=False)
    smsc = sms_settings("smsc", "chisty", "smsc-secret")
    await w.services.org_settings.store_secret(owner, SMS_SECRET, sms_json(smsc))
    client, order = await _book(w, owner)
    await _confirm(w, order)
    assert await w.run_jobs() == 1
    (sms,) = w.smsc_peer.received(PHONE)
    assert "15:30" in sms.text and w.sms_peer.received(PHONE) == []
    (logged,) = await _log(w, owner, client)
    assert logged.status is DeliveryStatus.SENT and logged.provider_id == sms.message_id


async def test_sms_down_for_every_attempt_falls_back_to_email_once(w):
    owner = await _org(w)
    client, order = await _book(w, owner, email=EMAIL)
    await _confirm(w, order)
    w.sms_peer.fail_status = 503
    for _ in range(20):  # each attempt fails until the job's last one hands over to e-mail
        await w.run_jobs()
        w.clock.advance(hours=2)
        if w.mail_peer.for_recipient(EMAIL):
            break
    await w.run_jobs()
    assert w.sms_peer.received(PHONE) == [] and len(w.mail_peer.for_recipient(EMAIL)) == 1
    logged = {m.channel: m.status for m in await _log(w, owner, client)}
    assert logged == {Channel.SMS: DeliveryStatus.FAILED, Channel.EMAIL: DeliveryStatus.SENT}

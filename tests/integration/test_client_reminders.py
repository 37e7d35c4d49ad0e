"""Issue 19, item 5: reminders to clients not in Telegram, by SMS (the real SMS.ru adapter
against its local peer) and e-mail (the local SMTP server), on a frozen clock: the day before
at the organization's time with the client page's short link, two hours before when asked
for, once per order and time however often the scheduler looks, after a restart too, and
again for a moved order; nothing for a cancelled one. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest

from core.client_loop.model import Channel, ClientLoopSettings, DeliveryStatus, MessageKind
from core.client_loop.reminders import ClientReminders
from core.client_loop.service import ClientLoopService
from core.orders.rules import OrderAction
from tests.integration.test_client_delivery import (
    EMAIL,
    NOON,
    PHONE,
    VISIT,
    _book,
    _log,
    _org,
    open_world,
)

# VISIT is Wednesday 4 March 2026, 15:30 in Moscow; booked on Tuesday at 12:00.
EVE = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # Tuesday 18:00 in Moscow
LINK = re.compile(r"http\S+/c/([A-Za-z0-9_-]{22})")


@pytest.fixture
async def w(db_url, clock, tmp_path):
    clock.set(NOON)
    async with open_world(db_url, clock, tmp_path) as opened:
        yield opened


async def tick(w, at: datetime, reminders: ClientReminders | None = None) -> int:
    w.clock.set(at)
    return await (reminders or w.services.client_reminders).tick()


def restarted(w) -> ClientReminders:
    """A new process's scheduler: nothing cached, the same database."""
    return ClientReminders(w.uow, w.clock, ClientLoopService(w.uow, w.clock), "https://crm.test")


async def test_an_sms_client_is_reminded_the_day_before_once_with_the_page_link(w):
    owner = await _org(w, smtp=False)
    client, order = await _book(w, owner)
    assert await tick(w, EVE - timedelta(minutes=1)) == 0
    assert await tick(w, EVE) == 1
    assert await tick(w, EVE + timedelta(minutes=1)) == 0  # the next look
    assert await tick(w, EVE + timedelta(minutes=2), restarted(w)) == 0  # after a restart
    assert await w.run_jobs() == 1
    (sms,) = w.sms_peer.received(PHONE)
    assert "напоминаем о визите завтра, 04.03.2026 в 15:30" in sms.text
    token = LINK.search(sms.text)
    assert token is not None, sms.text
    page = await w.services.client_page.open(token.group(1))
    assert page.view.number == order.number
    (logged,) = [m for m in await _log(w, owner, client) if m.kind is MessageKind.REMINDER]
    assert logged.channel is Channel.SMS and logged.status is DeliveryStatus.SENT
    # A redelivered job sends nothing more: nothing is pending, and the log says sent.
    assert await w.run_jobs() == 0 and len(w.sms_peer.received(PHONE)) == 1


async def test_an_email_client_is_reminded_in_english(w):
    owner = await _org(w, language="en", sms=False)
    await _book(w, owner, phone=None, email=EMAIL)
    assert await tick(w, EVE) == 1
    assert await w.run_jobs() == 1
    (mail,) = w.mail_peer.for_recipient(EMAIL)
    text = mail.text() or ""
    assert "a reminder of your visit tomorrow, 04.03.2026 at 15:30" in text
    assert LINK.search(text) is not None


async def test_two_schedulers_at_once_queue_one_reminder(w):
    owner = await _org(w, smtp=False)
    await _book(w, owner)
    w.clock.set(EVE)
    counts = await asyncio.gather(restarted(w).tick(), restarted(w).tick(), restarted(w).tick())
    assert sorted(counts) == [0, 0, 1]
    await w.run_jobs()
    assert len(w.sms_peer.received(PHONE)) == 1


async def test_two_hours_before_only_when_the_organization_asks(w):
    owner = await _org(w, smtp=False)
    await _book(w, owner)
    assert await tick(w, VISIT - timedelta(hours=2)) == 0
    async with w.uow() as uow:
        settings = ClientLoopSettings(reminder_2h=True)
        await uow.client_loop.save_settings(owner.organization.id, settings, w.clock.now())
        await uow.commit()
    assert await tick(w, VISIT - timedelta(hours=2)) == 1
    assert await tick(w, VISIT - timedelta(hours=1)) == 0
    await w.run_jobs()
    (sms,) = w.sms_peer.received(PHONE)
    assert "ждите нас сегодня в 15:30" in sms.text


async def test_a_moved_order_is_reminded_again_and_a_cancelled_one_not(w):
    owner = await _org(w, smtp=False)
    _, order = await _book(w, owner)
    assert await tick(w, EVE) == 1
    await w.run_jobs()
    later = VISIT + timedelta(days=1)  # Thursday 15:30
    await w.services.orders.act(owner, order.id, OrderAction.RESCHEDULE, scheduled_at=later)
    await w.run_jobs()  # the booking's move is not this test's
    before = len(w.sms_peer.received(PHONE))
    assert await tick(w, EVE + timedelta(days=1)) == 1
    await w.run_jobs()
    texts = [s.text for s in w.sms_peer.received(PHONE)[before:]]
    assert len(texts) == 1 and "05.03.2026 в 15:30" in texts[0]
    _, other = await _book(w, owner, phone="+79165550124", when=VISIT + timedelta(days=2))
    await w.services.orders.act(owner, other.id, OrderAction.CANCEL)
    assert await tick(w, EVE + timedelta(days=2)) == 0

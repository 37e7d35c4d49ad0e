"""Issue 19, item 5: reminders to clients not in Telegram, by SMS (the real SMS.ru adapter
against its local peer) and e-mail (the local SMTP server), on a frozen clock: the day before
at the organization's time with the client page's short link, two hours before when asked
for, once per order and time however often the scheduler looks, after a restart too, and
again for a moved order; nothing for a cancelled one. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.admin.client_move import tell_moved
from core.client_loop.answers import Answer, minutes
from core.client_loop.model import Channel, ClientLoopSettings, DeliveryStatus, MessageKind
from core.client_loop.notices import NOTICE_JOB
from core.client_loop.page import Outcome as PageOutcome
from core.client_loop.reminders import ClientReminders
from core.client_loop.service import ClientLoopService
from core.domain import Role, TelegramProfile
from core.errors import DomainError
from core.orders.rules import OrderAction
from handlers.delivery.outgoing import Outgoing
from handlers.i18n import Catalogs
from storage.tables import JobRow
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
from tests.support import onboard

# VISIT is Wednesday 4 March 2026, 15:30 in Moscow; booked on Tuesday at 12:00.
EVE = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # Tuesday 18:00 in Moscow
MSK = ZoneInfo("Europe/Moscow")
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


async def _reminded(w, owner, **booking):
    """Book, remind at 18:00, deliver; the token of the page link in the message."""
    client, order = await _book(w, owner, **booking)
    assert await tick(w, EVE) == 1
    assert await w.run_jobs() == 1
    if booking.get("email"):
        text = w.mail_peer.for_recipient(EMAIL)[-1].text() or ""
    else:
        text = w.sms_peer.received(PHONE)[-1].text
    found = LINK.search(text)
    assert found is not None, text
    return client, order, found.group(1)


async def _notices(w) -> list[dict]:
    stmt = select(JobRow.__table__.c.payload).where(JobRow.__table__.c.kind == NOTICE_JOB)
    async with w.sessions() as session:
        return [row[0] for row in (await session.execute(stmt)).all()]


async def test_an_sms_client_confirms_then_moves_on_the_page_and_hears_of_the_move(w):
    owner = await _org(w, smtp=False)
    worker = await _worker(w, owner)
    _, order, token = await _reminded(w, owner)
    await w.services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=worker.user.id)
    await w.run_jobs()
    assert await w.services.client_page.confirm(token) is PageOutcome.CONFIRMED
    times = await w.services.client_answers.page_times(token)
    assert times and VISIT not in times
    moved = await w.services.client_answers.page_move(token, minutes(times[0]))
    assert moved.answer is Answer.MOVED and moved.was == VISIT
    await tell_moved(Catalogs(), w.services, moved, Outgoing())
    assert await w.run_jobs() == 1
    last = w.sms_peer.received(PHONE)[-1].text
    assert (
        "перенесён" in last and moved.order.scheduled_at.astimezone(MSK).strftime("%H:%M") in last
    )
    (notice,) = await _notices(w)
    assert notice["what"] == "moved" and notice["from"] == VISIT.isoformat()
    found = await w.services.client_answers.staff_notice(owner.organization.id, order.id)
    assert {p.id for p in found.people} == {owner.user.id, worker.user.id}
    # A time the page did not offer is refused.
    again = await w.services.client_answers.page_move(token, minutes(VISIT) + 10_000_000)
    assert again.answer is Answer.TAKEN


async def test_an_email_client_cancels_on_the_page_and_the_manager_is_told(w):
    owner = await _org(w, language="en", sms=False)
    _, order, token = await _reminded(w, owner, phone=None, email=EMAIL)
    assert await w.services.client_page.cancel(token, "Away that week") is PageOutcome.CANCELLED
    (notice,) = await _notices(w)
    assert notice == {
        "org": owner.organization.id, "order": order.id, "what": "cancelled",
        "from": None, "to": VISIT.isoformat(), "reason": "Away that week",
    }  # fmt: skip
    assert await tick(w, VISIT - timedelta(hours=2)) == 0  # nothing more for a cancelled order


async def test_another_clients_telegram_account_gets_nothing_of_this_order(w):
    owner = await _org(w, smtp=False)
    _, order = await _book(w, owner)
    stranger = await _worker(w, owner)  # a person of this organization, not its client
    for call in (
        w.services.client_answers.confirm(stranger.user.id, owner.organization.id, order.id, 0),
        w.services.client_answers.times(stranger.user.id, owner.organization.id, order.id, 0),
        w.services.client_answers.cancel(
            stranger.user.id, owner.organization.id, order.id, 0, "x"
        ),
    ):
        with pytest.raises(DomainError) as caught:
            await call
        assert caught.value.code == "client_button_foreign"
    assert (await w.services.orders.raw(owner.organization.id, order.id)).status.value == "new"


async def _worker(w, owner):
    token = (await w.services.invites.create(owner, Role.WORKER)).token
    person = TelegramProfile(9101, "Пётр", "Сидоров", None, "ru")
    actor = await onboard(w.services, person)
    await w.services.invites.accept(actor, token)
    return await w.services.users.identify(person)


async def test_an_email_client_gets_the_two_hour_reminder_in_english(w):
    owner = await _org(w, language="en", sms=False)
    await _book(w, owner, phone=None, email=EMAIL)
    async with w.uow() as uow:
        settings = ClientLoopSettings(reminder_2h=True)
        await uow.client_loop.save_settings(owner.organization.id, settings, w.clock.now())
        await uow.commit()
    assert await tick(w, VISIT - timedelta(hours=2)) == 1
    assert await w.run_jobs() == 1
    (mail,) = w.mail_peer.for_recipient(EMAIL)
    assert "we will be with you today at 15:30" in (mail.text() or "")
    assert LINK.search(mail.text() or "") is not None

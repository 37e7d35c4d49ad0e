"""Issue 19, item 9 by SMS: what an SMS client writes back reaches the staff.

The provider fakes post a client's SMS to the organization's callback URL on the real admin
app: a text that is not STOP from a client's number is logged as an incoming message on the
client's nearest open order, goes on its history and is queued once to the staff (the relay
job the Telegram client's text uses), even when the provider posts it again; an unknown
number, an empty text and a forged secret record nothing; STOP still opts out. Nothing
personal in the logs."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from core.client_loop.inbound import RELAY_JOB
from core.client_loop.model import Channel, Direction, MessageKind
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.runtime.jobs import JobRunner
from storage.runtime.jobs import SqlJobQueue
from tests.admin.test_client_optout_http import (
    NOON,
    PHONE,
    VISIT,
    _book,
    _log,
    _org,
    _product_log,
    _rotate,
    open_world,
)

TEXT = "Можно перенести на час позже?"


@pytest.fixture
async def w(db_url, clock):
    clock.set(NOON)
    async with open_world(db_url, clock) as opened:
        yield opened


async def _relayed(w) -> list:
    """Run the relay jobs as the bot would, keeping what each would tell and to whom."""
    notices = []

    async def relay(job) -> None:
        photo = job.payload.get("photo")
        notices.append(
            await w.services.client_loop.relay_notice(
                int(job.payload["org"]), int(job.payload["message"]), photo
            )
        )

    runner = JobRunner(SqlJobQueue(w.sessions), {RELAY_JOB: relay}, w.clock, "relay")
    while await runner.run_once():
        pass
    return notices


async def _incoming(w, owner, client):
    return [m for m in await _log(w, owner, client) if m.direction is Direction.IN]


async def _later_order(w, owner, client):
    """An open order further away than the booked one: the reply is not about it."""
    later = VISIT + timedelta(days=3)
    draft = OrderDraft(client.id, address="ул. Тихая, 5", scheduled_at=later, description="Пол")
    return await w.services.orders.create(owner, draft)


async def test_an_sms_ru_reply_reaches_the_staff_once_on_the_nearest_order(w, caplog):
    caplog.set_level(logging.DEBUG)
    owner = await _org(w, smtp=False)
    client, booked = await _book(w, owner)
    later = await _later_order(w, owner, client)
    assert await w.run_jobs() == 1
    (registered,) = w.sms.callbacks
    w.sms.callbacks = [w.local(registered)]
    assert await w.sms.receive(PHONE, TEXT, message_id="in-77") == ["100"]
    assert await w.sms.receive(PHONE, TEXT, message_id="in-77") == ["100"]  # redelivered
    (incoming,) = await _incoming(w, owner, client)
    assert incoming.channel is Channel.SMS and incoming.kind is MessageKind.CLIENT_MESSAGE
    assert incoming.body == TEXT and incoming.provider_id == "in-77"
    assert incoming.order_id == booked.id != later.id
    (notice,) = await _relayed(w)
    assert notice.text == TEXT and notice.number == booked.number and notice.photo is None
    assert notice.channel is Channel.SMS  # staff see it came by SMS (and replies go so)
    assert [u.id for u in notice.recipients] == [owner.user.id]
    async with w.uow() as uow:
        events = await uow.orders.events(owner.organization.id, booked.id)
    (wrote,) = [e for e in events if e.kind == "client_wrote"]
    assert wrote.data == {"by": "client", "text": TEXT, "channel": "sms"}
    # A second, different message is relayed too; STOP is an opt-out, not a message.
    assert await w.sms.receive(PHONE, "Спасибо!") == ["100"]
    assert await w.sms.receive(PHONE, "STOP") == ["100"]
    assert sorted(m.body for m in await _incoming(w, owner, client)) == sorted([TEXT, "Спасибо!"])
    assert len(await _relayed(w)) == 1
    # An unknown number, an empty text, a forged secret: nothing.
    assert await w.sms.receive("+79160000000", "Кто это?") == ["100"]
    assert await w.sms.receive(PHONE, "   ") == ["100"]
    w.sms.callbacks = [w.local(registered.rsplit("/", 1)[0] + "/forged")]
    assert await w.sms.receive(PHONE, "Ещё вопрос") == ["not found"]
    assert len(await _incoming(w, owner, client)) == 2 and await _relayed(w) == []
    logged = _product_log(caplog)
    for secret in (PHONE, PHONE[1:], TEXT, "Спасибо", "Тихая", "Анна"):
        assert secret not in logged


async def test_an_smsc_reply_reaches_the_staff_once(w):
    owner = await _org(w, provider="smsc", smtp=False)
    client, booked = await _book(w, owner)
    w.smsc.callback_url = w.server.url + await _rotate(w, owner, "smsc")
    assert await w.smsc.receive(PHONE, "Hello, is 13:00 fine?", message_id="501") == 200
    assert await w.smsc.receive(PHONE, "Hello, is 13:00 fine?", message_id="501") == 200
    (incoming,) = await _incoming(w, owner, client)
    assert incoming.body == "Hello, is 13:00 fine?" and incoming.order_id == booked.id
    (notice,) = await _relayed(w)
    assert notice.text == "Hello, is 13:00 fine?"


async def test_a_client_without_an_open_order_writes_about_the_latest_one(w):
    owner = await _org(w, smtp=False)
    client, booked = await _book(w, owner)
    await w.services.orders.act(owner, booked.id, OrderAction.CANCEL)
    path = await _rotate(w, owner, "sms_ru")
    entry = f"callback_receive\n9\n{PHONE[1:]}\nA question\nwith two lines\n1772500000"
    answer = await w.web.post(path.removeprefix("https://crm.test"), data={"data[0]": entry})
    assert answer.text == "100"
    (incoming,) = await _incoming(w, owner, client)
    assert incoming.body == "A question\nwith two lines" and incoming.order_id == booked.id

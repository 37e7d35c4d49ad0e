"""Issue 25, item 4: restriction silences a person's chat in the outbox, on both databases.
A client's message queued before the card is restricted is dropped by the sender (its log
entry failed), and the one message confirming the restriction goes: 0 sent, 1 confirmation,
in the client's language, and nothing after. A worker who restricts their own processing from
/privacy gets the answer to their own tap but no digest or notice (queued before or written
after), their voice notes are kept untranscribed, and lifting is explicit and audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.outbox import LEASE, OutboxSender
from core.client_loop.model import Channel as ClientChannel
from core.client_loop.model import (
    DeliveryStatus,
    Direction,
    MessageKind,
    NewClientMessage,
    Purpose,
)
from core.client_loop.restriction_notice import CONFIRMATION
from core.dialogs.client_data import ClientEditData
from core.dialogs.engine import DialogInput
from core.domain import TelegramProfile, VoiceStatus
from core.files.service import IncomingFile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.outcomes import ClientSaved
from core.runtime.outbox import After, Delivery, Lane, Method
from core.voice.service import VoiceService
from handlers.delivery.outgoing import Outgoing
from handlers.i18n import Catalogs
from storage.db import create_engine, session_factory
from storage.update_work import UpdateWork
from tests.integration.test_voice_quota import Model, Speech
from tests.support import owner_with_org, profile, profile_of, services_for

OGG = (Path(__file__).resolve().parents[1] / "data" / "voice_ru.ogg").read_bytes()
NOTE = "by phone on 3 March"


class TextBot:
    """The sender's Bot API (it posts a message's parameters as JSON, bot/outbox_calls.py):
    each sendMessage recorded and answered with the message Telegram would return."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def _post(self, endpoint: str, data: dict[str, Any]) -> dict[str, Any]:
        assert endpoint == "sendMessage" and data["parse_mode"] == "HTML"
        self.sent.append((data["chat_id"], data["text"]))
        return {"message_id": 500 + len(self.sent), "chat": {"id": data["chat_id"]}}


@pytest.fixture
async def sessions(db_url):
    engine = create_engine(db_url)
    yield session_factory(engine)
    await engine.dispose()


def _sender(bot, sessions, clock, services, tag: str) -> OutboxSender:
    return OutboxSender(bot, sessions, clock, services, Catalogs(), None, f"host:{tag}:t:outbox")  # type: ignore[arg-type]


async def _write(sessions, clock, deliveries, holder: str = "host:1:t:outbox"):
    """Deliveries written the way an update writes them (held by `holder`)."""
    async with UpdateWork(sessions, clock, update_id=None) as work:
        async with work.units() as uow:  # something written, so the rows are committed
            await uow.users.add(profile(), clock.now())
            await uow.commit()
        return await work.finish(deliveries, holder, LEASE)


async def _linked_client(services, owner, language: str = "ru"):
    client = await services.clients.create(owner, "Анна Смирнова", "+7 916 555-01-23")
    loop = services.client_loop
    person = (await services.users.identify(profile("Анна", language))).user
    same = TelegramProfile(person.telegram_id, person.first_name, None, None, language)
    await services.users.set_language(await services.users.identify(same), language)
    await loop.redeem(person, (await loop.invite(owner, client.id)).token)
    await loop.answer_consent(person, owner.organization.id, Purpose.TRANSACTIONAL, True)
    return client, person


async def _restrict(services, owner, client_id: int) -> ClientSaved:
    chat = owner.user.telegram_id
    data = ClientEditData(client_id=client_id, field="restrict")
    await services.dialogs.start(owner, chat, data.flow, data)
    saved = await services.dialogs.answer(owner, chat, DialogInput(text=NOTE))
    assert isinstance(saved, ClientSaved)
    return saved


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_a_queued_client_message_is_dropped_and_one_confirmation_goes(
    sessions, uow_factory, clock, language
):
    services = services_for(uow_factory, clock)
    owner = await owner_with_org(services)
    client, person = await _linked_client(services, owner, language)
    org_id = owner.organization.id
    async with uow_factory() as uow:  # a message to the client, queued before
        logged = await uow.client_loop.add_message(org_id, NewClientMessage(
            client_id=client.id, direction=Direction.OUT, kind=MessageKind.STAFF_MESSAGE,
            channel=ClientChannel.TELEGRAM, body="Чистый дом: мастер будет в 14:00",
        ), clock.now())  # fmt: skip
        await uow.commit()
    args: dict[str, int | str] = {"org": org_id, "message": logged.id}
    text = {"text": "Чистый дом: мастер будет в 14:00"}
    queued = Delivery(
        person.telegram_id, Method.SEND, text, Lane.INTERACTIVE, After.CLIENT_MESSAGE, args
    )
    assert [s.restricted for s in await _write(sessions, clock, [queued])] == [False]

    saved = await _restrict(services, owner, client.id)
    told = saved.confirmed
    assert told is not None and told.kept and told.chat_id == person.telegram_id
    assert CONFIRMATION[language] in told.text
    out = Outgoing()  # the update's deliveries, as handlers.client_loop writes them
    out.send(told.chat_id, told.text, None, After.CLIENT_MESSAGE,
             {"org": org_id, "message": told.message_id}, kept=True)  # fmt: skip
    bot = TextBot()
    sender = _sender(bot, sessions, clock, services, "2")
    await sender.deliver(await _write(sessions, clock, out.deliveries, sender.owner))
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await sender.recover() == 1  # the one queued before: taken, and dropped
    assert bot.sent == [(person.telegram_id, told.text)]
    async with uow_factory() as uow:
        status = {m.id: m.status for m in await uow.client_loop.client_messages(org_id, client.id)}
    assert status[logged.id] is DeliveryStatus.FAILED and status[told.message_id] is (
        DeliveryStatus.SENT
    )
    # Nothing after: a second restriction (a new note) sends no second confirmation.
    assert (await _restrict(services, owner, client.id)).confirmed is None
    later = Delivery(person.telegram_id, Method.SEND, {"text": "ещё"})
    await sender.deliver(await _write(sessions, clock, [later], sender.owner))
    assert len(bot.sent) == 1


async def test_a_worker_restricts_their_own_processing(sessions, uow_factory, clock):
    services = services_for(uow_factory, clock)
    owner = await owner_with_org(services)
    worker = await services.users.identify(profile("Иван"))
    chat = worker.user.telegram_id
    digest = Delivery(chat, Method.SEND, {"text": "Сводка за день"}, Lane.BROADCAST)
    await _write(sessions, clock, [digest])  # queued before, by a process that then died

    user = await services.users.restrict_self(owner, True)  # the owner restricts theirs
    assert user.restricted_at == clock.now()
    me = owner.user.telegram_id
    await _write(sessions, clock, [Delivery(me, Method.SEND, {"text": "a notice"})])
    worker = await services.users.restrict_self(worker, True)
    bot = TextBot()
    sender = _sender(bot, sessions, clock, services, "2")
    answer = Delivery(chat, Method.SEND, {"text": "⛔ restricted"}, kept=True)  # their tap's
    notice = Delivery(chat, Method.SEND, {"text": "Новый заказ №2"})  # someone else's update
    await sender.deliver(await _write(sessions, clock, [answer, notice], sender.owner))
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await sender.recover() == 2  # the digest and the owner's notice: dropped
    assert bot.sent == [(chat, "⛔ restricted")]

    owner = await services.users.identify(profile_of(owner))
    lifted = await services.users.restrict_self(owner, False)
    assert lifted.restricted_at is None
    await sender.deliver(await _write(sessions, clock, [Delivery(me, Method.SEND, {"text": "x"})],
                                      sender.owner))  # fmt: skip
    assert bot.sent[-1] == (me, "x")
    async with uow_factory() as uow:
        events = await uow.audit.listing(owner.organization.id, 50, 0)
    assert [e.action for e in reversed(events) if e.action.startswith("account.restr")] == [
        "account.restricted", "account.restriction_lifted",
    ]  # fmt: skip


async def test_a_restricted_workers_voice_note_is_kept_not_transcribed(uow_factory, clock):
    services = services_for(uow_factory, clock)
    owner = await owner_with_org(services)
    order = await services.orders.create(owner, OrderDraft(None))
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=owner.user.id)
    await services.users.restrict_self(owner, True)
    owner = await services.users.identify(profile_of(owner))
    voice = VoiceService(uow_factory, clock, services.files, services.orders, Speech(), Model())
    note = await voice.receive(owner, order.id, IncomingFile(OGG, "audio/ogg", None, None, None),
                               5, 1)  # fmt: skip
    assert note.status is VoiceStatus.OWN_RESTRICTED
    async with uow_factory() as uow:
        assert (await uow.voice.get(note.id)).status is VoiceStatus.OWN_RESTRICTED


async def test_job_notices_skip_a_person_who_restricted_their_processing(uow_factory, clock):
    """Messages background jobs send straight to staff pick their recipients without anyone
    restricted: digests and reminders, system and call alerts (leads), payment notices,
    client messages relayed and rating alerts (leads_of)."""
    from core.client_loop.ratings import leads_of
    from core.domain import Role

    services = services_for(uow_factory, clock)
    owner = await owner_with_org(services)
    org_id = owner.organization.id
    order = await services.orders.create(owner, OrderDraft(None))

    async def who() -> tuple[list[int], list[int], list[int], list[int]]:
        async with uow_factory() as uow:
            digests = await uow.notifications.recipients([Role.OWNER], [org_id])
            relayed = await leads_of(uow, org_id, order)
        _, paid = await services.client_payments.staff_to_tell(org_id, order.id)
        leads = await services.team.leads(org_id)
        return (
            [r.user_id for r in digests], [u.id for u in relayed], [u.id for u in paid],
            [u.id for u in leads],
        )  # fmt: skip

    me = owner.user.id
    assert await who() == ([me], [me], [me], [me])
    await services.users.restrict_self(owner, True)
    assert await who() == ([], [], [], [])
    await services.users.restrict_self(await services.users.identify(profile_of(owner)), False)
    assert await who() == ([me], [me], [me], [me])

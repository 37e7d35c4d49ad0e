"""Issue 25, item 4: a client's restriction of processing on both databases. While the card
is restricted every channel that reaches a client is silent (Telegram, SMS through the SMS.ru
peer, e-mail through the SMTP peer, also a message queued before), the rating and quote
routes find no channel, workers do not find the card, a voice note on the client's order is
kept untranscribed; lifting is explicit, audited, and the channels come back."""

from __future__ import annotations

from pathlib import Path

from core.client_loop.model import Channel, DeliveryStatus, MessageKind, Purpose
from core.domain import Role, VoiceStatus
from core.errors import DomainError
from core.files.service import IncomingFile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from core.voice.service import VoiceService
from tests.integration.test_client_delivery import (
    EMAIL,
    PHONE,
    VISIT,
    _book,
    _confirm,
    _log,
    _org,
    w,
)
from tests.integration.test_voice_quota import Model, Speech
from tests.support import onboard, owner_with_org, profile, services_for

__all__ = ["w"]
OGG = (Path(__file__).resolve().parents[1] / "data" / "voice_ru.ogg").read_bytes()
NOTE = "by phone on 3 March, asked by Anna herself"


async def _audit(w, owner):
    async with w.uow() as uow:
        events = await uow.audit.listing(owner.organization.id, 50, 0)
    return [(e.action, e.subject_id) for e in events]


async def test_sms_and_email_fall_silent_even_when_queued_before(w):
    owner = await _org(w)
    client, order = await _book(w, owner, email=EMAIL)
    await _confirm(w, order)  # queued by SMS before the restriction
    restricted = await w.services.clients.edit(owner, client.id, "restrict", NOTE)
    assert restricted.restricted and restricted.restriction_note == NOTE
    assert await w.run_jobs() >= 1
    assert w.sms_peer.received(PHONE) == [] and w.mail_peer.for_recipient(EMAIL) == []
    assert {m.status for m in await _log(w, owner, client)} == {DeliveryStatus.FAILED}
    assert await w.services.client_loop.order_message(order, "created", "ru") is None
    loop = w.services.client_loop
    assert await loop.channels(owner.organization.id, client.id, sms_configured=True) == ()
    assert ("client.restricted", client.id) in await _audit(w, owner)
    # Kept, not used: the card and its note are all there.
    card = await w.services.clients.card(owner, client.id)
    assert card.view.restricted_at == w.clock.now() and card.view.phones == (PHONE,)

    await w.services.clients.lift_restriction(owner, client.id)
    assert ("client.restriction_lifted", client.id) in await _audit(w, owner)
    draft = await w.services.client_loop.order_message(order, "created", "ru")
    assert draft is not None and draft.channels == (Channel.SMS, Channel.EMAIL)
    try:
        await w.services.clients.lift_restriction(owner, client.id)
    except DomainError as error:
        assert error.code == "client_not_restricted"
    else:
        raise AssertionError("lifting twice must say it is not restricted")


async def test_telegram_rating_and_staff_messages_find_no_channel(w):
    owner = await _org(w, sms=False, smtp=False)
    client, order = await _book(w, owner)
    loop = w.services.client_loop
    person = (await w.services.users.identify(profile("Анна"))).user
    await loop.redeem(person, (await loop.invite(owner, client.id)).token)
    await loop.answer_consent(person, owner.organization.id, Purpose.TRANSACTIONAL, True)
    draft = await loop.order_message(order, "created", "ru")
    assert draft is not None and draft.telegram
    await w.services.clients.edit(owner, client.id, "restrict", NOTE)
    assert await loop.order_message(order, "created", "ru") is None
    assert await loop.kind_message(order, MessageKind.REMINDER, "ru") is None
    assert await loop.channels(owner.organization.id, client.id) == ()
    async with w.uow() as uow:
        from core.client_loop.ratings import reach_of

        fresh = await uow.clients.get(owner.organization.id, client.id)
        link = await uow.client_loop.link(owner.organization.id, client.id)
        assert await reach_of(uow, owner.organization.id, fresh, link) == ()


async def test_workers_do_not_find_a_restricted_card_and_a_note_is_required(w):
    owner = await _org(w, sms=False, smtp=False)
    token = (await w.services.invites.create(owner, Role.WORKER)).token
    person = profile("Иван")
    await w.services.invites.accept(await onboard(w.services, person), token)
    ivan = await w.services.users.identify(person)
    client, order = await _book(w, owner)
    await w.services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=ivan.user.id)
    assert [v.id for v in (await w.services.clients.find(ivan, "Смирнова")).items] == [client.id]
    try:
        await w.services.clients.edit(owner, client.id, "restrict", "  ")
    except DomainError as error:
        assert error.code == "restriction_note_empty"
    else:
        raise AssertionError("a restriction needs its note")
    try:
        await w.services.clients.edit(ivan, client.id, "restrict", NOTE)
    except DomainError as error:
        assert error.code == "forbidden"
    else:
        raise AssertionError("a worker may not restrict")
    await w.services.clients.edit(owner, client.id, "restrict", NOTE)
    assert (await w.services.clients.find(ivan, "Смирнова")).items == ()
    found = (await w.services.clients.find(owner, "Смирнова")).items
    assert [(v.id, v.restriction_note) for v in found] == [(client.id, NOTE)]


async def test_a_voice_note_on_a_restricted_clients_order_is_kept_not_transcribed(
    uow_factory, clock
):
    services = services_for(uow_factory, clock)
    owner = await owner_with_org(services)
    client = await services.clients.create(owner, "Анна", PHONE, None, None)
    order = await services.orders.create(owner, OrderDraft(client.id, scheduled_at=VISIT))
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=owner.user.id)
    await services.clients.edit(owner, client.id, "restrict", NOTE)
    voice = VoiceService(uow_factory, clock, services.files, services.orders, Speech(), Model())
    incoming = IncomingFile(OGG, "audio/ogg", None, None, None)
    note = await voice.receive(owner, order.id, incoming, 5, 1)
    assert note.status is VoiceStatus.RESTRICTED
    async with uow_factory() as uow:
        assert (await uow.voice.get(note.id)).status is VoiceStatus.RESTRICTED


async def test_an_objection_and_a_correction_are_audited_and_close_their_requests(w):
    """Items 5 and 6: the objection to automated processing (its calls' exclusion is in
    test_calls) and a staff correction on the audit log with the values masked."""
    owner = await _org(w, sms=False, smtp=False)
    client, _ = await _book(w, owner, email=EMAIL)
    for field in ("request_objection", "request_correction"):
        await w.services.clients.edit(owner, client.id, field, "today")
    objecting = await w.services.clients.lift_restriction(owner, client.id, True)
    assert objecting.no_ai and not objecting.restricted
    await w.services.clients.edit(owner, client.id, "name", "Анна Петрова")
    await w.services.clients.edit(owner, client.id, "email", "anna.new@example.org")
    async with w.uow() as uow:
        events = await uow.audit.listing(owner.organization.id, 50, 0)
        asked = await uow.requests.client_requests(owner.organization.id, client.id)
    edits = [e.data for e in events if e.action == "client.edited"]
    assert {"field": "name", "old": "А*** С***", "new": "А*** П***"} in edits
    assert {"field": "email", "old": "an***", "new": "an***"} in edits
    text = " ".join(str(e.data) for e in events)
    for personal in ("Смирнова", "Петрова", "example.org", "anna"):
        assert personal not in text, personal
    assert {r.kind.value: r.closed_by for r in asked} == {
        "objection": "objection", "correction": "edit",
    }  # fmt: skip
    assert "client.objected" in [e.action for e in events]
    withdrawn = await w.services.clients.lift_restriction(owner, client.id, False)
    assert not withdrawn.no_ai


async def test_an_sms_client_gets_one_confirmation_and_nothing_else(w):
    """The one message confirming the restriction goes by SMS to a client without Telegram
    (the booking's SMS queued before it fails), in the organization's language; restricting
    again with a new note sends nothing more."""
    from core.client_loop.restriction_notice import CONFIRMATION
    from core.dialogs.data import ClientEditData
    from core.dialogs.engine import DialogInput

    owner = await _org(w, smtp=False)
    client, order = await _book(w, owner)
    await _confirm(w, order)  # queued by SMS before the restriction
    chat = owner.user.telegram_id
    for note in (NOTE, "by e-mail on 4 March"):
        data = ClientEditData(client_id=client.id, field="restrict")
        await w.services.dialogs.start(owner, chat, data.flow, data)
        saved = await w.services.dialogs.answer(owner, chat, DialogInput(text=note))
        told = saved.confirmed
        assert (told is not None and told.channel == "sms") == (note == NOTE)
    assert await w.run_jobs() >= 1
    received = w.sms_peer.received(PHONE)
    assert len(received) == 1 and CONFIRMATION["ru"] in received[0].text, received
    statuses = sorted(m.status.value for m in await _log(w, owner, client))
    assert statuses == [DeliveryStatus.FAILED.value, DeliveryStatus.SENT.value]

"""The client loop on both databases: links per organization, one-use expiring invitations
(frozen clock), consents and opt-outs, the message log on the order's history, page tokens,
settings and templates, and privacy: erasing a client takes its links, tokens and message log
(with the staff copies of its relayed messages); the export carries client messages and
consents."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.client_loop.model import (
    Channel,
    ClientLoopSettings,
    ConsentAction,
    DeliveryStatus,
    Direction,
    MessageKind,
    NewClientMessage,
    Purpose,
)
from core.domain import Job, Role, TelegramProfile
from core.errors import DomainError
from core.orders.service import OrderDraft
from core.privacy.service import EXPORT_JOB
from storage.tables import (
    ClientConsentRow,
    ClientInviteRow,
    ClientLinkRow,
    ClientMessageRow,
    ClientPageTokenRow,
)
from storage.tables_relay import ClientRelayCopyRow
from tests.privacy_support import open_world
from tests.support import onboard, owner_with_org, profile


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


async def _client_with_order(w, owner, clock, name="Анна Смирнова", phone="+79165550001"):
    client = await w.services.clients.create(owner, name, phone, "ул. Тихая, 5", "заметка")
    draft = OrderDraft(
        client.id,
        address="ул. Тихая, 5",
        price_minor=250000,
        scheduled_at=clock.now() + timedelta(days=1),
        description="Помыть окна",
    )
    return client, await w.services.orders.create(owner, draft)


async def _person(w, name="Клиентка"):
    """A Telegram user who is nobody's staff (a client tapping a link)."""
    return (await w.services.users.identify(profile(name))).user


async def _member(w, owner, role, name):
    token = (await w.services.invites.create(owner, role)).token
    person = profile(name)
    actor = await onboard(w.services, person)
    await w.services.invites.accept(actor, token)
    return await w.services.users.identify(person)


async def _count(w, row, **where) -> int:
    async with w.uow() as uow:
        stmt = select(func.count()).select_from(row)
        for name, value in where.items():
            stmt = stmt.where(getattr(row, name) == value)
        return int((await uow.session.execute(stmt)).scalar_one())


async def _code(awaitable) -> str:
    with pytest.raises(DomainError) as refused:
        await awaitable
    return refused.value.code


async def test_a_client_is_linked_per_organization_without_mixing(w, clock):
    loop = w.services.client_loop
    first = await owner_with_org(w.services, "Первая")
    second = await owner_with_org(w.services, "Вторая")
    a, order_a = await _client_with_order(w, first, clock)
    b, _ = await _client_with_order(w, second, clock)
    other, _ = await _client_with_order(w, first, clock, "Борис", "+79165550002")
    person = await _person(w)
    one = await loop.redeem(person, (await loop.invite(first, a.id, order_a.id)).token)
    two = await loop.redeem(person, (await loop.invite(second, b.id)).token)
    assert (one.organization_id, one.link.client_id, one.order_id) == (
        first.organization.id,
        a.id,
        order_a.id,
    )
    assert (two.organization_id, two.link.client_id, two.order_id) == (
        second.organization.id,
        b.id,
        None,
    )
    assert await _count(w, ClientLinkRow, user_id=person.id) == 2
    # the same person cannot be a second client of the first organization
    third = (await loop.invite(first, other.id)).token
    assert await _code(loop.redeem(person, third)) == "client_linked_elsewhere"
    # another organization's client or order cannot be invited
    assert await _code(loop.invite(first, b.id)) == "not_found"
    assert await _code(loop.invite(first, other.id, order_a.id)) == "not_found"
    # the link in an organization is found by the person there, and only there
    async with w.uow() as uow:
        found = await uow.client_loop.link_of_user(second.organization.id, person.id)
        assert found is not None and found.client_id == b.id
        assert await uow.client_loop.link(second.organization.id, a.id) is None


async def test_the_database_holds_one_link_per_client_and_per_person_in_an_organization(w, clock):
    first = await owner_with_org(w.services, "Первая")
    second = await owner_with_org(w.services, "Вторая")
    a, _ = await _client_with_order(w, first, clock)
    b, _ = await _client_with_order(w, first, clock, "Борис", "+79165550002")
    c, _ = await _client_with_order(w, second, clock)
    person, other = await _person(w), await _person(w, "Другой")
    one, two = first.organization.id, second.organization.id
    async with w.uow() as uow:
        await uow.client_loop.save_link(one, a.id, person.id, clock.now())
        await uow.client_loop.save_link(two, c.id, person.id, clock.now())  # another org: fine
        await uow.commit()
    async with w.uow() as uow:  # the same person as a second client of the first organization
        uow.session.add(
            ClientLinkRow(
                organization_id=one,
                client_id=b.id,
                user_id=person.id,
                linked_at=clock.now(),
                updated_at=clock.now(),
            )
        )
        with pytest.raises(IntegrityError):
            await uow.session.flush()
    async with w.uow() as uow:  # a second person for the same client
        uow.session.add(
            ClientLinkRow(
                organization_id=one,
                client_id=a.id,
                user_id=other.id,
                linked_at=clock.now(),
                updated_at=clock.now(),
            )
        )
        with pytest.raises(IntegrityError):
            await uow.session.flush()
    async with w.uow() as uow:
        assert [k.client_id for k in await uow.client_loop.links(one, [a.id, b.id, c.id])] == [
            a.id
        ]


async def test_an_invitation_is_used_once_and_expires(w, clock):
    loop = w.services.client_loop
    owner = await owner_with_org(w.services)
    client, _ = await _client_with_order(w, owner, clock)
    worker = await _member(w, owner, Role.WORKER, "Пётр")
    assert await _code(loop.invite(worker, client.id)) == "forbidden"
    manager = await _member(w, owner, Role.MANAGER, "Мария")
    late = await loop.invite(manager, client.id)
    assert late.expires_at == clock.now() + timedelta(days=7)
    assert late.token.startswith("c_") and len(late.token) <= 64
    clock.advance(days=7)
    assert await _code(loop.redeem(await _person(w), late.token)) == "client_invite_expired"
    issued = await loop.invite(owner, client.id, days=1)
    person, stranger = await _person(w, "Анна"), await _person(w, "Чужой")
    redeemed = await loop.redeem(person, issued.token)
    assert redeemed.link.user_id == person.id and not redeemed.relinked
    again = await loop.redeem(person, issued.token)  # a second tap on one's own link
    assert again.link == redeemed.link
    assert await _code(loop.redeem(stranger, issued.token)) == "client_invite_used"
    assert await _code(loop.redeem(stranger, "c_" + "A" * 32)) == "client_invite_unknown"
    assert await _code(loop.redeem(stranger, "i_not-a-client-link")) == "client_invite_unknown"
    # a new link for the client replaces the old account, and its consents
    await loop.answer_consent(person, owner.organization.id, Purpose.TRANSACTIONAL, True)
    moved = await loop.redeem(stranger, (await loop.invite(owner, client.id)).token)
    assert moved.relinked and moved.link.user_id == stranger.id
    assert moved.link.transactional_at is None
    async with w.uow() as uow:
        rows = (await uow.session.execute(select(ClientInviteRow))).scalars().all()
        assert all(len(r.token_hash) == 64 and not r.token_hash.startswith("c_") for r in rows)
        assert issued.token not in {r.token_hash for r in rows}
    audit = [e.action for e in (await w.services.audit.page(owner)).items]
    assert audit.count("client.invited") == 3


async def test_consents_opt_outs_and_the_channels_they_leave(w, clock):
    loop = w.services.client_loop
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    client, _ = await _client_with_order(w, owner, clock)
    person = await _person(w)
    await loop.redeem(person, (await loop.invite(owner, client.id)).token)
    reach = {"email": "anna@example.com", "sms_configured": True, "email_configured": True}
    assert await loop.channels(org_id, client.id, **reach) == (Channel.SMS, Channel.EMAIL)
    link = await loop.answer_consent(person, org_id, Purpose.TRANSACTIONAL, True)
    assert link.transactional_at == clock.now() and link.marketing_at is None
    assert await loop.channels(org_id, client.id, **reach) == (
        Channel.TELEGRAM,
        Channel.SMS,
        Channel.EMAIL,
    )
    assert await loop.channels(org_id, client.id, Purpose.MARKETING, **reach) == ()
    clock.advance(minutes=1)
    await loop.opt_out(org_id, client.id, Channel.SMS)
    clock.advance(minutes=1)
    await loop.opt_out(org_id, client.id, Channel.TELEGRAM)
    assert await loop.channels(org_id, client.id, **reach) == (Channel.EMAIL,)
    clock.advance(minutes=1)
    manager = await _member(w, owner, Role.MANAGER, "Мария")
    basis = await loop.record_basis(manager, client.id, Channel.SMS)
    assert basis.action is ConsentAction.BASIS and basis.recorded_by == manager.user.id
    assert await loop.channels(org_id, client.id, **reach) == (Channel.SMS, Channel.EMAIL)
    assert await _code(loop.record_basis(manager, client.id, Channel.TELEGRAM)) == (
        "consent_basis_channel"
    )
    async with w.uow() as uow:
        events = await uow.client_loop.consents(org_id, client.id)
    assert [(e.channel, e.purpose, e.action) for e in events] == [
        (Channel.TELEGRAM, Purpose.TRANSACTIONAL, ConsentAction.GRANTED),
        (Channel.SMS, Purpose.TRANSACTIONAL, ConsentAction.WITHDRAWN),
        (Channel.SMS, Purpose.MARKETING, ConsentAction.WITHDRAWN),
        (Channel.TELEGRAM, Purpose.TRANSACTIONAL, ConsentAction.WITHDRAWN),
        (Channel.TELEGRAM, Purpose.MARKETING, ConsentAction.WITHDRAWN),
        (Channel.SMS, Purpose.TRANSACTIONAL, ConsentAction.BASIS),
    ]
    assert [e.created_at for e in events][-1] == clock.now()
    async with w.uow() as uow:
        assert (await uow.client_loop.link(org_id, client.id)).transactional_at is None


async def test_the_message_log_is_on_the_orders_history(w, clock):
    loop = w.services.client_loop
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    client, order = await _client_with_order(w, owner, clock)
    other_owner = await owner_with_org(w.services, "Чужая")
    out = NewClientMessage(
        client.id, Direction.OUT, MessageKind.CONFIRMATION, Channel.SMS, "Заказ записан", order.id
    )
    sent = await loop.log_message(org_id, out)
    assert sent.status is DeliveryStatus.QUEUED and sent.sent_at is None
    clock.advance(seconds=5)
    marked = await loop.mark(org_id, sent.id, DeliveryStatus.SENT, "202-555")
    assert marked.sent_at == clock.now() and marked.provider_id == "202-555"
    clock.advance(seconds=30)
    done = await loop.mark(org_id, sent.id, DeliveryStatus.DELIVERED)
    assert done.delivered_at == clock.now() and done.provider_id == "202-555"
    assert await loop.mark(other_owner.organization.id, sent.id, DeliveryStatus.FAILED) is None
    reply = NewClientMessage(
        client.id, Direction.IN, MessageKind.CLIENT_MESSAGE, Channel.TELEGRAM, "Спасибо", order.id
    )
    await loop.log_message(org_id, reply)
    history = await loop.order_history(owner, order.id)
    assert [(m.direction, m.kind, m.body) for m in history] == [
        (Direction.OUT, MessageKind.CONFIRMATION, "Заказ записан"),
        (Direction.IN, MessageKind.CLIENT_MESSAGE, "Спасибо"),
    ]
    async with w.uow() as uow:
        found = await uow.client_loop.by_provider_id(org_id, Channel.SMS, "202-555")
        assert found is not None and found.id == sent.id
    worker = await _member(w, owner, Role.WORKER, "Пётр")
    assert await _code(loop.order_history(worker, order.id)) == "not_found"
    assert await _code(loop.log_message(other_owner.organization.id, out)) == "not_found"
    long = NewClientMessage(client.id, Direction.OUT, MessageKind.DONE, Channel.SMS, "x" * 5000)
    assert await _code(loop.log_message(org_id, long)) == "text_too_long"


async def test_a_page_token_opens_one_order_until_after_it_closes(w, clock):
    loop = w.services.client_loop
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    client, order = await _client_with_order(w, owner, clock)
    other, _ = await _client_with_order(w, owner, clock, "Борис", "+79165550002")
    issued = await loop.issue_page(org_id, client.id, order.id)
    access = await loop.resolve_page(issued.token)
    assert (access.organization_id, access.client_id, access.order_id) == (
        org_id,
        client.id,
        order.id,
    )
    view = await loop.order_view(org_id, access.client_id, access.order_id)
    assert view.address == "ул. Тихая, 5" and view.price_minor == 250000
    assert await _code(loop.order_view(org_id, other.id, order.id)) == "not_found"
    assert await _code(loop.issue_page(org_id, other.id, order.id)) == "not_found"
    assert await _code(loop.resolve_page("A" * 22)) == "client_page_unknown"
    assert await loop.order_closed(org_id, order.id) == 1
    clock.advance(days=2)
    assert (await loop.resolve_page(issued.token)).order_id == order.id
    clock.advance(days=1, seconds=1)
    assert await _code(loop.resolve_page(issued.token)) == "client_page_expired"


async def test_settings_and_templates(w, clock):
    loop = w.services.client_loop
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    manager = await _member(w, owner, Role.MANAGER, "Мария")
    assert await loop.settings(manager) == ClientLoopSettings()
    wanted = ClientLoopSettings(
        disabled=frozenset({MessageKind.RATING_REQUEST}),
        reminder_at="19:30",
        reminder_2h=True,
        show_prices=False,
    )
    assert await _code(loop.update_settings(manager, wanted)) == "forbidden"
    assert await loop.update_settings(owner, wanted) == wanted
    assert await loop.settings_for(org_id) == wanted
    bad = ClientLoopSettings(reminder_at="7 pm")
    assert await _code(loop.update_settings(owner, bad)) == "time_of_day_invalid"
    default = await loop.template_for(org_id, MessageKind.ON_MY_WAY, "ru")
    assert not default.custom and "{eta}" in default.body
    body = "{worker_first_name} будет через {eta}"
    assert await _code(loop.set_template(owner, MessageKind.ON_MY_WAY, "ru", "Скоро")) == (
        "template_missing_variable"
    )
    assert await _code(
        loop.set_template(owner, MessageKind.ON_MY_WAY, "ru", "{eta} {pay_link}")
    ) == ("template_unknown_variable")
    assert await _code(loop.set_template(owner, MessageKind.ON_MY_WAY, "de", body)) == (
        "choose_option"
    )
    await loop.set_template(owner, MessageKind.ON_MY_WAY, "ru", body)
    await loop.set_template(owner, MessageKind.ON_MY_WAY, "ru", body + "!")
    saved = await loop.template_for(org_id, MessageKind.ON_MY_WAY, "ru")
    assert saved.custom and saved.body == body + "!"
    listing = {t.kind: t for t in await loop.templates(manager, "ru")}
    assert listing[MessageKind.ON_MY_WAY].custom and not listing[MessageKind.RECEIPT].custom
    assert (await loop.template_for(org_id, MessageKind.ON_MY_WAY, "en")).custom is False
    await loop.reset_template(owner, MessageKind.ON_MY_WAY, "ru")
    assert not (await loop.template_for(org_id, MessageKind.ON_MY_WAY, "ru")).custom


async def _seed_loop(w, owner, clock, name, phone, marker):
    loop = w.services.client_loop
    org_id = owner.organization.id
    client, order = await _client_with_order(w, owner, clock, name, phone)
    person = await _person(w, name)
    await loop.redeem(person, (await loop.invite(owner, client.id, order.id)).token)
    await loop.invite(owner, client.id)  # one left unused
    await loop.answer_consent(person, org_id, Purpose.TRANSACTIONAL, True)
    await loop.record_basis(owner, client.id, Channel.EMAIL)
    await loop.issue_page(org_id, client.id, order.id)
    for direction, kind in (
        (Direction.OUT, MessageKind.CONFIRMATION),
        (Direction.IN, MessageKind.CLIENT_MESSAGE),
    ):
        new = NewClientMessage(
            client.id, direction, kind, Channel.TELEGRAM, f"{marker} {kind}", order.id
        )
        logged = await loop.log_message(org_id, new)
        if direction is Direction.IN:  # relayed to two staff chats
            await loop.relayed(org_id, logged.id, [(client.id * 10, 7), (client.id * 10 + 1, 8)])
    return client, person


async def test_erasing_a_client_takes_links_tokens_consents_and_messages(w, clock):
    owner = await owner_with_org(w.services)
    gone, _ = await _seed_loop(w, owner, clock, "Агриппина", "+79165551234", "Уникальное-слово")
    kept, _ = await _seed_loop(w, owner, clock, "Оставшаяся", "+79167770000", "Другое-слово")
    rows = (ClientLinkRow, ClientInviteRow, ClientConsentRow, ClientMessageRow, ClientPageTokenRow)
    before = [await _count(w, row, client_id=gone.id) for row in rows]
    assert before == [1, 2, 2, 2, 1]
    await w.services.erasure.erase_client(owner, gone.id)
    assert [await _count(w, row, client_id=gone.id) for row in rows] == [0, 0, 0, 0, 0]
    assert [await _count(w, row, client_id=kept.id) for row in rows] == [1, 2, 2, 2, 1]
    assert await w.scan(["Уникальное-слово"]) == []
    assert await w.scan(["Другое-слово"]) == ["client_message.body"]
    # the staff copies of a relayed message go with it: the kept client's two stay
    async with w.uow() as uow:
        stmt = select(ClientRelayCopyRow.chat_id).order_by(ClientRelayCopyRow.id)
        chats = list((await uow.session.execute(stmt)).scalars())
    assert chats == [kept.id * 10, kept.id * 10 + 1]


async def test_erasing_the_person_unlinks_them(w, clock):
    owner = await owner_with_org(w.services)
    client, person = await _seed_loop(w, owner, clock, "Агриппина", "+79165551234", "Слово")
    actor = await w.services.users.identify(profile_of_user(person))
    await w.services.erasure.delete_account(actor)
    assert await _count(w, ClientLinkRow, client_id=client.id) == 0
    assert await _count(w, ClientMessageRow, client_id=client.id) == 2  # the business's log


def profile_of_user(user):
    return TelegramProfile(user.telegram_id, user.first_name, None, None, "ru")


async def test_the_export_carries_client_messages_and_consents(w, clock):
    owner = await owner_with_org(w.services)
    client, person = await _seed_loop(w, owner, clock, "Агриппина", "+79165551234", "Слово")
    payload = {"user_id": owner.user.id, "org_id": owner.organization.id, "chat_id": 1}
    ready = await w.services.privacy.build(Job(1, EXPORT_JOB, {**payload, "message_id": None}, 1))
    with zipfile.ZipFile(ready.file.path) as archive:
        names = archive.namelist()
        messages = json.loads(archive.read("client_messages.json"))
        consents = json.loads(archive.read("client_consents.json"))
        links = json.loads(archive.read("client_links.json"))
        invites = json.loads(archive.read("client_invites.json"))
    w.services.privacy.discard(ready.file)
    assert [m["body"] for m in messages] == ["Слово confirmation", "Слово client_message"]
    assert {(c["channel"], c["action"]) for c in consents} == {
        ("telegram", "granted"),
        ("email", "basis"),
    }
    assert [(k["client_id"], k["user_id"]) for k in links] == [(client.id, person.id)]
    assert "client_page_token.json" not in names
    assert len(invites) == 2 and all("token_hash" not in i for i in invites)


async def test_client_messages_go_after_the_communication_limit(w, clock):
    owner = await owner_with_org(w.services)
    client, _ = await _seed_loop(w, owner, clock, "Агриппина", "+79165551234", "Слово")
    clock.advance(days=3 * 365 - 5)
    recent = NewClientMessage(client.id, Direction.OUT, MessageKind.RECEIPT, Channel.SMS, "Чек")
    await w.services.client_loop.log_message(owner.organization.id, recent)
    clock.advance(days=10)  # three years and five days after the first messages
    await w.services.erasure.enforce()
    async with w.uow() as uow:
        left = await uow.client_loop.client_messages(owner.organization.id, client.id)
    assert [m.body for m in left] == ["Чек"]

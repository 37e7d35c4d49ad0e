"""Two-way messages between a client and the staff (issue 19, item 9).

- **The client writes** (text or a photo in their chat): the message is logged as incoming on
  the order it is about (the client's current or next open order, else their latest; none:
  the organization itself), put on that order's history (`client_wrote`), and a relay job
  (`client_relay`, one per message) tells the order's manager and the owners (`leads_of`),
  and the assignee when the organization relays to assignees, with a Reply button. Without
  an order, the owners and every manager hear it.
- **Staff write** (Reply, or "Message client" on the order card): a conversation of one step
  (`client_reply`, state in `dialog_state` like every flow); the text goes to the client by
  their channel (Telegram through the outbox, else SMS or e-mail as a `staff_message` job),
  signed with the organization's name only, logged with its author and on the history
  (`staff_wrote`). Only the owners, managers and the order's assignee may write; the check is
  made when the conversation starts and again when it completes, so a forged button or a
  stale conversation sends nothing. A client who opted out (/stop, STOP) is not written to.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import Any

from core.client_loop.inbound import (
    PHOTO,
    QUOTED,
    TEXT_MAX,
    pick_order,
    record_incoming,
)
from core.client_loop.model import (
    Channel,
    Direction,
    MessageKind,
    NewClientMessage,
)
from core.client_loop.outgoing import enqueue_first
from core.client_loop.ratings import leads_of, reach_of
from core.client_loop.relay_copies import RelayCopies, answered
from core.client_loop.staff_photo import StaffPhoto, page_photo, photo_link
from core.client_loop.templates import LANGUAGES, default, render
from core.client_loop.views import client_first_name
from core.dialogs.client_data import ClientReplyData
from core.domain import Actor, Order, OrgStatus, Role, User
from core.domain import Attachment as FileRow
from core.errors import DomainError
from core.outcomes import ClientMessaged
from core.permissions import Action, allowed
from core.ports import Clock, UnitOfWork

STAFF_EVENT = "staff_wrote"


@dataclass(frozen=True, slots=True)
class RelayNotice:
    """A client's message as the staff it is relayed to read it."""

    message_id: int
    client_name: str
    org_name: str
    order_id: int | None
    number: int | None
    text: str
    photo: str | None  # Telegram's file id of the photo sent
    recipients: tuple[User, ...]
    channel: Channel = Channel.TELEGRAM  # how the client wrote (and how a reply goes)


def may_write(actor: Actor, order: Order | None) -> bool:
    """Owners and managers write to any client; a worker only to the client of an order they
    hold."""
    if actor.role in (Role.OWNER, Role.MANAGER):
        return True
    return order is not None and order.assignee_id == actor.user.id


def org_of(actor: Actor) -> int:
    assert actor.organization is not None
    return actor.organization.id


class ClientRelay(RelayCopies):
    async def client_wrote(
        self,
        user: User,
        text: str | None,
        photo: str | None,
        bot: int = 0,
        bot_org: int | None = None,
    ) -> int | None:
        """The linked client's text or photo (through bot number `bot`, the own bot of
        organization `bot_org`: then for that organization only): logged, on the order's
        history, and queued to the staff (the log entry's id; None: not a client of any
        active organization, or not of the bot's)."""
        body = (text or "").strip()[:TEXT_MAX]
        if not body and photo is None:
            return None
        async with self._uow() as uow:
            links = await uow.client_loop.links_of_user(user.id)
            chosen: tuple[int, int, Order | None] | None = None
            for link in links:
                if bot_org is not None and link.organization_id != bot_org:
                    continue  # an organization's own bot speaks for it alone
                org = await uow.orgs.get(link.organization_id)
                if org is None or org.status is not OrgStatus.ACTIVE:
                    continue
                orders = await uow.orders.for_client(org.id, link.client_id)
                order = pick_order(orders)
                if chosen is None or (order is not None and order.open):
                    chosen = (org.id, link.client_id, order)
                if order is not None and order.open:
                    break
            if chosen is None:
                return None
            org_id, client_id, order = chosen
            now = self._clock.now()
            logged = await record_incoming(
                uow, org_id, client_id, order, Channel.TELEGRAM, body, now, photo, bot=bot
            )
            await uow.commit()
        return logged.id

    async def relay_notice(self, org_id: int, message_id: int, photo: str | None) -> RelayNotice:
        """What the relay job tells, and to whom."""
        async with self._uow() as uow:
            logged = await uow.client_loop.message(org_id, message_id)
            org = await uow.orgs.get(org_id)
            if logged is None or org is None:
                raise DomainError("not_found")
            client = await uow.clients.get(org_id, logged.client_id)
            order = await uow.orders.get(org_id, logged.order_id) if logged.order_id else None
            settings = await uow.client_loop.settings(org_id)
            if order is not None:
                people = list(await leads_of(uow, org_id, order))
                if settings.relay_to_assignee and order.assignee_id is not None:
                    assignee = await uow.users.get(order.assignee_id)
                    people += [assignee] if assignee is not None else []
            else:
                team = await uow.members.team(org_id)
                people = [
                    v.user
                    for v in team
                    if v.membership.active and v.membership.role is not Role.WORKER
                ]
        unique = {u.id: u for u in people if not u.restricted}  # docs/data-rights.md
        return RelayNotice(
            logged.id, client.name if client else "—", org.name,
            order.id if order else None, order.number if order else None,
            "" if logged.body == PHOTO and photo else logged.body, photo,
            tuple(unique.values()), logged.channel,
        )  # fmt: skip

    async def reply_target(self, actor: Actor, message_id: int) -> ClientReplyData:
        """Reply to a client's message: who may (the owners, managers, the order's assignee)."""
        assert actor.organization is not None
        org_id = actor.organization.id
        async with self._uow() as uow:
            logged = await uow.client_loop.message(org_id, message_id)
            if logged is None or logged.direction is not Direction.IN:
                raise DomainError("not_found")
            order = await uow.orders.get(org_id, logged.order_id) if logged.order_id else None
            return await _target(uow, actor, logged.client_id, order, message_id)

    async def reply_photo(
        self, actor: Actor, chat_id: int, file_id: str, caption: str | None,
        attachment_id: int | None, default_language: str,
    ) -> ClientMessaged | None:  # fmt: skip
        """A photo sent in the conversation `client_reply`: it ends the conversation and goes
        to the client with the caption (None: no such conversation here)."""
        async with self._uow() as uow:
            state = await uow.dialogs.get(chat_id, actor.user.id)
            if state is None or not isinstance(state.data, ClientReplyData):
                return None
            data = replace(state.data, text=(caption or "").strip()[:TEXT_MAX] or PHOTO)
            order = await uow.orders.get(org_of(actor), data.order_id) if data.order_id else None
            now = self._clock.now()
            link = await photo_link(uow, self._pages, order, data.client_id, attachment_id, now)
            photo = StaffPhoto(file_id, attachment_id, link)
            await uow.dialogs.clear(chat_id, actor.user.id)
            sent = await staff_message(uow, self._clock, actor, data, default_language, photo)
            await uow.commit()
        return sent

    async def page_photo(self, token: str, attachment_id: int) -> FileRow | None:
        """A photo staff sent the client, for the holder of a page token of its order."""
        async with self._uow() as uow:
            return await page_photo(uow, token, attachment_id, self._clock.now())

    async def card_target(self, actor: Actor, order_id: int) -> ClientReplyData:
        """ "Message client" on an order card."""
        assert actor.organization is not None
        async with self._uow() as uow:
            order = await uow.orders.get(actor.organization.id, order_id)
            if order is None or order.client_id is None:
                raise DomainError("not_found")
            return await _target(uow, actor, order.client_id, order, None)


async def _target(
    uow: UnitOfWork, actor: Actor, client_id: int, order: Order | None, message_id: int | None
) -> ClientReplyData:
    if not allowed(actor.role, Action.ORDER_WORK_OWN) or not may_write(actor, order):
        raise DomainError("not_found")
    assert actor.organization is not None
    client = await uow.clients.get(actor.organization.id, client_id)
    if client is None:
        raise DomainError("not_found")
    link = await uow.client_loop.link(actor.organization.id, client_id)
    if not await reach_of(uow, actor.organization.id, client, link):  # said at once
        raise DomainError("client_unreachable")
    return ClientReplyData(
        client_id=client_id, order_id=order.id if order else None, message_id=message_id,
        client_name=client.name, number=order.number if order else None,
    )  # fmt: skip


async def staff_message(
    uow: UnitOfWork, clock: Clock, actor: Actor, data: ClientReplyData, default_language: str,
    photo: StaffPhoto | None = None,
) -> ClientMessaged:  # fmt: skip
    """Send (queue) the staff member's text (and photo) to the client by their channel; with
    the staff copies of the client's message it answers."""
    sent = await _queued(uow, clock, actor, data, default_language, photo)
    return await answered(uow, org_of(actor), data.message_id, sent)


async def _queued(
    uow: UnitOfWork, clock: Clock, actor: Actor, data: ClientReplyData, default_language: str,
    photo: StaffPhoto | None,
) -> ClientMessaged:  # fmt: skip
    assert actor.organization is not None and data.text is not None
    org_id = actor.organization.id
    org = await uow.orgs.get(org_id)
    order = await uow.orders.get(org_id, data.order_id) if data.order_id else None
    client = await uow.clients.get(org_id, data.client_id)
    if org is None or client is None or (order is not None and order.client_id != client.id):
        raise DomainError("not_found")
    if not may_write(actor, order):  # a role or an assignment changed since the button
        raise DomainError("not_found")
    settings = await uow.client_loop.settings(org_id)
    link = await uow.client_loop.link(org_id, client.id)
    channels = await reach_of(uow, org_id, client, link)
    person = await uow.users.get(link.user_id) if link is not None else None
    telegram = bool(channels) and channels[0] is Channel.TELEGRAM and person is not None
    if not channels or (channels[0] is Channel.TELEGRAM and person is None):
        raise DomainError("client_unreachable")
    if not settings.sends(MessageKind.STAFF_MESSAGE):
        raise DomainError("client_unreachable")
    language = person.preferred_language(default_language) if telegram and person else ""
    language = language or org.language or default_language
    language = language if language in LANGUAGES else "en"
    own = [
        t.body
        for t in await uow.client_loop.templates(org_id)
        if t.kind is MessageKind.STAFF_MESSAGE and t.language == language
    ]
    template = own[0] if own else default(MessageKind.STAFF_MESSAGE, language)
    values: dict[str, str | None] = {
        "org_name": org.name, "text": data.text,
        "order_number": str(order.number) if order else None,
        "client_first_name": client_first_name(client.name),
    }  # fmt: skip
    now = clock.now()
    if order is not None:
        event: dict[str, Any] = {"text": data.text[:QUOTED], "channel": channels[0].value}
        if photo is not None:
            event["photo"] = photo.attachment_id
        await uow.orders.add_event(order, actor.user.id, STAFF_EVENT, event, now)
    order_id = order.id if order else None
    if telegram and person is not None:
        text = render(MessageKind.STAFF_MESSAGE, template, values)
        new = NewClientMessage(
            client_id=client.id, direction=Direction.OUT, kind=MessageKind.STAFF_MESSAGE,
            channel=Channel.TELEGRAM, body=text, order_id=order_id, author_id=actor.user.id,
        )  # fmt: skip
        logged = await uow.client_loop.add_message(org_id, new, now)
        number = order.number if order else None
        return ClientMessaged(
            org_id, person.telegram_id, text, logged.id, "telegram", number,
            photo.file_id if photo else None,
        )  # fmt: skip
    payload: dict[str, Any] = {
        "org": org_id, "client": client.id, "order": order_id,
        "number": order.number if order else 0, "kind": MessageKind.STAFF_MESSAGE.value,
        "language": language, "template": template, "values": values, "invitation": None,
        "dedup": f"staff:{secrets.token_hex(8)}", "channels": [c.value for c in channels],
    }  # fmt: skip
    if photo is not None:  # attached to an e-mail; a link in the text for SMS
        payload["photo"] = photo.attachment_id
        values["text"] = f"{data.text}\n{PHOTO} {photo.link}" if photo.link else data.text
    taken = await enqueue_first(uow, clock, payload, channels, org.timezone, settings.quiet_hours)
    if taken is None:
        raise DomainError("client_unreachable")
    number = order.number if order else None
    return ClientMessaged(org_id, 0, data.text, 0, taken.value, number)

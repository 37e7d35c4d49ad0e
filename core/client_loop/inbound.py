"""What a client writes to the organization, whatever the channel (issue 19, item 9): a text or
a photo in Telegram, an SMS to the provider's number, a reply to a client e-mail. Each is
logged as an incoming `client_message` on the order it is about, put on that order's history
(`client_wrote`) and queued to the staff as one `client_relay` job (core/client_loop/relay.py
says who hears it), all in the caller's transaction.

- **Which order**: the client's current or next open order (soonest first, unscheduled last),
  else their latest; an e-mail reply is about the order of the message it answers.
- **Once**: an SMS or an e-mail a provider or a mail server delivers again claims the same key
  in the sent ledger (`cin:sms:<org>:<provider id>`, `cin:mail:<org>:<Message-ID digest>`),
  so it is logged and relayed once (a Telegram update is kept once by the update ledger).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.channels.sms import InboundSms
from core.client_loop.model import (
    Channel,
    ClientMessage,
    DeliveryStatus,
    Direction,
    MessageKind,
    NewClientMessage,
)
from core.domain import Client, Order
from core.ports import UnitOfWork

RELAY_JOB = "client_relay"
TEXT_MAX = 1000
QUOTED = 200  # characters of a message quoted on the order's history
CLIENT_EVENT = "client_wrote"
PHOTO = "📷"
LEDGER_KIND = "client_in"


def pick_order(orders: Sequence[Order]) -> Order | None:
    """The order a client's message is about: the current or next open one (soonest first,
    unscheduled last), else the latest."""
    open_ = [o for o in orders if o.open]
    if open_:
        return min(open_, key=lambda o: (o.scheduled_at is None, o.scheduled_at, o.id))
    return max(orders, key=lambda o: (o.created_at, o.id)) if orders else None


async def pick_client(
    uow: UnitOfWork, org_id: int, clients: Sequence[Client]
) -> tuple[Client, Order | None] | None:
    """Of the organization's clients with one number, the one whose order `pick_order` picks
    among all their orders (else the first) and that order."""
    orders = [o for c in clients for o in await uow.orders.for_client(org_id, c.id)]
    order = pick_order(orders)
    if order is None:
        return (clients[0], None) if clients else None
    return next(c for c in clients if c.id == order.client_id), order


async def record_incoming(
    uow: UnitOfWork,
    org_id: int,
    client_id: int,
    order: Order | None,
    channel: Channel,
    text: str,
    now: datetime,
    photo: str | None = None,
    provider_id: str | None = None,
    bot: int = 0,
) -> ClientMessage:
    """Log the client's message, put it on the order's history and queue its relay. `bot`:
    the number of the organization's own bot a Telegram photo came through (its file id is
    that bot's only; 0: the shared bot)."""
    body = text.strip()[:TEXT_MAX] or PHOTO
    new = NewClientMessage(
        client_id=client_id, direction=Direction.IN, kind=MessageKind.CLIENT_MESSAGE,
        channel=channel, body=body, order_id=order.id if order else None,
        status=DeliveryStatus.DELIVERED, provider_id=provider_id,
    )  # fmt: skip
    logged = await uow.client_loop.add_message(org_id, new, now)
    if order is not None:
        data = {"by": "client", "text": body[:QUOTED], "channel": channel.value}
        await uow.orders.add_event(order, None, CLIENT_EVENT, data, now)
    payload: dict[str, Any] = {"org": org_id, "message": logged.id, "photo": photo}
    if photo and bot:
        payload["bot"] = bot
    await uow.jobs.enqueue(RELAY_JOB, payload, now, org_id, f"relay:{logged.id}")
    return logged


def digest(*parts: object) -> str:
    return hashlib.sha256("\n".join(str(p) for p in parts).encode()).hexdigest()[:40]


async def sms_reply(uow: UnitOfWork, org_id: int, message: InboundSms, now: datetime) -> bool:
    """An SMS (not STOP) from a number of the organization's clients: relayed once (False:
    no such client, an empty text, or already relayed)."""
    text = message.text.strip()
    if not text:
        return False
    clients = await uow.clients.by_phone(org_id, message.phone)
    if not clients:
        return False  # not a client's number: not read, not kept
    seen = message.message_id or digest(message.phone, message.text, message.at)
    if not await uow.client_loop.claim_key(f"cin:sms:{org_id}:{seen}"[:200], org_id,
                                           LEDGER_KIND, now):  # fmt: skip
        return False  # the provider delivered it again
    chosen = await pick_client(uow, org_id, clients)
    assert chosen is not None
    client, order = chosen
    await record_incoming(
        uow, org_id, client.id, order, Channel.SMS, text, now, provider_id=message.message_id
    )
    return True

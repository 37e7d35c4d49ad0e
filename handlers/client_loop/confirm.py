"""The client hears about their order being booked, moved or cancelled: a client who is not
in Telegram by SMS or e-mail (a job per message, `ClientChannels.queue_elsewhere`); otherwise
one message in their chat: the visit's calendar invitation as an .ics document (written when
sent) captioned with the organization's template in the client's language (a text too long for
a caption goes as a message of its own before it). Both go to the outbox
with the change that calls for them, and the message is logged in the client message log
(queued; marked sent when Telegram answers, `bot.outbox.client_message_sent`)."""

from __future__ import annotations

from datetime import datetime

from core.client_loop.confirm import ClientDraft, invitation_json
from core.client_loop.templates import render
from core.domain import Order
from core.runtime.outbox import After
from core.services import Services
from handlers.context import BotContext
from handlers.delivery.outgoing import Outgoing
from handlers.formatting import money
from handlers.i18n import Catalogs, escape

TELEGRAM_MAX = 4096  # characters of a message's text, entities parsed
CAPTION_MAX = 1024  # of a document's caption: a longer text goes as a message of its own


def client_text(draft: ClientDraft, amount: str | None) -> str:
    """The message as plain text (the log keeps it so); `amount`: the price as written in the
    client's language, when the organization shows prices."""
    values = dict(draft.values)
    values["amount"] = amount if draft.view.price_minor is not None else None
    return fitted(render(draft.kind, draft.template, values))


def fitted(text: str) -> str:
    """At most what one Telegram message takes once escaped for HTML (a long description)."""
    if len(escape(text)) <= TELEGRAM_MAX:
        return text
    kept, size = [], 0
    for char in text:
        size += len(escape(char))
        if size > TELEGRAM_MAX - 1:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def ics_name(draft: ClientDraft) -> str:
    return f"order-{draft.view.number}.ics"


async def tell_client(
    ctx: BotContext, order: Order, event: str, was: datetime | None = None
) -> None:
    """Queue the client's message about `event` on `order` (as changed), if they hear it."""
    catalogs = ctx.bot_data.catalogs
    await queue_client_message(ctx.services, catalogs, ctx.outgoing, order, event, was)


async def queue_client_message(
    services: Services,
    catalogs: Catalogs,
    outgoing: Outgoing,
    order: Order,
    event: str,
    was: datetime | None = None,
) -> None:
    """`tell_client` for whatever collects the deliveries (an update, or an admin request
    that writes them to the outbox itself: the client page's move)."""
    draft = await services.client_loop.order_message(order, event, catalogs.default, was)
    if draft is None:
        return
    t = catalogs.get(draft.language)
    price = draft.view.price_minor
    amount = money(t, price, draft.view.currency) if price is not None else None
    if not draft.telegram:  # SMS or e-mail: a durable job per message (core/client_loop/delivery)
        await services.client_loop.queue_elsewhere(draft, amount)
        return
    text = client_text(draft, amount)
    logged = await services.client_loop.queue(draft, text)
    args: dict[str, int | str] = {"org": draft.organization_id, "message": logged.id}
    invitation, name = invitation_json(draft.invitation), ics_name(draft)
    if len(text) <= CAPTION_MAX:  # one message: the visit with the words about it
        after = After.CLIENT_MESSAGE
        outgoing.calendar(draft.chat_id, invitation, name, escape(text), after, args)
        return
    outgoing.send(draft.chat_id, escape(text), None, After.CLIENT_MESSAGE, args)
    outgoing.calendar(draft.chat_id, invitation, name, client_org=draft.organization_id)

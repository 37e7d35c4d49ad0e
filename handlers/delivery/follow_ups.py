"""What is recorded when a message is sent (`core.runtime.outbox.After`), in the transaction that
marks it sent, and the edit that catches it up when its subject changed in the meantime."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from core.runtime.outbox import After, Delivery
from core.services import Services
from handlers.delivery.outgoing import Outgoing
from handlers.i18n import Catalogs
from handlers.orders.cards import order_keyboard, order_text
from handlers.orders.publish import retired_text
from handlers.voice import status_buttons, status_text

FollowUp = Callable[
    [Services, Catalogs, int, int, Mapping[str, int | str]], Awaitable[list[Delivery]]
]


async def card_sent(
    services: Services,
    catalogs: Catalogs,
    chat_id: int,
    message_id: int,
    args: Mapping[str, int | str],
) -> list[Delivery]:
    """Remember the card; if the order changed after the card was drawn, show it as it is."""
    viewer = int(args["viewer"])
    drawn = (int(args["org"]), int(args["order"]), int(args["version"]))
    order = await services.orders.remember_sent(
        drawn, (viewer, chat_id, message_id, str(args["kind"]))
    )
    if order is None:  # drawn as it is (or gone)
        return []
    user, view = await services.orders.card_for(viewer, order)
    language = user.preferred_language(catalogs.default) if user else None
    t = catalogs.get(language)
    out = Outgoing()
    if view is None:  # an offer someone else took meanwhile
        out.edit(chat_id, message_id, retired_text(t, order.number))
    else:
        out.edit(chat_id, message_id, order_text(t, view), order_keyboard(t, view))
    return out.deliveries


async def voice_status_sent(
    services: Services,
    catalogs: Catalogs,
    chat_id: int,
    message_id: int,
    args: Mapping[str, int | str],
) -> list[Delivery]:
    """The status message is edited as the note moves on; if it moved on already, now."""
    note_id = int(args["note"])
    await services.voice.shown_in(note_id, message_id)
    note = await services.voice.note(note_id)
    if note is None or note.status.value == args["status"]:
        return []
    user = await services.users.get(note.user_id) if note.user_id else None
    t = catalogs.get(user.preferred_language(catalogs.default) if user else None)
    order = await services.orders.raw(note.organization_id, note.order_id or 0)
    out = Outgoing()
    text = status_text(t, note, order.number if order else 0)
    out.edit(chat_id, message_id, text, status_buttons(t, note))
    return out.deliveries


FOLLOW_UPS: dict[After, FollowUp] = {
    After.CARD: card_sent,
    After.VOICE_STATUS: voice_status_sent,
}

"""Who hears of a request from a website (issue 21, item 2; core/intake/requests.py), as
messages collected in an `Outgoing` that the admin request writes to the outbox in its own
transaction: in `draft`, every owner and manager gets "New request from the website" with
the order's card and Accept (offer it to all workers) / Edit / Reject (cancel, asked first);
in `distributing`, each worker gets the pool's offer as after a manager's "Offer to all".
The client gets the client loop's booking message when it has a channel to hear it."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from core.intake.requests import Submitted
from core.orders.rules import OrderAction
from core.runtime.outbox import After
from core.services import Services
from handlers.callbacks import actions as cb
from handlers.client_loop.confirm import queue_client_message
from handlers.delivery.outgoing import Outgoing
from handlers.i18n import Catalogs
from handlers.keyboards import button
from handlers.orders.cards import order_keyboard, order_text
from handlers.orders.publish import NOTICE, remembered


async def tell_website_request(
    services: Services, catalogs: Catalogs, outgoing: Outgoing, submitted: Submitted
) -> None:
    if submitted.repeated:
        return
    for user, card in submitted.leads:
        t = catalogs.get(user.preferred_language(catalogs.default))
        text = t("🌐 New request from the website:") + "\n\n" + order_text(t, card)
        order_id = card.order.id
        markup = InlineKeyboardMarkup([
            [
                button(t("✅ Accept"), cb.OrderTap(order_id, OrderAction.OFFER)),
                button(t("✏️ Edit"), cb.OrderFlow(order_id, OrderAction.EDIT)),
            ],
            [button(t("✖️ Reject"), cb.OrderTap(order_id, OrderAction.CANCEL))],
        ])  # fmt: skip
        outgoing.send(user.telegram_id, text, markup, After.CARD, remembered(card, "card"))
    offer = submitted.offer
    for notice in offer.notices if offer is not None else ():
        viewer = notice.card.viewer
        t = catalogs.get(viewer.preferred_language(catalogs.default))
        text = t(NOTICE["offer"]) + "\n\n" + order_text(t, notice.card)
        args = remembered(notice.card, "offer")
        keyboard = order_keyboard(t, notice.card)
        outgoing.send(notice.recipient.telegram_id, text, keyboard, After.CARD, args)
    await queue_client_message(services, catalogs, outgoing, submitted.order, "created")

"""The client hears of an order's new total after a line was added (issue 20, item 4), by
their channel: Telegram through the outbox, with "✅ Approve" and "✖️ Decline" while the
total waits for their approval; SMS or e-mail as a job with the order page's link (the page
asks for it)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from core.client_loop.model import MessageKind
from core.client_loop.templates import render
from core.domain import Order
from core.runtime.outbox import After
from core.services import Services
from handlers import callbacks as cb
from handlers.client_loop.confirm import fitted
from handlers.context import BotContext
from handlers.delivery.outgoing import Outgoing
from handlers.formatting import money
from handlers.i18n import N_, Catalogs, escape
from handlers.keyboards import button

ASK = N_("Please approve the new total with the button below, or decline it.")


async def tell_total(ctx: BotContext, order: Order) -> None:
    """Queue the client's message about the order's new total, if they hear it: Telegram
    through the outbox (with "✅ Approve" while the total waits for approval), SMS or e-mail
    as a job with the order page's link (the page asks for the approval)."""
    await queue_total(ctx.services, ctx.bot_data.catalogs, ctx.outgoing, order)


async def queue_total(
    services: Services, catalogs: Catalogs, outgoing: Outgoing, order: Order
) -> None:
    """`tell_total` for whatever collects the deliveries (an update, or a browser's request
    that writes them to the outbox itself: the order page, bot/admin/order_page)."""
    kind = MessageKind.TOTAL_CHANGED
    draft = await services.client_loop.kind_message(order, kind, catalogs.default)
    if draft is None or order.price_minor is None:
        return
    t = catalogs.get(draft.language)
    amount = money(t, order.price_minor, draft.view.currency)
    if not draft.telegram:
        once = f"{order.id}:{kind.value}:{order.version}"
        await services.client_loop.queue_elsewhere(draft, amount, once)
        return
    text = render(draft.kind, draft.template, {**draft.values, "amount": amount}).strip()
    markup = None
    if order.approval_minor is not None:
        text += "\n\n" + t.raw(ASK)
        tap = cb.ApproveTotal(order.organization_id, order.id, order.approval_minor)
        no = cb.DeclineTotal(order.organization_id, order.id, order.approval_minor)
        markup = InlineKeyboardMarkup(
            [[button(t.raw("✅ Approve"), tap), button(t.raw("✖️ Decline"), no)]]
        )
    text = fitted(text)
    logged = await services.client_loop.queue(draft, text)
    args: dict[str, int | str] = {"org": draft.organization_id, "message": logged.id}
    outgoing.send(draft.chat_id, escape(text), markup, After.CLIENT_MESSAGE, args)

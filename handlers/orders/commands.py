"""/neworder, /orders, /order N, /today and the buttons on order cards."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from core.dialogs.data import order_flow_start
from core.orders.listing import ListKind
from core.orders.new_order_flow import NEW_ORDER
from core.orders.rules import OrderAction, paid_in_full
from core.permissions import Action, allowed
from core.views import OrderCard
from handlers import callbacks as cb
from handlers.acted import acted_at
from handlers.availability import warn_assigned
from handlers.context import BotContext
from handlers.delivery.edits import edit_buttons, edit_tapped
from handlers.delivery.replies import record_tap, reply, without_tapped
from handlers.formatting import when
from handlers.i18n import N_, Translator
from handlers.keyboards import button
from handlers.orders.history import history_text
from handlers.orders.lists import list_keyboard, list_text
from handlers.orders.publish import publish_change, send_card
from handlers.outcomes import show


def _chat(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


async def new_order(update: Update, ctx: BotContext) -> None:
    prompt = await ctx.services.dialogs.start(ctx.actor, _chat(update), NEW_ORDER)
    await show(update, ctx, prompt)


async def order_command(update: Update, ctx: BotContext) -> None:
    """`/order 12` opens order №12."""
    args = ctx.args or []
    number = args[0].lstrip("№#") if args else ""
    if not number.isdigit() or len(number) > 9:
        await reply(ctx, update, ctx.t("Which order? For example: /order 12"))
        return
    card = await ctx.services.orders.by_number(ctx.actor, int(number))
    await ctx.services.files.focus(ctx.actor, card.order.id)
    await send_card(ctx, _chat(update), card)


async def orders_command(update: Update, ctx: BotContext) -> None:
    await _send_list(update, ctx, ListKind.OPEN, 0, edit=False)


async def today(update: Update, ctx: BotContext) -> None:
    """A manager's day: one message listing everyone's orders, with buttons to open each. A
    worker's: their orders sorted by time, each as a card; then the orders offered to all that
    nobody has taken yet."""
    if allowed(ctx.actor.role, Action.ORDER_VIEW_ALL):
        await _send_list(update, ctx, ListKind.TODAY, 0, edit=False)
        return
    page = await ctx.services.orders.listing(ctx.actor, ListKind.TODAY, 0)
    if not page.items:
        await reply(ctx, update, ctx.t("Nothing scheduled for today."))
    else:
        await reply(
            ctx,
            update,
            ctx.t.n("<b>Today</b>: {count} order", "<b>Today</b>: {count} orders", page.total),
        )
    for card in page.items:
        await send_card(ctx, _chat(update), card)
    offers = await ctx.services.orders.offers(ctx.actor)
    if offers.items:
        await reply(
            ctx,
            update,
            ctx.t.n(
                "<b>Open offers</b>: {count} order to take",
                "<b>Open offers</b>: {count} orders to take",
                offers.total,
            ),
        )
    for card in offers.items:
        await send_card(ctx, _chat(update), card)


async def list_page(update: Update, ctx: BotContext, tap: cb.OrderList) -> None:
    """Switches the filter or the page of the list message."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await _send_list(update, ctx, tap.kind, tap.page, edit=True)


async def _send_list(
    update: Update, ctx: BotContext, kind: ListKind, page: int, edit: bool
) -> None:
    result = await ctx.services.orders.listing(ctx.actor, kind, page)
    text = list_text(ctx.t, kind, result, ctx.services.clock.now())
    markup = list_keyboard(ctx.t, kind, result)
    query = update.callback_query
    if edit and query is not None:
        await edit_tapped(ctx, query, text, markup)
    else:
        await reply(ctx, update, text, markup)


async def open_card(update: Update, ctx: BotContext, tap: cb.OpenOrder) -> None:
    query = update.callback_query
    assert query is not None
    card = await ctx.services.orders.card(ctx.actor, tap.order_id)
    await query.answer()
    await ctx.services.files.focus(ctx.actor, card.order.id)
    await send_card(ctx, _chat(update), card)


async def act(update: Update, ctx: BotContext, tap: cb.OrderTap | cb.OrderTapSure) -> None:
    """Take, start, done, offer, cancel (cancel and an early start ask first)."""
    query = update.callback_query
    assert query is not None
    order_id, action, confirmed = tap.order_id, tap.action, isinstance(tap, cb.OrderTapSure)
    if action is OrderAction.CANCEL and not confirmed:
        sure = button(ctx.t.raw("Yes, cancel the order"), cb.OrderTapSure(order_id, action))
        await query.answer()
        await reply(ctx, update, ctx.t("Cancel this order?"), InlineKeyboardMarkup([[sure]]))
        return
    if action is OrderAction.START and not confirmed:
        early = await ctx.services.orders.early_start(ctx.actor, order_id)
        if early is not None:
            await query.answer()
            await _confirm_early_start(update, ctx, early)
            return
    at = acted_at(update, ctx)  # a Start or Done that reached us late keeps its own time
    change = await ctx.services.orders.act(ctx.actor, order_id, action, at=at)
    await query.answer(_confirmation(ctx.t, action))
    if action in (OrderAction.TAKE, OrderAction.START):
        await ctx.services.files.focus(ctx.actor, order_id)
    await publish_change(ctx, change)
    card = change.card
    if (
        action is OrderAction.DONE
        and OrderAction.PAY in card.actions
        and not paid_in_full(card.order)
    ):
        pay = button(ctx.t.raw("💰 Record payment"), cb.OrderFlow(order_id, OrderAction.PAY))
        await reply(
            ctx, update, ctx.t("Done! Was a payment received?"), InlineKeyboardMarkup([[pay]])
        )


async def _confirm_early_start(update: Update, ctx: BotContext, card: OrderCard) -> None:
    o = card.order
    assert o.scheduled_at is not None
    sure = button(ctx.t.raw("▶️ Yes, start now"), cb.OrderTapSure(o.id, OrderAction.START))
    text = ctx.t(
        "Order №{number} is planned for {when}, not today. Start it now?",
        number=o.number,
        when=when(ctx.t, o.scheduled_at, card.organization.timezone, card.now),
    )
    await reply(ctx, update, text, InlineKeyboardMarkup([[sure]]))


def _confirmation(t: Translator, action: OrderAction) -> str:
    texts = {
        OrderAction.TAKE: N_("The order is yours."),
        OrderAction.START: N_("Started."),
        OrderAction.DONE: N_("Marked as done."),
        OrderAction.OFFER: N_("Offered to all workers."),
        OrderAction.CANCEL: N_("The order was cancelled."),
    }
    return t.raw(texts.get(action, N_("Saved.")))


async def workers(update: Update, ctx: BotContext, tap: cb.OrderWorkers) -> None:
    """The workers to assign to, with how busy each is that day."""
    query = update.callback_query
    assert query is not None
    order_id = tap.order_id
    loads = await ctx.services.orders.workers(ctx.actor, order_id)
    await query.answer()
    if not loads:
        await reply(
            ctx, update, ctx.t("There are no active workers yet. Invite one with /invite.")
        )
        return
    buttons = [
        [
            button(
                ctx.t("{name} · {count} that day", name=w.user.display_name, count=w.orders_today),
                cb.AssignOrder(order_id, w.user.id),
            )
        ]
        for w in loads
    ]
    offer = cb.OrderTap(order_id, OrderAction.OFFER)
    buttons.append([button(ctx.t.raw("📣 Offer to all"), offer)])
    await reply(ctx, update, ctx.t("Assign to whom?"), InlineKeyboardMarkup(buttons))


async def assign(update: Update, ctx: BotContext, tap: cb.AssignOrder) -> None:
    query = update.callback_query
    assert query is not None
    change = await ctx.services.orders.act(
        ctx.actor, tap.order_id, OrderAction.ASSIGN, assignee_id=tap.user_id
    )
    await query.answer(ctx.t.raw("Assigned."))
    await record_tap(ctx, query, ctx.t)
    await publish_change(ctx, change)
    await warn_assigned(update, ctx, change.card.order)  # busy or away then: said, not refused


async def order_flow(update: Update, ctx: BotContext, tap: cb.OrderFlow) -> None:
    """Pay, reschedule or edit: starts the payment, reschedule or edit questions."""
    query = update.callback_query
    assert query is not None
    flow = {"pay": "payment", "reschedule": "reschedule", "edit": "order_edit"}[tap.flow]
    card = await ctx.services.orders.card(ctx.actor, tap.order_id)  # still visible?
    if tap.flow == OrderAction.PAY and paid_in_full(card.order):
        # paid online or recorded since the button was drawn ("Done! Was a payment
        # received?"): say so and take the button away instead of asking again
        await query.answer(ctx.t.raw("This order is already paid."))
        await edit_buttons(ctx, query, without_tapped(query))
        return
    prompt = await ctx.services.dialogs.start(
        ctx.actor, _chat(update), flow, order_flow_start(flow, tap.order_id)
    )
    await query.answer()
    await show(update, ctx, prompt)


async def history(update: Update, ctx: BotContext, tap: cb.OrderHistory) -> None:
    query = update.callback_query
    assert query is not None
    events = await ctx.services.orders.history(ctx.actor, tap.order_id)
    await query.answer()
    assert ctx.actor.organization is not None
    await reply(ctx, update, history_text(ctx.t, events, ctx.actor.organization))


async def forwarded(update: Update, ctx: BotContext) -> None:
    """A forwarded request (a client's message, an e-mail, a marketplace lead) becomes a draft
    order for managers; for anyone else it is just text."""
    message = update.effective_message
    assert message is not None
    if not allowed(ctx.actor.role, Action.ORDER_CREATE):
        await reply(
            ctx, update, ctx.t("Forwarded messages become orders for managers and owners.")
        )
        return
    if not ctx.services.inbox.enabled:
        await reply(
            ctx,
            update,
            ctx.t(
                "AI reading of requests is off, so let's fill the order in by "
                "hand; the message is kept as its description."
            ),
        )
    elif not ctx.services.inbox.reads(ctx.actor):  # an owner switched it off
        text = ctx.t(
            "AI reading of forwarded requests is off for your organization, so let's fill "
            "the order in by hand; the message is kept as its description."
        )
        await reply(ctx, update, text)
    prompt = await ctx.services.inbox.draft(
        ctx.actor, _chat(update), message.text or message.caption or ""
    )
    await show(update, ctx, prompt)

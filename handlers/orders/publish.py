"""Showing orders: send a card and remember it, re-render every card after a change, and tell
the people an order change concerns."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import InlineKeyboardMarkup

from core.orders.audiences import CLIENT_EVENTS
from core.orders.edits import Field, FieldEdit
from core.runtime.outbox import After
from core.views import Notice, OrderCard, OrderChange, ShownCard
from handlers.client_loop.confirm import tell_client
from handlers.client_loop.on_the_way import started
from handlers.client_loop.payments import PAYMENT_EVENTS, payment_news
from handlers.context import BotContext
from handlers.delivery.outgoing import Outgoing
from handlers.delivery.publish import notify_user
from handlers.formatting import money, when
from handlers.i18n import N_, Catalogs, Translator
from handlers.orders.cards import order_keyboard, order_text
from handlers.orders.line_news import tell_total

# The headers of new messages about order changes; who gets one is `core.orders.audiences`' rule
# (taking, starting, finishing and paying only edit the cards people already have).
NOTICE = {
    "assign": N_("👷 You have a new order:"),
    "offer": N_("📣 A new order is open to take:"),
    "cancel": N_("✖️ {name} cancelled the order:"),
    "reschedule": N_("🕒 {name} moved the order:"),
    "edit": N_("✏️ {name} changed the order:"),
    "line": N_("➕ {name} added a line to the order:"),
    "line_edit": N_("🧾 {name} changed the lines of the order:"),
}
# An edited detail, named with the value it had (the card below shows the new one).
EDITED = {
    Field.ADDRESS: N_("✏️ {name} changed the address (it was: {was}):"),
    Field.CATEGORY: N_("✏️ {name} changed the kind of work (it was: {was}):"),
    Field.PRICE: N_("✏️ {name} changed the price (it was: {was}):"),
    Field.DESCRIPTION: N_("✏️ {name} changed the description (it was: {was}):"),
}
WAS_MAX = 300  # characters of an old description quoted in a notice


def translator_for(ctx: BotContext, card: OrderCard) -> Translator:
    return ctx.translator(card.viewer.preferred_language(ctx.bot_data.catalogs.default))


async def send_card(ctx: BotContext, chat_id: int, card: OrderCard, kind: str = "card") -> None:
    """The card (after a map of the place, when the reader may see the address); remembered
    when sent, so later changes edit it."""
    t = translator_for(ctx, card)
    order = card.order
    if kind == "card" and ctx.services.orders.has_map(card):
        assert order.latitude is not None and order.longitude is not None
        ctx.outgoing.map(chat_id, order.latitude, order.longitude)
    text, markup = order_text(t, card), order_keyboard(t, card)
    ctx.outgoing.send(chat_id, text, markup, After.CARD, remembered(card, kind))


def remembered(card: OrderCard, kind: str) -> dict[str, int | str]:
    """What a sent card is remembered by (`After.CARD`)."""
    order = card.order
    return {
        "org": order.organization_id,
        "order": order.id,
        "viewer": card.viewer_id,
        "kind": kind,
        "version": order.version,
    }


async def publish_change(ctx: BotContext, change: OrderChange) -> None:
    """Edit every message that shows this order, then notify whom the change concerns."""
    refresh_cards(ctx, change)
    await announce(ctx, change)


async def announce(ctx: BotContext, change: OrderChange) -> None:
    """Send the new messages a change calls for (`core.orders.audiences`), and nothing else:
    to staff, and to the order's client when it is an event the client hears about."""
    actor_name = ctx.actor.user.display_name
    for notice in change.notices:
        await _notify(ctx, notice, actor_name)
    if change.event in CLIENT_EVENTS:
        await tell_client(ctx, change.card.order, change.event)
    elif change.event in ("line", "line_edit"):  # a new total (approved, where asked)
        await tell_total(ctx, change.card.order)
    elif change.event == "start":  # a worker on the way has arrived
        await started(ctx, change.card.order)
    if change.event in PAYMENT_EVENTS:  # the done summary and link, a receipt
        await payment_news(ctx, change.card.order, change.event)


def refresh_cards(ctx: BotContext, change: OrderChange) -> None:
    """Edit every message showing the order to the card its viewer now sees (drawn with the
    change); an offer someone else took is retired."""
    redraw(ctx.bot_data.catalogs, ctx.outgoing, change.shown, change.card.order.number)


def redraw(
    catalogs: Catalogs, outgoing: Outgoing, shown: Iterable[ShownCard], number: int
) -> None:
    """Edit these messages showing order №`number` to the cards drawn for them (also for a
    change no member made: the client's answer about a new total, `core.catalogue`)."""
    for one in shown:
        t = catalogs.get(one.viewer.preferred_language(catalogs.default))
        if one.card is None:
            outgoing.edit(one.chat_id, one.message_id, retired_text(t, number))
            continue
        markup = order_keyboard(t, one.card)
        outgoing.edit(one.chat_id, one.message_id, order_text(t, one.card), markup)


def retired_text(t: Translator, number: int) -> str:
    """An offer someone else took: the message stays, without buttons or details."""
    return t("Order №{number} was taken by someone else.", number=number)


async def _notify(ctx: BotContext, notice: Notice, actor_name: str) -> None:
    text, markup, args = _notice(translator_for(ctx, notice.card), notice, actor_name)
    await notify_user(ctx, notice.recipient.telegram_id, text, markup, After.CARD, args)


def _notice(
    t: Translator, notice: Notice, actor_name: str
) -> tuple[str, InlineKeyboardMarkup | None, dict[str, int | str]]:
    text = _header(t, notice, actor_name) + "\n\n" + order_text(t, notice.card)
    kind = "offer" if notice.kind == "offer" else "card"
    return text, order_keyboard(t, notice.card), remembered(notice.card, kind)


def tell_staff(catalogs: Catalogs, outgoing: Outgoing, change: OrderChange, actor: str) -> None:
    """A change made outside the chat (the REST API): the cards edited and the staff's
    notices, as `publish_change` does for a member's tap (the client is not told)."""
    redraw(catalogs, outgoing, change.shown, change.card.order.number)
    for notice in change.notices:
        t = catalogs.get(notice.card.viewer.preferred_language(catalogs.default))
        text, markup, args = _notice(t, notice, actor)
        outgoing.send(notice.recipient.telegram_id, text, markup, After.CARD, args)


def _header(t: Translator, notice: Notice, actor_name: str) -> str:
    """What happened, with what it was before when the change moved or edited something."""
    org = notice.card.organization
    if notice.kind == "reschedule" and notice.was is not None:
        was = when(t, notice.was, org.timezone, notice.card.now)
        return t("🕒 {name} moved the order from {was}:", name=actor_name, was=was)
    if notice.kind == "edit" and notice.edit is not None:
        was = _value(t, notice.edit, org.currency)
        return t(EDITED[notice.edit.field], name=actor_name, was=was)
    return t(NOTICE[notice.kind], name=actor_name)


def _value(t: Translator, edit: FieldEdit, currency: str) -> str:
    """The old value as a notice names it; a dash for none."""
    before = edit.before
    if before is None or before == "":
        return "—"
    if edit.field is Field.PRICE:
        return money(t, int(before), currency)
    text = str(before)
    return text if len(text) <= WAS_MAX else text[: WAS_MAX - 1] + "…"

""" "On my way" (issue 19, item 6), the Telegram side: the assignee's button on the order card,
the question (a live location, or 15 / 30 / 60 min), the worker's locations (a live location
arrives as a message, then as edited_message updates), and Start.

Rules live in `core.client_loop.on_the_way`; here the client's message is rendered in the
client's language with the ETA written out ("25 min", "1 h 10 min") and queued with the
update's change: the first as a new message (Telegram: `After.CLIENT_MESSAGE`, the log entry
marked sent with its id; SMS or e-mail: a job), later ones as `Method.LIVE` edits of it.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import filters

from core.client_loop.confirm import ClientDraft
from core.client_loop.eta import MANUAL_MINUTES, Point
from core.client_loop.model import Channel, MessageKind
from core.client_loop.on_the_way import Refusal, Step, StepKind, is_today
from core.client_loop.templates import render
from core.domain import Order, OrderStatus
from core.orders.rules import OrderAction
from core.runtime.outbox import After
from core.views import OrderCard
from handlers import callbacks as cb
from handlers.acted import acted_at
from handlers.client_loop.confirm import fitted
from handlers.context import BotContext
from handlers.i18n import N_, Translator, escape
from handlers.keyboards import button

REFUSALS = {
    Refusal.NOT_TODAY: N_("“On my way” is for today's orders."),
    Refusal.NOT_OPEN: N_("This order has already started or is closed."),
    Refusal.UNREACHABLE: N_(
        "The client cannot get this message: they are not in our Telegram chat, and no SMS "
        "or e-mail reaches them (or the organization turned these messages off)."
    ),
    Refusal.NO_POINT: N_(
        "The order's address has no point on the map, so your location cannot give an "
        "arrival time. Pick one instead:"
    ),
    Refusal.ARRIVED: N_("The client was already told you have arrived."),
}


class LiveLocation(filters.MessageFilter):
    """A live location: its first message (with live_period) and every update of it."""

    def filter(self, message: Message) -> bool:
        return message.location is not None and message.location.live_period is not None


LIVE_LOCATION = LiveLocation(name="LiveLocation")


def format_eta(t: Translator, minutes: int) -> str:
    if minutes < 60:
        return t("{minutes} min", minutes=minutes)
    hours, rest = divmod(minutes, 60)
    if not rest:
        return t("{hours} h", hours=hours)
    return t("{hours} h {minutes} min", hours=hours, minutes=rest)


def on_my_way_shown(card: OrderCard) -> bool:
    """The assignee's card of an order of today not started yet, with a client."""
    o = card.order
    return (
        o.client_id is not None
        and o.assignee_id == card.viewer.id
        and OrderAction.START in card.actions
        and card.now is not None
        and is_today(o, card.organization.timezone, card.now)
    )


def on_my_way_button(t: Translator, order_id: int) -> InlineKeyboardButton:
    return button(t.raw("🚗 On my way"), cb.OnMyWay(order_id))


def eta_buttons(t: Translator, order_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(t("{minutes} min", minutes=m), cb.OnMyWayEta(order_id, m))  # type: ignore[arg-type]
                for m in MANUAL_MINUTES
            ]
        ]
    )


async def on_my_way_tap(update: Update, ctx: BotContext, tap: cb.OnMyWay) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    default = ctx.bot_data.catalogs.default
    step = await ctx.services.trips.offer(ctx.actor, tap.order_id, default)
    await query.answer()
    await _show(ctx, chat.id, tap.order_id, step, True)


async def eta_tap(update: Update, ctx: BotContext, tap: cb.OnMyWayEta) -> None:
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    default = ctx.bot_data.catalogs.default
    step = await ctx.services.trips.pick(ctx.actor, tap.order_id, tap.minutes, default)
    await query.answer()
    asked = query.message.message_id if query.message is not None else None
    await _show(ctx, chat.id, tap.order_id, step, True, asked)


async def location(update: Update, ctx: BotContext) -> None:
    """A live location, or an update of one (edited_message): the worker's trip moves."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None and message.location is not None
    where = Point(message.location.latitude, message.location.longitude)
    user_id = ctx.actor.user.id
    at = acted_at(update, ctx)  # its own time: arrived then, if it reached us late
    step = await ctx.services.trips.moved(user_id, where, ctx.bot_data.catalogs.default, at)
    if step is None:
        if update.edited_message is None:  # a live location with no trip: say what it is for
            ctx.outgoing.send(
                chat.id, ctx.t("I use a live location only for an order you are on the way to.")
            )
        return
    order_id = step.trip.order_id if step.trip else 0
    await _show(ctx, chat.id, order_id, step, update.edited_message is None)


async def started(ctx: BotContext, order: Order) -> None:
    """The assignee tapped Start: the client hears "arrived" if a trip was under way."""
    if order.status is not OrderStatus.IN_PROGRESS:
        return
    at = ctx.scope.received_at if ctx.in_update else None  # the tap's own time (handlers.acted)
    step = await ctx.services.trips.started(order, ctx.bot_data.catalogs.default, at)
    if step is not None:
        await _queue(ctx, step)


async def _show(
    ctx: BotContext, chat_id: int, order_id: int, step: Step, speak: bool,
    asked: int | None = None,
) -> None:  # fmt: skip
    """Queue what the client gets, and answer the worker (`speak`: not for a location
    update, which comes every few seconds; `asked`: the question whose time button was
    tapped, which the answer replaces)."""
    t = ctx.t
    await _queue(ctx, step)
    text, markup = None, None
    if step.kind is StepKind.ASK:
        text = t(
            "🚗 Order №{number}: share your live location (📎 → Location → Share live "
            "location) and the client will see when you arrive, updated as you go. Or pick "
            "a time:",
            number=step.order_number,
        )
        markup = eta_buttons(t, order_id)
    elif step.kind is StepKind.TELL and step.eta_minutes is not None:
        text = t(
            "✅ The client was told you are on the way, arriving in about {eta}.",
            eta=format_eta(t, step.eta_minutes),
        )
        if asked is not None:  # the times stay under the answer: another pick corrects it
            markup = eta_buttons(t, order_id)
    elif step.kind is StepKind.EDIT and step.eta_minutes is not None and speak:
        text = t("The client's message now says about {eta}.", eta=format_eta(t, step.eta_minutes))
    elif step.kind is StepKind.KEEP and speak and _elsewhere(step):
        text = t("The client was told once by SMS or e-mail; that message is not updated.")
    elif step.kind is StepKind.ARRIVE:
        text = t("📍 You are at the address.")
        if step.draft is not None:
            text += " " + t("The client was told you have arrived.")
    elif step.kind is StepKind.REFUSED and step.refusal is not None and speak:
        text = t(REFUSALS[step.refusal])
        if step.refusal is Refusal.NO_POINT:
            markup = eta_buttons(t, order_id)
    if text is not None and asked is not None:
        ctx.outgoing.edit(chat_id, ctx.message_key(asked), text, markup)
    elif text is not None:
        ctx.outgoing.send(chat_id, text, markup)


def _elsewhere(step: Step) -> bool:
    """The client was told by SMS or e-mail (which is not edited)."""
    return step.trip is not None and step.trip.told and step.trip.channel is not Channel.TELEGRAM


async def _queue(ctx: BotContext, step: Step) -> None:
    """What the client gets for this step, through the outbox or the job queue."""
    services, trip = ctx.services, step.trip
    if step.kind is StepKind.TELL and step.draft is not None and trip is not None:
        minutes = step.eta_minutes or 0
        eta = format_eta(ctx.translator(step.draft.language), minutes)
        draft = replace(step.draft, values={**step.draft.values, "eta": eta})
        log_id = await _send(ctx, draft)
        await services.trips.told(trip, draft, minutes, log_id)
    elif step.kind is StepKind.EDIT and trip is not None and step.eta_minutes is not None:
        saved = trip.draft
        language = str(saved.get("language", "en"))
        values = {
            **saved.get("values", {}),
            "eta": format_eta(ctx.translator(language), step.eta_minutes),
        }
        text = fitted(render(MessageKind.ON_MY_WAY, str(saved.get("template", "")), values))
        ctx.outgoing.live(
            trip.chat_id, escape(text), trip.organization_id, trip.order_id, trip.edits
        )
    elif step.kind is StepKind.ARRIVE and step.draft is not None:
        await _send(ctx, step.draft)


async def _send(ctx: BotContext, draft: ClientDraft) -> int | None:
    """Queue one client message: Telegram through the outbox (its log entry's id), SMS or
    e-mail as a job."""
    services = ctx.services
    if not draft.telegram:
        await services.client_loop.queue_elsewhere(draft, None)
        return None
    text = fitted(render(draft.kind, draft.template, {**draft.values, "amount": None}))
    logged = await services.client_loop.queue(draft, text)
    args: dict[str, int | str] = {"org": draft.organization_id, "message": logged.id}
    ctx.outgoing.send(draft.chat_id, escape(text), None, After.CLIENT_MESSAGE, args)
    return logged.id

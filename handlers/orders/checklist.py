"""An order's checklist in the chat (issue 20, item 7; docs/checklists.md): the card's
"☑️ Checklist" sends it with a button per item, a tap ticks or unticks an item and redraws
the message. Done refuses while required items are open (`core.checklists.done`)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.checklists.model import ChecklistAnswers, ItemKind, OrderItem
from core.dialogs.checklist_data import ChecklistNumberData, ChecklistPhotoData
from core.dialogs.engine import DialogData
from core.domain import OrderStatus
from core.orders.rules import OrderAction
from core.outcomes import ChecklistAnswered
from core.views import OrderCard
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.replies import reply
from handlers.i18n import Translator
from handlers.keyboards import button

MARKS = {ItemKind.TICK: "☐", ItemKind.NUMBER: "🔢", ItemKind.PHOTO: "📷"}


def checklist_button(t: Translator, card: OrderCard) -> InlineKeyboardButton | None:
    """On an open order that has a checklist, for its assignee (who may start or finish it)
    and for owners and managers."""
    o = card.order
    working = card.sees_history or any(
        a in card.actions for a in (OrderAction.START, OrderAction.DONE)
    )
    if not o.checklist_count or not o.open or not working:
        return None
    return button(t.raw("☑️ Checklist"), cb.ChecklistOpen(o.id))


def signature_button(t: Translator, card: OrderCard) -> InlineKeyboardButton | None:
    """On a done order of a client, for its assignee and for owners and managers: the page
    link to collect the client's acceptance on the phone (`core.checklists.acceptance`)."""
    o = card.order
    mine = card.assignee is not None and card.assignee.id == card.viewer.id
    if o.status is not OrderStatus.DONE or card.client is None or not (mine or card.sees_history):
        return None
    return button(t.raw("✍️ Client's signature"), cb.AcceptanceLink(o.id))


def _label(item: OrderItem) -> str:
    mark = "☑️" if item.done else MARKS[item.kind]
    text = item.text + (" *" if item.required else "")
    if item.number is not None:
        text += f": {item.number}" + (f" {item.unit}" if item.unit else "")
    return f"{mark} {text}"[:60]


def render(
    t: Translator, number: int, answers: ChecklistAnswers
) -> tuple[str, InlineKeyboardMarkup | None]:
    if not answers.items:
        return t("Order №{number} has no checklist.", number=number), None
    head = t(
        "☑️ Checklist of order №{number} ({ticked}/{total}). * required. Tap an item to tick it.",
        number=number,
        ticked=answers.ticked,
        total=answers.total,
    )
    rows = [[button(_label(i), cb.ChecklistTap(answers.order_id, i.id))] for i in answers.items]
    return head, InlineKeyboardMarkup(rows)


async def _number(ctx: BotContext, order_id: int) -> int:
    org = ctx.actor.organization
    order = await ctx.services.orders.raw(org.id, order_id) if org is not None else None
    return order.number if order is not None else 0


async def open_tap(update: Update, ctx: BotContext, tap: cb.ChecklistOpen) -> None:
    query = update.callback_query
    assert query is not None
    answers = await ctx.services.checklists.answers(ctx.actor, tap.order_id)
    text, markup = render(ctx.t, await _number(ctx, tap.order_id), answers)
    await query.answer()
    await reply(ctx, update, text, markup)


async def item_tap(update: Update, ctx: BotContext, tap: cb.ChecklistTap) -> None:
    """A tick item is ticked or unticked; number and photo items ask for their answer."""
    query = update.callback_query
    assert query is not None
    t = ctx.t
    answers = await ctx.services.checklists.answers(ctx.actor, tap.order_id)
    item = next((i for i in answers.items if i.id == tap.item_id), None)
    if item is None:
        await query.answer(t("This button is no longer valid."), show_alert=True)
        return
    if item.kind is not ItemKind.TICK:  # asks for the number or photo (`core.checklists.flow`)
        from handlers.outcomes import show  # the outcomes render this module's answers

        chat = update.effective_chat
        assert chat is not None
        start: DialogData = (
            ChecklistNumberData(order_id=tap.order_id, item_id=item.id)
            if item.kind is ItemKind.NUMBER
            else ChecklistPhotoData(order_id=tap.order_id, item_id=item.id)
        )
        prompt = await ctx.services.dialogs.start(ctx.actor, chat.id, start.flow, start)
        await query.answer()
        await show(update, ctx, prompt)
        return
    await ctx.services.checklists.answer(ctx.actor, tap.order_id, item.id)
    answers = await ctx.services.checklists.answers(ctx.actor, tap.order_id)
    text, markup = render(t, await _number(ctx, tap.order_id), answers)
    await query.answer()
    await edit_tapped(ctx, query, text, markup)


async def checklist_answered(update: Update, ctx: BotContext, done: ChecklistAnswered) -> None:
    if done.photo:
        text = ctx.t(
            "📷 Photo saved for “{item}”. Checklist of order №{number}: {ticked}/{total}.",
            item=done.text,
            number=done.number,
            ticked=done.ticked,
            total=done.total,
        )
        await reply(ctx, update, text)
        return
    unit = f" {done.unit}" if done.unit else ""
    text = ctx.t(
        "Saved: {item}: {value}{unit}. Checklist of order №{number}: {ticked}/{total}.",
        item=done.text,
        value=done.value,
        unit=unit,
        number=done.number,
        ticked=done.ticked,
        total=done.total,
    )
    await reply(ctx, update, text)

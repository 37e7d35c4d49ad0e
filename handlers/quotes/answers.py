"""The client's taps under a quote in Telegram (docs/quotes.md): Approve shows the free times
(`QuoteService.slots`), a time approves the quote into an order (a time taken meanwhile
answers with fresh times), Decline asks first and then tells the quote's author, Ask a
question asks for one message (the client relay passes it to the staff). Another person's
button answers "not for you"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.client_loop.visits import FOREIGN, from_minutes, minutes
from core.errors import DomainError
from core.quotes.answers import Told
from handlers import callbacks as cb
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.publish import notify_user
from handlers.delivery.replies import reply
from handlers.errors import describe
from handlers.formatting import when
from handlers.i18n import Catalogs, Translator, escape
from handlers.keyboards import button
from handlers.quotes.delivery import answer_keyboard


def slots_keyboard(
    t: Translator, org_id: int, quote_id: int, times: Sequence[datetime], zone: str
) -> InlineKeyboardMarkup:
    """The free times under the quote's own message, two a row, and Back."""
    buttons = [
        button(when(t, at, zone), cb.QuoteSlot(org_id, quote_id, minutes(at))) for at in times
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup([*rows, [_back(t, org_id, quote_id)]])


def _back(t: Translator, org_id: int, quote_id: int) -> InlineKeyboardButton:
    return button(t.raw("⬅️ Back"), cb.QuoteAnswer(org_id, quote_id, "b"))


async def quote_tap(update: Update, ctx: BotContext, tap: cb.QuoteAnswer | cb.QuoteSlot) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await _tapped(update, ctx, query, tap)
    except DomainError as error:
        if error.code == FOREIGN:
            await query.answer(ctx.t("This button is not for you."), show_alert=True)
        elif error.code in ("quote_already", "quote_expired", "quote_not_sent"):
            await query.answer(describe(ctx.t, error), show_alert=True)
            await edit_tapped(ctx, query, _text(query) + f"\n\n<b>{describe(ctx.t, error)}</b>")
        else:
            raise


def _text(query: CallbackQuery) -> str:
    return getattr(query.message, "text_html", None) or ""


async def _tapped(
    update: Update, ctx: BotContext, query: CallbackQuery, tap: cb.QuoteAnswer | cb.QuoteSlot
) -> None:
    t, user_id, answers = ctx.t, ctx.actor.user.id, ctx.services.quote_answers
    if isinstance(tap, cb.QuoteSlot):
        await _approve(update, ctx, query, tap)
    elif tap.what == "a":
        times = await answers.slots(user_id, tap.org_id, tap.quote_id)
        if not times:
            await query.answer(t("Sorry, there are no free times in the next 7 days."), True)
            return
        await query.answer(t("Choose a time for the visit:"))
        zone = await answers.zone(tap.org_id)
        markup = slots_keyboard(t, tap.org_id, tap.quote_id, times, zone)
        await edit_tapped(ctx, query, _text(query), markup)
    elif tap.what == "d":
        await answers.check_decline(user_id, tap.org_id, tap.quote_id)
        await query.answer(t("Decline quote #{id}?", id=tap.quote_id))
        sure = cb.QuoteAnswer(tap.org_id, tap.quote_id, "x")
        rows = [[button(t("✖️ Yes, decline"), sure)], [_back(t, tap.org_id, tap.quote_id)]]
        await edit_tapped(ctx, query, _text(query), InlineKeyboardMarkup(rows))
    elif tap.what == "b":
        await answers.check_decline(user_id, tap.org_id, tap.quote_id)  # still open, theirs
        await query.answer()
        markup = answer_keyboard(t, tap.org_id, tap.quote_id)
        await edit_tapped(ctx, query, _text(query), markup)
    elif tap.what == "x":
        chat = update.effective_chat
        assert chat is not None
        told = await answers.decline(user_id, tap.org_id, tap.quote_id, chat.id)
        await query.answer()
        done = t(
            "The quote is declined. Thank you for letting us know. If you like, write us the "
            "reason in one message."
        )
        await edit_tapped(ctx, query, f"{_text(query)}\n\n<b>{done}</b>")
        await _tell_author(ctx, told)
    else:
        chat = update.effective_chat
        assert chat is not None
        await answers.ask(user_id, chat.id, tap.org_id, tap.quote_id)
        await query.answer()
        await reply(ctx, update, t("Write your question in one message: we will pass it on."))


async def question_typed(update: Update, ctx: BotContext) -> bool:
    """The client's text after "Ask a question" (or after declining: the reason) to the
    quote's author, naming the quote, with ↩️ Reply (False: nothing is awaited here)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return False
    found = await ctx.services.quote_answers.question(ctx.actor.user.id, chat.id, message.text)
    if found is None:
        return False
    told, message_id, reason = found
    if reason:
        thanks = ctx.t("✉️ Thank you, we passed your reason on.")
    else:
        thanks = ctx.t("✉️ Your question was passed on. The answer will come here.")
    await reply(ctx, update, thanks)
    author = told.author
    if author is not None:
        t = ctx.translator(author.preferred_language(ctx.bot_data.catalogs.default))
        name, number = escape(told.client_name), told.quote.id
        if reason:
            head = t("✖️ {name} gave a reason for declining quote #{id}:", name=name, id=number)
        else:
            head = t("❓ {name} asks about quote #{id}:", name=name, id=number)
        markup = InlineKeyboardMarkup([[button(t.raw("↩️ Reply"), cb.ReplyClient(message_id))]])
        await notify_user(ctx, author.telegram_id, f"{head}\n{escape(message.text)}", markup)
    return True


async def _approve(
    update: Update, ctx: BotContext, query: CallbackQuery, tap: cb.QuoteSlot
) -> None:
    t, answers = ctx.t, ctx.services.quote_answers
    try:
        told = await answers.approve(
            ctx.actor.user.id, tap.org_id, tap.quote_id, from_minutes(tap.at)
        )
    except DomainError as error:
        if error.code != "quote_slot_taken":
            raise
        times = await answers.slots(ctx.actor.user.id, tap.org_id, tap.quote_id)
        zone = await answers.zone(tap.org_id)
        await query.answer(describe(t, error), show_alert=True)  # the fresh times below
        markup = slots_keyboard(t, tap.org_id, tap.quote_id, times, zone)
        await edit_tapped(ctx, query, _text(query), markup)
        return
    await query.answer()
    assert told.order is not None and told.order.scheduled_at is not None
    at = when(t, told.order.scheduled_at, told.zone)
    done = t(
        "✅ Thank you! The quote is approved: order №{number}, the visit on {time}.",
        number=told.order.number,
        time=at,
    )
    await edit_tapped(ctx, query, f"{_text(query)}\n\n<b>{done}</b>")
    await _tell_author(ctx, told)


async def _tell_author(ctx: BotContext, told: Told) -> None:
    for chat_id, text, markup in staff_notices(ctx.bot_data.catalogs, told):
        await notify_user(ctx, chat_id, text, markup)


def staff_notices(
    catalogs: Catalogs, told: Told
) -> list[tuple[int, str, InlineKeyboardMarkup | None]]:
    """The author's notice of the answer and, for an approval, the assignee's of the order."""
    found: list[tuple[int, str, InlineKeyboardMarkup | None]] = []
    notice = author_notice(catalogs, told)
    if notice is not None:
        found.append((*notice, None))
    order, worker = told.order, told.assignee
    if order is not None and order.scheduled_at is not None and worker is not None:
        t = catalogs.get(worker.preferred_language(catalogs.default))
        text = t(
            "👷 You have a new order: №{number}, {time} (the client approved quote #{id}).",
            number=order.number,
            time=when(t, order.scheduled_at, told.zone),
            id=told.quote.id,
        )
        tap = cb.OpenOrder(order.id)
        markup = InlineKeyboardMarkup([[button(t("Open №{number}", number=order.number), tap)]])
        found.append((worker.telegram_id, text, markup))
    return found


def author_notice(catalogs: Catalogs, told: Told) -> tuple[int, str] | None:
    """What the quote's author is told of the client's answer: (their chat, the text)."""
    author = told.author
    if author is None:
        return None
    t = catalogs.get(author.preferred_language(catalogs.default))
    name, number = escape(told.client_name), told.quote.id
    if told.order is not None and told.order.scheduled_at is not None:
        text = t(
            "✅ {name} approved quote #{id}: order №{order}, {time}.",
            name=name,
            id=number,
            order=told.order.number,
            time=when(t, told.order.scheduled_at, told.zone),
        )
    else:
        text = t("✖️ {name} declined quote #{id}.", name=name, id=number)
    return author.telegram_id, text

"""Client reminders in Telegram (issue 19, item 5): the `client_reminder` job sends the
reminder with Confirm / Reschedule / Cancel; the client's taps on them are answered here; the
`client_answer_notice` job tells the assignee and the manager what the client did (a move with
the old and new time, a cancellation with the reason), from Telegram or the client page.

A tap is checked by `ClientAnswers` against the tapping person (linked as the order's client
in that organization) and the order's time the reminder was about: another client's button
answers "not for you" and reads nothing; an old reminder says so.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden

from core.client_loop.answers import FOREIGN, NOTICE_JOB, Answer, Outcome, minutes
from core.client_loop.reminders import REMINDER_JOB
from core.domain import Job
from core.errors import DomainError
from core.ownbot.routing import message_ref
from core.runtime.jobs import JobHandler
from core.services import Services
from handlers import callbacks as cb
from handlers.client_loop.client_bot import ChatBots, to_client
from handlers.client_loop.confirm import tell_client
from handlers.context import BotContext
from handlers.delivery.edits import edit_tapped
from handlers.delivery.replies import reply
from handlers.errors import describe
from handlers.formatting import when
from handlers.i18n import N_, Catalogs, Translator, escape
from handlers.keyboards import button
from handlers.notifications.digests import send

log = logging.getLogger(__name__)

REASONS = (
    N_("My plans have changed"),
    N_("The time does not suit me"),
    N_("I no longer need it"),
    N_("✍️ Other reason"),  # asks the client to type it (core.client_loop.reasons)
)
OTHER = len(REASONS) - 1
ASK_REASON = N_("Please write the reason in one message.")
ANSWERS = {
    Answer.CONFIRMED: N_("✅ Thank you! Your visit on {time} is confirmed."),
    Answer.ALREADY_CONFIRMED: N_("You have already confirmed this visit."),
    Answer.MOVED: N_("🔁 Done: your visit is moved to {time}."),
    Answer.TAKEN: N_("Sorry, that time has just been taken. Please choose another one."),
    Answer.CANCELLED: N_("Your visit is cancelled. Thank you for letting us know."),
    Answer.ALREADY_CANCELLED: N_("This visit is already cancelled."),
    Answer.CLOSED: N_("This visit can no longer be changed here."),
    Answer.OUTDATED: N_("This reminder is out of date: your visit is now on {time}."),
    Answer.CHANGED: N_("The order has just changed. Please try again."),
}


def reminder_keyboard(t: Translator, org_id: int, order_id: int, at: int) -> InlineKeyboardMarkup:
    def tap(what: Any) -> cb.ClientVisit:
        return cb.ClientVisit(org_id, order_id, at, what)

    return InlineKeyboardMarkup(
        [
            [button(t("✅ Confirm"), tap("c")), button(t("🔁 Reschedule"), tap("r"))],
            [button(t("✖️ Cancel visit"), tap("x"))],
        ]
    )


def answer_text(t: Translator, outcome: Outcome) -> str:
    order = outcome.order
    at = order.scheduled_at if order is not None else None
    time = when(t, at, outcome.zone) if at is not None else "—"
    return t(ANSWERS[outcome.answer], time=time)


async def visit_tap(update: Update, ctx: BotContext, tap: cb.Action) -> None:
    """A client's tap on a reminder's button, a free time or a reason."""
    query = update.callback_query
    assert query is not None
    t = ctx.t
    try:
        await _tapped(update, ctx, tap)
    except DomainError as error:
        if error.code != FOREIGN:
            raise
        await query.answer(t("This button is not for you."), show_alert=True)


async def _tapped(update: Update, ctx: BotContext, tap: cb.Action) -> None:
    query = update.callback_query
    assert query is not None
    t, user_id = ctx.t, ctx.actor.user.id
    answers = ctx.services.client_answers
    if isinstance(tap, cb.ClientVisit) and tap.what == "c":
        outcome = await answers.confirm(user_id, tap.org_id, tap.order_id, tap.at)
    elif isinstance(tap, cb.ClientVisit) and tap.what == "r":
        outcome, times = await answers.times(user_id, tap.org_id, tap.order_id, tap.at)
        if outcome.answer is Answer.MOVED:
            await query.answer()
            await _offer_times(update, ctx, tap, times, outcome.zone)
            return
    elif isinstance(tap, cb.ClientVisit):
        outcome = await answers.check(user_id, tap.org_id, tap.order_id, tap.at)
        if outcome.answer is not Answer.MOVED:
            await _answered(ctx, query, outcome, keep=False)
            return
        await query.answer()
        rows = [
            [button(t(text), cb.ClientReason(tap.org_id, tap.order_id, tap.at, number))]
            for number, text in enumerate(REASONS)
        ]
        await reply(ctx, update, t("Why are you cancelling?"), InlineKeyboardMarkup(rows))
        return
    elif isinstance(tap, cb.ClientSlot):
        outcome = await answers.move(user_id, tap.org_id, tap.order_id, tap.at, tap.to)
        if outcome.answer is Answer.MOVED and outcome.order is not None:
            await tell_client(ctx, outcome.order, "reschedule", outcome.was)
        elif outcome.answer is Answer.TAKEN and outcome.times:  # someone was quicker
            await query.answer()
            text = f"{t(ANSWERS[Answer.TAKEN])}\n{t('Choose a new time:')}"
            markup = times_keyboard(ctx.t, tap, outcome.times, outcome.zone)
            await edit_tapped(ctx, query, text, markup)
            return
    elif isinstance(tap, cb.ClientReason) and tap.reason >= OTHER:
        chat = update.effective_chat
        assert chat is not None
        outcome = await answers.ask_reason(user_id, chat.id, tap.org_id, tap.order_id, tap.at)
        if outcome.answer is Answer.MOVED:  # asked: the next text is the reason
            await query.answer()
            text = getattr(query.message, "text_html", None) or ""
            await edit_tapped(ctx, query, f"{text}\n\n<b>{t(ASK_REASON)}</b>")
            return
    else:
        assert isinstance(tap, cb.ClientReason)
        reason = t(REASONS[tap.reason])
        outcome = await answers.cancel(user_id, tap.org_id, tap.order_id, tap.at, reason)
        if outcome.answer is Answer.CANCELLED and outcome.order is not None:
            await tell_client(ctx, outcome.order, "cancel")
    confirmed = outcome.answer in (Answer.CONFIRMED, Answer.ALREADY_CONFIRMED)
    await _answered(ctx, query, outcome, keep=confirmed and isinstance(tap, cb.ClientVisit))


async def reason_typed(update: Update, ctx: BotContext) -> bool:
    """The client's text as the reason they were asked for after "Other reason" (False: no
    reason is awaited in this chat): the visit is cancelled as with a preset reason."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return False
    answers = ctx.services.client_answers
    try:
        outcome = await answers.reason_typed(ctx.actor.user.id, chat.id, message.text)
    except DomainError as error:
        if error.code == FOREIGN:
            raise
        await reply(ctx, update, describe(ctx.t, error))  # asked again: the question stays
        return True
    if outcome is None:
        return False
    await reply(ctx, update, answer_text(ctx.t, outcome))
    if outcome.answer is Answer.CANCELLED and outcome.order is not None:
        await tell_client(ctx, outcome.order, "cancel")  # then the cancellation and its .ics
    return True


async def _answered(ctx: BotContext, query: CallbackQuery, outcome: Outcome, keep: bool) -> None:
    """The answer under the tapped message's text; its buttons stay after a confirmation
    (the visit can still be moved or cancelled), otherwise they go."""
    await query.answer()
    text = getattr(query.message, "text_html", None) or ""
    markup = getattr(query.message, "reply_markup", None) if keep else None
    await edit_tapped(ctx, query, f"{text}\n\n<b>{answer_text(ctx.t, outcome)}</b>", markup)


async def _offer_times(
    update: Update, ctx: BotContext, tap: cb.ClientVisit, times: list[datetime], zone: str
) -> None:
    t = ctx.t
    if not times:
        await reply(ctx, update, t("Sorry, there are no free times in the next 7 days."))
        return
    await reply(ctx, update, t("Choose a new time:"), times_keyboard(t, tap, times, zone))


def times_keyboard(
    t: Translator, tap: cb.ClientVisit | cb.ClientSlot, times: Sequence[datetime], zone: str
) -> InlineKeyboardMarkup:
    """The free times as buttons, two a row."""
    buttons = [
        button(when(t, at, zone), cb.ClientSlot(tap.org_id, tap.order_id, tap.at, minutes(at)))
        for at in times
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def reminder_jobs(
    clients: ChatBots, services: Services, catalogs: Catalogs
) -> dict[str, JobHandler]:
    """The Telegram reminder and the staff's notice of a client's answer."""
    delivery = services.client_reminders.delivery()

    async def remind(job: Job) -> None:
        payload: dict[str, Any] = dict(job.payload)
        if not await delivery.still_due(payload):
            return  # sent already (a repeat after a lost lease), moved, started or cancelled
        t = catalogs.get(str(payload["language"]))
        at = minutes(datetime.fromisoformat(str(payload["at"])))
        org_id, chat_id = int(payload["org"]), int(payload["chat"])
        markup = reminder_keyboard(t, org_id, int(payload["order"]), at)
        text = escape(str(payload["text"]))

        async def send_through(bot: Bot) -> Message:
            return await bot.send_message(chat_id, text, reply_markup=markup)

        try:
            number, sent = await to_client(clients, org_id, chat_id, send_through)
        except (Forbidden, BadRequest) as error:
            log.info("client reminder %s not sent: %s", payload["message"], type(error).__name__)
            await delivery.mark(payload, None)
            return
        await delivery.mark(payload, message_ref(number, sent.message_id))

    async def notice(job: Job) -> None:
        payload: dict[str, Any] = dict(job.payload)
        found = await services.client_answers.staff_notice(
            int(payload["org"]), int(payload["order"])
        )
        if found is None:
            return
        for person in found.people:
            if person.unreachable_at is not None:
                continue
            t = catalogs.get(person.preferred_language(catalogs.default))
            text = notice_text(t, payload, found.order.number, found.org.timezone)
            markup = InlineKeyboardMarkup(
                [[button(t("Open №{number}", number=found.order.number),
                         cb.OpenOrder(found.order.id))]]
            )  # fmt: skip
            await send(clients, services, person.telegram_id, text, markup)

    return {REMINDER_JOB: remind, NOTICE_JOB: notice}


def notice_text(t: Translator, payload: dict[str, Any], number: int, zone: str) -> str:
    def at(key: str) -> str:
        value = payload.get(key)
        return when(t, datetime.fromisoformat(value), zone) if isinstance(value, str) else "—"

    if payload["what"] == "approved":
        return t("✅ The client approved the new total of order №{number}.", number=number)
    if payload["what"] == "declined":
        return t(
            "✖️ The client declined the new total of order №{number}. Change or remove a line "
            "in 🧾 Lines (they are asked again), or cancel the order.",
            number=number,
        )
    if payload["what"] == "moved":
        return t(
            "🔁 The client moved order №{number}: {old} → <b>{new}</b>",
            number=number, old=at("from"), new=at("to"),
        )  # fmt: skip
    return t(
        "✖️ The client cancelled order №{number} ({time}). Reason: «{reason}»",
        number=number, time=at("to"), reason=str(payload.get("reason") or "—"),
    )  # fmt: skip

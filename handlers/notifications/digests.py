"""Scheduled messages in the reader's language: pure renderers of digests, plans, reminders and
alerts ((translator, data) -> text and buttons), and the delivery jobs that send them.

Delivery stays within Telegram's limits: a 429 is waited out for its `retry_after` and tried
again (and the job retries with backoff if that is not enough, so nothing is lost); a person
who blocked the bot is marked unreachable and the job completes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from babel.dates import format_date
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from core.domain import LANGUAGES, Job, PaymentMethod, language_from_telegram
from core.notifications.digest import Change, Digest, DigestMessage, Period
from core.notifications.rules import (
    DIGEST_JOB,
    OVERDUE_JOB,
    PLAN_JOB,
    PLAN_UPDATE_JOB,
    REMINDER_JOB,
    UNTAKEN_JOB,
)
from core.numbers.rules import average_rating, share, tenths
from core.runtime.jobs import JobHandler, PermanentJobError
from core.services import Services
from handlers import callbacks as cb
from handlers.client_loop.client_bot import ChatBots, to_anyone, to_staff
from handlers.delivery.lanes import broadcast
from handlers.formatting import money
from handlers.i18n import N_, Catalogs, Html, Translator, escape
from handlers.keyboards import button
from handlers.notifications.digest_lists import quote_lines, request_lines
from handlers.notifications.work_messages import (
    overdue_view,
    plan_view,
    reminder_view,
    untaken_view,
)
from handlers.orders.cards import METHOD

log = logging.getLogger(__name__)

Rendered = tuple[str, InlineKeyboardMarkup | None]
SEND_TRIES = 3
WORKERS_SHOWN = 15  # the busiest; a long team must not push the digest past 4096 characters
EXCEPTIONS = {
    "overdue": N_("⏰ Overdue: {count}"),
    "unassigned": N_("🆕 Unassigned: {count}"),
    "unpaid": N_("💸 Done but unpaid: {count}, {total} to collect"),
    "cancelled": N_("✖️ Cancelled: {count}"),
}


def _signed(change: Change, show: Callable[[int], str] = str) -> str:
    delta = change.delta
    sign = "+" if delta > 0 else "−" if delta < 0 else "±"
    return f"{show(change.now)} ({sign}{show(abs(delta))})"


def _title(t: Translator, d: Digest, organization: str) -> str:
    if d.period is Period.WEEK:
        first = format_date(d.first_day, "d MMM", locale=t.locale)
        last = format_date(d.last_day, "d MMM", locale=t.locale)
        return t(
            "📊 <b>Week {first} – {last}</b> · {org}", first=first, last=last, org=organization
        )
    day = format_date(d.last_day, "EEE d MMM", locale=t.locale)
    return t("📊 <b>Digest for {day}</b> · {org}", day=day, org=organization)


def _exception_lines(t: Translator, d: Digest, currency: str) -> list[str]:
    """Each kind with its orders; unpaid ones with what each still owes and the sum of all."""
    if not d.exceptions:
        return [t("✅ Nothing needs attention.")]
    lines = [t("<b>Needs attention</b>")]
    for kind, refs in d.exceptions.items():
        count = d.totals.get(kind, len(refs))
        if kind == "unpaid":
            total = money(t, d.unpaid_total, currency)
            numbers = ", ".join(f"№{r.number} ({escape(money(t, r.due, currency))})" for r in refs)
        else:
            total, numbers = "", ", ".join(f"№{r.number}" for r in refs)
        more = count - len(refs)
        tail = t(" and {count} more", count=more) if more > 0 else ""
        lines.append(t(EXCEPTIONS[kind], count=count, total=total) + f" — {numbers}{tail}")
    return lines


def _number_lines(t: Translator, m: DigestMessage) -> list[str]:
    d = m.digest

    def cash(minor: int) -> str:
        return money(t, minor, m.currency)

    lines = [
        t("<b>Numbers</b> (against the period before)"),
        t("New orders: {value}", value=_signed(d.created)),
        t("Done: {value}", value=_signed(d.done)),
        t("Cancelled: {value}", value=_signed(d.cancelled)),
        t("Revenue: {value}", value=_signed(d.revenue, cash)),
    ]
    for method, minor in d.revenue_by_method.items():
        label = t.raw(METHOD[PaymentMethod(method)]) if method in METHOD else method
        lines.append(f" · {escape(label)}: {escape(cash(minor))}")
    if d.done_by_worker:
        best = list(d.done_by_worker.items())[:WORKERS_SHOWN]
        done = " · ".join(f"{escape(m.workers.get(w, '?'))}: {n}" for w, n in best)
        if len(d.done_by_worker) > WORKERS_SHOWN:
            done += " …"
        lines.append(t("Done by: {workers}", workers=Html(done)))
    if d.ratings_by_worker:
        lines.append(t("Clients' ratings: {workers}", workers=Html(_ratings(t, m))))
    return lines + visit_lines(t, d)


def visit_lines(t: Translator, d: Digest) -> list[str]:
    """The average rating, the share done on time and the returning clients, by the rules the
    Numbers page uses (core/numbers/rules.py)."""
    lines = []
    total, count = average_rating(d.ratings_by_worker)
    if count:
        lines.append(
            t("Average rating: ⭐{average} ({count})", average=stars(t, total, count), count=count)
        )
    v = d.visits
    if v.timed:
        lines.append(
            t(
                "On time: {percent}% ({on_time} of {timed})",
                percent=share(v.on_time, v.timed),
                on_time=v.on_time,
                timed=v.timed,
            )
        )
    if v.clients:
        lines.append(
            t(
                "Returning clients: {repeat} of {clients}",
                repeat=v.repeat_clients,
                clients=v.clients,
            )
        )
    return lines


def stars(t: Translator, total: int, count: int) -> str:
    """An average of stars with one decimal in the reader's way (4.3, 4,3)."""
    value = tenths(total, count) or 0
    sep = "," if t.locale.startswith("ru") else "."
    return f"{value // 10}{sep}{value % 10}"


def _ratings(t: Translator, m: DigestMessage) -> str:
    """Each rated worker's average stars and how many ratings, best first."""
    rated = sorted(m.digest.ratings_by_worker.items(), key=lambda kv: -kv[1][0] / kv[1][1])
    parts = []
    for worker, (total, count) in rated[:WORKERS_SHOWN]:
        average = f"{total / count:.1f}"
        average = average.replace(".", ",") if t.locale.startswith("ru") else average
        parts.append(f"{escape(m.workers.get(worker, '?'))}: ⭐{average} ({count})")
    return " · ".join(parts) + (" …" if len(rated) > WORKERS_SHOWN else "")


def digest_view(t: Translator, message: DigestMessage) -> Rendered:
    d = message.digest
    text = "\n".join(
        [
            _title(t, d, message.organization),
            "",
            *_exception_lines(t, d, message.currency),
            *quote_lines(t, d, message.currency),
            *request_lines(t, d, d.last_day),
            "",
            *_number_lines(t, message),
        ]
    )
    return text, digest_keyboard(t, d)


def digest_keyboard(t: Translator, d: Digest) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    unassigned = d.exceptions.get("unassigned", ())
    if unassigned:
        total = d.totals.get("unassigned", len(unassigned))
        rows.append([button(t("📋 Unassigned ({count})", count=total), cb.DigestUnassigned())])
        assign = [(t("👷 Assign №{number}", number=r.number), r.id) for r in unassigned[:3]]
        rows.append([button(label, cb.OrderWorkers(order_id)) for label, order_id in assign])
    overdue = d.exceptions.get("overdue", ())
    if overdue:
        opens = [(t("⏰ №{number}", number=r.number), r.id) for r in overdue[:3]]
        rows.append([button(label, cb.OpenOrder(order_id)) for label, order_id in opens])
    return InlineKeyboardMarkup(rows) if rows else None


def _digest(t: Translator, data: dict[str, Any]) -> Rendered:
    return digest_view(t, DigestMessage.from_data(data["digest"]))


RENDERERS: dict[str, Callable[[Translator, dict[str, Any]], Rendered]] = {
    DIGEST_JOB: _digest,
    PLAN_JOB: plan_view,
    PLAN_UPDATE_JOB: lambda t, data: plan_view(t, data, update=True),
    REMINDER_JOB: reminder_view,
    OVERDUE_JOB: overdue_view,
    UNTAKEN_JOB: untaken_view,
}


def notification_jobs(
    bots: ChatBots, services: Services, catalogs: Catalogs
) -> dict[str, JobHandler]:
    """One delivery job kind per scheduled message kind; each sends one message."""

    async def deliver(job: Job) -> None:
        reader = await _reader(services, catalogs, job.payload)
        if reader is None:
            return  # blocked the bot (or left): skipped, not retried
        chat_id, t = reader
        text, markup = RENDERERS[job.kind](t, job.payload)
        await send(bots, services, chat_id, text, markup)

    return dict.fromkeys(RENDERERS, deliver)


async def _reader(
    services: Services, catalogs: Catalogs, payload: dict[str, Any]
) -> tuple[int, Translator] | None:
    """The chat and the reader's translator: from the job itself when the scheduler put them
    there (no query per message), else from the person's record."""
    chat = payload.get("chat_id")
    if isinstance(chat, int):
        chosen = payload.get("language")
        if isinstance(chosen, str) and chosen in LANGUAGES:
            return chat, catalogs.get(chosen)
        given = payload.get("telegram_language")
        language = language_from_telegram(
            given if isinstance(given, str) else None, catalogs.default
        )
        return chat, catalogs.get(language)
    user = await services.users.get(int(str(payload["user_id"])))
    if user is None or user.unreachable_at is not None:
        return None
    return user.telegram_id, catalogs.get(user.preferred_language(catalogs.default))


async def send(
    bots: ChatBots,
    services: Services,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
    tries: int = SEND_TRIES,
    staff: bool = True,
) -> None:
    """Send to a staff member (through the own bot they work in, if any; `staff=False`: a
    client, through a bot they have a chat with) in the broadcast lane, waiting out flood
    control; a blocked bot marks the person unreachable."""
    through = to_staff if staff else to_anyone

    async def send_through(bot: Bot) -> None:
        await bot.send_message(
            chat_id, text, reply_markup=markup, disable_web_page_preview=True, **broadcast(bot)
        )

    for attempt in range(1, tries + 1):
        try:
            await through(bots, chat_id, send_through)
            return
        except RetryAfter as flood:
            if attempt == tries:
                raise  # the job retries later: the message is never dropped
            await asyncio.sleep(_seconds(flood.retry_after))
        except Forbidden:
            await services.users.mark_unreachable(chat_id)
            return
        except BadRequest as error:
            if "chat not found" in error.message.lower():
                await services.users.mark_unreachable(chat_id)
                return
            raise PermanentJobError("telegram_bad_request") from None


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)

"""The client page of a quote, `/q/<token>` (docs/quotes.md; `core.quotes.page`): the lines,
the total, the day it is valid until and its state, in the client's language; while it waits
for an answer, Approve with a free time (radio buttons) and Decline, as plain forms carrying a
nonce signed for the token (`bot.admin.client_page`'s), no script. An unknown or forged token
is 404, an expired one 404 with its own words; a quote past its day answers 410, an answered
one shows its answer (a second answer: 409). The author hears an answer through the outbox
written in the request's transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from bot.admin.client_move import deliver, to_outbox
from bot.admin.client_page import _gate, _html, _refused, _text, choose_language, new_nonce
from bot.admin.client_view import _form, document, notice
from bot.admin.context import RequestWork, WorkDep
from bot.admin.context import admin_context as _context
from bot.admin.html import Safe, SafeText, esc, join, tag
from core.client_loop.visits import from_minutes, minutes
from core.errors import DomainError
from core.quotes.answers import Told
from core.quotes.model import QuoteStatus
from core.quotes.page import QuotePageView
from handlers.delivery.outgoing import Outgoing
from handlers.formatting import money, when
from handlers.i18n import N_
from handlers.orders.line_render import line_text
from handlers.quotes.answers import staff_notices
from handlers.quotes.prompts import day_text

router = APIRouter(include_in_schema=False)
STATES = {
    QuoteStatus.DRAFT: N_("Not sent yet"),
    QuoteStatus.SENT: N_("Waiting for your answer"),
    QuoteStatus.APPROVED: N_("Approved"),
    QuoteStatus.DECLINED: N_("Declined"),
    QuoteStatus.EXPIRED: N_("Expired"),
}
STATUS_CODE = {QuoteStatus.EXPIRED: 410}
APPROVED = N_("Thank you! The quote is approved.")
DECLINED = N_("You declined the quote. Thank you for letting us know.")
TAKEN = N_("That time has just been taken. Please pick another one.")


def quote_page(
    t: SafeText, shown: QuotePageView, action: str, hidden: dict[str, str],
    times: list[datetime], message: Safe | None = None,
) -> str:  # fmt: skip
    quote, tt = shown.quote, t.translator
    lines = join(
        tag("li", line_text(tt, line, shown.currency), data_testid=f"line-{i}")
        for i, line in enumerate(shown.lines)
    )
    rows = [
        (t("Total"), money(tt, quote.total_minor, shown.currency)),
        (t("Valid until"), day_text(tt, quote.valid_until)),
        (t("Status"), t(STATES[shown.status])),
    ]
    if shown.order is not None and shown.order.scheduled_at is not None:
        visit = when(tt, shown.order.scheduled_at, shown.timezone)
        rows.append(
            (
                t("Your visit"),
                t("order No. {number}, {time}", number=shown.order.number, time=visit),
            )
        )
    details = join(
        join([tag("dt", label), tag("dd", value, data_testid=f"row-{i}")])
        for i, (label, value) in enumerate(rows)
    )
    title = t("Quote No. {number}", number=quote.id)
    parts: list[object] = [message or ""]
    parts.append(tag("section", join([tag("h1", title), tag("ol", lines), tag("dl", details)])))
    if shown.status is QuoteStatus.SENT:
        parts.append(_approve(t, shown.timezone, times, action, hidden))
        decline = _form(f"{action}/decline", hidden, t("Decline the quote"), "cancel")
        parts.append(tag("section", decline, data_testid="decline-section"))
    contact = t(
        "Questions? Reply to the message with this link, or contact {org}.", org=shown.org_name
    )
    parts.append(tag("p", contact, class_="muted", data_testid="contact"))
    return document(t, title, join(parts), shown.org_name)


def _approve(
    t: SafeText, zone: str, times: list[datetime], action: str, hidden: dict[str, str]
) -> Safe:
    title = tag("h1", t("Approve and pick a time for the visit"))
    if not times:
        return tag(
            "section",
            join([title, tag("p", t("No free times in the next 7 days."), class_="muted")]),
        )
    inputs = join(
        Safe(f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">')
        for name, value in hidden.items()
    )
    choices = join(
        tag(
            "label",
            join([Safe(f'<input type="radio" name="at" value="{minutes(at)}" required> '),
                  when(t.translator, at, zone)]),
            data_testid=f"time-{i}",
        )
        for i, at in enumerate(times)
    )  # fmt: skip
    submit = tag("button", t("Approve"), type="submit", data_testid="approve")
    form = tag("form", join([inputs, choices, submit]), method="post", action=f"{action}/approve")
    return tag("section", join([title, form]), data_testid="approve-section")


async def _draw(
    request: Request, work: RequestWork, token: str, chosen: str | None,
    message: Callable[[SafeText], Safe] | None = None, status: int | None = None,
) -> Response:  # fmt: skip
    services = work.services
    try:
        shown = await services.quote_pages.open(token)
    except DomainError as error:
        return await _refused(request, services, token, error, chosen)
    t = _text(request, choose_language(request, chosen, shown.language))
    hidden = {"nonce": new_nonce(request, token)} | ({"lang": str(chosen)} if chosen else {})
    times = await services.quote_pages.slots(token) if shown.status is QuoteStatus.SENT else []
    drawn = message(t) if message is not None else None
    body = quote_page(t, shown, f"/q/{token}", hidden, times, drawn)
    return _html(body, status or STATUS_CODE.get(shown.status, 200))


@router.get("/q/{token}")
async def quote_view(request: Request, work: WorkDep, token: str) -> Response:
    chosen = request.query_params.get("lang")
    done = request.query_params.get("done")
    if done in ("approved", "declined"):
        return await _done_notice(request, work, token, chosen, done)
    return await _draw(request, work, token, chosen)


async def _done_notice(
    request: Request, work: RequestWork, token: str, chosen: str | None, done: str
) -> Response:
    def message(t: SafeText) -> Safe:
        return notice(t(DECLINED) if done == "declined" else t(APPROVED))

    return await _draw(request, work, token, chosen, message)


@router.post("/q/{token}/approve")
async def quote_approve(request: Request, work: WorkDep, token: str) -> Response:
    submitted, chosen, stopped = await _gate(request, work, token)
    if stopped is not None:
        return stopped
    at = submitted.get("at")
    try:
        if not isinstance(at, str) or not at.isdigit() or len(at) > 9:
            raise DomainError("quote_slot_taken")
        told = await work.services.quote_pages.approve(token, from_minutes(int(at)))
    except DomainError as error:
        return await _answer_refused(request, work, token, chosen, error)
    return await _answered(request, work, token, chosen, told, "approved")


@router.post("/q/{token}/decline")
async def quote_decline(request: Request, work: WorkDep, token: str) -> Response:
    _, chosen, stopped = await _gate(request, work, token)
    if stopped is not None:
        return stopped
    try:
        told = await work.services.quote_pages.decline(token)
    except DomainError as error:
        return await _answer_refused(request, work, token, chosen, error)
    return await _answered(request, work, token, chosen, told, "declined")


async def _answer_refused(
    request: Request, work: RequestWork, token: str, chosen: str | None, error: DomainError
) -> Response:
    if error.code in ("client_page_unknown", "client_page_expired"):
        return await _refused(request, work.services, token, error, chosen)
    if error.code == "quote_slot_taken":
        return await _draw(request, work, token, chosen, lambda t: notice(t(TAKEN), "error"), 409)
    if error.code not in ("quote_already", "quote_expired", "quote_not_sent"):
        raise error
    status = 410 if error.code == "quote_expired" else 409
    return await _draw(request, work, token, chosen, None, status)


async def _answered(
    request: Request, work: RequestWork, token: str, chosen: str | None, told: Told, done: str
) -> Response:
    context = _context(request)
    outgoing = Outgoing()
    for chat_id, text, markup in staff_notices(context.container.catalogs, told):
        outgoing.send(chat_id, text, markup)
    sender = context.telegram.sender if context.telegram is not None else None
    stored = await to_outbox(work.work, outgoing.deliveries, sender, work.services.clock.now())
    where = f"/q/{token}?done={done}" + (f"&lang={chosen}" if chosen else "")
    headers = {"cache-control": "no-store"}
    return RedirectResponse(where, 303, headers, background=deliver(sender, stored))

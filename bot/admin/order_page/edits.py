"""The order page's edits: the time, the address, the price, the lines, the assignee, and
cancelling, offered only where the bot offers them to this person (the card's actions and
editable fields), each applied by the bot's own use case (`OrderService.act`, same rules and
permission checks) with the same parsing rules as the chat, CSRF-checked, in the request's one
transaction. The staff's cards are edited and whom the change concerns told, through the
outbox as after a tap (and the client, for a new time or a cancellation)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from bot.admin.client_move import deliver, to_outbox
from bot.admin.context import RequestWork, admin_context
from bot.admin.html import Safe, SafeText, button, field, form, join, notice, tag
from bot.admin.order_page.lines import apply_line, line_of, lines_section
from bot.admin.pages import Page
from bot.admin.security import CSRF_FIELD
from core.catalogue.lines import LINE_EDIT_EVENT, LINE_EVENT
from core.catalogue.model import NewLine
from core.catalogue.parsing import EXAMPLE as LINE_EXAMPLE
from core.catalogue.parsing import parse_line
from core.clients.fields import ADDRESS_MAX, clean_text
from core.errors import DomainError
from core.money import parse_money
from core.orders.audiences import CLIENT_EVENTS
from core.orders.edits import Field, editable_fields
from core.orders.rules import OrderAction
from core.services import Services
from core.views import OrderCard, OrderChange
from core.when import check_not_past, to_utc
from handlers.client_loop.confirm import queue_client_message
from handlers.delivery.outgoing import Outgoing
from handlers.numbers import read_number
from handlers.orders.line_news import queue_total
from handlers.orders.publish import tell_staff

__all__ = ["Page", "Services", "apply", "csrf_checked", "section", "told"]


def _text(submitted: FormData, name: str) -> str:
    value = submitted.get(name)
    return value if isinstance(value, str) else ""


async def section(
    services: Services, current: Page, card: OrderCard, message: str | None, saved: bool
) -> Safe:
    t, n, actions = current.t, card.order.number, set(card.actions)
    parts: list[Safe] = [tag("h2", t("Change the order"))]
    if message:
        parts.append(notice(message, "error"))
    elif saved:
        parts.append(notice(t("Saved.")))
    if OrderAction.RESCHEDULE in actions:
        zone = ZoneInfo(card.organization.timezone)
        at = card.order.scheduled_at.astimezone(zone) if card.order.scheduled_at else None
        parts.append(
            _form(
                t,
                n,
                "time",
                current.csrf,
                field(
                    t("New date"),
                    "day",
                    at.date().isoformat() if at else "",
                    "date",
                    required=True,
                ),
                field(
                    t("New time"), "at", at.strftime("%H:%M") if at else "", "time", required=True
                ),
                button(t("Move the order"), "move"),
            )
        )
    fields = editable_fields(card.order) if OrderAction.EDIT in actions else []
    if Field.ADDRESS in fields:
        parts.append(
            _form(
                t,
                n,
                "address",
                current.csrf,
                field(
                    t("Address"),
                    "address",
                    card.order.address or "",
                    maxlength=ADDRESS_MAX,
                    required=True,
                ),
                button(t("Save address"), "save-address"),
            )
        )
    if Field.PRICE in fields:
        price = card.order.price_minor
        shown = f"{price // 100}.{price % 100:02d}" if price is not None else ""
        parts.append(
            _form(
                t,
                n,
                "price",
                current.csrf,
                field(t("Price"), "price", shown, required=True),
                button(t("Save price"), "save-price"),
            )
        )
    listed = lines_section(current, card)
    if listed is not None:
        parts.append(listed)
    if card.can_add_line:
        hint = tag("span", t("e.g. {example}", example=LINE_EXAMPLE), class_="muted")
        line = field(t("Add a line: name, quantity and price"), "line", "", required=True)
        parts.append(
            _form(t, n, "line", current.csrf, line, button(t("Add the line"), "add-line"), hint)
        )
    if OrderAction.ASSIGN in actions:
        loads = await services.orders.workers(current.actor, card.order.id)
        options = [
            tag(
                "option",
                w.user.display_name,
                value=w.user.id,
                selected=w.user.id == card.order.assignee_id,
            )
            for w in loads
        ]
        picker = join(
            [
                tag("label", t("Worker to assign"), for_="worker"),
                tag("select", join(options), name="worker", id="worker"),
            ]
        )
        parts.append(
            _form(t, n, "assign", current.csrf, picker, button(t("Assign the worker"), "assign"))
        )
    if OrderAction.CANCEL in actions:
        parts.append(
            _form(t, n, "cancel", current.csrf, button(t("Cancel the order"), "cancel", "danger"))
        )
    return tag("section", join(parts), class_="edits")


def _form(t: SafeText, number: int, what: str, csrf: str, *content: Safe) -> Safe:
    return form(f"/orders/{number}/{what}", csrf, *content, testid=f"edit-{what}")


def _moment(submitted: FormData, zone: str, now: datetime) -> datetime:
    """The local date and time from the form, refused when past, as the chat refuses it."""
    try:
        day = date.fromisoformat(_text(submitted, "day"))
    except ValueError:
        raise DomainError("date_invalid", example="2026-12-25") from None
    given = _text(submitted, "at")
    try:
        at = time.fromisoformat(given)
    except ValueError:
        raise DomainError("time_of_day_invalid", given=given[:20]) from None
    check_not_past(day, at, now.astimezone(ZoneInfo(zone)).replace(tzinfo=None))
    return to_utc(day, at, zone)


async def apply(
    services: Services, current: Page, card: OrderCard, what: str, submitted: FormData
) -> OrderChange:
    actor, order_id = current.actor, card.order.id
    org = card.organization
    if what == "time":
        at = _moment(submitted, org.timezone, services.clock.now())
        return await services.orders.act(actor, order_id, OrderAction.RESCHEDULE, scheduled_at=at)
    if what == "address":
        text = clean_text(_text(submitted, "address"), ADDRESS_MAX, "address_too_long")
        if not text:
            raise DomainError("address_empty")
        place = {"text": text, "lat": None, "lon": None}
        return await services.orders.act(
            actor, order_id, OrderAction.EDIT, field=Field.ADDRESS.value, value=place
        )
    if what == "price":
        given = _text(submitted, "price")
        minor = parse_money(read_number(given, current.t.locale) or given)
        return await services.orders.act(
            actor, order_id, OrderAction.EDIT, field=Field.PRICE.value, value=minor
        )
    if what == "line":  # typed as in the chat's "➕ Add line" (core/catalogue/flow.py)
        typed = parse_line(" ".join(_text(submitted, "line").split()), current.t.locale)
        if typed.price_minor is None or not typed.name:
            raise DomainError("line_invalid", example=LINE_EXAMPLE)
        new = NewLine(
            typed.name, typed.quantity_milli, typed.price_minor, typed.unit, typed.discount_minor
        )
        return (await services.order_lines.add_line(actor, order_id, new)).change
    if what == "assign":
        worker = _text(submitted, "worker")
        if not worker.isdigit():
            raise DomainError("choose_option")
        return await services.orders.act(
            actor, order_id, OrderAction.ASSIGN, assignee_id=int(worker)
        )
    if what == "cancel":
        return await services.orders.act(actor, order_id, OrderAction.CANCEL)
    line_id = line_of(what)
    if line_id is not None:
        return await apply_line(services, current, card, line_id, submitted)
    raise DomainError("not_found")


async def told(
    request: Request, work: RequestWork, current: Page, change: OrderChange
) -> Response:
    """The change's messages into the outbox in the request's transaction (as the REST API's
    changes, bot/admin/v1/orders_write.py), sent by this process after the answer."""
    context, outgoing = admin_context(request), Outgoing()
    services, catalogs = work.services, context.container.catalogs
    tell_staff(catalogs, outgoing, change, current.actor.user.display_name)
    if change.event in CLIENT_EVENTS:
        await queue_client_message(services, catalogs, outgoing, change.card.order, change.event)
    elif change.event in (LINE_EVENT, LINE_EDIT_EVENT):  # the client hears the new total
        await queue_total(services, catalogs, outgoing, change.card.order)
    sender = context.telegram.sender if context.telegram is not None else None
    stored = await to_outbox(work.work, outgoing.deliveries, sender, services.clock.now())
    number = change.card.order.number
    response = RedirectResponse(f"/orders/{number}?saved=1", status_code=303)
    response.background = deliver(sender, stored)
    return response


def csrf_checked(request: Request, current: Page, submitted: FormData) -> None:
    given = submitted.get(CSRF_FIELD)
    if not admin_context(request).signer.csrf_ok(
        current.session, given if isinstance(given, str) else None
    ):
        raise DomainError("csrf_invalid")

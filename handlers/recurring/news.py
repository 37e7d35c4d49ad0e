"""Who hears of a series change that touches many visits (pausing, ending, "this and
following"; docs/recurring.md): one message per person, not one per visit. Each staff member
the visits' notices name (`core.orders.audiences`: the assignee) gets a summary in their
language, a line per visit; each client whose visits were cancelled or moved gets one
`series_changed` message by their channel (Telegram through the outbox, else SMS or e-mail as
a job), listing those visits. The cards themselves are redrawn by the caller."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from core.client_loop.model import Channel, MessageKind
from core.client_loop.outgoing import NoRoute, sms_text
from core.client_loop.templates import render
from core.domain import Order, User
from core.runtime.outbox import After
from core.views import Notice, OrderChange
from handlers.client_loop.confirm import fitted
from handlers.context import BotContext
from handlers.delivery.publish import notify_user
from handlers.formatting import when
from handlers.i18n import N_, Translator, escape

LISTED = 20  # visits named in one message; the rest are counted
STAFF_LINES = {
    "cancel": N_("✖️ №{number}, {when}: cancelled"),
    "reschedule": N_("🕒 №{number}: now {when} (was {was})"),
    "assign": N_("👷 №{number}, {when}: assigned to you"),
    "edit": N_("✏️ №{number}, {when}: price changed"),
}
CLIENT_LINES = {
    "cancel": N_("• {date} {time}: cancelled"),
    "reschedule": N_("• {date} {time}: the new time"),
}


async def tell_series(ctx: BotContext, changes: Sequence[OrderChange]) -> None:
    """One summary to each person the changed visits concern."""
    if changes:
        await _tell_staff(ctx, changes)
        await _tell_clients(ctx, changes)


async def _tell_staff(ctx: BotContext, changes: Sequence[OrderChange]) -> None:
    people: dict[int, tuple[User, list[Notice]]] = {}
    for change in changes:
        for notice in change.notices:
            people.setdefault(notice.recipient.id, (notice.recipient, []))[1].append(notice)
    name = ctx.actor.user.display_name
    for person, notices in people.values():
        t = ctx.translator(person.preferred_language(ctx.bot_data.catalogs.default))
        head = t.n(
            "🔁 {name} changed {count} visit of a recurring series:",
            "🔁 {name} changed {count} visits of a recurring series:",
            len(notices),
            name=escape(name),
        )
        lines = [_staff_line(t, n) for n in notices[:LISTED]]
        await notify_user(ctx, person.telegram_id, "\n".join([head, *lines, *_more(t, notices)]))


def _staff_line(t: Translator, notice: Notice) -> str:
    order, zone, now = notice.card.order, notice.card.organization.timezone, notice.card.now
    at = when(t, order.scheduled_at, zone, now) if order.scheduled_at else "—"
    was = when(t, notice.was, zone, now) if notice.was else "—"
    line = STAFF_LINES.get(notice.kind, N_("• №{number}, {when}: changed"))
    return t(line, number=order.number, when=at, was=was)


def _more(t: Translator, items: Sequence[object]) -> list[str]:
    rest = len(items) - LISTED
    return [t("… and {count} more", count=rest)] if rest > 0 else []


async def _tell_clients(ctx: BotContext, changes: Sequence[OrderChange]) -> None:
    clients: dict[int, list[tuple[str, Order]]] = {}
    for change in changes:
        order = change.card.order
        if order.client_id is not None and change.event in CLIENT_LINES:
            clients.setdefault(order.client_id, []).append((change.event, order))
    for visits in clients.values():
        await _tell_client(ctx, visits)


async def _tell_client(ctx: BotContext, visits: list[tuple[str, Order]]) -> None:
    services, kind = ctx.services, MessageKind.SERIES_CHANGED
    first = visits[0][1]
    draft = await services.client_loop.kind_message(first, kind, ctx.bot_data.catalogs.default)
    if draft is None:
        return
    t = ctx.translator(draft.language)
    org = ctx.actor.organization
    zone = ZoneInfo(org.timezone if org is not None else "UTC")
    draft.values["visits"] = _client_lines(t, visits, zone, LISTED)
    if draft.channels[0] is Channel.SMS:  # whole lines, as many as two segments take
        for shown in range(min(len(visits), LISTED), 0, -1):
            draft.values["visits"] = _client_lines(t, visits, zone, shown)
            try:
                sms_text(kind, draft.template, draft.values)
                break
            except NoRoute:
                continue
    if not draft.telegram:
        once = f"series:{first.id}:{first.version}:{len(visits)}"
        await services.client_loop.queue_elsewhere(draft, None, once)
        return
    text = fitted(render(draft.kind, draft.template, draft.values).strip())
    logged = await services.client_loop.queue(draft, text)
    args: dict[str, int | str] = {"org": draft.organization_id, "message": logged.id}
    ctx.outgoing.send(draft.chat_id, escape(text), None, After.CLIENT_MESSAGE, args)


def _client_lines(
    t: Translator, visits: list[tuple[str, Order]], zone: ZoneInfo, shown: int
) -> str:
    """A line per visit in the client's language (`shown` of them, then a count)."""
    lines = []
    for event, order in visits[:shown]:
        local = order.scheduled_at.astimezone(zone) if order.scheduled_at else None
        date, time = (local.strftime("%d.%m.%Y"), local.strftime("%H:%M")) if local else ("", "")
        lines.append(t.raw(CLIENT_LINES[event]).format(date=date, time=time))
    rest = len(visits) - shown
    if rest > 0:
        lines.append(t.raw("… and {count} more").format(count=rest))
    return "\n".join(lines)

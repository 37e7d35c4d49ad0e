"""Pure renderers of order and client cards: (translator, card) -> HTML text and buttons."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.domain import OrderStatus, PaymentMethod
from core.maps import map_link
from core.orders.rules import OrderAction
from core.views import ClientCard, ClientView, OrderCard
from handlers import callbacks as cb
from handlers.client_loop.invite import invite_button
from handlers.client_loop.on_the_way import on_my_way_button, on_my_way_shown
from handlers.client_loop.refunds import refund_button
from handlers.clients.prompts import REQUEST_NAMES
from handlers.clients.rights_buttons import rights_rows
from handlers.companies.render import company_lines
from handlers.formatting import money, phone, when
from handlers.i18n import N_, Translator, escape
from handlers.keyboards import button
from handlers.orders.checklist import checklist_button, signature_button
from handlers.orders.line_render import card_lines, line_buttons
from handlers.recurring.card import series_button, series_line
from handlers.telephony.render import call_brief

STATUS = {
    OrderStatus.NEW: ("🆕", N_("New")),
    OrderStatus.ASSIGNED: ("🟡", N_("Assigned")),
    OrderStatus.IN_PROGRESS: ("🔧", N_("In progress")),
    OrderStatus.DONE: ("✅", N_("Done")),
    OrderStatus.CANCELLED: ("✖️", N_("Cancelled")),
}
METHOD = {
    PaymentMethod.CASH: N_("cash"),
    PaymentMethod.CARD: N_("card"),
    PaymentMethod.TRANSFER: N_("transfer"),
}
ACTION = {
    OrderAction.TAKE: N_("🙋 Take"),
    OrderAction.START: N_("▶️ Start"),
    OrderAction.DONE: N_("✅ Done"),
    OrderAction.PAY: N_("💰 Payment"),
    OrderAction.ASSIGN: N_("👷 Assign"),
    OrderAction.OFFER: N_("📣 Offer to all"),
    OrderAction.RESCHEDULE: N_("🕒 Reschedule"),
    OrderAction.EDIT: N_("✏️ Edit"),
    OrderAction.CANCEL: N_("✖️ Cancel"),
}


def status_label(t: Translator, status: OrderStatus) -> str:
    icon, label = STATUS[status]
    return f"{icon} {t.raw(label)}"


def order_text(t: Translator, card: OrderCard) -> str:
    o, org = card.order, card.organization
    lines = [
        t("<b>Order №{number}</b> · {status}", number=o.number, status=status_label(t, o.status))
    ]
    if card.client is not None:
        lines.append("👤 " + _client_line(card.client))
        if card.client.notes:
            lines.append("🗒 " + escape(card.client.notes))
    lines.extend(_where_when(t, card))
    if card.series is not None:
        lines.append("🔁 " + escape(series_line(t, card)))
    if card.category:
        lines.append("🧰 " + escape(card.category))
    if card.assignee is not None:
        lines.append("👷 " + escape(card.assignee.display_name))
    elif o.offered_at is not None and o.status is OrderStatus.NEW:
        lines.append(t("📣 Offered to all workers"))
    lines.extend(card_lines(t, card, org.currency))
    lines.extend(_money_lines(t, card, org.currency))
    if o.description:
        lines.append("📝 " + escape(o.description))
    if card.files:
        photos = card.files.get("photo", 0)
        others = sum(card.files.values()) - photos
        lines.append(
            "📎 "
            + t.n("{count} photo", "{count} photos", photos)
            + (", " + t.n("{count} file", "{count} files", others) if others else "")
        )
    required = card.organization.photos_required
    if required and card.order.open:
        have = card.files.get("photo", 0)
        lines.append(
            t("📷 Photos before done: {have} of {required}", have=have, required=required)
        )
    return "\n".join(lines)


def _client_line(client: ClientView) -> str:
    parts = [escape(client.name)]
    parts += [escape(phone(p)) for p in client.phones[:2]]
    return " · ".join(parts)


def _where_when(t: Translator, card: OrderCard) -> list[str]:
    o, lines = card.order, []
    if card.address_visible and (o.address or o.latitude is not None):
        link = map_link(o.address, o.latitude, o.longitude)
        label = escape(o.address or t.raw("Location on the map"))
        lines.append(f'📍 <a href="{escape(link)}">{label}</a>' if link else f"📍 {label}")
    elif card.access_ended and o.address:
        lines.append(
            t("📍 The client's address and phone are no longer shown: the order is closed")
        )
    elif not card.address_visible and card.area:
        lines.append(
            t(
                "📍 {area} (the full address goes to the worker who takes the order)",
                area=card.area,
            )
        )
    elif not card.address_visible and o.address:
        lines.append(t("📍 The address is shown to the worker who takes the order"))
    if o.scheduled_at is not None:
        zone = card.organization.timezone
        lines.append("🕒 " + escape(when(t, o.scheduled_at, zone, card.now)))
        if card.client_confirmed_at is not None:
            at = when(t, card.client_confirmed_at, zone, card.now)
            lines.append(t("✅ Client confirmed ({at})", at=at))
    else:
        lines.append(t("🕒 Not scheduled"))
    return lines


def _money_lines(t: Translator, card: OrderCard, currency: str) -> list[str]:
    """Price and paid in all; with several payments, each one with its method below."""
    o = card.order
    if o.price_minor is None and not o.paid_minor:
        return []
    price = money(t, o.price_minor, currency) if o.price_minor is not None else "—"
    line = t("💰 {price} · paid {paid}", price=price, paid=money(t, o.paid_minor, currency))
    if len(card.payments) > 1:
        return [line] + [
            f"   · {escape(money(t, p.amount_minor, currency))} {_method(t, p.method)}"
            for p in card.payments
        ]
    method = card.payments[0].method if card.payments else o.payment_method
    if method is not None:
        line += f" ({_method(t, method)})"
    return [line]


def _method(t: Translator, method: PaymentMethod | None) -> str:
    return t.raw(METHOD[method]) if method is not None else "—"


def order_keyboard(t: Translator, card: OrderCard) -> InlineKeyboardMarkup | None:
    o = card.order
    buttons = [_action_button(t, o.id, a) for a in card.actions]
    if on_my_way_shown(card):  # the assignee, today, not started: tell the client
        buttons.insert(0, on_my_way_button(t, o.id))
    if (checklist := checklist_button(t, card)) is not None:  # core/checklists
        buttons.append(checklist)
    if (signing := signature_button(t, card)) is not None:  # the client accepts on site
        buttons.append(signing)
    buttons.extend(line_buttons(t, card))  # the assignee or a lead
    if card.client is not None and card.client.contacts_visible:
        buttons.append(button(t.raw("👤 Client"), cb.OpenClient(card.client.id)))
    if card.client is not None and card.sees_history and o.open:  # owners and managers
        buttons.append(invite_button(t, card.client.id, o.id))
    if card.client is not None and card.sees_history:  # owners and managers
        buttons.append(button(t.raw("✉️ Message client"), cb.MessageClient(o.id)))
    if card.files:
        total = sum(card.files.values())
        buttons.append(button(t("📎 Files ({count})", count=total), cb.OrderFiles(o.id)))
    if (refund := refund_button(t, card)) is not None:  # an online payment to take back
        buttons.append(refund)
    if (repeat := series_button(t, card)) is not None:  # owners and managers
        buttons.append(repeat)
    if card.sees_history:
        buttons.append(button(t.raw("📜 History"), cb.OrderHistory(o.id)))
    if not buttons:
        return None
    grid = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(grid)


def _action_button(t: Translator, order_id: int, action: OrderAction) -> InlineKeyboardButton:
    label = t.raw(ACTION[action])
    if action is OrderAction.ASSIGN:
        return button(label, cb.OrderWorkers(order_id))
    if action is OrderAction.PAY or action is OrderAction.RESCHEDULE or action is OrderAction.EDIT:
        return button(label, cb.OrderFlow(order_id, action))
    return button(label, cb.OrderTap(order_id, action))


def client_text(t: Translator, card: ClientCard, currency: str, zone: str) -> str:
    v = card.view
    lines = [f"👤 <b>{escape(v.name)}</b>"]
    if v.restricted_at is not None:  # docs/data-rights.md
        since = when(t, v.restricted_at, zone, card.now)
        lines.append(t("⛔ Processing restricted since {when}", when=escape(since)))
        if v.restriction_note:
            lines.append(t("Asked: {note}", note=escape(v.restriction_note)))
    if v.objected_at is not None:
        since = when(t, v.objected_at, zone, card.now)
        lines.append(t("🤖 Objects to automated processing since {when}", when=escape(since)))
    if v.contacts_visible:
        lines += [f"📞 {escape(phone(p))}" for p in v.phones] or [t("📞 no phone yet")]
        if v.address:
            lines.append("📍 " + escape(v.address))
        if v.notes:
            lines.append("📝 " + escape(v.notes))
        if v.company is not None:
            lines += company_lines(t, v.company)
    else:
        lines.append(
            t(
                "Contacts are visible only while you hold an order for this client that is "
                "open or not paid yet, and for a short while after it is paid or cancelled."
            )
        )
    if card.orders:
        lines.append(t("<b>Orders</b>"))
        for o in card.orders:
            moment = when(t, o.scheduled_at, zone, card.now) if o.scheduled_at else "—"
            price = f" · {money(t, o.price_minor, currency)}" if o.price_minor else ""
            lines.append(f"№{o.number} · {escape(moment)} · {STATUS[o.status][0]}{price}")
    if card.calls:
        lines.append(t("<b>Recent calls</b>"))
        lines += [call_brief(t, call, zone) for call in card.calls]
    if card.ratings:
        lines += rating_lines(t, card.ratings)
    for r in card.requests:  # open data requests (docs/data-rights.md)
        due = r.due_on.strftime("%d.%m.%Y")
        lines.append(t("📨 Request: {kind}, due {day}", kind=t(REQUEST_NAMES[r.kind]), day=due))
    return "\n".join(lines)


def rating_lines(t: Translator, ratings: tuple[tuple[int, int, str | None], ...]) -> list[str]:
    """The client's latest ratings: their average, then one line each."""
    average = f"{sum(stars for _, stars, _ in ratings) / len(ratings):.1f}"
    average = average.replace(".", ",") if t.locale.startswith("ru") else average
    head = t(
        "<b>Ratings</b>: {average} of 5 (latest {count})", average=average, count=len(ratings)
    )
    lines = [head]
    for number, stars, comment in ratings:
        said = f" · «{escape(comment[:200])}»" if comment else ""
        lines.append(f"№{number} · {'⭐' * stars}{said}")
    return lines


def client_keyboard(
    t: Translator, card: ClientCard, can_edit: bool, invite: bool = False, rights: bool = False
) -> InlineKeyboardMarkup | None:
    """`invite`: the client is not linked to Telegram yet (owners and managers may invite);
    `rights`: the card's "🔒 Data rights" buttons instead of the everyday ones."""
    if not can_edit:
        return None
    cid = card.view.id
    if rights:
        return InlineKeyboardMarkup(
            [*rights_rows(t, card), [button(t.raw("⬅️ Back"), cb.ClientRights(cid, 0))]]
        )
    rows = [
        [
            button(t.raw("➕ New order"), cb.ClientNewOrder(cid)),
            button(t.raw("📝 Quote"), cb.ClientQuote(cid)),
        ],
        [
            button(t.raw("✏️ Name"), cb.ClientEdit(cid, "name")),
            button(t.raw("📞 Add phone"), cb.ClientEdit(cid, "phone")),
        ],
        [
            button(t.raw("📍 Address"), cb.ClientEdit(cid, "address")),
            button(t.raw("🗒 Notes"), cb.ClientEdit(cid, "notes")),
        ],
        [
            button(t.raw("📧 E-mail"), cb.ClientEdit(cid, "email")),
            button(t.raw("🧩 Merge a duplicate"), cb.ClientMerge(cid)),
        ],
        [
            button(t.raw("🏢 Company details"), cb.ClientEdit(cid, "company")),
            button(t.raw("🔒 Data rights"), cb.ClientRights(cid, 1)),
        ],
    ]
    if invite and card.view.restricted_at is None:
        rows.append([invite_button(t, cid)])
    return InlineKeyboardMarkup(rows)

"""Line items as the order card and the client's message show them (pure renderers)."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from core.catalogue.model import LineItem, NewLine, line_total, quantity_label
from core.views import OrderCard
from handlers import callbacks as cb
from handlers.formatting import money
from handlers.i18n import N_, Translator, escape
from handlers.keyboards import button

AGREED = N_("Work as agreed")
SHOWN = 20  # lines listed on a card; the rest are summed up


def quantity(t: Translator, quantity_milli: int) -> str:
    """2500 -> '2.5' in English, '2,5' in Russian."""
    text = quantity_label(quantity_milli)
    return text.replace(".", ",") if t.locale.startswith("ru") else text


def line_name(t: Translator, line: LineItem | NewLine) -> str:
    return line.name if line.name is not None else t.raw(AGREED)


def line_text(t: Translator, line: LineItem | NewLine, currency: str) -> str:
    """'replace tap · 1 × 1 500 ₽ = 1 500 ₽' (a discount shown before the total); plain. A
    line not stored yet (a quote being prepared) is summed as it will be."""
    total = line_total(line) if isinstance(line, NewLine) else line.total_minor
    unit = f" {line.unit}" if line.unit else ""
    amount = (
        f"{quantity(t, line.quantity_milli)}{unit} × {money(t, line.unit_price_minor, currency)}"
    )
    if line.discount_minor:
        amount += f" − {money(t, line.discount_minor, currency)}"
    return f"{line_name(t, line)} · {amount} = {money(t, total, currency)}"


def card_lines(t: Translator, card: OrderCard, currency: str) -> list[str]:
    """The card's lines (HTML), and a note while the client has a new total to approve (or
    declined it)."""
    shown = [f"   · {escape(line_text(t, x, currency))}" for x in card.lines[:SHOWN]]
    if len(card.lines) > SHOWN:
        shown.append(t("   · … {count} more", count=len(card.lines) - SHOWN))
    head = [t("🧾 Lines ({count}):", count=len(card.lines))] if card.lines else []
    waiting = []
    if card.order.approval_minor is not None and card.order.approval_declined_at is not None:
        total = money(t, card.order.approval_minor, currency)
        waiting = [
            t(
                "✖️ The client declined the new total of {total}: change or remove a line, "
                "or cancel the order",
                total=total,
            )
        ]
    elif card.order.approval_minor is not None:
        total = money(t, card.order.approval_minor, currency)
        waiting = [t("⏳ Waiting for the client to approve the new total of {total}", total=total)]
    return head + shown + waiting


def line_buttons(t: Translator, card: OrderCard) -> list[InlineKeyboardButton]:
    """ "➕ Add line" and, on an order with lines, "🧾 Lines" (the assignee or a lead)."""
    if not card.can_add_line:
        return []
    add = button(t.raw("➕ Add line"), cb.AddLine(card.order.id))
    if not card.lines:
        return [add]
    return [add, button(t.raw("🧾 Lines"), cb.LinesOpen(card.order.id, "n"))]

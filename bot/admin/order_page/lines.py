"""The order page's line items: a line's quantity changed or the line removed, as the chat's
"🧾 Lines" does it (`OrderLines.edit_line`: same permission, same reading of the quantity, the
order's version guarding against a change meanwhile, the client asked to approve a new total
where the organization wants it). A removed line shows in the history and can be added again."""

from __future__ import annotations

from starlette.datastructures import FormData

from bot.admin.html import Safe, SafeText, form, join, tag
from bot.admin.pages import Page
from core.catalogue.parsing import parse_quantity
from core.domain import OrderStatus
from core.errors import DomainError
from core.services import Services
from core.views import OrderCard, OrderChange
from handlers.orders.line_render import line_text, quantity

PREFIX = "line-"  # /orders/{number}/line-{line id}


def lines_section(current: Page, card: OrderCard) -> Safe | None:
    """One small form a line: its text, the quantity, "Change" and "Remove"; only where the
    person may change the lines now (not once the order is done)."""
    if not card.lines or not card.can_add_line or card.order.status is OrderStatus.DONE:
        return None
    t, number = current.t, card.order.number
    rows = [tag("h3", t("Lines"))]
    for line in card.lines:
        ident = f"quantity-{line.id}"
        box = Safe(
            tag(
                "input", "", type="text", name="quantity", id=ident, inputmode="decimal",
                value=quantity(current.t.translator, line.quantity_milli), size=6, required=True,
            ).removesuffix("</input>")
        )  # fmt: skip
        label = tag("label", line_text(current.t.translator, line, card.organization.currency))
        rows.append(
            form(
                f"/orders/{number}/{PREFIX}{line.id}",
                current.csrf,
                join([label, tag("label", t("Quantity"), for_=ident), box]),
                _button(t, t("Change the quantity"), "save", line.id),
                _button(t, t("Remove the line"), "remove", line.id, "danger"),
                testid=f"line-{line.id}",
            )
        )
    return join(rows)


def _button(t: SafeText, text: str, action: str, line_id: int, css: str | None = None) -> Safe:
    return tag(
        "button", text, type="submit", name="do", value=action, class_=css,
        data_testid=f"line-{action}-{line_id}",
    )  # fmt: skip


def line_of(what: str) -> int | None:
    """The line a form posts to (`line-123`), None for the page's other forms."""
    rest = what.removeprefix(PREFIX)
    return int(rest) if rest != what and rest.isascii() and rest.isdigit() else None


async def apply_line(
    services: Services, current: Page, card: OrderCard, line_id: int, submitted: FormData
) -> OrderChange:
    action = submitted.get("do")
    if action == "remove":
        quantity_milli = None
    elif action == "save":
        given = submitted.get("quantity")
        quantity_milli = parse_quantity(given if isinstance(given, str) else "")
    else:
        raise DomainError("choose_option")
    edited = await services.order_lines.edit_line(
        current.actor, card.order.id, line_id, quantity_milli
    )
    return edited.change

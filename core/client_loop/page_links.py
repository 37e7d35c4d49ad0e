"""The client page's short link in a message that goes by SMS or e-mail, where Telegram would
show buttons: a booking or a move (Confirm, Reschedule, Cancel on the page). Each message gets
a page token of its own, written in the message's unit of work, so the link in the text opens
the page for as long as the order is open (`tokens.page_expiry`)."""

from __future__ import annotations

from datetime import datetime

from core.client_loop.model import MessageKind
from core.client_loop.tokens import hash_token, new_page_token, page_expiry
from core.ports import UnitOfWork

WITH_PAGE = frozenset(
    {MessageKind.CONFIRMATION, MessageKind.RESCHEDULED, MessageKind.TOTAL_CHANGED}
)  # fmt: skip


async def page_link(
    uow: UnitOfWork, pages: str | None, kind: MessageKind, org_id: int, order_id: int | None,
    client_id: int, now: datetime,
) -> str | None:  # fmt: skip
    """`pages` (`https://…/c/`) and a new token of the order's page for a message of `kind`,
    or None: no public address, a kind without a page, or the order is gone or closed."""
    if pages is None or kind not in WITH_PAGE or order_id is None:
        return None
    order = await uow.orders.get(org_id, order_id)
    if order is None or not order.open or order.client_id != client_id:
        return None
    token = new_page_token()
    expires = page_expiry(order, now)
    await uow.client_loop.add_page(org_id, client_id, order.id, hash_token(token), expires, now)
    return pages + token

"""A staff member's reply to a client with a photo (issue 19, item 9): a Telegram client gets
the photo itself (its Telegram file id, through the outbox, the text as its caption); an
e-mail client gets it attached (the photo is kept as a file of the order, and the e-mail job
reads it back); an SMS client gets a link to it, `/c/<page token>/photo/<file id>`, in the
text (the e-mail's text has the link too). The order's history (`staff_wrote`) names the
photo's file, which is what lets the client page show that photo, and no other file of the
order, to the page token's holder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.channels.email import Attachment
from core.client_loop.done_photos import page_photo_ids
from core.client_loop.page import page_access
from core.client_loop.tokens import hash_token, new_page_token, page_expiry
from core.domain import Attachment as FileRow
from core.domain import Order
from core.errors import DomainError
from core.ports import UnitOfWork

PHOTO_PATH = "photo"


@dataclass(frozen=True, slots=True)
class StaffPhoto:
    file_id: str  # Telegram's id of the photo the staff member sent
    attachment_id: int | None  # the order's file holding it (None: no order to keep it on)
    link: str | None = None  # the page address that shows it (SMS, e-mail)


async def photo_link(
    uow: UnitOfWork, pages: str | None, order: Order | None, client_id: int,
    attachment_id: int | None, now: datetime,
) -> str | None:  # fmt: skip
    """A new page token of the order and the photo's address under it; None without a public
    address, an order or a kept file."""
    if pages is None or order is None or attachment_id is None or order.client_id != client_id:
        return None
    token = new_page_token()
    expires = page_expiry(order, now)
    await uow.client_loop.add_page(
        order.organization_id, client_id, order.id, hash_token(token), expires, now
    )
    return f"{pages}{token}/{PHOTO_PATH}/{attachment_id}"


async def sent_photo(uow: UnitOfWork, org_id: int, order_id: int, attachment_id: int) -> bool:
    """Whether staff sent this file of the order to its client (a `staff_wrote` event)."""
    events = await uow.orders.events(org_id, order_id)
    return any(e.kind == "staff_wrote" and e.data.get("photo") == attachment_id for e in events)


async def photo_of(uow: UnitOfWork, org_id: int, payload: Mapping[str, Any]) -> FileRow | None:
    """The order's file a staff message's e-mail attaches (None: no photo, or it is gone)."""
    found = payload.get("photo")
    if found is None:
        return None
    attachment = await uow.attachments.get(org_id, int(found))
    order = payload.get("order")
    return attachment if attachment is not None and attachment.order_id == order else None


def photo_attachment(file: FileRow, data: bytes) -> Attachment:
    """The photo as an e-mail attachment."""
    extension = {"image/png": "png", "image/webp": "webp"}.get(file.mime, "jpg")
    return Attachment(f"photo-{file.id}.{extension}", file.mime, data)


async def page_photo(
    uow: UnitOfWork, token: str, attachment_id: int, now: datetime
) -> FileRow | None:
    """The photo a page token's holder may see: a file of the token's order that staff sent
    to the client, or one of the work's photos of a done order when the organization sends
    photos (None: anything else, or a token the page would refuse)."""
    try:
        access = await page_access(uow, token, now)
    except DomainError:
        return None
    org_id, order_id = access.org.id, access.order.id
    found = await uow.attachments.get(org_id, attachment_id)
    if found is None or found.order_id != order_id or found.kind != "photo":
        return None
    if await sent_photo(uow, org_id, order_id, attachment_id):
        return found
    return found if attachment_id in await page_photo_ids(uow, access) else None

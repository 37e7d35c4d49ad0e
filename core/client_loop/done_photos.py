"""The work's photos for a done order's client who is not in Telegram (issue 19, item 7).

When the organization sends photos (`ClientLoopSettings.send_photos`), a Telegram client gets
the order's photos after the done summary (their Telegram file ids, up to an album of 10).
The same photos go to an SMS or e-mail client as:
- a link in the summary's text, "Photos of the work: <page link>", to the order's client page
  (a page token of its own, as every page link), which shows them; each photo is served by
  `/c/<token>/photo/<file id>` only to a holder of a token of that order, only for a done
  order of an organization that sends photos, only for a photo of that order;
- attachments of the e-mail (read from the order's files when the e-mail job sends), at most
  `MAIL_BYTES` together: the photos that do not fit are left to the page link.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.client_loop.page import PageAccess
from core.domain import Attachment as FileRow
from core.domain import OrderStatus
from core.ports import UnitOfWork

PHOTOS_MAX = 10  # what a Telegram client gets: one album
MAIL_BYTES = 10 * 1024 * 1024  # base64 makes it about 13.5 MB: most servers take 20-25 MB
PHOTO = "photo"
PHOTOS_LINE = {"en": "Photos of the work: {page_link}", "ru": "Фото работы: {page_link}"}


async def order_photos(uow: UnitOfWork, org_id: int, order_id: int) -> list[FileRow]:
    """The order's photos a done summary goes with, oldest first, at most `PHOTOS_MAX`."""
    files = await uow.attachments.for_order(org_id, order_id)
    return [f for f in files if f.kind == PHOTO][:PHOTOS_MAX]


async def mail_photos(uow: UnitOfWork, org_id: int, payload: Mapping[str, Any]) -> list[FileRow]:
    """The photos a done summary's e-mail attaches (the payload's `photos`, still photos of
    its order), as many as fit in `MAIL_BYTES` in order."""
    wanted = payload.get("photos")
    order_id = payload.get("order")
    if not isinstance(wanted, list) or not wanted or order_id is None:
        return []
    found = {f.id: f for f in await order_photos(uow, org_id, int(order_id))}
    chosen, total = [], 0
    for file_id in wanted:
        photo = found.get(int(file_id))
        if photo is None or total + photo.size > MAIL_BYTES:
            continue
        chosen.append(photo)
        total += photo.size
    return chosen


async def shows_photos(uow: UnitOfWork, access: PageAccess) -> bool:
    """Whether the page of `access` shows the work's photos: a done order of an organization
    that sends photos."""
    if access.order.status is not OrderStatus.DONE:
        return False
    return (await uow.client_loop.settings(access.org.id)).send_photos


async def page_photo_ids(uow: UnitOfWork, access: PageAccess) -> list[int]:
    """The ids of the photos the page shows (none unless `shows_photos`)."""
    if not await shows_photos(uow, access):
        return []
    return [f.id for f in await order_photos(uow, access.org.id, access.order.id)]

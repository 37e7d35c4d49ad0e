"""What keeps an order from being done: required checklist items not answered and, when the
organization requires photos, photos missing. Also the copies a new order or a series' visit
takes (called in the caller's unit of work)."""

from __future__ import annotations

from core.checklists.model import ChecklistAnswers
from core.domain import Actor, Order
from core.errors import DomainError
from core.ports import UnitOfWork


async def snapshot(uow: UnitOfWork, order: Order) -> int:
    """Put the order's category's checklist on it as it is now (none: the order's items go).
    Called when an order is created and when its category changes; a later change of the
    category's checklist does not touch orders that have it. Returns the items copied (the
    order's `checklist_count` is set with them)."""
    items = []
    if order.category_id is not None:
        items = await uow.checklists.template(order.organization_id, order.category_id)
    await uow.checklists.put_on_order(order.organization_id, order.id, items)
    return len(items)


async def copy_checklist(
    uow: UnitOfWork, org_id: int, from_order_id: int, to_order_id: int
) -> int:
    """A series' visit gets its template order's checklist (the items, not the answers), so
    every visit of a series asks the same. Returns the items copied."""
    items = await uow.checklists.items(org_id, from_order_id)
    await uow.checklists.put_on_order(org_id, to_order_id, items)
    return len(items)


async def require_complete(uow: UnitOfWork, actor: Actor, order: Order) -> None:
    """Refuse Done listing what is missing: `checklist_incomplete` (the items' texts, with the
    photos as well when the photo rule is not met: `checklist_incomplete_photos`), or the
    photo rule alone (`photos_required`)."""
    assert actor.organization is not None
    items = []
    if order.checklist_count:  # an order without a checklist reads no items
        items = await uow.checklists.items(order.organization_id, order.id)
    answers = ChecklistAnswers(order_id=order.id, items=tuple(items))
    missing = "\n".join(f"• {item.text}" for item in answers.missing)
    required = actor.organization.photos_required
    have = 0
    if required > 0:
        have = (await uow.attachments.counts(order.organization_id, order.id)).get("photo", 0)
    photos = max(0, required - have)
    if missing and photos:
        raise DomainError(
            "checklist_incomplete_photos",
            number=order.number,
            items=missing,
            required=required,
            have=have,
        )
    if missing:
        raise DomainError("checklist_incomplete", number=order.number, items=missing)
    if photos:
        raise DomainError("photos_required", required=required, have=have, missing=photos)

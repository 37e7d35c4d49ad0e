"""Use cases: define a category's checklist, answer an order's items, accept the work."""

from __future__ import annotations

from collections.abc import Sequence

from core.checklists.model import (
    Acceptance,
    AcceptanceMethod,
    CategoryChecklist,
    ChecklistAnswers,
    ItemKind,
    NewItem,
    OrderItem,
    OrderPaperwork,
    TemplateItem,
)
from core.checklists.rules import MAX_NAME, checked_items, clean, fingerprint, parse_number
from core.domain import Actor, Order, OrderStatus
from core.errors import DomainError
from core.invoices.issue import report_again
from core.orders.cards import visible_order
from core.permissions import Action, allowed
from core.ports import Clock, UnitOfWork, UowFactory

ACCEPTED_EVENT = "accepted"


def _manages(actor: Actor) -> int:
    if actor.organization is None or actor.role is None:
        raise DomainError("no_organization")
    if not allowed(actor.role, Action.CATALOGUE_MANAGE):
        raise DomainError("forbidden")
    return actor.organization.id


class ChecklistService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def template(self, actor: Actor, category_id: int) -> list[TemplateItem]:
        org_id = _manages(actor)
        async with self._uow() as uow:
            if category_id not in {c.id for c in await uow.categories.listing(org_id)}:
                raise DomainError("not_found")
            return await uow.checklists.template(org_id, category_id)

    async def define(self, actor: Actor, category_id: int, items: Sequence[NewItem]) -> int:
        """Replace a category's checklist (owners, managers). Returns the number of items."""
        org_id = _manages(actor)
        kept = checked_items(items)
        async with self._uow() as uow:
            if category_id not in {c.id for c in await uow.categories.listing(org_id)}:
                raise DomainError("not_found")
            await uow.checklists.set_template(org_id, category_id, kept, self._clock.now())
            await uow.commit()
        return len(kept)

    async def overview(self, actor: Actor) -> list[CategoryChecklist]:
        """Every category of the organization with its checklist (one read per category;
        an organization has a handful)."""
        org_id = _manages(actor)
        async with self._uow() as uow:
            return [
                CategoryChecklist(c, tuple(await uow.checklists.template(org_id, c.id)), org_id)
                for c in await uow.categories.listing(org_id)
            ]

    async def category(self, actor: Actor, category_id: int) -> CategoryChecklist:
        async with self._uow() as uow:
            return await category_checklist(uow, actor, category_id)

    async def remove(
        self, actor: Actor, category_id: int, item_id: int, text_print: int | None = None
    ) -> CategoryChecklist:
        """One item off a category's checklist (the rest keep their order); with
        `text_print`, only while the item still has that text (`rules.fingerprint`)."""
        async with self._uow() as uow:
            current = await category_checklist(uow, actor, category_id)
            found = next((i for i in current.items if i.id == item_id), None)
            if found is None or text_print not in (None, fingerprint(found.text)):
                raise DomainError("not_found")
            kept = [i for i in current.items if i.id != item_id]
            changed = await _redefine(uow, self._clock, current, kept)
            await uow.commit()
            return changed

    async def answers(self, actor: Actor, order_id: int) -> ChecklistAnswers:
        async with self._uow() as uow:
            order = await visible_order(uow, actor, order_id)
            return (await uow.checklists.paperwork(order.organization_id, order.id)).checklist

    async def answer(
        self,
        actor: Actor,
        order_id: int,
        item_id: int,
        *,
        number: str | None = None,
        attachment_id: int | None = None,
    ) -> OrderItem:
        """Tick (or untick) a tick item, give a number item its number (typed text), a photo
        item its photo (an attachment of the order). The assignee while the order is open,
        owners and managers too."""
        async with self._uow() as uow:
            item = await answer_item(
                uow, self._clock, actor, order_id, item_id, number, attachment_id
            )
            await uow.commit()
            return item

    async def paperwork(self, org_id: int, order_id: int) -> OrderPaperwork:
        """For the service report and the invoice (background work that may read the order)."""
        async with self._uow() as uow:
            return await uow.checklists.paperwork(org_id, order_id)


async def category_checklist(uow: UnitOfWork, actor: Actor, category_id: int) -> CategoryChecklist:
    """A category of the actor's organization (owners, managers) with its checklist."""
    org_id = _manages(actor)
    found = next((c for c in await uow.categories.listing(org_id) if c.id == category_id), None)
    if found is None:
        raise DomainError("not_found")
    items = await uow.checklists.template(org_id, category_id)
    return CategoryChecklist(found, tuple(items), org_id)


async def add_item(
    uow: UnitOfWork, clock: Clock, actor: Actor, category_id: int, item: NewItem
) -> CategoryChecklist:
    """One item at the end of a category's checklist (at most `MAX_ITEMS`)."""
    current = await category_checklist(uow, actor, category_id)
    return await _redefine(uow, clock, current, [*current.items, item])


async def _redefine(
    uow: UnitOfWork, clock: Clock, current: CategoryChecklist, items: Sequence[NewItem]
) -> CategoryChecklist:
    plain = [NewItem(text=i.text, kind=i.kind, required=i.required, unit=i.unit) for i in items]
    kept = checked_items(plain)
    org_id, category_id = current.category_org, current.category.id
    await uow.checklists.set_template(org_id, category_id, kept, clock.now())
    items = await uow.checklists.template(org_id, category_id)
    return CategoryChecklist(current.category, tuple(items), org_id)


async def workable(uow: UnitOfWork, actor: Actor, order_id: int) -> Order:
    """The order whose checklist the actor may answer: its assignee while it is assigned or
    in progress; owners and managers also later, never on a cancelled order."""
    order = await visible_order(uow, actor, order_id)
    lead = allowed(actor.role, Action.ORDER_ASSIGN)
    if order.assignee_id != actor.user.id and not lead:
        raise DomainError("forbidden")
    if order.status not in (OrderStatus.ASSIGNED, OrderStatus.IN_PROGRESS) and not lead:
        raise DomainError("checklist_closed", number=order.number)
    if order.status is OrderStatus.CANCELLED:
        raise DomainError("checklist_closed", number=order.number)
    return order


async def answer_item(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    order_id: int,
    item_id: int,
    number: str | None = None,
    attachment_id: int | None = None,
) -> OrderItem:
    """`ChecklistService.answer` in the caller's unit of work (also the number question's)."""
    order = await workable(uow, actor, order_id)
    org_id = order.organization_id
    items = await uow.checklists.items(org_id, order.id)
    item = next((i for i in items if i.id == item_id), None)
    if item is None:
        raise DomainError("not_found")
    done = clock.now()
    value: str | None = None
    if item.kind is ItemKind.TICK:
        done_at = None if item.done else done
    elif item.kind is ItemKind.NUMBER:
        if number is None:
            raise DomainError("checklist_number", example="12345,6")
        value, done_at = parse_number(number), done
    else:
        photo = None if attachment_id is None else await uow.attachments.get(org_id, attachment_id)
        if photo is None or photo.order_id != order.id or photo.kind != "photo":
            raise DomainError("checklist_photo")
        done_at = done
    changed = await uow.checklists.answer(
        org_id,
        order.id,
        item.id,
        by=actor.user.id if done_at else None,
        at=done_at,
        number=value,
        attachment_id=attachment_id if item.kind is ItemKind.PHOTO else None,
    )
    if changed is None:
        raise DomainError("not_found")
    return changed


async def accept(
    uow: UnitOfWork,
    clock: Clock,
    order: Order,
    method: AcceptanceMethod,
    *,
    name: str | None = None,
    signature_key: str | None = None,
    on_staff_device: bool = False,
) -> Acceptance:
    """The client accepts a done order, once (in the caller's unit of work): the acceptance
    row and the order's `accepted` event with the method. A second acceptance is refused with
    `already_accepted`; an order not done with `acceptance_not_done`."""
    if order.status is not OrderStatus.DONE:
        raise DomainError("acceptance_not_done", number=order.number)
    typed = clean(name or "", MAX_NAME) or None
    if method is not AcceptanceMethod.TELEGRAM and typed is None:
        raise DomainError("acceptance_name")
    now = clock.now()
    acceptance = Acceptance(
        order_id=order.id,
        method=method,
        accepted_at=now,
        name=typed,
        signature_key=signature_key,
        on_staff_device=on_staff_device,
    )
    if not await uow.checklists.accept(order.organization_id, acceptance):
        raise DomainError("already_accepted", number=order.number)
    data = {"method": method.value, "staff_device": on_staff_device}
    await uow.orders.add_event(order, None, ACCEPTED_EVENT, data, now)
    await report_again(uow, now, order)  # the service report shows the acceptance
    return acceptance

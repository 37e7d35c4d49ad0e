"""Making the orders of a series: one function copies the template order into an occurrence
(`copy_template`), one fills a series' horizon (`fill`), idempotently: an occurrence that has
an order (its key, unique per series) is never made again."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from core.changes import NewOrder, OrderUpdate
from core.checklists.done import copy_checklist
from core.domain import Order, OrderStatus, Organization
from core.ports import UnitOfWork
from core.recurring.model import HORIZON_SETTING, Series, SeriesState, horizon_days
from core.recurring.rules import at_utc, key_of, local_of, occurrences, retimed

CREATED_EVENT = "created"


async def copy_template(
    uow: UnitOfWork, series: Series, template: Order, local: datetime, zone: str, now: datetime
) -> Order:
    """The order of one occurrence: the template's client, address, category and description,
    the series' assignee (while still an active member) and price, the occurrence's time in
    the organization's zone now. What later hangs on an order (line items, a checklist) is
    copied here too, so every occurrence is made by this one function."""
    new = NewOrder(
        created_by=series.created_by or template.created_by or 0,
        client_id=template.client_id,
        address=template.address,
        latitude=template.latitude,
        longitude=template.longitude,
        category_id=template.category_id,
        scheduled_at=at_utc(local, zone),
        price_minor=series.price_minor,
        description=template.description,
        series_id=series.id,
        occurrence=key_of(local),
    )
    order = await uow.orders.add(series.organization_id, now, new)
    if series.assignee_id is not None:
        member = await uow.members.get(series.organization_id, series.assignee_id)
        if member is not None and member.active:
            update = OrderUpdate(status=OrderStatus.ASSIGNED, assignee_id=series.assignee_id)
            order = await uow.orders.change(order, now, update) or order
    if template.category_id is not None:  # the template's checklist, without its answers
        copied = await copy_checklist(uow, series.organization_id, template.id, order.id)
        order = replace(order, checklist_count=copied)
    data = {"status": order.status.value, "series": series.id, "by": "series"}
    await uow.orders.add_event(order, None, CREATED_EVENT, data, now)
    return order


async def horizon(uow: UnitOfWork, org_id: int) -> timedelta:
    stored = (await uow.org_settings.preferences(org_id)).get(HORIZON_SETTING)
    return timedelta(days=horizon_days(stored))


async def template_of(uow: UnitOfWork, series: Series) -> Order | None:
    if series.template_order_id is None:
        return None
    return await uow.orders.get(series.organization_id, series.template_order_id)


async def fill(uow: UnitOfWork, series: Series, org: Organization, now: datetime) -> list[Order]:
    """Orders for the series' occurrences from now to the organization's horizon that have
    none yet (an active series whose template order still exists)."""
    if series.state is not SeriesState.ACTIVE:
        return []
    template = await template_of(uow, series)
    if template is None:
        return []
    since = local_of(now, org.timezone)
    until = since + await horizon(uow, org.id)
    due = occurrences(series.rule, since, until)
    if not due:
        return []
    have = await uow.series.keys(series.id)
    made = []
    for local in due:
        if key_of(local) not in have:
            made.append(await copy_template(uow, series, template, local, org.timezone, now))
    return made


async def follow_zone(uow: UnitOfWork, org_id: int, old: str, new: str, now: datetime) -> int:
    """The organization moved to another zone: the coming visits of its series not started
    keep their wall-clock time (09:00 stays 09:00 in the new zone), also a visit moved on its
    own. Returns how many moved."""
    moved = 0
    for series in await uow.series.of_org(org_id):
        for visit in await uow.series.open_from(org_id, series.id, now):
            assert visit.scheduled_at is not None
            at = retimed(visit.scheduled_at, old, new)
            if at != visit.scheduled_at and await uow.orders.change(
                visit, now, OrderUpdate(scheduled_at=at)
            ):
                data = {"from": old, "to": new, "by": "series"}
                await uow.orders.add_event(visit, None, "series_zone", data, now)
                moved += 1
    return moved

"""Orders: creation, cards, the status machine applied, dispatch, lists and history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from core.areas import area_of
from core.audiences import LEAD_EVENTS, Audience, new_messages
from core.domain import (
    Actor,
    Order,
    OrderEvent,
    OrderStatus,
    PaymentMethod,
    Role,
    User,
)
from core.errors import DomainError
from core.listing import PAGE_SIZE, ListKind, OrderFilter, build_filter, local_day_bounds
from core.orders import (
    OrderAction,
    available_actions,
    may_view,
    require_action,
    starts_early,
)
from core.permissions import Action, allowed, contacts_cutoff, require
from core.ports import Clock, StaticMaps, UnitOfWork, UowFactory
from core.services.plans import PlanGuard
from core.views import Notice, OrderCard, OrderChange, Page, WorkerLoad, client_view

DESCRIPTION_MAX = 2000


@dataclass(frozen=True, slots=True)
class OrderDraft:
    client_id: int | None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    category_id: int | None = None
    scheduled_at: datetime | None = None
    price_minor: int | None = None
    description: str | None = None


class OrderService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        maps: StaticMaps | None = None,
        plans: PlanGuard | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._maps = maps
        self._plans = plans or PlanGuard(enforced=False)

    async def map_preview(self, card: OrderCard) -> bytes | None:
        """A small map of the order's place, for those who may see the address."""
        order = card.order
        if self._maps is None or not card.address_visible or order.latitude is None:
            return None
        if order.longitude is None:
            return None
        return await self._maps.preview(order.latitude, order.longitude)

    async def create(
        self, actor: Actor, draft: OrderDraft, uow: UnitOfWork | None = None
    ) -> Order:
        """Create in the caller's transaction when given one (the /neworder flow does)."""
        require(actor, Action.ORDER_CREATE)
        if uow is None:
            async with self._uow() as own:
                order = await self.create(actor, draft, own)
                await own.commit()
                return order
        assert actor.organization is not None
        if draft.description and len(draft.description) > DESCRIPTION_MAX:
            raise DomainError(
                "text_too_long", limit=DESCRIPTION_MAX, length=len(draft.description)
            )
        now = self._clock.now()
        await self._plans.count_order(uow, actor.organization.id, now)
        order = await uow.orders.add(
            actor.organization.id,
            now,
            created_by=actor.user.id,
            client_id=draft.client_id,
            address=draft.address,
            latitude=draft.latitude,
            longitude=draft.longitude,
            category_id=draft.category_id,
            scheduled_at=draft.scheduled_at,
            price_minor=draft.price_minor,
            description=draft.description,
        )
        await uow.orders.add_event(order, actor.user.id, "created", {"status": "new"}, now)
        return order

    async def raw(self, org_id: int, order_id: int) -> Order | None:
        """An order by id, for background work that already knows it is allowed."""
        async with self._uow() as uow:
            return await uow.orders.get(org_id, order_id)

    async def card(self, actor: Actor, order_id: int) -> OrderCard:
        async with self._uow() as uow:
            return await self._card(uow, actor, await self._get(uow, actor, order_id))

    async def by_number(self, actor: Actor, number: int) -> OrderCard:
        require(actor, Action.ORDER_WORK_OWN)
        assert actor.organization is not None
        async with self._uow() as uow:
            order = await uow.orders.by_number(actor.organization.id, number)
            if order is None or not may_view(actor, order):
                raise DomainError("order_not_found", number=number)
            return await self._card(uow, actor, order)

    async def _get(self, uow: UnitOfWork, actor: Actor, order_id: int) -> Order:
        if actor.organization is None or actor.role is None:
            raise DomainError("no_organization")
        order = await uow.orders.get(actor.organization.id, order_id)
        if order is None or not may_view(actor, order):
            raise DomainError("order_gone")
        return order

    async def _get_for(
        self, uow: UnitOfWork, actor: Actor, order_id: int, action: OrderAction
    ) -> Order:
        """A late tap on an offer that someone else took says exactly that."""
        if action is not OrderAction.TAKE or actor.organization is None:
            return await self._get(uow, actor, order_id)
        order = await uow.orders.get(actor.organization.id, order_id)
        if order is None:
            raise DomainError("order_gone")
        if order.status is not OrderStatus.NEW or order.offered_at is None:
            raise _already_taken(actor, order)
        return order

    async def _card(self, uow: UnitOfWork, actor: Actor, order: Order) -> OrderCard:
        return (await self._cards(uow, actor, [order]))[0]

    async def _cards(self, uow: UnitOfWork, actor: Actor, orders: list[Order]) -> list[OrderCard]:
        """Cards for a page of orders with a fixed number of queries, however long the page."""
        org = actor.organization
        assert org is not None
        client_ids = sorted({o.client_id for o in orders if o.client_id is not None})
        clients = {c.id: c for c in await uow.clients.many(org.id, client_ids)}
        everything = allowed(actor.role, Action.CLIENT_CONTACTS_ANY)
        cutoff = contacts_cutoff(org, self._clock.now())
        mine = (
            set() if everything else await uow.orders.served_clients(org.id, actor.user.id, cutoff)
        )
        categories = {c.id: c.name for c in await uow.categories.listing(org.id)}
        people = {
            u.id: u for u in await uow.users.many([o.assignee_id for o in orders if o.assignee_id])
        }
        files = await uow.attachments.counts_for(org.id, [o.id for o in orders])
        payments = await uow.orders.payments(org.id, [o.id for o in orders])
        sees_all = allowed(actor.role, Action.ORDER_VIEW_ALL)
        cards = []
        for o in orders:
            client = clients.get(o.client_id or -1)
            view = client_view(client, everything or client.id in mine) if client else None
            hidden = view is not None and not view.contacts_visible
            cards.append(
                OrderCard(
                    o,
                    org,
                    view,
                    categories.get(o.category_id or -1),
                    people.get(o.assignee_id or -1),
                    tuple(available_actions(actor, o)),
                    actor.user,
                    sees_history=sees_all,
                    files=files.get(o.id, {})
                    if (sees_all or o.assignee_id == actor.user.id)
                    else {},
                    payments=tuple(payments.get(o.id, ())),
                    area=area_of(o.address) if hidden and o.assignee_id is None else None,
                )
            )
        return cards

    async def early_start(self, actor: Actor, order_id: int) -> OrderCard | None:
        """The card, if starting the order now would start it before its day (to confirm)."""
        async with self._uow() as uow:
            order = await self._get(uow, actor, order_id)
            assert actor.organization is not None
            if not starts_early(order, self._clock.now(), actor.organization.timezone):
                return None
            return await self._card(uow, actor, order)

    async def act(
        self,
        actor: Actor,
        order_id: int,
        action: OrderAction,
        uow: UnitOfWork | None = None,
        **params: Any,
    ) -> OrderChange:
        """Apply one action, race-safe: a change made meanwhile by another tap or process wins
        and this one is refused with a clear reason. In the caller's transaction if given."""
        if uow is not None:
            return await self._act(uow, actor, order_id, action, params)
        async with self._uow() as own:
            change = await self._act(own, actor, order_id, action, params)
            await own.commit()
            return change

    async def _act(
        self,
        uow: UnitOfWork,
        actor: Actor,
        order_id: int,
        action: OrderAction,
        params: dict[str, Any],
    ) -> OrderChange:
        order = await self._get_for(uow, actor, order_id, action)
        target = require_action(actor, order, action)
        if action is OrderAction.DONE:
            await _check_proof_of_work(uow, actor, order)
        changes, event_data = self._changes(actor, order, action, target, params)
        if _settles(order, changes):
            changes["settled_at"] = self._clock.now()
        changed = await uow.orders.change(order, self._clock.now(), **changes)
        if changed is None:
            raise await self._lost_race(uow, actor, action, order)
        await uow.orders.add_event(
            changed, actor.user.id, action.value, event_data, self._clock.now()
        )
        card = await self._card(uow, actor, changed)
        notices = await self._notices(uow, actor, order, changed, action)
        return OrderChange(card, tuple(notices), action.value)

    async def _lost_race(
        self, uow: UnitOfWork, actor: Actor, action: OrderAction, order: Order
    ) -> DomainError:
        if action is OrderAction.TAKE:
            winner = await uow.orders.get(order.organization_id, order.id)
            return _already_taken(actor, winner or order)
        return DomainError("order_changed", number=order.number)

    def _changes(
        self,
        actor: Actor,
        order: Order,
        action: OrderAction,
        target: OrderStatus,
        params: dict[str, Any],
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        now = self._clock.now()
        changes: dict[str, Any] = {"status": target}
        data: dict[str, Any] = {"from": order.status.value, "to": target.value}
        if action is OrderAction.ASSIGN:
            changes.update(assignee_id=params["assignee_id"], offered_at=None)
            data.update(assignee_id=params["assignee_id"], previous_id=order.assignee_id)
        elif action is OrderAction.OFFER:
            changes.update(assignee_id=None, offered_at=now)
        elif action is OrderAction.TAKE:
            changes.update(assignee_id=actor.user.id, offered_at=None)
            data.update(assignee_id=actor.user.id)
        elif action is OrderAction.START:
            changes.update(started_at=now)
        elif action is OrderAction.DONE:
            changes.update(done_at=now)
        elif action is OrderAction.CANCEL:
            changes.update(cancelled_at=now)
        elif action is OrderAction.PAY:
            return self._payment(order, params, changes)
        elif action is OrderAction.RESCHEDULE:
            changes.update(scheduled_at=params["scheduled_at"])
            data = {"from": _iso(order.scheduled_at), "to": _iso(params["scheduled_at"])}
        return changes, data

    def _payment(
        self, order: Order, params: dict[str, Any], changes: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        amount, method = int(params["amount_minor"]), PaymentMethod(params["method"])
        if amount <= 0:
            raise DomainError("money_range", example="3500")
        changes.update(paid_minor=order.paid_minor + amount, payment_method=method)
        return changes, {"amount_minor": amount, "method": method.value}

    async def _notices(
        self, uow: UnitOfWork, actor: Actor, before: Order, after: Order, action: OrderAction
    ) -> list[Notice]:
        recipients = await self._recipients(uow, actor, before, after, action)
        was = before.scheduled_at if action is OrderAction.RESCHEDULE else None
        notices = []
        for user in recipients:
            viewer = await _actor_for(uow, user, actor)
            if viewer is not None and user.id != actor.user.id:
                card = await self._card(uow, viewer, after)
                notices.append(Notice(user, action.value, card, was))
        return notices

    async def _recipients(
        self, uow: UnitOfWork, actor: Actor, before: Order, after: Order, action: OrderAction
    ) -> list[User]:
        """Who gets a new message (`core.audiences`); everyone else's card is edited."""
        assert actor.organization is not None
        pool: list[int] = []
        leads: list[int] = []
        if action is OrderAction.OFFER or action.value in LEAD_EVENTS:
            for v in await uow.members.team(actor.organization.id):
                if v.membership.active and v.membership.role is Role.WORKER:
                    pool.append(v.user.id)
                elif v.membership.active and allowed(v.membership.role, Action.ORDER_ASSIGN):
                    leads.append(v.user.id)
        audience = Audience(after.assignee_id, before.assignee_id, pool, leads)
        ids = new_messages(action.value, audience, actor.user.id)
        users = [await uow.users.get(i) for i in ids]
        return [u for u in users if u is not None]

    async def workers(self, actor: Actor, order_id: int) -> list[WorkerLoad]:
        """Active workers with how many orders each has on the order's day (or today)."""
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        async with self._uow() as uow:
            order = await self._get(uow, actor, order_id)
            moment = order.scheduled_at or self._clock.now()
            start, end = local_day_bounds(moment, actor.organization.timezone)
            load = await uow.orders.load(actor.organization.id, start, end)
            team = await uow.members.team(actor.organization.id)
        workers = [
            v.user for v in team if v.membership.active and v.membership.role is Role.WORKER
        ]
        return sorted(
            (WorkerLoad(u, load.get(u.id, 0)) for u in workers),
            key=lambda w: (w.orders_today, w.user.first_name),
        )

    async def listing(self, actor: Actor, kind: ListKind, page: int = 0) -> Page[OrderCard]:
        require(actor, Action.ORDER_WORK_OWN)
        assert actor.organization is not None
        query = build_filter(actor, kind, self._clock.now())
        async with self._uow() as uow:
            total = await uow.orders.count(actor.organization.id, query)
            orders = await uow.orders.listing(
                actor.organization.id, query, PAGE_SIZE, page * PAGE_SIZE
            )
            cards = await self._cards(uow, actor, orders)
        pages = max(1, -(-total // PAGE_SIZE))
        return Page(tuple(cards), page, pages, total)

    async def offers(self, actor: Actor) -> Page[OrderCard]:
        """Orders offered to all workers and not taken yet, soonest first (a worker's /today)."""
        require(actor, Action.ORDER_WORK_OWN)
        assert actor.organization is not None
        query = OrderFilter(
            statuses=frozenset({OrderStatus.NEW}),
            unassigned=True,
            offered_or_assignee=actor.user.id,
        )
        async with self._uow() as uow:
            total = await uow.orders.count(actor.organization.id, query)
            orders = await uow.orders.listing(actor.organization.id, query, PAGE_SIZE, 0)
            cards = await self._cards(uow, actor, orders)
        return Page(tuple(cards), 0, max(1, -(-total // PAGE_SIZE)), total)

    async def history(self, actor: Actor, order_id: int) -> list[tuple[OrderEvent, User | None]]:
        require(actor, Action.ORDER_VIEW_ALL)
        async with self._uow() as uow:
            order = await self._get(uow, actor, order_id)
            events = await uow.orders.events(order.organization_id, order.id)
            return [(e, await uow.users.get(e.actor_id) if e.actor_id else None) for e in events]

    async def remember(self, card: OrderCard, chat_id: int, message_id: int, kind: str) -> None:
        async with self._uow() as uow:
            await uow.orders.remember_message(
                card.order, card.viewer_id, chat_id, message_id, kind, self._clock.now()
            )
            await uow.commit(claim_update=False)

    async def shown_in(self, card: OrderCard) -> list[tuple[int, int, int, str]]:
        async with self._uow() as uow:
            return await uow.orders.messages(card.order.organization_id, card.order.id)

    async def card_for(self, viewer_id: int, order: Order) -> tuple[User | None, OrderCard | None]:
        """The card as another member sees it: (the member, None) if they may no longer see
        it (an offer someone else took, a member who left)."""
        async with self._uow() as uow:
            user = await uow.users.get(viewer_id)
            viewer = await _actor_for(uow, user, None, order.organization_id) if user else None
            if viewer is None or not may_view(viewer, order):
                return user, None
            return user, await self._card(uow, viewer, order)


async def _actor_for(
    uow: UnitOfWork, user: User | None, like: Actor | None, org_id: int | None = None
) -> Actor | None:
    """Another member of the same organization, as an actor (for rendering what they see)."""
    if user is None:
        return None
    org_id = (
        org_id
        if org_id is not None
        else (like.organization.id if like and like.organization else None)
    )
    if org_id is None:
        return None
    membership = await uow.members.get(org_id, user.id)
    if membership is None or not membership.active:
        return None
    return Actor(user, await uow.orgs.get(org_id), membership)


def _settles(order: Order, changes: dict[str, Any]) -> bool:
    """Whether this change settles the order (done and paid in full, or cancelled): the
    moment its assignee's grace period for the client's contacts starts."""
    after = replace(
        order,
        status=changes.get("status", order.status),
        paid_minor=changes.get("paid_minor", order.paid_minor),
        price_minor=changes.get("price_minor", order.price_minor),
    )
    return after.settled and not order.settled


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def _check_proof_of_work(uow: UnitOfWork, actor: Actor, order: Order) -> None:
    """An organization may require N photos before an order can be closed."""
    assert actor.organization is not None
    required = actor.organization.photos_required
    if required <= 0:
        return
    have = (await uow.attachments.counts(order.organization_id, order.id)).get("photo", 0)
    if have < required:
        raise DomainError("photos_required", required=required, have=have, missing=required - have)


def _already_taken(actor: Actor, order: Order) -> DomainError:
    """A tap on Take for an order that is no longer on offer: the taker's own second tap is
    told the order is theirs, everyone else that someone else was quicker."""
    if order.assignee_id == actor.user.id:
        return DomainError("order_yours", number=order.number)
    return DomainError("order_taken", number=order.number)

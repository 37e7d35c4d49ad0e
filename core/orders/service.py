"""Orders: creation, cards, dispatch (who is free), lists and history. Changes to an order
(the status machine, edits) are `core.orders.changes`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from core.billing.plans import PlanGuard
from core.changes import NewOrder
from core.checklists.done import snapshot
from core.domain import Actor, Order, OrderEvent, OrderStatus, Role, User
from core.errors import DomainError
from core.orders.cards import build_card, build_cards, card_for, visible_order
from core.orders.changes import ActionParams, OrderChanges
from core.orders.listing import PAGE_SIZE, ListKind, OrderFilter, build_filter, local_day_bounds
from core.orders.rules import OrderAction, may_view, starts_early
from core.orders.times import with_trip
from core.permissions import Action, require
from core.ports import Clock, StaticMaps, UnitOfWork, UowFactory
from core.views import OrderCard, OrderChange, Page, WorkerLoad

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
        self._changes = OrderChanges(clock)

    def has_map(self, card: OrderCard) -> bool:
        """Whether a card is shown after a small map of the order's place (maps are set up,
        the place is known, and the reader may see the address)."""
        order = card.order
        located = order.latitude is not None and order.longitude is not None
        return self._maps is not None and card.address_visible and located

    async def map_of(self, latitude: float, longitude: float) -> bytes | None:
        return None if self._maps is None else await self._maps.preview(latitude, longitude)

    async def map_preview(self, card: OrderCard) -> bytes | None:
        """A small map of the order's place, for those who may see the address."""
        order = card.order
        if self._maps is None or not card.address_visible or order.latitude is None:
            return None
        if order.longitude is None:
            return None
        return await self._maps.preview(order.latitude, order.longitude)

    async def create(
        self,
        actor: Actor,
        draft: OrderDraft,
        uow: UnitOfWork | None = None,
        via: str | None = None,
    ) -> Order:
        """Create in the caller's transaction when given one (the /neworder flow does);
        `via`: made outside the chat ("api key <name>"), kept in the event."""
        require(actor, Action.ORDER_CREATE)
        if uow is None:
            async with self._uow() as own:
                order = await self.create(actor, draft, own, via)
                await own.commit()
                return order
        assert actor.organization is not None
        if draft.description and len(draft.description) > DESCRIPTION_MAX:
            raise DomainError(
                "text_too_long", limit=DESCRIPTION_MAX, length=len(draft.description)
            )
        now = self._clock.now()
        await self._plans.count_order(uow, actor.organization.id, now)
        new = NewOrder(
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
        order = await uow.orders.add(actor.organization.id, now, new)
        data: dict[str, object] = {"status": "new", **({"via": via} if via else {})}
        await uow.orders.add_event(order, actor.user.id, "created", data, now)
        if order.category_id is not None:  # the category's checklist as it is now
            order = replace(order, checklist_count=await snapshot(uow, order))
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
        return await visible_order(uow, actor, order_id)

    async def _card(self, uow: UnitOfWork, actor: Actor, order: Order) -> OrderCard:
        return await build_card(uow, self._clock, actor, order)

    async def _cards(self, uow: UnitOfWork, actor: Actor, orders: list[Order]) -> list[OrderCard]:
        return await build_cards(uow, self._clock, actor, orders)

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
        *,
        assignee_id: int | None = None,
        amount_minor: int | None = None,
        method: str | None = None,
        scheduled_at: datetime | None = None,
        field: str | None = None,
        value: object = None,
        at: datetime | None = None,
        via: str | None = None,
    ) -> OrderChange:
        """Apply one action, race-safe: a change made meanwhile by another tap or process wins
        and this one is refused with a clear reason. In the caller's transaction if given.
        The keywords are what the action needs (`ActionParams`)."""
        params = ActionParams(
            assignee_id=assignee_id,
            amount_minor=amount_minor,
            method=method,
            scheduled_at=scheduled_at,
            field=field,
            value=value,
            at=at,
            via=via,
        )
        if uow is not None:
            return await self._changes.act(uow, actor, order_id, action, params)
        async with self._uow() as own:
            change = await self._changes.act(own, actor, order_id, action, params)
            await own.commit()
            return change

    async def workers(self, actor: Actor, order_id: int) -> list[WorkerLoad]:
        """Active workers with how many orders each has on the order's day (or today)."""
        require(actor, Action.ORDER_ASSIGN)
        async with self._uow() as uow:
            order = await self._get(uow, actor, order_id)
            return await self.loads(uow, actor, order.scheduled_at)

    async def loads(
        self, uow: UnitOfWork, actor: Actor, moment: datetime | None
    ) -> list[WorkerLoad]:
        """Active workers, least busy first, with their orders on the day of `moment` (or
        today): whom to assign to."""
        require(actor, Action.ORDER_ASSIGN)
        assert actor.organization is not None
        day = moment or self._clock.now()
        start, end = local_day_bounds(day, actor.organization.timezone)
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
            trip = await uow.client_loop.trip(order.organization_id, order.id)  # "On my way"
            if trip is not None:
                events = with_trip(events, trip.created_at, trip.worker_id)
            return [(e, await uow.users.get(e.actor_id) if e.actor_id else None) for e in events]

    async def remember_sent(
        self, drawn: tuple[int, int, int], shown: tuple[int, int, int, str]
    ) -> Order | None:
        """A card of an order (organization, order, version) was sent as a message (viewer,
        chat, message, kind): later changes edit it. The order as it is now if it changed
        since the card was drawn (the message should catch up), else None (also: gone)."""
        async with self._uow() as uow:
            now = self._clock.now()
            if await uow.orders.remember_drawn(drawn, shown, now):
                await uow.commit()
                return None
            order = await uow.orders.get(drawn[0], drawn[1])
            if order is None:
                return None
            viewer_id, chat_id, message_id, kind = shown
            await uow.orders.remember_message(order, viewer_id, chat_id, message_id, kind, now)
            await uow.commit()
            return order

    async def card_for(self, viewer_id: int, order: Order) -> tuple[User | None, OrderCard | None]:
        """The card as another member sees it: (the member, None) if they may no longer see
        it (an offer someone else took, a member who left)."""
        async with self._uow() as uow:
            return await card_for(uow, self._clock, viewer_id, order)

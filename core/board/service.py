"""The board's use cases. Reads build the bot's own order cards (core/orders/cards.py) and
turn them into board cards; a drop on the week calendar is the bot's assign and reschedule
(`OrderService.act`: the same permission checks, history and race rules), refused first when
the worker has another order then or is away that day (docs/availability.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.availability.rules import away_on, clashes, day_bounds, local_day, visit_length
from core.board.model import (
    MAX_ORDERS,
    SEARCH_MAX,
    BoardCard,
    BoardView,
    Changes,
    Person,
    board_card,
)
from core.clients.search import matches, parse_query
from core.domain import Actor, Order, Organization, Role
from core.errors import DomainError
from core.orders.cards import build_cards
from core.orders.listing import OrderFilter
from core.orders.rules import OrderAction
from core.orders.service import OrderService
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory
from core.views import OrderChange

CHANGES_MAX = 500  # order events read per catch-up or live batch


def _org(actor: Actor) -> Organization:
    require(actor, Action.BOARD_VIEW)
    assert actor.organization is not None
    return actor.organization


class BoardService:
    def __init__(self, uow: UowFactory, clock: Clock, orders: OrderService) -> None:
        self._uow = uow
        self._clock = clock
        self._orders = orders

    async def view(
        self,
        actor: Actor,
        first: date | None,
        days: int = 1,
        worker_id: int | None = None,
        category_id: int | None = None,
        search: str = "",
    ) -> BoardView:
        """`days` local days from `first` (None: today), optionally one worker's, one kind of
        work's, or those of clients matching `search` (the bot's client search rule)."""
        org = _org(actor)
        start_day = first or local_day(self._clock.now(), org.timezone)
        last_day = start_day + timedelta(days=days - 1)
        start, end = day_bounds(start_day, last_day, org.timezone)
        async with self._uow() as uow:
            cursor = await uow.board.cursor(org.id)  # first: a later change comes live
            query = OrderFilter(start=start, end=end, assignee_id=worker_id)
            orders = await uow.orders.listing(org.id, query, MAX_ORDERS, 0)
            if category_id is not None:
                orders = [o for o in orders if o.category_id == category_id]
            cards = await self._cards(uow, actor, orders)
            team = [v for v in await uow.members.team(org.id) if v.membership.active]
            workers = tuple(
                Person(v.user.id, v.user.display_name)
                for v in team
                if v.membership.role is Role.WORKER
            )
            categories = tuple(Person(c.id, c.name) for c in await uow.categories.listing(org.id))
            ids = [w.id for w in workers]
            absences = await uow.availability.absences(org.id, ids, start_day, last_day)
            length = visit_length(await uow.org_settings.preferences(org.id))
        if search.strip():
            wanted = parse_query(search[:SEARCH_MAX])
            cards = [c for c in cards if c.client and matches(wanted, c.client, _phones(c))]
        return BoardView(
            zone=org.timezone,
            currency=org.currency,
            days=tuple(start_day + timedelta(days=n) for n in range(days)),
            visit_minutes=int(length.total_seconds() // 60),
            workers=tuple(sorted(workers, key=lambda w: (w.name.casefold(), w.id))),
            categories=categories,
            cards=tuple(cards),
            absences=tuple(absences),
            cursor=cursor,
        )

    async def changes(self, actor: Actor, after: int) -> Changes:
        """The organization's orders changed after the cursor `after`, as cards now."""
        org = _org(actor)
        async with self._uow() as uow:
            found = await uow.board.changed(org.id, after, CHANGES_MAX)
            if not found:
                return Changes(after, ())
            ids = sorted({order_id for _, _, order_id in found})
            cards = await self._cards(uow, actor, await uow.board.orders(org.id, ids))
        return Changes(max(event_id for event_id, _, _ in found), tuple(cards))

    async def feed(self, after: int | None) -> tuple[int, list[tuple[int, int, int]]]:
        """For the live feed of every organization (not a use case: no actor): the order
        events after `after` (None: where the feed starts, the last one now) and the last
        event id read."""
        async with self._uow() as uow:
            if after is None:
                return await uow.board.cursor(None), []
            found = await uow.board.changed(None, after, CHANGES_MAX)
        return (found[-1][0] if found else after), found

    async def cards(self, actor: Actor, order_ids: list[int]) -> list[BoardCard]:
        org = _org(actor)
        async with self._uow() as uow:
            return await self._cards(uow, actor, await uow.board.orders(org.id, order_ids))

    async def move(
        self, actor: Actor, order_id: int, worker_id: int | None, at: datetime | None, via: str
    ) -> tuple[list[OrderChange], datetime | None]:
        """A drop: to another worker (assign) and/or another time (reschedule), in the
        caller's unit of work; a clash with the worker's other orders or their absence that
        day refuses it with the reason. Returns the changes and the time it had before."""
        org = _org(actor)
        require(actor, Action.ORDER_ASSIGN)
        changes: list[OrderChange] = []
        async with self._uow() as uow:
            order = await uow.orders.get(org.id, order_id)
            if order is None:
                raise DomainError("not_found")
            worker = worker_id if worker_id is not None else order.assignee_id
            moment = at if at is not None else order.scheduled_at
            if worker is not None and moment is not None:
                await _check_free(uow, org, order, worker, moment)
            if at is not None and at != order.scheduled_at:
                changes.append(
                    await self._orders.act(
                        actor, order_id, OrderAction.RESCHEDULE, uow, scheduled_at=at, via=via
                    )
                )
            if worker_id is not None and worker_id != order.assignee_id:
                changes.append(
                    await self._orders.act(
                        actor, order_id, OrderAction.ASSIGN, uow, assignee_id=worker_id, via=via
                    )
                )
            await uow.commit()
        return changes, order.scheduled_at

    async def _cards(self, uow: UnitOfWork, actor: Actor, orders: list[Order]) -> list[BoardCard]:
        assert actor.organization is not None
        cards = await build_cards(uow, self._clock, actor, orders)
        moving = await uow.board.on_the_way(actor.organization.id, [o.id for o in orders])
        now = self._clock.now()
        return [board_card(c, c.order.id in moving, now) for c in cards]


def _phones(card: BoardCard) -> list[str]:
    return [card.phone] if card.phone else []


async def _check_free(
    uow: UnitOfWork, org: Organization, order: Order, worker_id: int, moment: datetime
) -> None:
    worker = await uow.users.get(worker_id)
    if worker is None:
        raise DomainError("not_found")
    length = visit_length(await uow.org_settings.preferences(org.id))
    day = local_day(moment, org.timezone)
    if away_on(await uow.availability.absences(org.id, [worker_id], day, day), day):
        raise DomainError("board_away", name=worker.display_name)
    others = await uow.availability.assigned_between(
        org.id, worker_id, moment - length, moment + length
    )
    for other in others:
        if (
            other.id != order.id
            and other.scheduled_at
            and clashes(moment, length, [other.scheduled_at])
        ):
            local = other.scheduled_at.astimezone(ZoneInfo(org.timezone))
            raise DomainError(
                "board_clash",
                name=worker.display_name,
                number=other.number,
                time=local.strftime("%H:%M"),
            )

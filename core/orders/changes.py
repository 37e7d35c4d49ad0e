"""Changing an order: one action of the status machine applied race-safe (assign, take, start,
finish, pay, cancel, reschedule, edit a detail), recorded as an event with what it was before,
and whom the change concerns told (`core.orders.audiences`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from core.changes import OrderUpdate, kept
from core.checklists.done import require_complete, snapshot
from core.client_loop.providers import CHANNEL_SECRETS
from core.client_loop.ratings import after_settled
from core.domain import Actor, Order, OrderStatus, PaymentMethod, Role
from core.errors import DomainError
from core.invoices.issue import issue_on_done
from core.orders.audiences import LEAD_EVENTS, Audience, new_messages
from core.orders.cards import build_card, draw, load_facts, member, visible_order
from core.orders.edits import Field, FieldEdit, columns, edited, require_editable, shown
from core.orders.edits import unchanged as edit_unchanged
from core.orders.rules import OrderAction, may_view, require_action
from core.orders.times import acted_at, event_data
from core.permissions import Action, allowed
from core.ports import Clock, UnitOfWork
from core.views import Notice, OrderChange, ShownCard

Changes = tuple[OrderUpdate, dict[str, Any]]
T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionParams:
    """What an action needs besides the order: whom to assign (ASSIGN), the payment (PAY),
    the new time (RESCHEDULE; None: not scheduled), the detail and its value (EDIT)."""

    assignee_id: int | None = None
    amount_minor: int | None = None
    method: str | None = None
    scheduled_at: datetime | None = None
    field: str | None = None
    value: object = None
    at: datetime | None = None  # START, DONE: when the worker acted (`core.orders.times`)
    via: str | None = None  # made outside the chat: "api key <name>", kept in the event


def _given(value: T | None, name: str) -> T:
    if value is None:
        raise ValueError(f"this action needs {name}")
    return value


class OrderChanges:
    """Applies actions in the caller's unit of work (`OrderService.act` opens one)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def act(
        self,
        uow: UnitOfWork,
        actor: Actor,
        order_id: int,
        action: OrderAction,
        params: ActionParams,
    ) -> OrderChange:
        order = await self._get_for(uow, actor, order_id, action)
        target = require_action(actor, order, action)
        await _preconditions(uow, actor, order, action, params)
        edit = None
        if action is OrderAction.EDIT:
            (changes, event_data), edit = await _edit(uow, order, params)
        else:
            changes, event_data = self._changes(actor, order, action, target, params)
        if _settles(order, changes):
            changes = replace(changes, settled_at=self._clock.now())
        changed = await uow.orders.change(order, self._clock.now(), changes)
        if changed is None:
            raise await _lost_race(uow, actor, action, order)
        data = {**event_data, "via": params.via} if params.via else event_data
        await uow.orders.add_event(changed, actor.user.id, action.value, data, self._clock.now())
        await after_settled(uow, self._clock.now(), order, changed)  # the client's rating
        assert actor.organization is not None
        await issue_on_done(uow, self._clock.now(), actor.organization.timezone, order, changed)
        if changed.category_id != order.category_id:  # the new category's checklist
            changed = replace(changed, checklist_count=await snapshot(uow, changed))
        return await self.drawn(uow, actor, order, changed, action, edit)

    async def _get_for(
        self, uow: UnitOfWork, actor: Actor, order_id: int, action: OrderAction
    ) -> Order:
        """A late tap on an offer that someone else took says exactly that."""
        if action is not OrderAction.TAKE or actor.organization is None:
            return await visible_order(uow, actor, order_id)
        order = await uow.orders.get(actor.organization.id, order_id)
        if order is None:
            raise DomainError("order_gone")
        if order.status is not OrderStatus.NEW or order.offered_at is None:
            raise already_taken(actor, order)
        return order

    def _changes(
        self,
        actor: Actor,
        order: Order,
        action: OrderAction,
        target: OrderStatus,
        params: ActionParams,
    ) -> Changes:
        now = self._clock.now()
        changes = OrderUpdate(status=target)
        data: dict[str, Any] = {"from": order.status.value, "to": target.value}
        if action is OrderAction.ASSIGN:
            assignee_id = _given(params.assignee_id, "assignee_id")
            changes = replace(changes, assignee_id=assignee_id, offered_at=None)
            data.update(assignee_id=assignee_id, previous_id=order.assignee_id)
        elif action is OrderAction.OFFER:
            changes = replace(changes, assignee_id=None, offered_at=now)
        elif action is OrderAction.TAKE:
            changes = replace(changes, assignee_id=actor.user.id, offered_at=None)
            data.update(assignee_id=actor.user.id)
        elif action in (OrderAction.START, OrderAction.DONE):
            at = acted_at(params.at, now)  # its own time, if it reached us late
            if action is OrderAction.START:
                changes = replace(changes, started_at=at)
            else:
                changes = replace(changes, done_at=at)
            data.update(event_data(at, now))
        elif action is OrderAction.CANCEL:
            changes = replace(changes, cancelled_at=now)
        elif action is OrderAction.PAY:
            return _payment(order, params, changes)
        elif action is OrderAction.RESCHEDULE:
            changes = replace(changes, scheduled_at=params.scheduled_at)
            data = {"from": _iso(order.scheduled_at), "to": _iso(params.scheduled_at)}
        return changes, data

    async def drawn(
        self,
        uow: UnitOfWork,
        actor: Actor,
        before: Order,
        after: Order,
        action: OrderAction | str,
        edit: FieldEdit | None = None,
    ) -> OrderChange:
        """The change with every card it calls for, each drawn once: the actor's, those of the
        new messages it sends (`core.orders.audiences`) and those of the messages showing the
        order; the people in one statement, what the cards show in another. `action`: an
        action, or the event of a change made elsewhere (a line added, `core.catalogue`)."""
        org = actor.organization
        assert org is not None
        event = str(action.value if isinstance(action, OrderAction) else action)
        told = await _recipients(uow, actor, before, after, event)
        wanted = [*told, *([after.assignee_id] if after.assignee_id is not None else [])]
        found = await uow.orders.people(org.id, wanted, shown=after.id)
        viewers = {actor.user.id: actor}
        for user_id in [*told, *(m.viewer_id for m in found.messages)]:
            viewer = member(org, found.people.get(user_id))
            if viewer is not None:
                viewers.setdefault(user_id, viewer)
        now = self._clock.now()
        facts = await load_facts(uow, org, now, [after], viewers.values())
        people = {user_id: user for user_id, (user, _) in found.people.items()}
        cards = {i: draw(v, after, facts, people, now) for i, v in viewers.items()}
        was = before.scheduled_at if action is OrderAction.RESCHEDULE else None
        notices = tuple(
            Notice(found.people[i][0], event, cards[i], was, edit)
            for i in told
            if i in cards and i != actor.user.id
        )
        showing = tuple(
            ShownCard(
                m.chat_id,
                m.message_id,
                found.people[m.viewer_id][0],
                cards.get(m.viewer_id) if _sees(viewers.get(m.viewer_id), after) else None,
            )
            for m in found.messages
        )
        return OrderChange(cards[actor.user.id], notices, event, showing)


async def booked(
    uow: UnitOfWork, clock: Clock, actor: Actor, order: Order, assigned: OrderChange | None
) -> OrderChange | None:
    """What is announced of a new order: the assignment to its assignee and, when its client
    may hear of it (linked in Telegram, or the organization sends SMS or e-mail), the booking
    to the client (the change's event says "created", `core.orders.audiences.CLIENT_EVENTS`;
    `core.client_loop.confirm` decides whether and how). One statement decides; an order of a
    client who cannot hear announces only the assignment."""
    if order.client_id is None or order.scheduled_at is None:
        return assigned
    org_id, client_id = order.organization_id, order.client_id
    if not await uow.client_loop.may_hear(org_id, client_id, CHANNEL_SECRETS):
        return assigned
    if assigned is not None:
        return replace(assigned, event="created")
    card = await build_card(uow, clock, actor, order)
    return OrderChange(card, (), "created")


def _sees(viewer: Actor | None, order: Order) -> bool:
    return viewer is not None and may_view(viewer, order)


async def _edit(uow: UnitOfWork, order: Order, params: ActionParams) -> tuple[Changes, FieldEdit]:
    """One detail changed: the columns, the event (old and new value) and the edit as told."""
    field = Field(_given(params.field, "field"))
    require_editable(order, field)
    changes = columns(field, params.value)
    if edit_unchanged(order, changes):
        raise DomainError("order_unchanged", number=order.number)
    after = edited(order, changes)
    before_value, after_value = shown(order, field), shown(after, field)
    data: dict[str, Any] = {"field": field.value}
    if field is Field.CATEGORY:
        names = {c.id: c.name for c in await uow.categories.listing(order.organization_id)}
        if after.category_id is not None and after.category_id not in names:
            raise DomainError("not_found")
        data.update(from_id=order.category_id, to_id=after.category_id)
        before_value = names.get(order.category_id or -1)
        after_value = names.get(after.category_id or -1)
    data.update({"from": before_value, "to": after_value})
    return (changes, data), FieldEdit(field, before_value, after_value)


def _payment(order: Order, params: ActionParams, changes: OrderUpdate) -> Changes:
    amount = int(_given(params.amount_minor, "amount_minor"))
    method = PaymentMethod(_given(params.method, "method"))
    if amount <= 0:
        raise DomainError("money_range", example="3500")
    paid = replace(changes, paid_minor=order.paid_minor + amount, payment_method=method)
    return paid, {"amount_minor": amount, "method": method.value}


async def _recipients(
    uow: UnitOfWork, actor: Actor, before: Order, after: Order, event: str
) -> list[int]:
    """Who gets a new message (`core.orders.audiences`), by user id; everyone else's card is
    edited."""
    assert actor.organization is not None
    pool: list[int] = []
    leads: list[int] = []
    if event == OrderAction.OFFER.value or event in LEAD_EVENTS:
        for v in await uow.members.team(actor.organization.id):
            if v.membership.active and v.membership.role is Role.WORKER:
                pool.append(v.user.id)
            elif v.membership.active and allowed(v.membership.role, Action.ORDER_ASSIGN):
                leads.append(v.user.id)
    audience = Audience(after.assignee_id, before.assignee_id, pool, leads)
    return list(new_messages(event, audience, actor.user.id))


async def _lost_race(
    uow: UnitOfWork, actor: Actor, action: OrderAction, order: Order
) -> DomainError:
    if action is OrderAction.TAKE:
        winner = await uow.orders.get(order.organization_id, order.id)
        return already_taken(actor, winner or order)
    return DomainError("order_changed", number=order.number)


def _settles(order: Order, changes: OrderUpdate) -> bool:
    """Whether this change settles the order (done and paid in full, or cancelled): the
    moment its assignee's grace period for the client's contacts starts."""
    after = replace(
        order,
        status=kept(changes.status, order.status),
        paid_minor=kept(changes.paid_minor, order.paid_minor),
        price_minor=kept(changes.price_minor, order.price_minor),
    )
    return after.settled and not order.settled


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def _preconditions(
    uow: UnitOfWork, actor: Actor, order: Order, action: OrderAction, params: ActionParams
) -> None:
    if action is OrderAction.DONE:
        if order.approval_minor is not None:  # a total changed on site (`core.catalogue`)
            code = "approval_declined" if order.approval_declined_at else "approval_pending"
            raise DomainError(code, number=order.number)
        await require_complete(uow, actor, order)  # checklist and photos (core/checklists)
    if action is OrderAction.ASSIGN:
        assignee_id = int(_given(params.assignee_id, "assignee_id"))
        membership = await uow.members.get(order.organization_id, assignee_id)
        if membership is None or not membership.active:
            raise DomainError("not_found")  # only an active member can be given an order


def already_taken(actor: Actor, order: Order) -> DomainError:
    """A tap on Take for an order that is no longer on offer: the taker's own second tap is
    told the order is theirs, everyone else that someone else was quicker."""
    if order.assignee_id == actor.user.id:
        return DomainError("order_yours", number=order.number)
    return DomainError("order_taken", number=order.number)

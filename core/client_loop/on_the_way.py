""" "On my way" (issue 19, item 6): the assignee tells the client they are coming, with an ETA.

The assignee taps "On my way" on the card of an order of today that has not started
(`offer`: only the assignee; the client must be reachable and the kind on); a trip is opened
and the worker is asked for a live location or a time (15 / 30 / 60 min). The first location
or the picked time tells the client ONCE (`Step.TELL`: the handler renders and queues it, then
`told` records by which channel). As a Telegram live location moves, the client's Telegram
message is edited (`Step.EDIT`) at most once per `EDIT_EVERY`; the position is stored on every
update, so the edit shows the latest. SMS and e-mail clients get the first message only.
Within 150 m of the order's point, or when the worker taps Start, the trip arrives
(`Step.ARRIVE`): the client gets "arrived" in Telegram, and by SMS or e-mail only if the
organization turned `arrived_elsewhere` on. The worker's position is cleared on arrival.

Everything runs in the update's unit of work, so a redelivered update (refused by the ledger)
or a rolled-back one changes nothing and sends nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.client_loop.confirm import ClientDraft, ClientOrderMessages
from core.client_loop.eta import MANUAL_MINUTES, Point, Routing, arrived, eta_minutes
from core.client_loop.model import Channel, MessageKind
from core.client_loop.trips import Trip
from core.domain import Actor, Order, OrderStatus
from core.errors import DomainError
from core.orders.times import acted_at
from core.ownbot.routing import message_of
from core.permissions import require_writable
from core.ports import Clock, UowFactory

EDIT_EVERY = timedelta(seconds=60)  # Telegram allows far more; a client needs no more


class Refusal(enum.StrEnum):
    NOT_TODAY = "not_today"  # only an order of today
    NOT_OPEN = "not_open"  # started, done or cancelled
    UNREACHABLE = "unreachable"  # no channel to the client, or the kind is off
    NO_POINT = "no_point"  # a location, but the order's address has no coordinates
    ARRIVED = "arrived"  # this trip already arrived


class StepKind(enum.StrEnum):
    ASK = "ask"  # the trip is open: ask for a live location or a time
    TELL = "tell"  # the client's one message: render `draft` with `eta_minutes` and queue it
    EDIT = "edit"  # Telegram: edit the client's message to `eta_minutes` (`trip.edits`)
    ARRIVE = "arrive"  # arrived: queue `draft` ("arrived") when there is one
    KEEP = "keep"  # the position is kept; nothing to send now
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    order_number: int = 0
    refusal: Refusal | None = None
    trip: Trip | None = None
    draft: ClientDraft | None = None
    eta_minutes: int | None = None


def draft_json(draft: ClientDraft) -> dict[str, object]:
    """What renders the client's message again with a new ETA (kept on the trip)."""
    return {
        "kind": draft.kind.value,
        "language": draft.language,
        "template": draft.template,
        "values": dict(draft.values),
    }


def is_today(order: Order, zone: str, now: datetime) -> bool:
    if order.scheduled_at is None:
        return False
    tz = ZoneInfo(zone)
    return order.scheduled_at.astimezone(tz).date() == now.astimezone(tz).date()


def point_of(order: Order) -> Point | None:
    if order.latitude is None or order.longitude is None:
        return None
    return Point(order.latitude, order.longitude)


class OnTheWayService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        messages: ClientOrderMessages,
        routing: Routing | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._messages = messages
        self._routing = routing

    async def offer(self, actor: Actor, order_id: int, default_language: str) -> Step:
        """The assignee tapped "On my way": open the trip (once) and ask how to tell the ETA."""
        order, trip, refused = await self._open(actor, order_id, default_language)
        if refused is not None:
            return refused
        return Step(StepKind.ASK, order.number, trip=trip)

    async def pick(self, actor: Actor, order_id: int, minutes: int, default_language: str) -> Step:
        """The assignee picked an ETA without a live location."""
        if minutes not in MANUAL_MINUTES:
            raise DomainError("choose_option")
        order, trip, refused = await self._open(actor, order_id, default_language)
        if refused is not None:
            return refused
        assert trip is not None
        return await self._eta(order, trip, minutes, default_language, throttle=False)

    async def moved(
        self, user_id: int, position: Point, default_language: str, at: datetime | None = None
    ) -> Step | None:
        """A location of the worker (a live location's first message or an update); None:
        they have no trip under way. `at`: the message's own time (arrived then if within
        reach, however late it came; `core.orders.times`)."""
        async with self._uow() as uow:
            trip = await uow.client_loop.active_trip(user_id)
            if trip is None:
                return None
            order = await uow.orders.get(trip.organization_id, trip.order_id)
            if order is None or order.assignee_id != user_id or not order.open:
                return None
            now = self._clock.now()
            await uow.client_loop.change_trip(
                trip.organization_id, trip.order_id,
                {"latitude": position.latitude, "longitude": position.longitude,
                 "position_at": now},
            )  # fmt: skip
            await uow.commit()
        trip = replace(trip, position=position, position_at=now)
        if order.status is not OrderStatus.ASSIGNED:
            return Step(StepKind.KEEP, order.number, trip=trip)
        destination = point_of(order)
        if destination is None:
            kind = StepKind.KEEP if trip.told else StepKind.REFUSED
            return Step(kind, order.number, Refusal.NO_POINT, trip)
        if arrived(position, destination):
            return await self._arrive(order, trip, default_language, at)
        if trip.told and not self._edit_due(trip):
            return Step(StepKind.KEEP, order.number, trip=trip)
        async with self._uow() as uow:
            settings = await uow.client_loop.settings(order.organization_id)
        minutes = await eta_minutes(
            position, destination, settings.eta_detour, settings.eta_speed_kmh, self._routing
        )
        return await self._eta(order, trip, minutes, default_language, throttle=True)

    async def told(self, trip: Trip, draft: ClientDraft, minutes: int, log_id: int | None) -> None:
        """The handler queued the client's message (`log_id`: its log entry, Telegram only)."""
        async with self._uow() as uow:
            await uow.client_loop.change_trip(
                trip.organization_id, trip.order_id,
                {"channel": draft.channels[0].value, "message_id": log_id,
                 "chat_id": draft.chat_id, "draft": draft_json(draft), "eta_minutes": minutes,
                 "edited_at": self._clock.now()},
            )  # fmt: skip
            await uow.commit()

    async def started(
        self, order: Order, default_language: str, at: datetime | None = None
    ) -> Step | None:
        """The assignee tapped Start (`at`: its own time): a trip under way arrives (None: there
        was none). An order without a time never has a trip (trips are for today's orders)."""
        if order.scheduled_at is None or order.client_id is None:
            return None
        async with self._uow() as uow:
            trip = await uow.client_loop.trip(order.organization_id, order.id)
        if trip is None or trip.arrived_at is not None:
            return None
        return await self._arrive(order, trip, default_language, at)

    async def live_target(self, org_id: int, order_id: int, edit: int) -> tuple[int, int] | None:
        """The bot (its number) and the Telegram message id an edit of the client's message
        goes to, when sent; None: a later edit superseded it, the trip arrived, or the first
        message is not sent."""
        async with self._uow() as uow:
            trip = await uow.client_loop.trip(org_id, order_id)
            if trip is None or trip.edits != edit or trip.message_id is None:
                return None
            if trip.arrived_at is not None:
                return None
            logged = await uow.client_loop.message(org_id, trip.message_id)
        return message_of(logged.provider_id) if logged is not None else None

    def _edit_due(self, trip: Trip) -> bool:
        if trip.channel is not Channel.TELEGRAM:
            return False  # SMS and e-mail: the first message only
        last = trip.edited_at
        return last is None or self._clock.now() - last >= EDIT_EVERY

    async def _open(
        self, actor: Actor, order_id: int, default_language: str
    ) -> tuple[Order, Trip | None, Step | None]:
        """The order, its trip (opened now if none) or the refusal; `order_gone` for anyone
        but the assignee (a forged button included)."""
        org = actor.organization
        if org is None:
            raise DomainError("order_gone")
        async with self._uow() as uow:
            order = await uow.orders.get(org.id, order_id)
            if order is None or order.assignee_id != actor.user.id:
                raise DomainError("order_gone")
            require_writable(actor)
            refusal = _refusal(order, org.timezone, self._clock.now())
            trip = await uow.client_loop.trip(org.id, order_id)
            if trip is not None and trip.arrived_at is not None:
                refusal = Refusal.ARRIVED
            if refusal is not None:
                return order, trip, Step(StepKind.REFUSED, order.number, refusal, trip)
        if trip is None:
            draft = await self._messages.kind_message(
                order, MessageKind.ON_MY_WAY, default_language
            )
            if draft is None:
                return order, None, Step(StepKind.REFUSED, order.number, Refusal.UNREACHABLE)
            async with self._uow() as uow:
                assert order.client_id is not None
                trip = await uow.client_loop.add_trip(
                    org.id, order.id, actor.user.id, order.client_id, self._clock.now()
                )
                await uow.commit()
        return order, trip, None

    async def _eta(
        self, order: Order, trip: Trip, minutes: int, default_language: str, throttle: bool
    ) -> Step:
        if not trip.told:
            draft = await self._messages.kind_message(
                order, MessageKind.ON_MY_WAY, default_language
            )
            if draft is None:
                return Step(StepKind.REFUSED, order.number, Refusal.UNREACHABLE, trip)
            return Step(StepKind.TELL, order.number, trip=trip, draft=draft, eta_minutes=minutes)
        if trip.channel is not Channel.TELEGRAM or (throttle and not self._edit_due(trip)):
            return Step(StepKind.KEEP, order.number, trip=trip, eta_minutes=trip.eta_minutes)
        edits = trip.edits + 1
        now = self._clock.now()
        async with self._uow() as uow:
            await uow.client_loop.change_trip(
                trip.organization_id, trip.order_id,
                {"edits": edits, "edited_at": now, "eta_minutes": minutes},
            )  # fmt: skip
            await uow.commit()
        trip = replace(trip, edits=edits, edited_at=now, eta_minutes=minutes)
        return Step(StepKind.EDIT, order.number, trip=trip, eta_minutes=minutes)

    async def _arrive(
        self, order: Order, trip: Trip, default_language: str, at: datetime | None
    ) -> Step:
        async with self._uow() as uow:
            now = acted_at(at, self._clock.now())  # the location's or the Start's own time
            await uow.client_loop.change_trip(
                trip.organization_id, trip.order_id,
                {"arrived_at": now, "latitude": None, "longitude": None},
            )  # fmt: skip
            settings = await uow.client_loop.settings(order.organization_id)
            await uow.commit()
        trip = replace(trip, arrived_at=now, position=None)
        draft = None
        elsewhere = trip.channel is not Channel.TELEGRAM and not settings.arrived_elsewhere
        if trip.told and not elsewhere:
            draft = await self._messages.kind_message(order, MessageKind.ARRIVED, default_language)
        return Step(StepKind.ARRIVE, order.number, trip=trip, draft=draft)


def _refusal(order: Order, zone: str, now: datetime) -> Refusal | None:
    if order.status is not OrderStatus.ASSIGNED:
        return Refusal.NOT_OPEN
    if not is_today(order, zone, now):
        return Refusal.NOT_TODAY
    return None

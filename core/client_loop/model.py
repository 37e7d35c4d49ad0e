"""The client loop's records: links of clients to Telegram, invitations, consent events, the
client message log, client page tokens, per-organization settings and templates."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class MessageKind(enum.StrEnum):
    CONFIRMATION = "confirmation"
    REMINDER = "reminder"
    REMINDER_2H = "reminder_2h"
    ON_MY_WAY = "on_my_way"
    ARRIVED = "arrived"
    DONE = "done"
    PAYMENT_LINK = "payment_link"
    RECEIPT = "receipt"
    RATING_REQUEST = "rating_request"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"
    TOTAL_CHANGED = "total_changed"  # a line added on site (core/catalogue)
    INVOICE = "invoice"  # the invoice and service report PDFs after Done (core/invoices)
    STAFF_MESSAGE = "staff_message"
    QUOTE = "quote"  # a quote sent to the client (core/quotes)
    QUOTE_REMINDER = "quote_reminder"  # its one reminder
    SERIES_CHANGED = "series_changed"  # visits of a recurring series cancelled or moved
    CLIENT_MESSAGE = "client_message"  # what a client wrote to the organization (inbound)


class Channel(enum.StrEnum):
    TELEGRAM = "telegram"
    SMS = "sms"
    EMAIL = "email"
    PAGE = "page"  # what the client did on the order's page (`/c/<token>`): incoming only


class Purpose(enum.StrEnum):
    """What a consent covers: order messages, or news and offers."""

    TRANSACTIONAL = "transactional"
    MARKETING = "marketing"


class ConsentAction(enum.StrEnum):
    GRANTED = "granted"  # the client said yes (Telegram, or an explicit opt-in)
    WITHDRAWN = "withdrawn"  # /stop, STOP, an unsubscribe link, or a "no"
    BASIS = "basis"  # a manager recorded the legal basis for SMS or e-mail


class Direction(enum.StrEnum):
    OUT = "out"
    IN = "in"


class DeliveryStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ClientLink:
    """A client of one organization reachable in Telegram as one person (`user_id`)."""

    id: int
    organization_id: int
    client_id: int
    user_id: int
    transactional_at: datetime | None
    marketing_at: datetime | None
    linked_at: datetime


@dataclass(frozen=True, slots=True)
class ClientInvite:
    id: int
    organization_id: int
    client_id: int
    order_id: int | None
    created_by: int | None
    expires_at: datetime
    used_at: datetime | None
    used_by: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    id: int
    organization_id: int
    client_id: int
    channel: Channel
    purpose: Purpose
    action: ConsentAction
    recorded_by: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewClientMessage:
    client_id: int
    direction: Direction
    kind: MessageKind
    channel: Channel
    body: str
    order_id: int | None = None
    author_id: int | None = None
    status: DeliveryStatus = DeliveryStatus.QUEUED
    provider_id: str | None = None


@dataclass(frozen=True, slots=True)
class ClientMessage:
    id: int
    organization_id: int
    client_id: int
    order_id: int | None
    direction: Direction
    kind: MessageKind
    channel: Channel
    status: DeliveryStatus
    provider_id: str | None
    body: str
    author_id: int | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None = None
    delivered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PageToken:
    id: int
    organization_id: int
    client_id: int
    order_id: int
    expires_at: datetime
    created_at: datetime


OFF_CHANNELS = (Channel.SMS, Channel.EMAIL)  # what an organization may turn off per kind


@dataclass(frozen=True, slots=True)
class ClientLoopSettings:
    """Which client messages an organization sends and when. `disabled` lists the kinds
    turned off (a kind added later is on); the 2-hour reminder is off unless asked for."""

    disabled: frozenset[MessageKind] = frozenset()
    reminder_at: str = "18:00"  # the day before, on the organization's wall clock
    reminder_2h: bool = False
    quiet_hours: bool = True  # no SMS 21:00-09:00 in the organization's zone
    rating_delay_minutes: int = 120
    show_prices: bool = True
    send_photos: bool = False
    relay_to_assignee: bool = False
    # "On my way" (core/client_loop/eta.py): the straight-line ETA's detour factor and average
    # speed, and whether clients by SMS or e-mail also get "arrived" (Telegram ones always do).
    eta_detour: float = 1.4
    eta_speed_kmh: int = 25
    arrived_elsewhere: bool = False
    # A total changed on site (a line added) waits for the client's approval before Done.
    approve_total: bool = False
    # SMS and e-mail turned off for a kind (no "on my way" by SMS); Telegram is not: a linked
    # client chose it. Stored with `disabled` as "kind:channel".
    channels_off: frozenset[tuple[MessageKind, Channel]] = frozenset()

    def sends(self, kind: MessageKind) -> bool:
        if kind in self.disabled:
            return False
        return kind is not MessageKind.REMINDER_2H or self.reminder_2h

    def route(self, kind: MessageKind, channels: tuple[Channel, ...]) -> tuple[Channel, ...]:
        """The channels of a choice this kind may go by."""
        off = self.channels_off
        return tuple(c for c in channels if c not in OFF_CHANNELS or (kind, c) not in off)


@dataclass(frozen=True, slots=True)
class Template:
    kind: MessageKind
    language: str
    body: str
    custom: bool = True  # False: the built-in default


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token shown once (in a link); only its hash is stored."""

    id: int
    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Redeemed:
    link: ClientLink
    organization_id: int
    order_id: int | None
    relinked: bool = False  # the client was linked to another Telegram account before


@dataclass(frozen=True, slots=True)
class PageAccess:
    organization_id: int
    client_id: int
    order_id: int
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ConsentState:
    """The latest consent event per (channel, purpose)."""

    latest: dict[tuple[Channel, Purpose], ConsentAction] = field(default_factory=dict)

    def withdrawn(self, channel: Channel, purpose: Purpose) -> bool:
        return self.latest.get((channel, purpose)) is ConsentAction.WITHDRAWN

    def granted(self, channel: Channel, purpose: Purpose) -> bool:
        action = self.latest.get((channel, purpose))
        return action is ConsentAction.GRANTED or action is ConsentAction.BASIS


def consent_state(events: list[ConsentEvent]) -> ConsentState:
    """Events in any order; the latest per (channel, purpose) wins (ties: the later id)."""
    latest: dict[tuple[Channel, Purpose], ConsentAction] = {}
    for event in sorted(events, key=lambda e: (e.created_at, e.id)):
        latest[(event.channel, event.purpose)] = event.action
    return ConsentState(latest)

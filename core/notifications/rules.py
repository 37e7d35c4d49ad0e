"""Scheduled notifications as data: each person's preferences, who receives what, the keys that
make every message exactly-once, and the messages the scheduler hands to the job queue.

A sent key names one recipient and one period or one order and its time, for example
`digest:day:<org>:<user>:2026-11-27` or `reminder:<order>:<user>:20261127T0700`; it is
recorded in the same transaction as the delivery job, so no restart, catch-up or second
scheduler can send the same message twice.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from core.domain import OrderStatus, Organization, Role
from core.errors import DomainError


class Kind(enum.StrEnum):
    """What a person can switch on or off."""

    DIGEST = "digest"
    WEEKLY = "weekly"
    PLAN = "plan"
    REMINDER = "reminder"
    OVERDUE = "overdue"


KINDS_BY_ROLE: dict[Role, tuple[Kind, ...]] = {
    Role.OWNER: (Kind.DIGEST, Kind.WEEKLY, Kind.OVERDUE),
    Role.MANAGER: (Kind.OVERDUE,),
    Role.WORKER: (Kind.PLAN, Kind.REMINDER),
}

# Delivery job kinds (one message each).
DIGEST_JOB = "digest"
PLAN_JOB = "plan"
PLAN_UPDATE_JOB = "plan_update"
REMINDER_JOB = "reminder"
OVERDUE_JOB = "overdue"
UNTAKEN_JOB = "untaken"

DIGEST_TIMES = tuple(time(h) for h in (18, 19, 20, 21, 22))
PLAN_TIMES = tuple(time(h) for h in (7, 8, 9, 10))
REMINDER_MINUTES = (15, 30, 60, 120)
MAX_REMINDER_MINUTES = max(REMINDER_MINUTES)  # the scheduler looks this far ahead
OVERDUE_MINUTES = (10, 15, 30, 60)
# An offer to all nobody took alerts the leads this long after it was offered (sooner if the
# order starts sooner); one default for every organization until it becomes a setting.
OFFER_WAIT = timedelta(minutes=15)
QUIET_PRESETS: tuple[tuple[time, time] | None, ...] = (
    None,
    (time(22), time(8)),
    (time(23), time(7)),
    (time(21), time(9)),
)


@dataclass(frozen=True, slots=True)
class Preferences:
    digest: bool = True
    digest_at: time = time(20, 0)
    weekly: bool = True
    plan: bool = True
    plan_at: time = time(8, 0)
    reminder: bool = True
    reminder_minutes: int = 30
    overdue: bool = True
    overdue_minutes: int = 15
    quiet_start: time | None = None
    quiet_end: time | None = None

    def enabled(self, kind: Kind) -> bool:
        return bool(getattr(self, kind.value))


_KINDS = frozenset(k.value for k in Kind)


def _next(options: tuple[Any, ...], current: Any) -> Any:
    index = options.index(current) if current in options else -1
    return options[(index + 1) % len(options)]


def change(prefs: Preferences, what: str) -> Preferences:
    """One tap in the preferences: switch a kind on or off, or move a setting to its next
    preset (times, minutes, quiet hours), wrapping around."""
    if what in _KINDS:
        flipped: dict[str, Any] = {what: not prefs.enabled(Kind(what))}
        return replace(prefs, **flipped)
    if what == "digest_at":
        return replace(prefs, digest_at=_next(DIGEST_TIMES, prefs.digest_at))
    if what == "plan_at":
        return replace(prefs, plan_at=_next(PLAN_TIMES, prefs.plan_at))
    if what == "reminder_min":
        return replace(prefs, reminder_minutes=_next(REMINDER_MINUTES, prefs.reminder_minutes))
    if what == "overdue_min":
        return replace(prefs, overdue_minutes=_next(OVERDUE_MINUTES, prefs.overdue_minutes))
    if what == "quiet":
        current = (prefs.quiet_start, prefs.quiet_end) if prefs.quiet_start else None
        preset = _next(QUIET_PRESETS, current)
        start, end = preset if preset else (None, None)
        return replace(prefs, quiet_start=start, quiet_end=end)
    raise DomainError("choose_option")


def reminder_setting(prefs: Preferences) -> int:
    """Reminders as one number, as the admin page and API show them: minutes before, 0 off."""
    return prefs.reminder_minutes if prefs.reminder else 0


def with_times(prefs: Preferences, digest_at: time, reminder_minutes: int) -> Preferences:
    """The daily digest time and the reminder lead as the admin page and API set them (any
    time of day; 0 minutes turns reminders off), into the same preferences /notifications
    changes: one setting, whichever side changes it."""
    if isinstance(reminder_minutes, bool) or not 0 <= reminder_minutes <= MAX_REMINDER_MINUTES:
        raise DomainError("reminder_range", limit=MAX_REMINDER_MINUTES)
    if reminder_minutes == 0:
        return replace(prefs, digest_at=digest_at, reminder=False)
    return replace(prefs, digest_at=digest_at, reminder=True, reminder_minutes=reminder_minutes)


@dataclass(frozen=True, slots=True)
class Recipient:
    """An active member who may receive scheduled messages, with their preferences."""

    user_id: int
    role: Role
    organization: Organization
    prefs: Preferences = field(default_factory=Preferences)
    telegram_id: int | None = None
    language: str | None = None  # chosen in the bot, else None
    telegram_language: str | None = None

    @property
    def zone(self) -> str:
        return self.organization.timezone

    def address(self) -> dict[str, Any]:
        """Where a delivery job sends: the chat and the reader's languages, so delivering
        needs no query of its own (a job built without them looks the person up)."""
        return {
            "user_id": self.user_id,
            "chat_id": self.telegram_id,
            "language": self.language,
            "telegram_language": self.telegram_language,
        }


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One order as plans, reminders and alerts show it."""

    order_id: int
    organization_id: int
    number: int
    status: OrderStatus
    scheduled_at: datetime
    assignee_id: int | None = None
    assignee: str | None = None
    client: str | None = None
    category: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    def as_data(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["status"] = self.status.value
        data["scheduled_at"] = self.scheduled_at.isoformat()
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> PlanItem:
        values = dict(data)
        values["status"] = OrderStatus(values["status"])
        values["scheduled_at"] = datetime.fromisoformat(values["scheduled_at"])
        return cls(**values)


@dataclass(frozen=True, slots=True)
class OfferItem:
    """An order offered to all workers that nobody has taken, as the leads' alert shows it."""

    order_id: int
    organization_id: int
    number: int
    offered_at: datetime
    scheduled_at: datetime | None = None
    client: str | None = None
    category: str | None = None

    def as_data(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["offered_at"] = self.offered_at.isoformat()
        data["scheduled_at"] = self.scheduled_at.isoformat() if self.scheduled_at else None
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> OfferItem:
        values = dict(data)
        values["offered_at"] = datetime.fromisoformat(values["offered_at"])
        at = values.get("scheduled_at")
        values["scheduled_at"] = datetime.fromisoformat(at) if at else None
        return cls(**values)


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """An order change that may alter someone's plan for the day."""

    id: int
    organization_id: int
    order_id: int
    actor_id: int | None
    kind: str
    data: dict[str, Any]
    created_at: datetime
    assignee_id: int | None
    scheduled_at: datetime | None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to enqueue under `key`, or (job None) a period with nothing to say, only
    recorded as dealt with. `also` are further keys the message covers."""

    key: str
    kind: str
    recipient_id: int
    organization_id: int
    job: str | None
    payload: dict[str, Any] = field(default_factory=dict)
    also: tuple[str, ...] = ()


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M")


def digest_key(period: str, org_id: int, user_id: int, day: date) -> str:
    return f"digest:{period}:{org_id}:{user_id}:{day.isoformat()}"


def plan_key(org_id: int, user_id: int, day: date) -> str:
    return f"plan:{org_id}:{user_id}:{day.isoformat()}"


def reminder_key(order_id: int, user_id: int, scheduled_at: datetime) -> str:
    return f"reminder:{order_id}:{user_id}:{_stamp(scheduled_at)}"


def overdue_key(order_id: int, user_id: int, scheduled_at: datetime) -> str:
    return f"overdue:{order_id}:{user_id}:{_stamp(scheduled_at)}"


def untaken_key(order_id: int, user_id: int, offered_at: datetime) -> str:
    return f"untaken:{order_id}:{user_id}:{_stamp(offered_at)}"


def update_key(event_id: int, user_id: int) -> str:
    return f"planupd:{event_id}:{user_id}"

"""Domain types shared by every layer: enums and plain immutable records. Clients, files, voice
notes and jobs are defined in core/clients/model.py, core/files/model.py, core/voice/model.py
and core/runtime/job_model.py and re-exported here."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from core.clients.model import Client as Client
from core.files.model import Attachment as Attachment
from core.runtime.job_model import Job as Job
from core.runtime.job_model import JobStatus as JobStatus
from core.voice.model import VoiceNote as VoiceNote
from core.voice.model import VoiceStatus as VoiceStatus


class Role(enum.StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    WORKER = "worker"


class OrderStatus(enum.StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    CARD = "card"
    TRANSFER = "transfer"


class OrgStatus(enum.StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    DELETED = "deleted"


class ConsentKind(enum.StrEnum):
    AGE_16 = "age_16"
    PRIVACY_POLICY = "privacy_policy"
    MARKETING = "marketing"


LANGUAGES: tuple[str, ...] = ("en", "ru")


@dataclass(frozen=True, slots=True)
class TelegramProfile:
    """Who sent an update, as Telegram describes them."""

    telegram_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class User:
    id: int
    telegram_id: int
    first_name: str
    last_name: str | None
    username: str | None
    language: str | None
    telegram_language: str | None
    active_org_id: int | None
    age_confirmed_at: datetime | None
    consent_at: datetime | None
    consent_version: str | None
    unreachable_at: datetime | None = None
    phone: str | None = None  # their own, as they corrected it (docs/data-rights.md)
    name_set_at: datetime | None = None  # the name is theirs, not refreshed from Telegram
    # Since when they restricted processing of their own data (docs/data-rights.md).
    restricted_at: datetime | None = None

    @property
    def restricted(self) -> bool:
        return self.restricted_at is not None

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or "?"

    @property
    def onboarded(self) -> bool:
        return self.language is not None and self.consent_at is not None

    def preferred_language(self, default: str) -> str:
        if self.language in LANGUAGES:
            return self.language
        return language_from_telegram(self.telegram_language, default)


def language_from_telegram(code: str | None, default: str) -> str:
    """Map Telegram's IETF language tag to one of ours, or the deployment default."""
    if code:
        base = code.split("-", 1)[0].lower()
        if base in LANGUAGES:
            return base
    return default


@dataclass(frozen=True, slots=True)
class Organization:
    id: int
    name: str
    timezone: str
    currency: str
    language: str
    country: str
    status: OrgStatus = OrgStatus.ACTIVE
    photos_required: int = 0
    contact_grace_hours: int = 24  # an assignee keeps a client's contacts this long after
    # the order is settled (paid in full or cancelled)
    # The owner's switch for each AI step (objection, docs/data-rights.md): speech recognition,
    # AI summaries, reading forwarded requests; off: the step is skipped and the person told.
    ai_speech: bool = True
    ai_summaries: bool = True
    ai_inbox: bool = True


@dataclass(frozen=True, slots=True)
class Membership:
    id: int
    organization_id: int
    user_id: int
    role: Role
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MemberView:
    """A membership joined with the member's user record, for team lists."""

    membership: Membership
    user: User


@dataclass(frozen=True, slots=True)
class OrgChoice:
    """One organization a person belongs to, with their role in it."""

    organization: Organization
    role: Role
    active: bool


@dataclass(frozen=True, slots=True)
class Invite:
    id: int
    organization_id: int
    role: Role
    created_by: int
    expires_at: datetime
    max_uses: int
    uses: int
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class PolicyStanding:
    """Where one person stands with the privacy policy (core/privacy/policy.py), read with
    their arrival (`storage/team/arrival.py`): the version in force (None: none published
    yet, the deployment's base version applies), the latest material version in force and
    their answer to it since it took effect (None: not answered yet)."""

    in_force: str | None = None
    required: str | None = None
    answer: bool | None = None

    @property
    def pending(self) -> bool:
        """A material version is in force and the person has not answered it."""
        return self.required is not None and self.answer is None

    @property
    def declined(self) -> bool:
        return self.required is not None and self.answer is False


@dataclass(frozen=True, slots=True)
class Actor:
    """The person acting in a use case, with their role in their active organization."""

    user: User
    organization: Organization | None = None
    membership: Membership | None = None
    policy: PolicyStanding | None = None  # read with the update's arrival; else not known

    @property
    def role(self) -> Role | None:
        if self.membership is None or not self.membership.active:
            return None
        return self.membership.role


@dataclass(frozen=True, slots=True)
class AddressSuggestion:
    """One address offered while typing: the text to keep and, when known, its coordinates."""

    value: str
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class Category:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    organization_id: int
    number: int
    client_id: int | None
    category_id: int | None
    status: OrderStatus
    address: str | None
    latitude: float | None
    longitude: float | None
    scheduled_at: datetime | None
    assignee_id: int | None
    price_minor: int | None
    paid_minor: int
    payment_method: PaymentMethod | None
    description: str | None
    created_by: int | None
    created_at: datetime
    offered_at: datetime | None = None
    version: int = 0
    series_id: int | None = None  # a visit of a recurring series (core/recurring)
    line_count: int = 0  # lines in the catalogue's line items; 0: the price as agreed
    approval_minor: int | None = None  # a total the client has to approve before Done
    approval_declined_at: datetime | None = None  # when the client declined that total
    checklist_count: int = 0  # items of its checklist (core/checklists); 0: none

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def settled(self) -> bool:
        """Nothing is left to do for it: cancelled, or done and paid in full (or priceless)."""
        if self.status is OrderStatus.CANCELLED:
            return True
        paid_up = self.price_minor is None or self.paid_minor >= self.price_minor
        return self.status is OrderStatus.DONE and paid_up


OPEN_STATUSES = frozenset({OrderStatus.NEW, OrderStatus.ASSIGNED, OrderStatus.IN_PROGRESS})


@dataclass(frozen=True, slots=True)
class Payment:
    """One payment recorded on an order (an order may be paid in parts, by several methods)."""

    amount_minor: int
    method: PaymentMethod | None
    at: datetime


@dataclass(frozen=True, slots=True)
class OrderEvent:
    id: int
    order_id: int
    actor_id: int | None
    kind: str
    data: dict[str, object]
    created_at: datetime

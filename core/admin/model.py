"""Records of the admin endpoint and of the CRM's own billing, and their pure rules.

Sign-in links, sessions and API tokens are stored as SHA-256 hashes of random tokens, so a
database dump opens nothing. Credentials are shown masked, never whole. A subscription's
effective plan and its usage period are pure functions of the record and `now`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

from core.billing.rules import FREE, PLANS, Plan, period_bounds

SIGN_IN_MINUTES = 10
SESSION_HOURS = 12
SEEN_EVERY_SECONDS = 60  # a session's "last seen" is written at most this often
DEVICE_DAYS = 400  # the browser's device cookie (browsers cap cookies at 400 days)
IP_MAX = 45  # the longest IPv6 address in text
TOKEN_NAME_MAX = 60
MAX_API_TOKENS = 20
# Orgs that never paid count their usage by calendar month (UTC).
CALENDAR_ANCHOR = datetime(2000, 1, 1, tzinfo=UTC)

# Integration credentials an organization may store, in the order the page shows them.
CREDENTIALS: tuple[str, ...] = (
    "salutespeech_key",
    "openrouter_key",
    "yandex_cloud_key",
    "yandex_folder_id",
    "dadata_token",
    "yandex_maps_key",
    "tbank_terminal_key",
    "tbank_password",
    "pbx_key",
    "pbx_secret",
)
CREDENTIAL_MAX = 512
# An organization-level T-Bank key and password that earlier versions offered among the
# integrations. Nothing reads them: the CRM's own subscription uses the deployment's terminal
# (TBANK_TERMINAL_KEY) and clients pay through the organization's own terminal, stored as one
# credential of the client loop (`client_tbank_terminal`). They stay valid names so that stored
# rows are still listed, exported, erased and removable; the settings page no longer offers
# them and shows a stored one only as an old key to remove (under client payments).
OBSOLETE_CREDENTIALS: frozenset[str] = frozenset({"tbank_terminal_key", "tbank_password"})


def new_token(prefix: str) -> str:
    """An unguessable token: a readable prefix and 256 random bits, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mask(value: str) -> str:
    """What the page shows of a stored credential: only its last characters, and only when
    the value is long enough that they give nothing away."""
    if len(value) < 12:
        return "••••"
    return "••••" + value[-4:]


@dataclass(frozen=True, slots=True)
class SignInLink:
    id: int
    organization_id: int
    user_id: int
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AdminSession:
    id: int
    organization_id: int
    user_id: int
    expires_at: datetime
    revoked_at: datetime | None = None
    created_at: datetime | None = None  # first seen
    last_seen_at: datetime | None = None  # written at most every SEEN_EVERY_SECONDS
    user_agent: str = ""  # the raw header, capped (core/admin/user_agent.py)
    ip: str = ""  # the client's address when it was last seen (TRUSTED_PROXIES honoured)

    second_factor_at: datetime | None = None  # when this session last passed a factor
    has_factor: bool = False  # the person has a confirmed second factor
    factor_required: bool = False  # the organization requires one of its owners


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a sign-in or a request comes from: the browser's User-Agent, the client's
    address, and the browser's device cookie (None when it has none yet)."""

    user_agent: str = ""
    ip: str = ""
    device: str | None = None


@dataclass(frozen=True, slots=True)
class SessionLine:
    """One of a person's open sessions on the sessions page."""

    session: AdminSession
    organization: str
    current: bool


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: int
    organization_id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Subscription:
    organization_id: int
    plan: str
    status: str  # "active" (paid through current_period_end) or "ended" (taken back)
    current_period_start: datetime | None = None
    current_period_end: datetime | None = None
    anchor: datetime | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    id: int
    organization_id: int
    order_id: str
    payment_id: str | None
    amount: int
    status: str
    plan: str
    months: int
    created_at: datetime
    payment_url: str | None = None
    raw: dict[str, object] = field(default_factory=dict)


def effective_plan(subscription: Subscription | None, now: datetime) -> Plan:
    """The plan in force: a paid plan until its period ends, Free otherwise."""
    if subscription is None or subscription.status != "active":
        return FREE
    end = subscription.current_period_end
    if subscription.plan not in PLANS or end is None or end <= now:
        return FREE
    return PLANS[subscription.plan]


def usage_period(subscription: Subscription | None, now: datetime) -> tuple[datetime, datetime]:
    """The monthly period usage is counted in: from the paid anchor, else calendar months."""
    anchor = subscription.anchor if subscription and subscription.anchor else CALENDAR_ANCHOR
    return period_bounds(anchor, now)


@dataclass(frozen=True, slots=True)
class Terminal:
    """The deployment's own T-Bank terminal, for selling CRM subscriptions."""

    terminal_key: str
    password: str
    notification_url: str
    success_url: str | None = None
    taxation: str = "usn_income"
    paid_on_authorized: bool = False


@dataclass(frozen=True, slots=True)
class BillingOverview:
    plan: Plan
    subscription: Subscription | None
    period_start: datetime
    period_end: datetime
    members: int
    usage: dict[str, int]
    payments: list[Payment]
    can_buy: bool
    enforced: bool


@dataclass(frozen=True, slots=True)
class Checkout:
    order_id: str
    payment_url: str
    amount: int

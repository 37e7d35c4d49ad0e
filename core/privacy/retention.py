"""Retention limits from the privacy policy, as cut-off moments computed from `now`.

The policy keeps technical logs (the update ledger, finished jobs, the audit log) for one year,
communication records (voice notes, their transcripts and recordings, call logs) for three,
financial records (orders with their amounts, payments) for seven, and purges deleted data
within 90 days. An organization may keep its business data (clients and the personal details
of finished orders) for less. A deleted organization can be restored for 30 days.
Everything here is a pure function of the moment it is given, so tests drive it with a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.errors import DomainError

TECHNICAL_YEARS = 1
COMMUNICATION_YEARS = 3
FINANCIAL_YEARS = 7
DELETED_PURGE_DAYS = 90
ORG_GRACE_DAYS = 30
EXPORT_KEEP_DAYS = 2
EXPORT_LINK_SECONDS = 24 * 3600
# What an owner may choose for business data (days); None keeps it until deleted.
BUSINESS_CHOICES: tuple[int | None, ...] = (None, 1095, 730, 365, 180)


def years_before(moment: datetime, years: int) -> datetime:
    """The same calendar moment `years` earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """Records older than (created before) each moment are past their limit."""

    technical: datetime
    communication: datetime
    financial: datetime
    deleted: datetime
    org_grace: datetime
    exports: datetime


def cutoffs(now: datetime) -> Cutoffs:
    return Cutoffs(
        technical=years_before(now, TECHNICAL_YEARS),
        communication=years_before(now, COMMUNICATION_YEARS),
        financial=years_before(now, FINANCIAL_YEARS),
        deleted=now - timedelta(days=DELETED_PURGE_DAYS),
        org_grace=now - timedelta(days=ORG_GRACE_DAYS),
        exports=now - timedelta(days=EXPORT_KEEP_DAYS),
    )


@dataclass(frozen=True, slots=True)
class RetentionPreview:
    """What a business-data limit of `days` would erase at the next daily run (`runs_at`):
    clients untouched since `cutoff`, and the personal details and files of orders finished
    before it."""

    days: int
    runs_at: datetime
    cutoff: datetime
    clients: int
    orders: int


def check_business_days(days: int | None) -> int | None:
    """An owner's choice, refused unless it is one of the offered limits."""
    if days not in BUSINESS_CHOICES:
        raise DomainError("retention_choice")
    return days


def purge_at(deleted_at: datetime) -> datetime:
    """When a deleted organization stops being restorable and is purged."""
    return deleted_at + timedelta(days=ORG_GRACE_DAYS)


def restorable(deleted_at: datetime, now: datetime) -> bool:
    return now < purge_at(deleted_at)


def next_daily_run(now: datetime, hour: int = 3) -> datetime:
    """The next `hour`:00 UTC strictly after `now`: when the daily retention job runs."""
    today = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return today if today > now else today + timedelta(days=1)


EXPORTS = "exports/"


def export_key(org_id: int | None, user_id: int, now: datetime, token: str) -> str:
    """Where an export too large for Telegram waits for its download, by day, so old ones are
    found with one listing: `exports/20260302/org12-<token>.zip`."""
    owner = f"org{org_id}" if org_id is not None else f"user{user_id}"
    return f"{EXPORTS}{now:%Y%m%d}/{owner}-{token}.zip"


def export_expired(key: str, before: datetime) -> bool:
    """Whether an export key was made on a day before `before`'s day."""
    day = key.removeprefix(EXPORTS).split("/", 1)[0]
    return len(day) == 8 and day.isdigit() and day < f"{before:%Y%m%d}"


def org_export(key: str, org_id: int) -> bool:
    return key.startswith(EXPORTS) and f"/org{org_id}-" in key

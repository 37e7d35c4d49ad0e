"""Records of the privacy features: audit events, export contents, deletions and retention."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.domain import Organization


class AuditAction(enum.StrEnum):
    CLIENT_VIEWED = "client.viewed"
    CLIENT_DELETED = "client.deleted"
    CLIENT_INVITED = "client.invited"
    CLIENT_CONSENT_RECORDED = "client.consent_recorded"
    CLIENT_RESTRICTED = "client.restricted"  # processing restricted on the client's request
    CLIENT_UNRESTRICTED = "client.restriction_lifted"
    CLIENT_REQUEST_RECORDED = "client.request_recorded"  # a data subject's request
    CLIENT_OBJECTED = "client.objected"  # objects to automated processing (AI)
    CLIENT_OBJECTION_WITHDRAWN = "client.objection_withdrawn"
    CLIENT_EDITED = "client.edited"  # a staff correction: field, old and new values masked
    CLIENT_PACKAGE_EXPORTED = "client.package_exported"  # a client's data package
    DATA_EXPORTED = "data.exported"
    PERSONAL_EXPORTED = "data.personal_exported"
    ACCOUNT_DELETED = "account.deleted"
    PROFILE_CORRECTED = "account.corrected"  # their own name, phone or language; masked
    ACCOUNT_RESTRICTED = "account.restricted"  # restricted processing of their own data
    ACCOUNT_UNRESTRICTED = "account.restriction_lifted"
    ORG_DELETION_REQUESTED = "org.deletion_requested"
    ORG_RESTORED = "org.restored"
    ORG_DEACTIVATED = "org.deactivated"
    ORG_REACTIVATED = "org.reactivated"
    ROLE_CHANGED = "member.role_changed"
    ACCESS_CHANGED = "member.access_changed"
    SETTING_CHANGED = "setting.changed"
    ADMIN_SIGN_IN = "admin.sign_in"
    # a refused sign-in link or forged session cookie: the reason only (core/admin/sessions.py)
    ADMIN_SIGN_IN_FAILED = "admin.sign_in_failed"
    ADMIN_SIGNED_OUT = "admin.signed_out"  # one session ended from the sessions page
    ADMIN_SIGNED_OUT_EVERYWHERE = "admin.signed_out_everywhere"
    SECOND_FACTOR_ADDED = "second_factor.added"
    SECOND_FACTOR_REMOVED = "second_factor.removed"
    SECOND_FACTOR_PASSED = "second_factor.passed"
    SECOND_FACTOR_FAILED = "second_factor.failed"  # a wrong or replayed code: never the code
    RECOVERY_CODES_CREATED = "second_factor.recovery_codes"
    API_KEY_CREATED = "api_key.created"
    API_KEY_REVOKED = "api_key.revoked"
    OWN_BOT_CONNECTED = "own_bot.connected"
    OWN_BOT_DISCONNECTED = "own_bot.disconnected"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """Who did what, when. `data` holds ids and codes only, never personal data."""

    id: int
    organization_id: int | None
    actor_id: int | None
    action: str
    subject_type: str | None
    subject_id: int | None
    data: dict[str, Any]
    created_at: datetime
    actor_name: str | None = None

    def as_json(self) -> dict[str, Any]:
        """For the admin API."""
        return {
            "id": self.id,
            "action": self.action,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "data": self.data,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Entity:
    """One exported table: its columns (name, type) and its rows as JSON-safe dicts."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file to copy into an export: its object key, and where it waits if not uploaded."""

    archive_name: str
    key: str
    stored: bool


@dataclass(frozen=True, slots=True)
class ExportFile:
    """A finished ZIP on local disk."""

    path: str
    name: str
    size: int


@dataclass(frozen=True, slots=True)
class ExportReady:
    """What to deliver: the file itself, or (too large for Telegram) a time-limited link."""

    file: ExportFile
    link: str | None = None
    too_large: bool = False


class ExportStage(enum.StrEnum):
    TABLES = "tables"
    FILES = "files"
    PACKING = "packing"


@dataclass(frozen=True, slots=True)
class ExportProgress:
    stage: ExportStage
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    kind: str
    policy_version: str
    accepted: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PendingDeletion:
    """An organization deleted by its owner, restorable until `purge_at`."""

    organization: Organization
    deleted_at: datetime
    purge_at: datetime


@dataclass(frozen=True, slots=True)
class PrivacySummary:
    """What /privacy shows one person."""

    consents: tuple[ConsentRecord, ...]
    marketing: bool
    organization: Organization | None
    is_owner: bool
    retention_days: int | None
    pending: tuple[PendingDeletion, ...] = ()


@dataclass(slots=True)
class Erased:
    """What an erasure left to do outside the database: objects to delete."""

    keys: list[str] = field(default_factory=list)
    clients: list[int] = field(default_factory=list)  # the cards erased (merged ones too)


@dataclass(slots=True)
class RetentionReport:
    """How many records each rule removed (by rule name), and the objects to delete."""

    removed: dict[str, int] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    purged_orgs: list[int] = field(default_factory=list)
    erased_clients: list[tuple[int, int]] = field(default_factory=list)  # (org, client)

    def add(self, rule: str, count: int) -> None:
        if count:
            self.removed[rule] = self.removed.get(rule, 0) + count

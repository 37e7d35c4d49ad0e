"""Privacy queries: what an export contains, consents, retention settings, deleted
organizations, and the scan that proves a purge left nothing behind.

Erasure and purges live in `storage.privacy.erasure`, retention rules in
`storage.privacy.retention`; this repository is the port's one face over all three.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Column, Table, Text, cast, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.domain import ConsentKind, Organization, OrgStatus, Role
from core.invoices.model import invoice_number
from core.privacy.model import ConsentRecord, Entity, Erased, RetentionReport, StoredFile
from core.privacy.retention import Cutoffs
from storage.privacy import erasure, retention
from storage.privacy.client_package import client_package
from storage.privacy.schema import (
    NOT_EXPORTED,
    ORG_COLUMN,
    as_entity,
    integer_columns,
    jsonable,
    org_tables,
    referencing,
    table,
    text_columns,
)
from storage.tables import (
    AttachmentRow,
    ConsentRow,
    MembershipRow,
    OrderEventRow,
    OrderRow,
    OrganizationRow,
    RetentionPolicyRow,
    UserRow,
    metadata,
)
from storage.tables_invoices import InvoiceRow
from storage.team.orgs import to_org

# Rows that point at a person but hold the organization's data about others (clients' calls,
# orders, billing) or bookkeeping: not part of "what the product holds about me".
NOT_PERSONAL = frozenset(
    {"work_order", "order_message", "invite", "job", "dialog_state", "call", "pbx_account"}
    | {"payment", "api_token", "sign_in_link"}
    | {"second_factor", "recovery_code"}  # sign-in credentials (docs/second-factor.md)
    | {"client_invite", "client_consent", "client_message", "client_template"}
)
PAYMENT_COLUMNS = (
    ("id", "integer"),
    ("order_id", "integer"),
    ("order_number", "integer"),
    ("amount_minor", "integer"),
    ("method", "text"),
    ("recorded_by", "integer"),
    ("created_at", "timestamp (UTC)"),
)
MEMBER_FIELDS = {"first_name": "text", "last_name": "text", "username": "text"}


def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name)[:80].strip("._") or "file"


class SqlPrivacyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def entities(self, org_id: int) -> list[Entity]:
        organization = table("organization")
        rows = await self._s.execute(select(organization).where(organization.c.id == org_id))
        found = [as_entity(organization, rows)]
        for t in reversed(org_tables()):
            if t.name not in NOT_EXPORTED:
                found.append(await self._org_entity(t, org_id))
        found.append(await self._member_consents(org_id))
        found.append(await self._order_payments(org_id))
        return found

    async def _order_payments(self, org_id: int) -> Entity:
        """Each payment on an order with its method (an order may be paid in parts, by
        several methods); orders.paid_minor is their total."""
        e, o = OrderEventRow, OrderRow
        stmt = (
            select(e.id, e.order_id, o.number, e.data, e.actor_id, e.created_at)
            .join(o, o.id == e.order_id)
            .where(e.organization_id == org_id, e.kind == "pay")
            .order_by(e.id)
        )
        rows = [
            {
                "id": i,
                "order_id": order_id,
                "order_number": number,
                "amount_minor": int(data.get("amount_minor") or 0),
                "method": data.get("method"),
                "recorded_by": actor_id,
                "created_at": jsonable(at),
            }
            for i, order_id, number, data, actor_id, at in (await self._s.execute(stmt)).all()
        ]
        return Entity("order_payments", PAYMENT_COLUMNS, rows)

    async def _org_entity(self, tbl: Table, org_id: int) -> Entity:
        if tbl.name == "membership":
            users = table("app_user")
            extra = [users.c[n] for n in MEMBER_FIELDS]
            stmt = (
                select(tbl, *extra)
                .join(users, users.c.id == tbl.c.user_id)
                .where(tbl.c.organization_id == org_id)
                .order_by(tbl.c.id)
            )
            return as_entity(tbl, await self._s.execute(stmt), MEMBER_FIELDS)
        order = tbl.c.id if "id" in tbl.c else tbl.c[ORG_COLUMN]
        stmt = select(tbl).where(tbl.c[ORG_COLUMN] == org_id).order_by(order)
        return as_entity(tbl, await self._s.execute(stmt))

    async def _member_consents(self, org_id: int) -> Entity:
        consent = table("consent")
        members = select(MembershipRow.user_id).where(MembershipRow.organization_id == org_id)
        stmt = select(consent).where(consent.c.user_id.in_(members)).order_by(consent.c.id)
        return as_entity(consent, await self._s.execute(stmt))

    async def personal(self, user_id: int) -> list[Entity]:
        users = table("app_user")
        rows = await self._s.execute(select(users).where(users.c.id == user_id))
        found = [as_entity(users, rows)]
        by_table: dict[str, list[str]] = {}
        for column in referencing("app_user.id"):
            if column.table.name not in NOT_PERSONAL:
                by_table.setdefault(column.table.name, []).append(column.name)
        for name, columns in by_table.items():
            t = table(name)
            where = or_(*(t.c[c] == user_id for c in columns))
            order = t.c.id if "id" in t.c else next(iter(t.c))
            rows = await self._s.execute(select(t).where(where).order_by(order))
            found.append(as_entity(t, rows))
        return found

    async def files(self, org_id: int) -> list[StoredFile]:
        stmt = (
            select(AttachmentRow)
            .where(AttachmentRow.organization_id == org_id, AttachmentRow.storage_key.is_not(None))
            .order_by(AttachmentRow.id)
        )
        found = []
        for row in (await self._s.execute(stmt)).scalars():
            key = row.storage_key or ""
            name = _safe_name(row.file_name or key.rsplit("/", 1)[-1])
            folder = f"order-{row.order_id}" if row.order_id else "unfiled"
            archive = f"files/{folder}/{row.id}-{name}"
            found.append(StoredFile(archive, key, row.state == "stored"))
        return found + await self._invoice_files(org_id)

    async def client_package(
        self, org_id: int, client_id: int
    ) -> tuple[list[Entity], list[StoredFile]]:
        return await client_package(self._s, org_id, client_id)

    async def _invoice_files(self, org_id: int) -> list[StoredFile]:
        """The invoices' and service reports' PDFs (docs/invoices.md), by number."""
        i = InvoiceRow
        stmt = select(i.year, i.seq, i.file_key, i.report_key).where(i.organization_id == org_id)
        found = []
        for year, seq, file_key, report_key in (await self._s.execute(stmt.order_by(i.id))).all():
            number = invoice_number(year, seq)
            if file_key:
                found.append(StoredFile(f"invoices/{number}.pdf", file_key, True))
            if report_key:
                found.append(StoredFile(f"invoices/{number}-report.pdf", report_key, True))
        return found

    async def consents(self, user_id: int) -> list[ConsentRecord]:
        stmt = select(ConsentRow).where(ConsentRow.user_id == user_id).order_by(ConsentRow.id)
        return [
            ConsentRecord(r.kind, r.policy_version, r.accepted, r.created_at)
            for r in (await self._s.execute(stmt)).scalars()
        ]

    async def marketing(self, user_id: int) -> bool:
        stmt = (
            select(ConsentRow.accepted)
            .where(ConsentRow.user_id == user_id, ConsentRow.kind == ConsentKind.MARKETING.value)
            .order_by(ConsentRow.id.desc())
            .limit(1)
        )
        return bool((await self._s.execute(stmt)).scalar_one_or_none())

    async def retention_days(self, org_id: int) -> int | None:
        stmt = select(RetentionPolicyRow.business_days).where(
            RetentionPolicyRow.organization_id == org_id
        )
        return (await self._s.execute(stmt)).scalar_one_or_none()

    async def set_retention_days(self, org_id: int, days: int | None, now: datetime) -> None:
        dialect = self._s.bind.dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(RetentionPolicyRow).values(
            organization_id=org_id, business_days=days, updated_at=now
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["organization_id"], set_={"business_days": days, "updated_at": now}
        )
        await self._s.execute(stmt)

    async def business_preview(self, org_id: int, before: datetime) -> tuple[int, int]:
        return await retention.business_preview(self._s, org_id, before)

    async def deleted_orgs(self, owner_id: int) -> list[tuple[Organization, datetime]]:
        stmt = (
            select(OrganizationRow)
            .join(MembershipRow, MembershipRow.organization_id == OrganizationRow.id)
            .where(
                MembershipRow.user_id == owner_id,
                MembershipRow.active.is_(True),
                MembershipRow.role == Role.OWNER.value,
                OrganizationRow.status == OrgStatus.DELETED.value,
                OrganizationRow.deleted_at.is_not(None),
            )
            .order_by(OrganizationRow.id)
        )
        rows = (await self._s.execute(stmt)).scalars()
        return [(to_org(r), r.deleted_at) for r in rows if r.deleted_at is not None]

    async def due_for_purge(self, deleted_before: datetime) -> list[int]:
        stmt = select(OrganizationRow.id).where(
            OrganizationRow.status == OrgStatus.DELETED.value,
            OrganizationRow.deleted_at < deleted_before,
        )
        return [int(i) for i in (await self._s.execute(stmt)).scalars()]

    async def erase_client(self, org_id: int, client_id: int) -> Erased:
        return await erasure.erase_client(self._s, org_id, client_id)

    async def erase_user(self, user_id: int, now: datetime) -> None:
        await erasure.erase_user(self._s, user_id, now)

    async def purge_org(self, org_id: int) -> None:
        await erasure.purge_org(self._s, org_id)
        await self._s.execute(
            update(UserRow).where(UserRow.active_org_id == org_id).values(active_org_id=None)
        )

    async def apply_retention(
        self, limits: Cutoffs, now: datetime, report: RetentionReport
    ) -> None:
        await retention.apply(self._s, limits, now, report)

    async def scan(self, values: Sequence[str | int]) -> list[str]:
        """Every string column (as text, JSON included) and integer column, for each value."""
        found: list[str] = []
        for t in metadata.sorted_tables:
            for column in text_columns(t):
                for value in (v for v in values if isinstance(v, str)):
                    if await self._contains(column, value):
                        found.append(f"{t.name}.{column.name}")
                        break
            for column in integer_columns(t):
                numbers = [v for v in values if isinstance(v, int)]
                stmt = select(func.count()).where(column.in_(numbers))
                if numbers and (await self._s.execute(stmt)).scalar_one():
                    found.append(f"{t.name}.{column.name}")
        return found

    async def _contains(self, column: Column[object], value: str) -> bool:
        as_text = cast(column, Text)
        patterns = {value, json.dumps(value)[1:-1]}  # JSON may store it \\u-escaped
        conditions = [as_text.contains(p, autoescape=True) for p in patterns]
        stmt = select(func.count()).where(or_(*conditions))
        return bool((await self._s.execute(stmt)).scalar_one())

    async def compact(self) -> None:
        if self._s.bind.dialect.name != "sqlite":
            return  # PostgreSQL: dead row versions are unreadable and vacuumed
        exists = await self._s.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'client_fts'")
        )
        if exists.first() is not None:
            await self._s.execute(text("INSERT INTO client_fts(client_fts) VALUES ('optimize')"))

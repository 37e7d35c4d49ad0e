"""Retention rules: what the daily job deletes once it is older than its limit.

Technical logs (the update ledger, finished jobs, the audit log, web sign-in links and sessions
a year after they ended), communication records (voice
notes, recordings, call logs), financial records (finished orders, payments), each
organization's business data past its own limit (finished orders lose their personal details,
idle clients are erased), and records marked deleted. Tables that later issues add join by
name when they exist (`COMMUNICATION_TABLES`, `FINANCIAL_TABLES`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.domain import OPEN_STATUSES, JobStatus, OrderStatus
from core.privacy.model import RetentionReport
from core.privacy.retention import Cutoffs
from storage.privacy.erasure import (
    delete_rows,
    erase_client,
    holds_edited_text,
    strip_orders,
)
from storage.privacy.schema import referencing
from storage.tables import (
    AdminSessionRow,
    AttachmentRow,
    AuditEventRow,
    ClientRow,
    JobRow,
    OrderEventRow,
    OrderRow,
    ProcessedUpdateRow,
    RetentionPolicyRow,
    SignInLinkRow,
    UpdateInboxRow,
    VoiceNoteRow,
    metadata,
)
from storage.tables_factors import FactorChallengeRow

RECORDINGS = ("voice", "audio", "video_note")
FINISHED = (OrderStatus.DONE.value, OrderStatus.CANCELLED.value)
COMMUNICATION_TABLES = ("call", "call_event", "call_log", "client_message")
FINANCIAL_TABLES = ("payment",)
TECHNICAL_TABLES = ("sent_notification",)


async def apply(
    session: AsyncSession, limits: Cutoffs, now: datetime, report: RetentionReport
) -> None:
    await _technical(session, limits.technical, report)
    await _communication(session, limits.communication, report)
    await _financial(session, limits.financial, report)
    await _business(session, now, report)
    await _deleted_clients(session, limits.deleted, report)


async def _count(session: AsyncSession, stmt: Any) -> int:
    return int((await session.execute(stmt)).rowcount or 0)


async def _technical(session: AsyncSession, before: datetime, report: RetentionReport) -> None:
    finished = (JobStatus.DONE.value, JobStatus.DEAD.value)
    ended_sessions = select(AdminSessionRow.id).where(
        or_(AdminSessionRow.expires_at < before, AdminSessionRow.revoked_at < before)
    )
    applied = ProcessedUpdateRow.update_id == UpdateInboxRow.update_id
    for stmt in (
        # copies of applied updates (with the people's words) that a process killed within a
        # second of applying them left, where no poller started since to sweep them
        delete(UpdateInboxRow).where(select(ProcessedUpdateRow.update_id).where(applied).exists()),
        delete(ProcessedUpdateRow).where(ProcessedUpdateRow.processed_at < before),
        delete(JobRow).where(JobRow.status.in_(finished), JobRow.updated_at < before),
        delete(AuditEventRow).where(AuditEventRow.created_at < before),
        # web sign-ins: links and sessions (with their browser and address) once ended
        delete(FactorChallengeRow).where(FactorChallengeRow.session_id.in_(ended_sessions)),
        delete(AdminSessionRow).where(AdminSessionRow.id.in_(ended_sessions)),
        delete(SignInLinkRow).where(SignInLinkRow.expires_at < before),
    ):
        report.add("technical", await _count(session, stmt))
    await _older_rows(session, TECHNICAL_TABLES, before, report, "technical")


async def _communication(session: AsyncSession, before: datetime, report: RetentionReport) -> None:
    old_notes = select(VoiceNoteRow.attachment_id).where(
        VoiceNoteRow.created_at < before, VoiceNoteRow.attachment_id.is_not(None)
    )
    note_files = list((await session.execute(old_notes)).scalars())
    stmt = delete(VoiceNoteRow).where(VoiceNoteRow.created_at < before)
    report.add("communication", await _count(session, stmt))
    recordings = or_(
        AttachmentRow.id.in_(note_files),
        AttachmentRow.kind.in_(RECORDINGS) & (AttachmentRow.created_at < before),
    )
    await _delete_attachments(session, recordings, report, "communication")
    await _older_rows(session, COMMUNICATION_TABLES, before, report, "communication")


async def _delete_attachments(
    session: AsyncSession, where: Any, report: RetentionReport, rule: str
) -> None:
    keys = select(AttachmentRow.storage_key).where(where)
    report.keys += [k for k in (await session.execute(keys)).scalars() if k]
    report.add(rule, await _count(session, delete(AttachmentRow).where(where)))


async def _older_rows(
    session: AsyncSession,
    names: Sequence[str],
    before: datetime,
    report: RetentionReport,
    rule: str,
) -> None:
    for name in names:
        t = metadata.tables.get(name)
        if t is not None and "created_at" in t.c:
            where = t.c.created_at < before
            counted = select(func.count()).select_from(t).where(where)
            count = int((await session.execute(counted)).scalar_one())
            report.keys += await delete_rows(session, t, where)
            report.add(rule, count)


async def _financial(session: AsyncSession, before: datetime, report: RetentionReport) -> None:
    """Finished orders (with everything hanging off them) and payments past seven years."""
    old = select(OrderRow.id).where(OrderRow.status.in_(FINISHED), OrderRow.created_at < before)
    ids = list((await session.execute(old)).scalars())
    if ids:
        await _delete_attachments(session, AttachmentRow.order_id.in_(ids), report, "financial")
        for column in referencing("work_order.id"):
            if column.nullable:
                stmt: Any = update(column.table).where(column.in_(ids)).values({column.name: None})
            else:
                stmt = delete(column.table).where(column.in_(ids))
            await session.execute(stmt)
        removed = await _count(session, delete(OrderRow).where(OrderRow.id.in_(ids)))
        report.add("financial", removed)
    await _older_rows(session, FINANCIAL_TABLES, before, report, "financial")


async def _business(session: AsyncSession, now: datetime, report: RetentionReport) -> None:
    stmt = select(RetentionPolicyRow.organization_id, RetentionPolicyRow.business_days).where(
        RetentionPolicyRow.business_days.is_not(None)
    )
    for org_id, days in (await session.execute(stmt)).all():
        before = now - timedelta(days=int(days))
        await _strip_finished_orders(session, org_id, before, report)
        for client_id in await _idle_clients(session, org_id, before):
            erased = await erase_client(session, org_id, client_id)
            report.keys += erased.keys
            report.erased_clients += [(org_id, c) for c in erased.clients]
            report.add("business", 1)


async def business_preview(
    session: AsyncSession, org_id: int, before: datetime
) -> tuple[int, int]:
    """(clients, finished orders) that an organization's limit would erase at `before`."""
    clients = await _idle_clients(session, org_id, before)
    return len(clients), len(await _finished_with_details(session, org_id, before))


async def _strip_finished_orders(
    session: AsyncSession, org_id: int, before: datetime, report: RetentionReport
) -> None:
    ids = await _finished_with_details(session, org_id, before)
    report.keys += (await strip_orders(session, org_id, ids)).keys
    report.add("business", len(ids))


async def _finished_with_details(
    session: AsyncSession, org_id: int, before: datetime
) -> list[int]:
    """Orders finished before `before` that still hold personal details or files."""
    finished_at = func.coalesce(OrderRow.done_at, OrderRow.cancelled_at, OrderRow.updated_at)
    files = select(AttachmentRow.order_id).where(AttachmentRow.organization_id == org_id)
    personal = or_(
        OrderRow.address.is_not(None),
        OrderRow.description.is_not(None),
        OrderRow.latitude.is_not(None),
        OrderRow.id.in_(files),
    )
    finished = (
        OrderRow.organization_id == org_id,
        OrderRow.status.in_(FINISHED),
        finished_at < before,
    )
    found = set((await session.execute(select(OrderRow.id).where(*finished, personal))).scalars())
    e = OrderEventRow  # an address or description edited away is still in its edit's event
    edits = select(e.order_id, e.data).join(OrderRow, OrderRow.id == e.order_id)
    rows = await session.execute(edits.where(*finished, e.kind == "edit"))
    found |= {order_id for order_id, data in rows.all() if holds_edited_text(data)}
    return sorted(found)


async def _idle_clients(session: AsyncSession, org_id: int, before: datetime) -> list[int]:
    """Clients untouched since `before`, with no order since then and none still open."""
    recent = select(OrderRow.client_id).where(
        OrderRow.organization_id == org_id,
        OrderRow.client_id.is_not(None),
        or_(OrderRow.created_at >= before, OrderRow.status.in_([s.value for s in OPEN_STATUSES])),
    )
    stmt = select(ClientRow.id).where(
        ClientRow.organization_id == org_id,
        ClientRow.merged_into_id.is_(None),
        ClientRow.updated_at < before,
        ClientRow.id.not_in(recent),
    )
    return list((await session.execute(stmt)).scalars())


async def _deleted_clients(
    session: AsyncSession, before: datetime, report: RetentionReport
) -> None:
    stmt = select(ClientRow.organization_id, ClientRow.id).where(ClientRow.deleted_at < before)
    for org_id, client_id in (await session.execute(stmt)).all():
        erased = await erase_client(session, org_id, client_id)
        report.keys += erased.keys
        report.erased_clients += [(org_id, c) for c in erased.clients]
        report.add("deleted", 1)

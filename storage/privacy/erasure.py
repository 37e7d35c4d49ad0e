"""Erasure and purges: a client, a person, a whole organization.

A client's card, phones, events, files and voice notes go, and so does every row of another
table that points at the client (call logs and whatever comes later, found from the schema),
with the PBX's raw notifications of the client's calls; their orders stay for the accounts
with the address, place and description erased. A person is
anonymised in place, so what they did stays with an anonymous author. An organization's purge
deletes every row that carries its id, dependents first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.orders.edits import PERSONAL
from core.privacy.model import Erased
from storage.privacy.schema import (
    ORG_COLUMN,
    PHONE_COLUMNS,
    key_columns,
    org_tables,
    referencing,
)
from storage.tables import (
    AttachmentRow,
    CallEventRow,
    CallRow,
    ClientEventRow,
    ClientPhoneRow,
    ClientRow,
    DialogStateRow,
    InviteRow,
    MembershipRow,
    OrderEventRow,
    OrderMessageRow,
    OrderRow,
    UserRow,
    VoiceNoteRow,
    metadata,
)

# Rows that point at a person and stay (anonymous) when the person is erased; other rows that
# cannot exist without the person (sessions, tokens, preferences) are deleted with them.
KEPT_FOR_ERASED_USER = frozenset({"membership", "consent", "invite", "audit_event"})
# The accounts stay when a client is erased, no longer pointing at them: orders (stripped of
# the place and description) and invoices (their numbers stay gapless; their PDFs, which name
# the client, are deleted).
KEPT_FOR_ERASED_CLIENT = frozenset({"work_order", "invoice"})
ERASED_ORDER_FIELDS = {"address": None, "latitude": None, "longitude": None, "description": None}


async def _with_merged(session: AsyncSession, org_id: int, client_id: int) -> list[int]:
    """The client and every card merged into it (directly or through another)."""
    ids, frontier = [client_id], [client_id]
    while frontier:
        stmt = select(ClientRow.id).where(
            ClientRow.organization_id == org_id, ClientRow.merged_into_id.in_(frontier)
        )
        frontier = [i for i in (await session.execute(stmt)).scalars() if i not in ids]
        ids += frontier
    return ids


async def strip_orders(session: AsyncSession, org_id: int, order_ids: Sequence[int]) -> Erased:
    """Erase the personal details of orders: place, description, files and voice notes.
    Amounts, statuses and dates stay."""
    erased = Erased()
    if not order_ids:
        return erased
    stmt = select(AttachmentRow.storage_key).where(
        AttachmentRow.organization_id == org_id, AttachmentRow.order_id.in_(order_ids)
    )
    erased.keys = [k for k in (await session.execute(stmt)).scalars() if k]
    await session.execute(
        delete(VoiceNoteRow).where(
            VoiceNoteRow.organization_id == org_id, VoiceNoteRow.order_id.in_(order_ids)
        )
    )
    await session.execute(
        delete(AttachmentRow).where(
            AttachmentRow.organization_id == org_id, AttachmentRow.order_id.in_(order_ids)
        )
    )
    await session.execute(
        update(OrderRow)
        .where(OrderRow.organization_id == org_id, OrderRow.id.in_(order_ids))
        .values(**ERASED_ORDER_FIELDS)
    )
    await _forget_edits(session, org_id, order_ids)
    return erased


async def _forget_edits(session: AsyncSession, org_id: int, order_ids: Sequence[int]) -> None:
    """Edits of an address or a description keep the old and new text in their event: only
    which detail changed stays."""
    e = OrderEventRow
    stmt = select(e.id, e.data).where(
        e.organization_id == org_id, e.order_id.in_(order_ids), e.kind == "edit"
    )
    for event_id, data in (await session.execute(stmt)).all():
        if holds_edited_text(data):
            await session.execute(
                update(e).where(e.id == event_id).values(data={"field": data["field"]})
            )


def holds_edited_text(data: dict[str, Any] | None) -> bool:
    """Whether an 'edit' event still keeps an old or new address or description."""
    found = data or {}
    return found.get("field") in PERSONAL and ("from" in found or "to" in found)


async def erase_client(session: AsyncSession, org_id: int, client_id: int) -> Erased:
    ids = await _with_merged(session, org_id, client_id)
    phones = select(ClientPhoneRow.phone).where(ClientPhoneRow.client_id.in_(ids))
    numbers = list((await session.execute(phones)).scalars())
    stmt = select(OrderRow.id).where(
        OrderRow.organization_id == org_id, OrderRow.client_id.in_(ids)
    )
    erased = await strip_orders(session, org_id, list((await session.execute(stmt)).scalars()))
    await _forget_call_events(session, org_id, ids, numbers)
    for column in referencing("client.id"):
        if column.table.name in KEPT_FOR_ERASED_CLIENT:
            erased.keys += await unlink_rows(session, column.table, column, ids)
        elif column.table.name != "client":
            erased.keys += await delete_rows(session, column.table, column.in_(ids))
    for t in metadata.sorted_tables:  # e.g. calls from the client's number never matched
        for column in (c for c in t.columns if c.name in PHONE_COLUMNS and numbers):
            where = (t.c[ORG_COLUMN] == org_id) & column.in_(numbers)
            erased.keys += await delete_rows(session, t, where)
    await _forget_merged_names(session, org_id, ids)
    await session.execute(
        update(ClientRow).where(ClientRow.id.in_(ids)).values(merged_into_id=None)
    )
    await session.execute(
        delete(ClientRow).where(ClientRow.organization_id == org_id, ClientRow.id.in_(ids))
    )
    erased.clients = ids
    return erased


async def _forget_call_events(
    session: AsyncSession, org_id: int, ids: list[int], numbers: list[str]
) -> None:
    """The PBX's raw notifications of the client's calls (linked to the card or from one of
    its numbers): they name the call and its recording, so they go with the calls."""
    theirs = CallRow.client_id.in_(ids)
    if numbers:
        theirs = theirs | CallRow.client_phone.in_(numbers)
    calls = select(CallRow.pbx_call_id).where(CallRow.organization_id == org_id, theirs)
    await session.execute(
        delete(CallEventRow).where(
            CallEventRow.organization_id == org_id, CallEventRow.pbx_call_id.in_(calls)
        )
    )


async def unlink_rows(
    session: AsyncSession, t: Table, column: Column[Any], ids: Sequence[int]
) -> list[str]:
    """Keep the rows, without the reference and without the objects they named (their keys
    returned, to delete the objects)."""
    keys: list[str] = []
    for key in key_columns(t):
        found = await session.execute(select(key).where(column.in_(ids), key.is_not(None)))
        keys += [str(k) for k in found.scalars()]
    cleared = {column.name: None} | {key.name: None for key in key_columns(t)}
    await session.execute(update(t).where(column.in_(ids)).values(cleared))
    return keys


async def delete_rows(session: AsyncSession, t: Table, where: Any) -> list[str]:
    """Delete the rows; the storage keys they named, to delete the objects too."""
    keys: list[str] = []
    for column in key_columns(t):
        found = await session.execute(select(column).where(where, column.is_not(None)))
        keys += [str(k) for k in found.scalars()]
    await session.execute(delete(t).where(where))
    return keys


async def _forget_merged_names(session: AsyncSession, org_id: int, ids: list[int]) -> None:
    """A merge records the other card's name on the kept card's history: drop it there."""
    stmt = select(ClientEventRow).where(
        ClientEventRow.organization_id == org_id, ClientEventRow.kind == "merged"
    )
    for event in (await session.execute(stmt)).scalars():
        if event.data.get("merged_id") in ids and "merged_name" in event.data:
            data = {k: v for k, v in event.data.items() if k != "merged_name"}
            await session.execute(
                update(ClientEventRow).where(ClientEventRow.id == event.id).values(data=data)
            )


async def erase_user(session: AsyncSession, user_id: int, now: datetime) -> None:
    await session.execute(
        update(MembershipRow)
        .where(MembershipRow.user_id == user_id)
        .values(active=False, deactivated_at=now, current_order_id=None)
    )
    await session.execute(
        update(InviteRow)
        .where(InviteRow.created_by == user_id, InviteRow.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await session.execute(
        update(VoiceNoteRow)
        .where(VoiceNoteRow.user_id == user_id)
        .values(chat_id=0, status_message_id=None)
    )
    await session.execute(delete(DialogStateRow).where(DialogStateRow.user_id == user_id))
    await session.execute(delete(OrderMessageRow).where(OrderMessageRow.viewer_id == user_id))
    for column in referencing("app_user.id"):
        kept = column.table.name in KEPT_FOR_ERASED_USER or column.nullable
        if not kept and column.table.name != "app_user":
            await session.execute(delete(column.table).where(column == user_id))
    anonymous = _anonymous(user_id, now)
    await session.execute(update(UserRow).where(UserRow.id == user_id).values(**anonymous))


def _anonymous(user_id: int, now: datetime) -> dict[str, object]:
    """The person's row with nothing left that identifies them (the Telegram id becomes a
    negative number no account has, so a later /start begins a new account)."""
    return {
        "telegram_id": -user_id,
        "first_name": "",
        "last_name": None,
        "username": None,
        "language": None,
        "telegram_language": None,
        "active_org_id": None,
        "unreachable_at": None,
        "phone": None,
        "name_set_at": None,
        "restricted_at": None,
        "deleted_at": now,
    }


async def purge_org(session: AsyncSession, org_id: int) -> None:
    for t in org_tables():
        await session.execute(delete(t).where(t.c[ORG_COLUMN] == org_id))
    organization = ClientRow.metadata.tables["organization"]
    await session.execute(delete(organization).where(organization.c.id == org_id))

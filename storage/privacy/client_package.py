"""A client's data package (issue 25, item 7; docs/data-rights.md): every row held about one
client of one organization, found from the schema like erasure finds what to delete.

Walking `metadata.sorted_tables` (a table after the ones it points at), a table joins when a
row points at a row already taken: the client (and the cards merged into it), their orders,
files, quotes, messages. Rows naming the client directly must name this client (or none,
when another link makes them theirs, like a call from one of their numbers with no card).
Staff bookkeeping that merely points at an order (a member's current order) is left out, as
are the tables no export carries (tokens, queues; `schema.NOT_EXPORTED`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.invoices.model import invoice_number
from core.privacy.model import Entity, StoredFile
from storage.privacy.erasure import _with_merged
from storage.privacy.schema import (
    NOT_EXPORTED,
    ORG_COLUMN,
    PHONE_COLUMNS,
    as_entity,
)
from storage.tables import ClientPhoneRow, metadata

NOT_THE_CLIENTS = NOT_EXPORTED | {"membership", "sent_notification", "audit_event"}
CLIENT = "client"


async def client_package(
    session: AsyncSession, org_id: int, client_id: int
) -> tuple[list[Entity], list[StoredFile]]:
    """The client's entities (empty when there is no such client) and their stored files."""
    ids = await _with_merged(session, org_id, client_id)
    phones = select(ClientPhoneRow.phone).where(ClientPhoneRow.client_id.in_(ids))
    numbers = list((await session.execute(phones)).scalars())
    taken: dict[str, list[int]] = {}
    entities: list[Entity] = []
    files: list[StoredFile] = []
    for t in metadata.sorted_tables:
        if t.name in NOT_THE_CLIENTS or (ORG_COLUMN not in t.c and t.name != CLIENT):
            continue
        where = _theirs(t, ids, numbers, taken)
        if where is None:
            continue
        if ORG_COLUMN in t.c:
            where = where & (t.c[ORG_COLUMN] == org_id)
        rows = (await session.execute(select(t).where(where).order_by(*t.primary_key))).all()
        if t.name == CLIENT and not rows:
            return [], []
        if "id" in t.c:
            taken[t.name] = [row._mapping["id"] for row in rows]
        entities.append(as_entity(t, rows))
        files += _files(t.name, [row._mapping for row in rows])
    return entities, files


def _theirs(
    t: Any, ids: list[int], numbers: list[str], taken: dict[str, list[int]]
) -> ColumnElement[bool] | None:
    """Rows of `t` that are the client's, or None: the table cannot hold any."""
    if t.name == CLIENT:
        return t.c.id.in_(ids)
    direct: list[ColumnElement[bool]] = []
    linked: list[ColumnElement[bool]] = []
    for column in t.columns:
        for fk in column.foreign_keys:
            target = fk.column.table.name
            if target == CLIENT:
                direct.append(column.in_(ids))
            elif target in taken and fk.column.name == "id":
                linked.append(column.in_(taken[target]) if taken[target] else false())
        if column.name in PHONE_COLUMNS and numbers:
            linked.append(column.in_(numbers))
    if not direct and not linked:
        return None
    others = or_(*linked) if linked else false()
    if not direct:
        return others
    client_columns = [
        c for c in t.columns if any(f.column.table.name == CLIENT for f in c.foreign_keys)
    ]
    unnamed = [c.is_(None) for c in client_columns]
    return or_(*direct, (or_(*unnamed) & others) if unnamed else false())


def _files(table: str, rows: list[Any]) -> list[StoredFile]:
    """The stored objects of the client's rows: order files, call recordings, invoice PDFs."""
    found: list[StoredFile] = []
    for row in rows:
        if table == "attachment" and row["storage_key"]:
            name = str(row["storage_key"]).rsplit("/", 1)[-1]
            folder = f"order-{row['order_id']}" if row["order_id"] else "unfiled"
            found.append(StoredFile(f"files/{folder}/{row['id']}-{name}", row["storage_key"],
                                    row["state"] == "stored"))  # fmt: skip
        elif table == "call" and row["recording_key"]:
            name = str(row["recording_key"]).rsplit("/", 1)[-1]
            found.append(StoredFile(f"calls/{row['id']}-{name}", row["recording_key"], True))
        elif table == "invoice":
            number = invoice_number(row["year"], row["seq"])
            for key, suffix in ((row["file_key"], ""), (row["report_key"], "-report")):
                if key:
                    found.append(StoredFile(f"invoices/{number}{suffix}.pdf", key, True))
    return found

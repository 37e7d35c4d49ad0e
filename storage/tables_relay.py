"""Where a client's message was relayed to the staff (docs/client-loop.md, two-way messages):
each staff copy's chat and message id, so an answer removes the Reply button from every copy.
Delivery bookkeeping, not exported; erased with the client's message. Defined on the same
metadata as `storage.tables`, which imports this module at its bottom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from storage.tables import _fk, _pk, _ts


class ClientRelayCopyRow(SQLModel, table=True):
    """One staff member's copy of a relayed client message (its log entry `message_id`)."""

    __tablename__ = "client_relay_copy"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    message_id: int = _fk("client_message.id")
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    telegram_message_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = _ts(nullable=False)

"""The quote table (issue 20, item 5; docs/quotes.md). A quote's lines are `line_item` rows
that name the quote instead of an order. Defined on the same metadata as `storage.tables`,
which imports this module at its bottom."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Date, Index, Integer
from sqlmodel import Field, SQLModel

from storage.tables import _fk, _pk, _ts


class QuoteRow(SQLModel, table=True):
    """Lines offered to a client until `valid_until` (the organization's local date); an
    approved quote names the order it became."""

    __tablename__ = "quote"
    __table_args__ = (Index("ix_quote_org_status", "organization_id", "status", "valid_until"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    client_id: int = _fk("client.id")
    status: str = Field(default="draft", max_length=16)
    valid_until: date = Field(sa_column=Column(Date, nullable=False))
    total_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    line_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    created_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    order_id: int | None = _fk("work_order.id", nullable=True, ondelete="SET NULL", index=False)
    sent_at: datetime | None = _ts()
    answered_at: datetime | None = _ts()
    reminded_at: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)


class QuotePageTokenRow(SQLModel, table=True):
    """The client page `/q/<token>` of one quote (docs/quotes.md): the token's SHA-256 only,
    opening until a few days after the quote's last valid day."""

    __tablename__ = "quote_page_token"
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    client_id: int = _fk("client.id")
    quote_id: int = _fk("quote.id")
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = _ts(nullable=False)
    created_at: datetime = _ts(nullable=False)

"""Tables of invoices (issue 20, item 6; docs/invoices.md): the per-organization, per-year
counter that numbers them without gaps, the invoices themselves (a snapshot of the order's
lines at Done), and the organization's details printed on them. Defined on the same metadata
as `storage.tables`, which imports this module at its bottom."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables import _fk, _pk, _ts
from storage.types import BigIntPK


class InvoiceCounterRow(SQLModel, table=True):
    """The last invoice number an organization issued in a year; raised in the Done's unit of
    work (UPDATE ... RETURNING), so numbers are gapless and a concurrent Done waits."""

    __tablename__ = "invoice_counter"
    organization_id: int = Field(
        sa_column=Column(
            BigIntPK, ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
        )
    )
    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    last: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))


class InvoiceRow(SQLModel, table=True):
    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("organization_id", "year", "seq"),
        UniqueConstraint("order_id"),
    )
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    order_id: int = _fk("work_order.id", index=False)
    client_id: int | None = _fk("client.id", nullable=True, ondelete="SET NULL")
    year: int = Field(sa_column=Column(Integer, nullable=False))
    seq: int = Field(sa_column=Column(Integer, nullable=False))
    issued_at: datetime = _ts(nullable=False)
    total_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    lines: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    file_key: str | None = Field(default=None, max_length=300)
    report_key: str | None = Field(default=None, max_length=300)


class OrgRequisitesRow(SQLModel, table=True):
    """The organization's legal details for its invoices (checked by
    `core.invoices.requisites`)."""

    __tablename__ = "org_requisites"
    organization_id: int = Field(
        sa_column=Column(
            BigIntPK, ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
        )
    )
    legal_name: str = Field(default="", max_length=200)
    inn: str = Field(default="", max_length=12)
    kpp: str = Field(default="", max_length=9)
    address: str = Field(default="", max_length=300)
    bank_name: str = Field(default="", max_length=200)
    bik: str = Field(default="", max_length=9)
    account: str = Field(default="", max_length=20)
    corr_account: str = Field(default="", max_length=20)
    updated_at: datetime = _ts(nullable=False)

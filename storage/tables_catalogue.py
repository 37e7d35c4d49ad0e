"""Tables of the services catalogue and of line items (issue 20, items 3 and 4;
docs/line-items.md). Defined on the same metadata as `storage.tables`, which imports this
module at its bottom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from storage.tables import _fk, _pk, _ts
from storage.types import BigIntPK


class CatalogueItemRow(SQLModel, table=True):
    """A service or material an organization sells: its price (VAT included) and VAT rate.
    Archived items stay for the lines that name them and are offered no more."""

    __tablename__ = "catalogue_item"
    __table_args__ = (Index("ix_catalogue_item_org_name", "organization_id", "name"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    kind: str = Field(default="service", max_length=16)
    name: str = Field(max_length=120)
    unit: str = Field(default="", max_length=12)
    price_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    vat_bp: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    category_id: int | None = _fk(
        "service_category.id", nullable=True, ondelete="SET NULL", index=False
    )
    archived_at: datetime | None = _ts()
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)


class LineItemRow(SQLModel, table=True):
    """One priced line of an order or of a quote (exactly one of them). The name, unit, price
    and VAT are copied from the catalogue when the line is made, so a later price change
    leaves it as agreed."""

    __tablename__ = "line_item"
    __table_args__ = (
        Index("ix_line_item_order", "order_id", "position"),
        Index("ix_line_item_quote", "quote_id", "position"),
        CheckConstraint("(order_id IS NULL) <> (quote_id IS NULL)", name="one_owner"),
    )
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    order_id: int | None = Field(
        default=None,
        sa_column=Column(BigIntPK, ForeignKey("work_order.id", ondelete="CASCADE"), nullable=True),
    )
    quote_id: int | None = Field(
        default=None,
        sa_column=Column(BigIntPK, ForeignKey("quote.id", ondelete="CASCADE"), nullable=True),
    )
    position: int = 0
    item_id: int | None = _fk("catalogue_item.id", nullable=True, ondelete="SET NULL", index=False)
    name: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    unit: str = Field(default="", max_length=12)
    quantity_milli: int = Field(sa_column=Column(BigInteger, nullable=False))
    unit_price_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    discount_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    vat_bp: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    created_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    created_at: datetime = _ts(nullable=False)

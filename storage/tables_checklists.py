"""Tables of checklists and acceptances (issue 20, items 7 and 8; docs/checklists.md).
Defined on the same metadata as `storage.tables`, which imports this module at its bottom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from storage.tables import _fk, _pk, _ts
from storage.types import BigIntPK


class ChecklistTemplateRow(SQLModel, table=True):
    """One item of a category's checklist, as owners and managers define it."""

    __tablename__ = "checklist_template_item"
    __table_args__ = (Index("ix_checklist_template_category", "category_id", "position"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    category_id: int = _fk("service_category.id", index=False)
    position: int = Field(sa_column=Column(Integer, nullable=False))
    text: str = Field(max_length=120)
    kind: str = Field(default="tick", max_length=8)
    required: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    unit: str | None = Field(default=None, max_length=12)
    created_at: datetime = _ts(nullable=False)


class OrderChecklistRow(SQLModel, table=True):
    """An item copied onto an order (its snapshot) and the worker's answer."""

    __tablename__ = "order_checklist_item"
    __table_args__ = (Index("ix_order_checklist_order", "order_id", "position"),)
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    order_id: int = _fk("work_order.id", index=False)
    position: int = Field(sa_column=Column(Integer, nullable=False))
    text: str = Field(max_length=120)
    kind: str = Field(default="tick", max_length=8)
    required: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    unit: str | None = Field(default=None, max_length=12)
    done_at: datetime | None = _ts()
    done_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    number: str | None = Field(default=None, max_length=24)
    attachment_id: int | None = _fk(
        "attachment.id", nullable=True, ondelete="SET NULL", index=False
    )


class AcceptanceRow(SQLModel, table=True):
    """The client's acceptance of a done order: one per order."""

    __tablename__ = "order_acceptance"
    order_id: int = Field(
        sa_column=Column(
            BigIntPK,
            ForeignKey("work_order.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    organization_id: int = _fk("organization.id", index=False)
    method: str = Field(max_length=12)
    accepted_at: datetime = _ts(nullable=False)
    name: str | None = Field(default=None, max_length=100)
    signature_key: str | None = Field(default=None, max_length=200)
    on_staff_device: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))

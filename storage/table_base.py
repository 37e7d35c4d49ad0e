"""What every table module stands on: the shared metadata with its naming convention, and the
column helpers (timestamps, foreign keys, primary keys, partial-index conditions)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    ForeignKey,
    MetaData,
    text,
)
from sqlmodel import Field, SQLModel

from storage.types import BigIntPK, UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)
metadata = SQLModel.metadata


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable, index=index))


def _fk(target: str, nullable: bool = False, ondelete: str = "CASCADE", index: bool = True) -> Any:
    column = Column(BigIntPK, ForeignKey(target, ondelete=ondelete))
    column.nullable = nullable
    column.index = index
    return Field(default=None, sa_column=column)


def _pk() -> Any:
    return Field(default=None, sa_column=Column(BigIntPK, primary_key=True, autoincrement=True))


def _where(condition: str) -> dict[str, Any]:
    """A partial index's condition, on both databases."""
    return {"postgresql_where": text(condition), "sqlite_where": text(condition)}

"""An organization's own Telegram bot (docs/own-bot.md). Defined on the same metadata as
`storage.tables`, which imports this module at its bottom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables import _fk, _pk, _ts
from storage.types import BigIntPK


class OwnBotRow(SQLModel, table=True):
    """At most one per organization, a bot at most in one; the token encrypted (SecretBox)."""

    __tablename__ = "own_bot"
    __table_args__ = (UniqueConstraint("organization_id"), UniqueConstraint("telegram_id"))
    id: int | None = _pk()
    organization_id: int = _fk("organization.id", index=False)
    telegram_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    username: str | None = Field(default=None, max_length=64)
    token: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    state: str = Field(max_length=16)
    serves_staff: bool = False
    connected_by: int | None = _fk("app_user.id", nullable=True, ondelete="SET NULL", index=False)
    connected_at: datetime = _ts(nullable=False)
    checked_at: datetime | None = _ts()


class BotNumberRow(SQLModel, table=True):
    """The number a bot's updates and messages are known by here (core/ownbot/routing.py):
    given when its Telegram id is first connected, kept when it is disconnected (a row holds
    no one's data), so a number never names two bots."""

    __tablename__ = "bot_number"
    __table_args__ = (UniqueConstraint("telegram_id"),)
    id: int | None = _pk()
    telegram_id: int = Field(sa_column=Column(BigInteger, nullable=False))


class BotChatRow(SQLModel, table=True):
    """A person who has written to an own bot, which may therefore write to them: their
    organization's messages go through it (docs/own-bot.md, Routing)."""

    __tablename__ = "bot_chat"
    bot: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    user_id: int = Field(
        sa_column=Column(
            BigIntPK, ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    started_at: datetime = _ts(nullable=False)

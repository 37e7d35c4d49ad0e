"""The second factor of the web sign-in (core/admin/factors.py): a person's factors, their
recovery codes and a session's WebAuthn challenges. Defined on the same metadata as
`storage.tables`, which imports this module at its bottom."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables import _fk, _pk, _ts


class SecondFactorRow(SQLModel, table=True):
    """An authenticator app (the TOTP secret Fernet-encrypted, the last accepted time step)
    or a passkey (its credential id, COSE public key and signature counter). A TOTP factor
    is unconfirmed until its first code is typed."""

    __tablename__ = "second_factor"
    id: int | None = _pk()
    user_id: int = _fk("app_user.id")
    kind: str = Field(max_length=10)
    name: str = Field(max_length=60)
    secret_ciphertext: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_step: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    credential_id: str | None = Field(default=None, max_length=400, unique=True)
    public_key: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    sign_count: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = _ts(nullable=False)
    confirmed_at: datetime | None = _ts()
    last_used_at: datetime | None = _ts()


class RecoveryCodeRow(SQLModel, table=True):
    """One recovery code, as the SHA-256 of its text; `used_at` once spent."""

    __tablename__ = "recovery_code"
    id: int | None = _pk()
    user_id: int = _fk("app_user.id")
    code_hash: str = Field(max_length=64)
    created_at: datetime = _ts(nullable=False)
    used_at: datetime | None = _ts()


class FactorChallengeRow(SQLModel, table=True):
    """The WebAuthn challenge a session was given, per purpose (sign-in or registration),
    deleted when it is answered."""

    __tablename__ = "second_factor_challenge"
    __table_args__ = (UniqueConstraint("session_id", "purpose"),)
    id: int | None = _pk()
    session_id: int = _fk("admin_session.id", index=False)
    purpose: str = Field(max_length=10)
    challenge: str = Field(max_length=200)
    expires_at: datetime = _ts(nullable=False)
    created_at: datetime = _ts(nullable=False)

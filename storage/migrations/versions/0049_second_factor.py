"""second factor of the web sign-in

Revision ID: 0049
Revises: 0048
Create Date: 2026-12-07

Issue 25, item 11 (docs/second-factor.md): `second_factor` (a person's authenticator app,
its TOTP secret encrypted and the last accepted time step, or a passkey with its public key
and signature counter), `recovery_code` (SHA-256 of each, spent once),
`second_factor_challenge` (a session's WebAuthn challenge per purpose) and
`admin_session.second_factor_at` (when the session last passed a factor).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0049"
down_revision: str | None = "0048"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = storage.types.UtcDateTime(timezone=True)
STR = sqlmodel.sql.sqltypes.AutoString


def _fk(
    table: str, column: str, target: str, ondelete: str = "CASCADE"
) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{table}_{column}_{target.split('.')[0]}")
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete=ondelete)


def upgrade() -> None:
    op.add_column("admin_session", sa.Column("second_factor_at", TS, nullable=True))
    op.create_table(
        "second_factor",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("kind", STR(length=10), nullable=False),
        sa.Column("name", STR(length=60), nullable=False),
        sa.Column("secret_ciphertext", sa.Text(), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.Column("credential_id", STR(length=400), nullable=True),
        sa.Column("public_key", sa.Text(), nullable=True),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("confirmed_at", TS, nullable=True),
        sa.Column("last_used_at", TS, nullable=True),
        _fk("second_factor", "user_id", "app_user.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_second_factor")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_second_factor_credential_id")),
    )
    op.create_index(op.f("ix_second_factor_user_id"), "second_factor", ["user_id"])
    op.create_table(
        "recovery_code",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("code_hash", STR(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
        _fk("recovery_code", "user_id", "app_user.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    op.create_index(op.f("ix_recovery_code_user_id"), "recovery_code", ["user_id"])
    op.create_table(
        "second_factor_challenge",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("session_id", ID, nullable=False),
        sa.Column("purpose", STR(length=10), nullable=False),
        sa.Column("challenge", STR(length=200), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _fk("second_factor_challenge", "session_id", "admin_session.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_second_factor_challenge")),
        sa.UniqueConstraint(
            "session_id", "purpose", name=op.f("uq_second_factor_challenge_session_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("second_factor_challenge")
    op.drop_index(op.f("ix_recovery_code_user_id"), table_name="recovery_code")
    op.drop_table("recovery_code")
    op.drop_index(op.f("ix_second_factor_user_id"), table_name="second_factor")
    op.drop_table("second_factor")
    with op.batch_alter_table("admin_session") as batch:
        batch.drop_column("second_factor_at")

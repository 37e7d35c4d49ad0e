"""notifications: each person's preferences, the sent-key ledger, indexes for the scheduler

Revision ID: 0006
Revises: 0009
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

import storage.types
from alembic import op


revision: str = '0006'
# Chained after the head at the time of writing (0009); re-chain when the branches merge.
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ = (sa, sqlmodel, storage.types)


def upgrade() -> None:
    op.create_table('notification_pref',
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('digest', sa.Boolean(), nullable=False),
    sa.Column('digest_at', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('weekly', sa.Boolean(), nullable=False),
    sa.Column('plan', sa.Boolean(), nullable=False),
    sa.Column('plan_at', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('reminder', sa.Boolean(), nullable=False),
    sa.Column('reminder_minutes', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.Column('overdue_minutes', sa.Integer(), nullable=False),
    sa.Column('quiet_start', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
    sa.Column('quiet_end', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
    sa.Column('updated_at', storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_notification_pref_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_pref'))
    )
    op.create_table('sent_notification',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('organization_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('recipient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', storage.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_sent_notification_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['app_user.id'], name=op.f('fk_sent_notification_recipient_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_notification')),
    sa.UniqueConstraint('key', name=op.f('uq_sent_notification_key'))
    )
    with op.batch_alter_table('sent_notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_notification_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.create_index('ix_order_event_created_at', ['created_at'], unique=False)

    with op.batch_alter_table('work_order', schema=None) as batch_op:
        batch_op.create_index('ix_work_order_scheduled_at', ['scheduled_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('work_order', schema=None) as batch_op:
        batch_op.drop_index('ix_work_order_scheduled_at')

    with op.batch_alter_table('order_event', schema=None) as batch_op:
        batch_op.drop_index('ix_order_event_created_at')

    with op.batch_alter_table('sent_notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_notification_created_at'))

    op.drop_table('sent_notification')
    op.drop_table('notification_pref')

"""board notify

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07

The web board's live feed (docs/board.md): on PostgreSQL every new order event notifies the
channel `astracrm_board` with its organization's id, delivered to every listening admin
process when the transaction commits. The application sends no statement of its own for it
(the statement budgets of a tap stay as they are). SQLite has one process: its units of work
wake the board in-process (storage/board.py).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION astracrm_board_notify() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('astracrm_board', NEW.organization_id::text); RETURN NULL; "
        "END $$"
    )
    op.execute(
        "CREATE TRIGGER order_event_board AFTER INSERT ON order_event "
        "FOR EACH ROW EXECUTE FUNCTION astracrm_board_notify()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS order_event_board ON order_event")
    op.execute("DROP FUNCTION IF EXISTS astracrm_board_notify()")

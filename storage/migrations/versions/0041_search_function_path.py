"""search function path

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-07

PostgreSQL only. `client_search_part_keys` (the expression of `ix_client_search_trgm`, 0013)
calls `client_search_part` by its bare name, so it only works where the search path holds the
schema. pg_restore (and pg_dump's scripts) run with an empty search path, so restoring a backup
failed building the index ("function client_search_part(text) does not exist"); PostgreSQL 17
runs VACUUM, ANALYZE and REINDEX with a safe search path too. The function now carries the
search path of the schema it was created in (`SET search_path FROM CURRENT`). The keys it
computes are unchanged, so the index stays as it is.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTION = "client_search_part_keys(bigint, text, text)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER FUNCTION {FUNCTION} SET search_path FROM CURRENT")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER FUNCTION {FUNCTION} RESET search_path")

"""client search: FTS5 trigram index on SQLite, pg_trgm GIN index on PostgreSQL

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

SQLite: FTS5 `client_fts` (trigram tokenizer) with external content, kept in step by
triggers. Its rowid is (organization << 44) + (name bucket << 32) + client id, the bucket being
the first two characters of `name_norm`, so an organization is a rowid range and matches come
out of the index nearly in name order (see storage/clients/search.py). Limits: organization ids below
2**19, client ids below 2**32. The content is the view `client_fts_source`, so 'rebuild' and
'integrity-check' work.

Both databases also get a covering partial b-tree index over live clients in name order per
organization, for walking an organization in name order (short terms, listings, and on
PostgreSQL common terms) without touching the table. These objects are not in the SQLModel
metadata; `include_object` in env.py keeps `alembic check` from reporting them.

Note for later migrations: on SQLite a batch operation that recreates `client` fails on the
view (drop `client_fts_source` first) and loses the triggers and the index: recreate all of
them from here and repopulate `client_fts`. On PostgreSQL the covering index holds
`search_text`, so a document must stay under the b-tree row limit (about 2.7 KB).
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = 'deleted_at IS NULL AND merged_into_id IS NULL'


def _char_class(row: str, position: int) -> str:
    """0..62, never decreasing in code point order: digits, each Latin and Cyrillic letter."""
    cp = f'unicode(substr({row}name_norm, {position}, 1))'
    return (
        f'(CASE WHEN {cp} IS NULL OR {cp} < 48 THEN 0 WHEN {cp} < 58 THEN 1 '
        f'WHEN {cp} < 97 THEN 2 WHEN {cp} < 123 THEN {cp} - 94 WHEN {cp} < 1072 THEN 29 '
        f'WHEN {cp} < 1104 THEN {cp} - 1042 ELSE 62 END)'
    )


def _fts_rowid(row: str = '') -> str:
    """organization (19 bits) | name bucket (12 bits: first two characters) | client id (32)."""
    bucket = f'({_char_class(row, 1)} * 64 + {_char_class(row, 2)})'
    return f'(({row}organization_id << 44) + ({bucket} << 32) + {row}id)'


_DELETE_OLD = (
    "INSERT INTO client_fts(client_fts, rowid, search_text) "
    f"VALUES ('delete', {_fts_rowid('old.')}, old.search_text);"
)
_INSERT_NEW = (
    f'INSERT INTO client_fts(rowid, search_text) VALUES ({_fts_rowid("new.")}, new.search_text);'
)
_CHANGED = ' OR '.join(
    f'old.{column} IS NOT new.{column}'
    for column in ('id', 'organization_id', 'name_norm', 'search_text')
)
SQLITE_UPGRADE = (
    f'CREATE VIEW client_fts_source AS SELECT {_fts_rowid()} AS fts_rowid, search_text '
    'FROM client',
    "CREATE VIRTUAL TABLE client_fts USING fts5(search_text, content='client_fts_source', "
    "content_rowid='fts_rowid', tokenize='trigram')",
    f'CREATE TRIGGER client_fts_ai AFTER INSERT ON client BEGIN {_INSERT_NEW} END',
    f'CREATE TRIGGER client_fts_ad AFTER DELETE ON client BEGIN {_DELETE_OLD} END',
    'CREATE TRIGGER client_fts_au AFTER UPDATE OF id, organization_id, name_norm, search_text '
    f'ON client WHEN {_CHANGED} BEGIN {_DELETE_OLD} {_INSERT_NEW} END',
    # Existing rows, in rowid order (much faster than 'rebuild' over the unordered view).
    'INSERT INTO client_fts(rowid, search_text) '
    'SELECT fts_rowid, search_text FROM client_fts_source ORDER BY fts_rowid',
    "INSERT INTO client_fts(client_fts) VALUES ('optimize')",
    # Covering (SQLite wants the predicate's columns too, though they are always NULL here):
    # walking an organization in name order never touches the table.
    'CREATE INDEX ix_client_org_live_name ON client (organization_id, name_norm, id, '
    f'search_text, deleted_at, merged_into_id) WHERE {LIVE}',
)
SQLITE_DOWNGRADE = (
    'DROP INDEX IF EXISTS ix_client_org_live_name',
    'DROP TRIGGER IF EXISTS client_fts_au',
    'DROP TRIGGER IF EXISTS client_fts_ad',
    'DROP TRIGGER IF EXISTS client_fts_ai',
    'DROP TABLE IF EXISTS client_fts',
    'DROP VIEW IF EXISTS client_fts_source',
)
POSTGRESQL_UPGRADE = (
    'CREATE EXTENSION IF NOT EXISTS pg_trgm',
    'CREATE INDEX ix_client_search_trgm ON client USING gin (search_text gin_trgm_ops)',
    # Covering (index-only walk in name order); "C" ordering matches SQLite's BINARY.
    'CREATE INDEX ix_client_org_live_name ON client '
    f'(organization_id, name_norm COLLATE "C", id) INCLUDE (search_text) WHERE {LIVE}',
)
POSTGRESQL_DOWNGRADE = (
    'DROP INDEX IF EXISTS ix_client_org_live_name',
    'DROP INDEX IF EXISTS ix_client_search_trgm',
    'DROP EXTENSION IF EXISTS pg_trgm',
)


def _run(statements: Sequence[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        _run(SQLITE_UPGRADE)
    elif dialect == 'postgresql':
        _run(POSTGRESQL_UPGRADE)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        _run(SQLITE_DOWNGRADE)
    elif dialect == 'postgresql':
        _run(POSTGRESQL_DOWNGRADE)

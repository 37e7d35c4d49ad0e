"""client search: word starts in the trigram indexes (short prefixes without a walk)

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-27

SQLite: `client_fts` now indexes the document padded as `'  ' || replace(text, ' ', '  ')`
(two spaces before every word), so a word start is a trigram: `"  щ"` finds words beginning
with "щ" and `" ив"` those beginning with "ив". A one- or two-letter prefix is then answered
by the index like any long term (storage/clients/search_sql.py `Sql.grams` pads terms the same way). Rowids, the
view, triggers and covering index keep the layout of 0002; the table is rebuilt.

PostgreSQL: `ix_client_search_trgm` becomes a GIN index over `client_search_keys(organization,
name, document)`: the trigrams of the document padded the same way, each hashed together with
the organization and the part of the name order (before Cyrillic "а", or from it on):
organization << 32 | part << 31 | hashtext & 0x7fffffff. The posting lists a query reads and
the candidates it fetches are then its organization's (and part's) only, and a word start is
a key like any other. `client_search_query_keys(organization, part, trigrams)` gives a query's
keys (storage/clients/search_postgres.py).
"""

from collections.abc import Sequence
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from types import ModuleType

from alembic import op


revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _load_0002() -> ModuleType:
    path = Path(__file__).with_name("0002_client_search.py")
    spec = spec_from_file_location("astracrm_migration_0002", path)
    assert spec is not None and spec.loader is not None
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_0002 = _load_0002()
_rowid = _0002._fts_rowid


def _padded(row: str = "") -> str:
    return f"('  ' || replace({row}search_text, ' ', '  '))"


def _sqlite_fts(document: str) -> tuple[str, ...]:
    """Drop and recreate view, table and triggers over `document(row prefix)`, then fill."""
    delete_old = (
        "INSERT INTO client_fts(client_fts, rowid, search_text) "
        f"VALUES ('delete', {_rowid('old.')}, {document('old.')});"
    )
    insert_new = (
        f"INSERT INTO client_fts(rowid, search_text) "
        f"VALUES ({_rowid('new.')}, {document('new.')});"
    )
    return (
        "DROP TRIGGER IF EXISTS client_fts_au",
        "DROP TRIGGER IF EXISTS client_fts_ad",
        "DROP TRIGGER IF EXISTS client_fts_ai",
        "DROP TABLE IF EXISTS client_fts",
        "DROP VIEW IF EXISTS client_fts_source",
        f"CREATE VIEW client_fts_source AS SELECT {_rowid()} AS fts_rowid, "
        f"{document()} AS search_text FROM client",
        "CREATE VIRTUAL TABLE client_fts USING fts5(search_text, "
        "content='client_fts_source', content_rowid='fts_rowid', tokenize='trigram')",
        f"CREATE TRIGGER client_fts_ai AFTER INSERT ON client BEGIN {insert_new} END",
        f"CREATE TRIGGER client_fts_ad AFTER DELETE ON client BEGIN {delete_old} END",
        "CREATE TRIGGER client_fts_au AFTER UPDATE OF id, organization_id, name_norm, "
        f"search_text ON client WHEN {_0002._CHANGED} BEGIN {delete_old} {insert_new} END",
        "INSERT INTO client_fts(rowid, search_text) "
        "SELECT fts_rowid, search_text FROM client_fts_source ORDER BY fts_rowid",
        "INSERT INTO client_fts(client_fts) VALUES ('optimize')",
    )


_HASH = "(org << 32) | ({part}::bigint << 31) | (hashtext({gram})::bigint & 2147483647)"
_PART = "(name COLLATE \"C\" >= 'а')::int"
POSTGRESQL_UPGRADE = (
    "CREATE FUNCTION client_search_keys(org bigint, name text, doc text) RETURNS bigint[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT coalesce(array_agg(DISTINCT "
    f"{_HASH.format(part=_PART, gram='substr(d.p, i, 3)')}), '{{}}') "
    "FROM (SELECT '  ' || replace(doc, ' ', '  ') AS p) AS d, "
    "generate_series(1, length(d.p) - 2) AS i $$",
    "CREATE FUNCTION client_search_query_keys(org bigint, part int, grams text[]) "
    "RETURNS bigint[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    f"SELECT coalesce(array_agg(DISTINCT {_HASH.format(part='part', gram='g')}), '{{}}') "
    "FROM unnest(grams) AS g $$",
    "DROP INDEX IF EXISTS ix_client_search_trgm",
    "CREATE INDEX ix_client_search_trgm ON client "
    "USING gin (client_search_keys(organization_id, name_norm, search_text))",
)
POSTGRESQL_DOWNGRADE = (
    'DROP INDEX IF EXISTS ix_client_search_trgm',
    'DROP FUNCTION IF EXISTS client_search_query_keys(bigint, int, text[])',
    'DROP FUNCTION IF EXISTS client_search_keys(bigint, text, text)',
    'CREATE INDEX ix_client_search_trgm ON client USING gin (search_text gin_trgm_ops)',
)


def _run(statements: Sequence[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(_sqlite_fts(_padded))
    elif dialect == "postgresql":
        _run(POSTGRESQL_UPGRADE)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(_sqlite_fts(lambda row="": f"{row}search_text"))
    elif dialect == "postgresql":
        _run(POSTGRESQL_DOWNGRADE)

"""client_search: PostgreSQL trigram keys per part of the name order (first letter)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

PostgreSQL only (SQLite is unchanged). `ix_client_search_trgm` becomes a GIN index over
`client_search_part_keys(organization, name, document)`: the trigrams of the padded document
(as in 0010: two spaces before every word, so word starts are trigrams), each hashed into a
bigint key

    organization << 32 | part << 21 | hashtext(trigram) & 0x1FFFFF

where `part` is the client's part of the name order, by the first character of `name_norm`
(`client_search_part`): eight code points to a part below U+0400 (digits, Latin, Greek...),
two from U+0400 (Cyrillic: а-б, в-г, ...), one part for everything from U+0500 on; parts
follow the name order. Trigrams of digits and spaces only (phone numbers) are not split by
part: their part field is 2047.

A query asks, part after part in name order, for the clients of that part holding all its
trigrams (storage/clients/search_postgres.py), so the candidates it fetches are those of the parts
before the page is full, not every match of the organization. The functions of 0010 go;
the downgrade puts them and their index back.
"""

# Statements assembled from constant fragments only.
# ruff: noqa: S608

from collections.abc import Sequence
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LAST_PART = 256  # U+0500 and after
PHONE_PART = 2047  # trigrams of digits and spaces: one key for every part
_FUNCTION = "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE"
_KEY = (
    "(org << 32) | ((CASE WHEN translate({gram}, '0123456789 ', '') = '' "
    f"THEN {PHONE_PART} ELSE {{part}} END)::bigint << 21) "
    "| (hashtext({gram}) & 2097151)::bigint"
)
POSTGRESQL_UPGRADE = (
    "DROP INDEX IF EXISTS ix_client_search_trgm",
    "DROP FUNCTION IF EXISTS client_search_query_keys(bigint, int, text[])",
    "DROP FUNCTION IF EXISTS client_search_keys(bigint, text, text)",
    f"CREATE FUNCTION client_search_part(name text) RETURNS int {_FUNCTION} "
    "AS $$ SELECT CASE WHEN ascii(name) < 1024 THEN ascii(name) >> 3 "
    "ELSE 128 + ((least(ascii(name), 1280) - 1024) >> 1) END $$",
    # The smallest name of the next part (NULL after the last one).
    f"CREATE FUNCTION client_search_part_end(part int) RETURNS text {_FUNCTION} "
    "AS $$ SELECT CASE WHEN part < 128 THEN chr((part + 1) << 3) "
    f"WHEN part < {LAST_PART} THEN chr(1024 + ((part - 127) << 1)) END $$",
    # COST: about 0.2 ms a row, so a small table is not scanned computing it for every row.
    "CREATE FUNCTION client_search_part_keys(org bigint, name text, doc text) "
    f"RETURNS bigint[] {_FUNCTION} COST 1000 AS $$ SELECT coalesce(array_agg(DISTINCT "
    f"{_KEY.format(gram='substr(d.p, i, 3)', part='client_search_part(name)')}), '{{}}') "
    "FROM (SELECT '  ' || replace(doc, ' ', '  ') AS p) AS d, "
    "generate_series(1, length(d.p) - 2) AS i $$",
    "CREATE FUNCTION client_search_part_query(org bigint, part int, grams text[]) "
    f"RETURNS bigint[] {_FUNCTION} AS $$ SELECT coalesce(array_agg(DISTINCT "
    f"{_KEY.format(gram='g', part='part')}), '{{}}') FROM unnest(grams) AS g $$",
    "CREATE INDEX ix_client_search_trgm ON client "
    "USING gin (client_search_part_keys(organization_id, name_norm, search_text))",
)
POSTGRESQL_DOWNGRADE = (
    "DROP INDEX IF EXISTS ix_client_search_trgm",
    "DROP FUNCTION IF EXISTS client_search_part_query(bigint, int, text[])",
    "DROP FUNCTION IF EXISTS client_search_part_keys(bigint, text, text)",
    "DROP FUNCTION IF EXISTS client_search_part_end(int)",
    "DROP FUNCTION IF EXISTS client_search_part(text)",
)


def _load_0010() -> ModuleType:
    path = Path(__file__).with_name("0010_search_word_starts.py")
    spec = spec_from_file_location("astracrm_migration_0010", path)
    assert spec is not None and spec.loader is not None
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(statements: Sequence[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _run(POSTGRESQL_UPGRADE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _run(POSTGRESQL_DOWNGRADE)
        _run(_load_0010().POSTGRESQL_UPGRADE)

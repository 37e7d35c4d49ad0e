"""Client search over `client.search_text`, in name order, fast at a million clients.

Every term must occur in the document (AND). Terms of three or more characters are
substrings, answered by a trigram index: on SQLite the FTS5 table `client_fts`, whose rowid
is `(organization_id << 32) + id` so one organization is a rowid range; on PostgreSQL the
pg_trgm GIN index (`search_text LIKE '%term%'`). Shorter terms cannot use trigrams: they match
the start of a word and only filter rows found another way.

Results are ordered by `name_norm` then id, so a common term would make the index route fetch
and sort every match. Such queries instead *walk* the organization's live clients in name
order over the covering index `ix_client_org_live_name`, stopping at the first page, which
comes quickly precisely because the terms are common. Which route: SQLite counts the
organization's index matches up to `PROBE_CAP` (a cheap rowid-range count); PostgreSQL, where
such a count is not cheap, walks a first window of `WINDOW` clients and takes the index route
only if the matches there are too sparse to finish the page within `WALK_BUDGET` clients.
All user input is bound as parameters.
"""

# SQL text here is assembled from constant fragments and parameter names only; every value a
# person typed travels as a bound parameter (tests/integration/test_client_search.py).
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from core.search import MIN_TRIGRAM, SearchQuery

PROBE_CAP = 1000
WINDOW = 2000
WALK_BUDGET = 16_000
ORG_SHIFT = 32
LIVE = "c.deleted_at IS NULL AND c.merged_into_id IS NULL"
PG_ORDER = 'c.name_norm COLLATE "C", c.id'


@dataclass
class _Sql:
    """One query's terms as SQL fragments and the parameters they bind."""

    dialect: str
    org_id: int
    query: SearchQuery
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.params["org"] = self.org_id
        self.long = tuple(t for t in self.query.terms if len(t) >= MIN_TRIGRAM)
        self.short = tuple(t for t in self.query.terms if len(t) < MIN_TRIGRAM)

    @property
    def order(self) -> str:
        return PG_ORDER if self.dialect == "postgresql" else "c.name_norm, c.id"

    def _contains(self, name: str, haystack: str, needle: str) -> str:
        self.params[name] = needle
        if self.dialect == "postgresql":
            return f"strpos({haystack}, :{name}) > 0"
        return f"instr({haystack}, :{name}) > 0"

    def word_prefixes(self, alias: str = "c") -> str:
        """Short terms: each must start a word of the document."""
        doc = f"(' ' || {alias}.search_text)"
        parts = [self._contains(f"w{i}", doc, " " + t) for i, t in enumerate(self.short)]
        return "".join(f" AND {p}" for p in parts)

    def substrings(self, alias: str = "c") -> str:
        """Long terms checked row by row (the walk), without an index."""
        doc = f"{alias}.search_text"
        parts = [self._contains(f"s{i}", doc, t) for i, t in enumerate(self.long)]
        return "".join(f" AND {p}" for p in parts) + self.word_prefixes(alias)

    def likes(self) -> str:
        """Long terms as `LIKE '%term%'`, which the pg_trgm GIN index answers."""
        for i, term in enumerate(self.long):
            self.params[f"p{i}"] = like_pattern(term)
        return "".join(f" AND c.search_text LIKE :p{i} ESCAPE '/'" for i in range(len(self.long)))

    def fts(self) -> str:
        """FTS5 MATCH over this organization's rowid range (SQLite)."""
        self.params["match"] = fts_match(self.long)
        self.params["lo"] = self.org_id << ORG_SHIFT
        self.params["hi"] = (self.org_id + 1) << ORG_SHIFT
        return "client_fts MATCH :match AND client_fts.rowid >= :lo AND client_fts.rowid < :hi"


def fts_match(terms: tuple[str, ...]) -> str:
    """An FTS5 query requiring every term as a phrase: `"a" AND "b"` (quotes doubled)."""
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def like_pattern(term: str) -> str:
    """`%term%` with LIKE's wildcards escaped by '/'."""
    escaped = term.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


async def _ids(session: AsyncSession, sql: str, params: dict[str, Any]) -> list[int]:
    return [int(i) for i in (await session.execute(text(sql), params)).scalars()]


def _page(params: dict[str, Any], limit: int, offset: int) -> str:
    params["limit"], params["offset"] = limit, offset
    return " LIMIT :limit OFFSET :offset"


async def _walk(session: AsyncSession, q: _Sql, limit: int, offset: int) -> list[int]:
    """The organization's live clients in name order, filtered row by row."""
    sql = (
        f"SELECT c.id FROM client AS c WHERE c.organization_id = :org AND {LIVE}"
        f"{q.substrings()} ORDER BY {q.order}{_page(q.params, limit, offset)}"
    )
    return await _ids(session, sql, q.params)


async def _sqlite_index(session: AsyncSession, q: _Sql, limit: int, offset: int) -> list[int]:
    sql = (
        "SELECT c.id FROM client_fts CROSS JOIN client AS c ON c.id = client_fts.rowid - :lo "
        f"WHERE {q.fts()} AND {LIVE}{q.word_prefixes()} "
        f"ORDER BY {q.order}{_page(q.params, limit, offset)}"
    )
    return await _ids(session, sql, q.params)


async def _sqlite_matches(session: AsyncSession, q: _Sql, cap: int) -> int:
    """How many of the organization's FTS rows match the long terms, counted up to `cap`."""
    q.params["cap"] = cap
    sql = f"SELECT count(*) FROM (SELECT 1 FROM client_fts WHERE {q.fts()} LIMIT :cap)"
    return int((await session.execute(text(sql), q.params)).scalar_one())


async def _sqlite(session: AsyncSession, q: _Sql, limit: int, offset: int) -> list[int]:
    if q.long and await _sqlite_matches(session, q, PROBE_CAP) < PROBE_CAP:
        return await _sqlite_index(session, q, limit, offset)
    return await _walk(session, q, limit, offset)


async def _pg_window(session: AsyncSession, q: _Sql, need: int) -> tuple[int, list[int]]:
    """Clients examined and matches found among the first `WINDOW` in name order."""
    q.params["window"], q.params["need"] = WINDOW, need
    sql = (
        "WITH w AS MATERIALIZED (SELECT c.id, c.name_norm, c.search_text FROM client AS c "
        f"WHERE c.organization_id = :org AND {LIVE} ORDER BY {q.order} LIMIT :window) "
        "SELECT (SELECT count(*) FROM w), ARRAY(SELECT c.id FROM w AS c "
        f'WHERE TRUE{q.substrings()} ORDER BY c.name_norm COLLATE "C", c.id LIMIT :need)'
    )
    examined, ids = (await session.execute(text(sql), q.params)).one()
    return int(examined), [int(i) for i in ids]


async def _pg_index(session: AsyncSession, q: _Sql, limit: int, offset: int) -> list[int]:
    """Candidates from the GIN index alone (the terms are rare: few), then org, live, order.

    The fence keeps the planner from AND-ing in an organization b-tree bitmap, which for a
    large organization costs more than the trigram lookup it would save.
    """
    sql = (
        "WITH m AS MATERIALIZED (SELECT c.id, c.organization_id, c.name_norm, c.search_text, "
        f"c.deleted_at, c.merged_into_id FROM client AS c WHERE TRUE{q.likes()}) "
        f"SELECT c.id FROM m AS c WHERE c.organization_id = :org AND {LIVE}"
        f"{q.word_prefixes()} ORDER BY {q.order}{_page(q.params, limit, offset)}"
    )
    return await _ids(session, sql, q.params)


async def _postgresql(session: AsyncSession, q: _Sql, limit: int, offset: int) -> list[int]:
    need = offset + limit
    examined, found = await _pg_window(session, q, need)
    if len(found) >= need or examined < WINDOW:
        return found[offset:need]
    if not q.long or need * WINDOW / max(len(found), 1) <= WALK_BUDGET:
        return await _walk(session, q, limit, offset)
    return await _pg_index(session, q, limit, offset)


async def search_client_ids(
    session: AsyncSession, org_id: int, query: SearchQuery, limit: int = 20, offset: int = 0
) -> list[int]:
    """Ids of the organization's live clients matching every term, by name then id."""
    if query.empty or limit <= 0:
        return []
    q = _Sql(_dialect(session), org_id, query)
    if q.dialect == "postgresql":
        return await _postgresql(session, q, limit, max(offset, 0))
    return await _sqlite(session, q, limit, max(offset, 0))


async def count_clients(session: AsyncSession, org_id: int, query: SearchQuery) -> int:
    """How many live clients match; costs in proportion to the matches (not cheap for 'а')."""
    if query.empty:
        return 0
    q = _Sql(_dialect(session), org_id, query)
    if not q.long:
        where = f"c.organization_id = :org AND {LIVE}{q.word_prefixes()}"
        sql = f"SELECT count(*) FROM client AS c WHERE {where}"
    elif q.dialect == "postgresql":
        where = f"c.organization_id = :org AND {LIVE}{q.likes()}{q.word_prefixes()}"
        sql = f"SELECT count(*) FROM client AS c WHERE {where}"
    else:
        sql = (
            "SELECT count(*) FROM client_fts CROSS JOIN client AS c "
            f"ON c.id = client_fts.rowid - :lo WHERE {q.fts()} AND {LIVE}{q.word_prefixes()}"
        )
    return int((await session.execute(text(sql), q.params)).scalar_one())


def _dialect(session: AsyncSession) -> str:
    bind = session.get_bind()
    return bind.dialect.name

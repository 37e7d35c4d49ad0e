"""Client search over `client.search_text`, in name order, fast at a million clients.

Every term must occur in the document (AND). Terms of three or more characters are
substrings answered by a trigram index; shorter ones must start a word of the document and
only filter rows found another way. Results come by `name_norm`, then id.

SQLite: the FTS5 table `client_fts` numbers each document (organization, first two characters
of the name as a 12-bit bucket, client id), so one organization is a rowid range and its
matches stream out of the index in bucket order. Reading them in growing chunks until a later
bucket is reached settles the first page by name after a few dozen matches, however common
the term, without ever collecting all matches.

PostgreSQL: the GIN index (pg_trgm, `search_text LIKE '%term%'`) cannot give matches in name
order, so for a common term it would collect and sort all of them. One statement: the first
`WINDOW` live clients of the organization by name, read from the covering index
`ix_client_org_live_name` (index-only), settle small organizations and common terms; else a
fixed sample of the table weighs the GIN route (its posting lists and candidates: pg_trgm is
slow for terms made of common trigrams such as "ов") against the rows a walk in name order
would read to fill the page.

Queries of short terms only walk (both databases). All user input is bound as parameters.
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

STREAM_FIRST = 64
STREAM_BUDGET = 4096
WINDOW = 500
SAMPLE_PAGES = 24
POSTING_COST, CANDIDATE_COST = 0.075, 5.0
ORG_SHIFT, BUCKET_SHIFT = 44, 32
ID_MASK = (1 << BUCKET_SHIFT) - 1
MAX_SQLITE_ORG = 1 << (63 - ORG_SHIFT)
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

    def fts(self, after: int | None = None) -> str:
        """FTS5 MATCH over this organization's rowid range, or the part of it past `after`."""
        self.params["match"] = fts_match(self.long)
        self.params["after"] = (self.org_id << ORG_SHIFT) - 1 if after is None else after
        self.params["hi"], self.params["mask"] = (self.org_id + 1) << ORG_SHIFT, ID_MASK
        return "client_fts MATCH :match AND client_fts.rowid > :after AND client_fts.rowid < :hi"


def fts_match(terms: tuple[str, ...]) -> str:
    """An FTS5 query requiring every term as a phrase: `"a" AND "b"` (quotes doubled)."""
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def like_pattern(term: str) -> str:
    """`%term%` with LIKE's wildcards escaped by '/'."""
    escaped = term.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


async def _ids(session: AsyncSession, sql: str, params: dict[str, Any]) -> list[int]:
    return [int(i) for i in (await session.execute(text(sql), params)).scalars()]


def _walk_sql(q: _Sql) -> str:
    """The organization's live clients in name order, filtered row by row."""
    return (
        f"SELECT c.id FROM client AS c WHERE c.organization_id = :org AND {LIVE}"
        f"{q.substrings()} ORDER BY {q.order} LIMIT :limit OFFSET :offset"
    )


async def _walk(session: AsyncSession, q: _Sql, limit: int, offset: int) -> list[int]:
    q.params["limit"], q.params["offset"] = limit, offset
    return await _ids(session, _walk_sql(q), q.params)


async def _chunk(session: AsyncSession, q: _Sql, after: int, k: int) -> list[Any]:
    """The next `k` index matches after rowid `after`: (rowid, name_norm, id, wanted)."""
    q.params["k"] = k
    sql = (
        "SELECT f.rowid, c.name_norm, c.id, "
        f"({LIVE}{q.word_prefixes()}) FROM (SELECT client_fts.rowid FROM client_fts "
        f"WHERE {q.fts(after)} ORDER BY client_fts.rowid LIMIT :k) AS f "
        "CROSS JOIN client AS c ON c.id = (f.rowid & :mask)"
    )
    return sorted((await session.execute(text(sql), q.params)).all())


async def _stream(session: AsyncSession, q: _Sql, need: int) -> list[int] | None:
    """Matches in (name bucket, id) order until the first `need` by name are settled.

    A bucket is settled once a later bucket has been reached. None past `STREAM_BUDGET`
    matches (a common long term with a rare short one): the walk is cheaper then.
    """
    rows: list[Any] = []
    after, k = (q.org_id << ORG_SHIFT) - 1, STREAM_FIRST
    while len(rows) <= STREAM_BUDGET:
        chunk = await _chunk(session, q, after, k)
        rows += chunk
        edge = chunk[-1][0] >> BUCKET_SHIFT if len(chunk) == k else None
        settled = [r for r in rows if r[3] and (edge is None or r[0] >> BUCKET_SHIFT < edge)]
        if edge is None or len(settled) >= need:
            settled.sort(key=lambda r: (r[1], r[2]))
            return [int(r[2]) for r in settled[:need]]
        after, k = chunk[-1][0], k * 4
    return None


async def _sqlite(session: AsyncSession, q: _Sql, limit: int, offset: int) -> list[int]:
    if q.long and q.org_id < MAX_SQLITE_ORG:
        found = await _stream(session, q, offset + limit)
        if found is not None:
            return found[offset:]
    return await _walk(session, q, limit, offset)


def _pg_window(q: _Sql) -> str:
    """The organization's first `WINDOW` live clients by name, and the matches among them."""
    return (
        f"w AS MATERIALIZED (SELECT c.id, c.name_norm, (TRUE{q.substrings()}) AS hit "
        f"FROM client AS c WHERE c.organization_id = :org AND {LIVE} ORDER BY {q.order} "
        f"LIMIT :window), wm AS MATERIALIZED (SELECT c.id, c.name_norm FROM w AS c "
        f"WHERE c.hit ORDER BY {q.order} LIMIT :need)"
    )


def _trigrams(terms: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(t[i : i + 3] for t in terms for i in range(len(t) - 2)))


def _pg_sample(q: _Sql) -> str:
    """Counts in a fixed sample of about `SAMPLE_PAGES` pages: rows, rows matching the query,
    rows matching its long terms (GIN candidates) and rows holding each of their trigrams
    (the GIN posting lists read). REPEATABLE keeps the pages the same, so they stay cached.
    """
    pct = (
        "(SELECT least(100.0, 100.0 * :pages / greatest(1, pg_relation_size('client') "
        "/ current_setting('block_size')::int)))"
    )
    long_only = _Sql(q.dialect, q.org_id, SearchQuery(q.long), q.params).substrings()
    grams = []
    for i, gram in enumerate(_trigrams(q.long)):
        q.params[f"g{i}"] = gram
        grams.append(f"count(*) FILTER (WHERE strpos(c.search_text, :g{i}) > 0)")
    return (
        f"s AS (SELECT count(*) AS n, count(*) FILTER (WHERE TRUE{long_only}) AS long_hits, "
        f"count(*) FILTER (WHERE TRUE{q.substrings()}) AS hits, {' + '.join(grams)} AS postings, "
        f"{pct} AS pct FROM client AS c TABLESAMPLE SYSTEM ({pct}) REPEATABLE (7))"
    )


# GIN when reading its posting lists and fetching its candidates (long-term matches in the
# whole table) costs less than the rows a walk reads to fill the page (need / density).
# Costs are in walked rows: a posting entry `POSTING_COST`, a candidate `CANDIDATE_COST`.
PG_CHOOSE_INDEX = (
    "(SELECT (s.postings * :posting + s.long_hits * :candidate) * 100.0 / s.pct "
    "<= :need * s.n / greatest(s.hits, 1) FROM s)"
)


def _pg_index(q: _Sql) -> str:
    """Candidates from the GIN index alone (few: the terms are rare), then org, live, order.

    The fence keeps the planner from AND-ing in an organization b-tree bitmap, which for a
    large organization costs more than the trigram lookup it would save.
    """
    return (
        "WITH m AS MATERIALIZED (SELECT c.id, c.organization_id, c.name_norm, c.search_text, "
        f"c.deleted_at, c.merged_into_id FROM client AS c WHERE TRUE{q.likes()}) "
        f"SELECT c.id FROM m AS c WHERE c.organization_id = :org AND {LIVE}"
        f"{q.word_prefixes()} ORDER BY {q.order} LIMIT :limit OFFSET :offset"
    )


async def _postgresql(session: AsyncSession, q: _Sql, limit: int, offset: int) -> list[int]:
    """One statement; of its three routes only the chosen one runs."""
    if not q.long:
        return await _walk(session, q, limit, offset)
    q.params.update(limit=limit, offset=offset, need=offset + limit, window=WINDOW)
    q.params.update(pages=SAMPLE_PAGES, posting=POSTING_COST, candidate=CANDIDATE_COST)
    sql = (
        f"WITH {_pg_window(q)}, {_pg_sample(q)} SELECT CASE "
        "WHEN (SELECT count(*) FROM w) < :window OR (SELECT count(*) FROM wm) >= :need "
        f"THEN ARRAY(SELECT c.id FROM wm AS c ORDER BY {q.order} OFFSET :offset) "
        f"WHEN {PG_CHOOSE_INDEX} THEN ARRAY({_pg_index(q)}) "
        f"ELSE ARRAY({_walk_sql(q)}) END"
    )
    found = (await session.execute(text(sql), q.params)).scalar_one()
    return [int(i) for i in found]


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
            f"ON c.id = (client_fts.rowid & :mask) WHERE {q.fts()} AND {LIVE}{q.word_prefixes()}"
        )
    return int((await session.execute(text(sql), q.params)).scalar_one())


def _dialect(session: AsyncSession) -> str:
    bind = session.get_bind()
    return bind.dialect.name

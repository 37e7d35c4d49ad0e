"""Client search over `client.search_text`, in name order, fast at a million clients.

Every term must occur in the document (AND). Terms of three or more characters are
substrings; shorter ones must start a word of the document. Both kinds are answered by a
trigram index (migration 0010 makes word starts trigrams on SQLite; pg_trgm pads words
itself). Results come by `name_norm`, then id.

SQLite: the FTS5 table `client_fts` numbers each document (organization, first two characters
of the name as a 12-bit bucket, client id), so one organization is a rowid range and its
matches stream out of the index in bucket order. Reading them in growing chunks until a later
bucket is reached settles the first page by name after a few dozen matches, however common
the term, without ever collecting all matches. Its documents are padded: two spaces before
every word, so `"  и"` and `" ив"` are word starts (`Sql.grams`).

PostgreSQL: storage/search_postgres.py. All user input is bound as parameters.
"""

# SQL text here is assembled from constant fragments and parameter names only; every value a
# person typed travels as a bound parameter (tests/integration/test_client_search.py).
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from core.search import SearchQuery
from storage import search_postgres
from storage.search_sql import LIVE, Sql, like_pattern

__all__ = ["count_clients", "fts_match", "like_pattern", "search_client_ids"]

STREAM_FIRST = 64
STREAM_BUDGET = 4096
STREAM_CHUNK = 2048
ORG_SHIFT, BUCKET_SHIFT = 44, 32
ID_MASK = (1 << BUCKET_SHIFT) - 1
MAX_SQLITE_ORG = 1 << (63 - ORG_SHIFT)


def fts_match(grams: list[str]) -> str:
    """An FTS5 query requiring every trigram, `"ива" AND "  б"` (quotes doubled).

    Trigrams, not phrases: FTS5 skips through the rarest one, while a phrase reads position
    lists along the first (a 7-digit phone took milliseconds). The rows are checked exactly.
    """
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


def _fts(q: Sql, after: int | None = None) -> str:
    """FTS5 MATCH over this organization's rowid range, or the part of it past `after`."""
    q.params["match"] = fts_match(q.grams())
    q.params["after"] = (q.org_id << ORG_SHIFT) - 1 if after is None else after
    q.params["hi"], q.params["mask"] = (q.org_id + 1) << ORG_SHIFT, ID_MASK
    return "client_fts MATCH :match AND client_fts.rowid > :after AND client_fts.rowid < :hi"


async def _walk(session: AsyncSession, q: Sql, limit: int, offset: int) -> list[int]:
    q.params["limit"], q.params["offset"] = limit, offset
    return [int(i) for i in (await session.execute(text(q.walk()), q.params)).scalars()]


def _joined(q: Sql, source: str) -> str:
    """Index matches from `source` with their client: (rowid, name_norm, id, wanted)."""
    return (
        f"SELECT f.rowid, c.name_norm, c.id, ({LIVE}{q.substrings()}) FROM ({source}) AS f "
        "CROSS JOIN client AS c ON c.id = (f.rowid & :mask)"
    )


async def _chunk(session: AsyncSession, q: Sql, after: int, k: int) -> list[Any]:
    """The next `k` index matches after rowid `after`, with their clients."""
    q.params["k"] = k
    source = f"SELECT rowid FROM client_fts WHERE {_fts(q, after)} ORDER BY rowid LIMIT :k"
    return sorted((await session.execute(text(_joined(q, source)), q.params)).all())


async def _upto(session: AsyncSession, q: Sql, after: int, upto: int) -> list[Any]:
    """The index matches in (after, upto], with their clients."""
    q.params["upto"] = upto
    source = f"SELECT rowid FROM client_fts WHERE {_fts(q, after)} AND rowid <= :upto"
    return sorted((await session.execute(text(_joined(q, source)), q.params)).all())


async def _buckets(session: AsyncSession, q: Sql, after: int) -> list[Any]:
    """The next `STREAM_CHUNK` index matches after `after` by name bucket, rowids only (cheap;
    joining a match to its client is what costs): (bucket, matches, last rowid)."""
    q.params["k"] = STREAM_CHUNK
    sql = (
        f"SELECT f.rowid >> {BUCKET_SHIFT} AS b, count(*), max(f.rowid) FROM (SELECT rowid "
        f"FROM client_fts WHERE {_fts(q, after)} ORDER BY rowid LIMIT :k) AS f "
        "GROUP BY b ORDER BY b"
    )
    return list((await session.execute(text(sql), q.params)).all())


def _first(rows: list[Any], need: int) -> list[int]:
    wanted = sorted((r[1], r[2]) for r in rows if r[3])
    return [int(i) for _, i in wanted[:need]]


def _settled(rows: list[Any], need: int) -> list[int] | None:
    """The first `need` by name if the buckets before the last one hold them: a bucket is
    complete once a later one has been reached."""
    edge = rows[-1][0] >> BUCKET_SHIFT
    done = [r for r in rows if r[0] >> BUCKET_SHIFT < edge]
    return found if len(found := _first(done, need)) >= need else None


async def _stream(session: AsyncSession, q: Sql, need: int) -> list[int] | None:
    """Matches in (name bucket, id) order until the first `need` by name are settled.

    A first chunk usually settles it (matches spread over the buckets). Else the matches
    after it are counted by bucket, and only whole buckets enough to fill the page are
    joined. None past `STREAM_BUDGET` joined matches: the walk is cheaper then.
    """
    rows = await _chunk(session, q, (q.org_id << ORG_SHIFT) - 1, STREAM_FIRST)
    if len(rows) > STREAM_BUDGET:
        return None
    if len(rows) < STREAM_FIRST or (found := _settled(rows, need)) is not None:
        return _first(rows, need) if len(rows) < STREAM_FIRST else found
    while len(rows) <= STREAM_BUDGET:
        groups = await _buckets(session, q, rows[-1][0])
        if not groups:
            return _first(rows, need)
        full = sum(g[1] for g in groups) == STREAM_CHUNK
        closed = groups[:-1] if full else groups  # the last of a full chunk may go on
        missing = need - len(_first(rows, need))
        upto = _enough(closed, missing) if closed else int(groups[-1][2])
        rows += await _upto(session, q, rows[-1][0], upto)
        found = _first(rows, need)
        if closed and (len(found) >= need or (not full and upto == groups[-1][2])):
            return found
    return None


def _enough(closed: list[Any], missing: int) -> int:
    """The last rowid of the first complete buckets holding `missing` matches (or all)."""
    total = 0
    for _, matches, last in closed:
        total += matches
        if total >= missing:
            return int(last)
    return int(closed[-1][2])


async def _sqlite(session: AsyncSession, q: Sql, limit: int, offset: int) -> list[int]:
    if q.org_id < MAX_SQLITE_ORG:
        found = await _stream(session, q, offset + limit)
        if found is not None:
            return found[offset:]
    return await _walk(session, q, limit, offset)


async def search_client_ids(
    session: AsyncSession, org_id: int, query: SearchQuery, limit: int = 20, offset: int = 0
) -> list[int]:
    """Ids of the organization's live clients matching every term, by name then id."""
    if query.empty or limit <= 0:
        return []
    q = Sql(_dialect(session), org_id, query)
    if q.dialect == "postgresql":
        return await search_postgres.search(session, q, limit, max(offset, 0))
    return await _sqlite(session, q, limit, max(offset, 0))


async def count_clients(session: AsyncSession, org_id: int, query: SearchQuery) -> int:
    """How many live clients match; costs in proportion to the matches (not cheap for 'а')."""
    if query.empty:
        return 0
    q = Sql(_dialect(session), org_id, query)
    if q.dialect == "sqlite":
        sql = (
            "SELECT count(*) FROM client_fts CROSS JOIN client AS c "
            f"ON c.id = (client_fts.rowid & :mask) WHERE {_fts(q)} AND {LIVE}{q.substrings()}"
        )
    else:
        sql = search_postgres.count_sql(q)
    return int((await session.execute(text(sql), q.params)).scalar_one())


def _dialect(session: AsyncSession) -> str:
    bind = session.get_bind()
    return bind.dialect.name

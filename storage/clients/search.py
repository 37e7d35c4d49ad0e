"""Client search over `client.search_text`, in name order, fast at a million clients.

Every term must occur in the document (AND). Terms of three or more characters are
substrings; shorter ones must start a word of the document. Both kinds are answered by a
trigram index over documents padded with two spaces before every word, so word starts are
trigrams too (migration 0010 on SQLite, 0013 on PostgreSQL). Results come by `name_norm`,
then id.

SQLite: the FTS5 table `client_fts` numbers each document (organization, first two characters
of the name as a 12-bit bucket, client id), so one organization is a rowid range and its
matches stream out of the index in bucket order. Reading them in growing chunks until a later
bucket is reached settles the first page by name after a few dozen matches, however common
the term, without ever collecting all matches. Its documents are padded: two spaces before
every word, so `"  и"` and `" ив"` are word starts (`Sql.grams`).

PostgreSQL: storage/clients/search_postgres.py (the organization's parts of the name order,
one after another, until the page is full). All user input is bound as parameters.
"""

# SQL text here is assembled from constant fragments and parameter names only; every value a
# person typed travels as a bound parameter (tests/integration/test_client_search.py).
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from core.clients.search import SearchQuery
from storage.clients import search_postgres
from storage.clients.search_sql import LIVE, Sql, like_pattern

__all__ = ["count_clients", "fts_match", "like_pattern", "search_client_ids"]

STREAM_FIRST = 64
STREAM_BUDGET = 4096
STREAM_PAGES = 3  # the first chunk: this many pages' worth of matches, at least
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


async def _walk(
    session: AsyncSession, q: Sql, limit: int, offset: int, start: str = "TRUE"
) -> list[tuple[int, str]]:
    """(id, name_norm) of the organization's matches in name order, from `start` on."""
    q.params["limit"], q.params["offset"] = limit, offset
    sql = q.walk().replace("SELECT c.id FROM", "SELECT c.id, c.name_norm FROM", 1)
    sql = sql.replace(" WHERE ", f" WHERE {start} AND ", 1)
    return [(int(i), str(n)) for i, n in (await session.execute(text(sql), q.params)).all()]


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


def _first(rows: list[Any], need: int) -> list[int]:
    wanted = sorted((r[1], r[2]) for r in rows if r[3])
    return [int(i) for _, i in wanted[:need]]


def _class_floor(cls: int) -> str:
    """The smallest character of a name class (migration 0002 `_char_class`)."""
    if cls <= 0:
        return ""
    floors = {1: 48, 2: 58, 29: 123, 62: 1104}
    return chr(floors.get(cls, cls + 94 if cls < 29 else cls + 1042))


def bucket_floor(bucket: int) -> str:
    """A name no greater than any name of `bucket` or a later one.

    Class 0 holds the empty string too, but a name with a second character has a first one:
    the smallest is NUL ('"Ромашка"' is in bucket (0, р), above "\\0р", below "р").
    """
    first, second = divmod(bucket & 0xFFF, 64)  # the rowid above the bucket is the org
    if not second:
        return _class_floor(first)
    return (_class_floor(first) or "\0") + _class_floor(second)


async def _stream(session: AsyncSession, q: Sql, need: int) -> list[int] | None:
    """The first `need` matches by name from the index, read in (name bucket, id) order.

    The first chunk usually settles the page: a bucket is complete once a later bucket has
    been reached. If not, the first incomplete bucket holds many matches (a common term):
    walk the name index from that bucket's smallest possible name instead, and merge.
    None past `STREAM_BUDGET` matches in the chunk: the walk of all is cheaper then.
    """
    k = max(STREAM_FIRST, STREAM_PAGES * need)
    rows = await _chunk(session, q, (q.org_id << ORG_SHIFT) - 1, k)
    if len(rows) > STREAM_BUDGET:
        return None
    if len(rows) < k:
        return _first(rows, need)
    edge = rows[-1][0] >> BUCKET_SHIFT
    settled = [r for r in rows if r[0] >> BUCKET_SHIFT < edge]
    if len(found := _first(settled, need)) >= need:
        return found
    q.params["floor"] = bucket_floor(edge)
    walked = await _walk(session, q, need, 0, "c.name_norm >= :floor")
    names = {r[2]: r[1] for r in rows} | dict(walked)
    merged = sorted({(names[i], i) for i in [*found, *(i for i, _ in walked)]})
    return [i for _, i in merged[:need]]


async def _sqlite(session: AsyncSession, q: Sql, limit: int, offset: int) -> list[int]:
    if q.org_id < MAX_SQLITE_ORG:
        found = await _stream(session, q, offset + limit)
        if found is not None:
            return found[offset:]
    return [i for i, _ in await _walk(session, q, limit, offset)]


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

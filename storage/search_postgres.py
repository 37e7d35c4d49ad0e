"""Client search on PostgreSQL: one statement, of whose three routes only the chosen one runs.

The GIN index `ix_client_search_trgm` (migration 0010) holds, for each client, the trigrams of
its padded document (`pad`: two spaces before every word) hashed together with its
organization: `client_search_keys(organization_id, search_text)`. A query asks for the keys of
its own trigrams (`client_search_query_keys`), so the posting lists read and the candidates
fetched are the organization's only, and a short term is a word start ("  и", " ив") like any
other trigram. The index cannot give matches in name order, so for a common term it would
collect and sort all of them. Hence: the first `WINDOW` live clients of the organization by
name, read from the covering index `ix_client_org_live_name` (index-only), settle small
organizations and common terms; else a fixed sample of the table weighs fetching the
organization's candidates against the rows a walk in name order would read to fill the page.
"""

# ruff: noqa: S608

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.search_sql import LIVE, Sql

WINDOW = 500
SAMPLE_PAGES = 24
CANDIDATE_COST = 10.0
MAX_ORG = 1 << 31  # keys are (organization << 32) | hash
KEYS = "client_search_keys(c.organization_id, c.search_text)"


def _window(q: Sql) -> str:
    """The organization's first `WINDOW` live clients by name, and the matches among them."""
    return (
        f"w AS MATERIALIZED (SELECT c.id, c.name_norm, (TRUE{q.substrings()}) AS hit "
        f"FROM client AS c WHERE c.organization_id = :org AND {LIVE} ORDER BY {q.order} "
        f"LIMIT :window), wm AS MATERIALIZED (SELECT c.id, c.name_norm FROM w AS c "
        f"WHERE c.hit ORDER BY {q.order} LIMIT :need)"
    )


def _sample(q: Sql) -> str:
    """Counts in a fixed sample of about `SAMPLE_PAGES` pages: rows, rows matching the query,
    rows of the organization. REPEATABLE keeps the pages the same, so they stay cached.
    """
    pct = (
        "(SELECT least(100.0, 100.0 * :pages / greatest(1, pg_relation_size('client') "
        "/ current_setting('block_size')::int)))"
    )
    return (
        f"s AS (SELECT count(*) AS n, count(*) FILTER (WHERE TRUE{q.substrings()}) AS hits, "
        f"count(*) FILTER (WHERE c.organization_id = :org) AS org, {pct} AS pct "
        f"FROM client AS c TABLESAMPLE SYSTEM ({pct}) REPEATABLE (7))"
    )


# The index when fetching the organization's candidates (its size times the density of
# matches) costs less than the rows a walk reads to fill the page (need / density). Costs are
# in walked rows; a candidate (a heap fetch) costs `CANDIDATE_COST`.
CHOOSE_INDEX = (
    "(SELECT s.hits * 1.0 / greatest(s.n, 1) * s.org * 100.0 / s.pct * :candidate "
    "<= :need * s.n / greatest(s.hits, 1) FROM s)"
)


def keys_match(q: Sql) -> str:
    """The index condition: every trigram of the query among the client's keys."""
    q.params["grams"] = q.grams()
    return f"{KEYS} @> client_search_query_keys(:org, CAST(:grams AS text[]))"


def _index(q: Sql) -> str:
    """The organization's candidates from the index alone, then the matches by name.

    The fence keeps the planner from walking the name index (ORDER BY ... LIMIT) instead.
    """
    return (
        "WITH m AS MATERIALIZED (SELECT c.id, c.organization_id, c.name_norm, c.search_text, "
        f"c.deleted_at, c.merged_into_id FROM client AS c WHERE {keys_match(q)}) "
        f"SELECT c.id FROM m AS c WHERE c.organization_id = :org AND {LIVE}{q.substrings()} "
        f"ORDER BY {q.order} LIMIT :limit OFFSET :offset"
    )


async def search(session: AsyncSession, q: Sql, limit: int, offset: int) -> list[int]:
    """One statement: the window settles it, or the index, or the walk."""
    q.params.update(limit=limit, offset=offset, need=offset + limit, window=WINDOW)
    q.params.update(pages=SAMPLE_PAGES, candidate=CANDIDATE_COST)
    index = f"ARRAY({_index(q)})" if q.org_id < MAX_ORG else "NULL"
    sql = (
        f"WITH {_window(q)}, {_sample(q)} SELECT CASE "
        "WHEN (SELECT count(*) FROM w) < :window OR (SELECT count(*) FROM wm) >= :need "
        f"THEN ARRAY(SELECT c.id FROM wm AS c ORDER BY {q.order} OFFSET :offset) "
        f"WHEN {CHOOSE_INDEX} AND :org < {MAX_ORG} THEN {index} "
        f"ELSE ARRAY({q.walk()}) END"
    )
    found = (await session.execute(text(sql), q.params)).scalar_one()
    return [int(i) for i in found]


def count_sql(q: Sql) -> str:
    """Counting the organization's matches through the index."""
    if q.org_id >= MAX_ORG:
        return f"SELECT count(*) FROM client AS c WHERE c.organization_id = :org AND {LIVE}" + (
            q.substrings()
        )
    return (
        f"SELECT count(*) FROM client AS c WHERE {keys_match(q)} "
        f"AND c.organization_id = :org AND {LIVE}{q.substrings()}"
    )

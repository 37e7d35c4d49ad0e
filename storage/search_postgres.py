"""Client search on PostgreSQL: per part of the name order, one statement choosing a route.

The GIN index `ix_client_search_trgm` (migration 0010) holds, for each client, the trigrams of
its padded document (`pad`: two spaces before every word), each hashed together with its
organization and its part of the name order: `client_search_keys(organization_id,
name_norm, search_text)`. A query asks for the keys of its own trigrams
(`client_search_query_keys`), so the posting lists read and the candidates fetched are the
organization's and the part's only, and a short term is a word start ("  и", " ив") like any
other trigram.

The parts: names before Cyrillic "а" (digits, Latin) and from it on. A Cyrillic term rarely
occurs in the first part, so its index probe is nearly free, and a walk in name order for a
common Cyrillic term starts at "а" instead of reading past every Latin name first. One
statement answers the second part and probes the first; only when that probe comes back
full (a Latin term) does a second statement answer the first part.

Within a part, the index cannot give matches in name order, so for a common term it would
collect and sort all of them. Hence: the part's first `WINDOW` live clients by name, read
from the covering index `ix_client_org_live_name` (index-only), settle common terms; else a
fixed sample of the table weighs fetching the part's candidates (its size times the density
of matches) against the rows a walk in name order would read to fill the page.
"""

# ruff: noqa: S608

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.search_sql import LIVE, Sql

WINDOW = 1000
PROBE = 300
SAMPLE_PAGES = 24
CANDIDATE_COST = 10.0
MAX_ORG = 1 << 31  # keys are organization << 32 | part << 31 | hash
CUT = "а"  # Cyrillic a: the second part starts here (the keys' function has it too)
PARTS = ('c.name_norm COLLATE "C" < :cut', 'c.name_norm COLLATE "C" >= :cut')
KEYS = "client_search_keys(c.organization_id, c.name_norm, c.search_text)"


def _window(q: Sql, part: str) -> str:
    """The matches among the part's first `WINDOW` live clients by name (read no further than
    the page needs), and whether the part holds fewer than `WINDOW` clients (then that's all)."""
    live = f"c.organization_id = :org AND {LIVE} AND {part}"
    return (
        f"wm AS MATERIALIZED (SELECT c.id, c.name_norm FROM (SELECT c.id, c.name_norm, "
        f"(TRUE{q.substrings()}) AS hit FROM client AS c WHERE {live} ORDER BY {q.order} "
        f"LIMIT :window) AS c WHERE c.hit LIMIT :need), "
        f"small AS (SELECT count(*) < :window AS yes FROM (SELECT 1 FROM client AS c "
        f"WHERE {live} LIMIT :window) AS c)"
    )


def _sample(q: Sql, part: str) -> str:
    """Counts in a fixed sample of about `SAMPLE_PAGES` pages: the part's rows, those matching
    the query, those of the organization. REPEATABLE keeps the pages the same (cached).
    """
    pct = (
        "(SELECT least(100.0, 100.0 * :pages / greatest(1, pg_relation_size('client') "
        "/ current_setting('block_size')::int)))"
    )
    return (
        f"s AS (SELECT count(*) AS n, count(*) FILTER (WHERE TRUE{q.substrings()}) AS hits, "
        f"count(*) FILTER (WHERE c.organization_id = :org) AS org, {pct} AS pct "
        f"FROM client AS c TABLESAMPLE SYSTEM ({pct}) REPEATABLE (7) WHERE {part})"
    )


# The index when fetching the part's candidates (its size times the density of matches)
# costs less than the rows a walk reads to fill the page (need / density). Costs are in
# walked rows; a candidate (a heap fetch) costs `CANDIDATE_COST`.
CHOOSE_INDEX = (
    "(SELECT s.hits * 1.0 / greatest(s.n, 1) * s.org * 100.0 / s.pct * :candidate "
    "<= :need * s.n / greatest(s.hits, 1) FROM s)"
)


def keys_match(q: Sql, part: str = ":part") -> str:
    """The index condition: every trigram of the query among the client's keys."""
    q.params["grams"] = q.grams()
    return f"{KEYS} @> client_search_query_keys(:org, {part}, CAST(:grams AS text[]))"


def _index(q: Sql, part: str) -> str:
    """The part's candidates from the index alone, then the matches by name.

    The fence keeps the planner from walking the name index (ORDER BY ... LIMIT) instead.
    """
    return (
        "WITH m AS MATERIALIZED (SELECT c.id, c.organization_id, c.name_norm, c.search_text, "
        f"c.deleted_at, c.merged_into_id FROM client AS c WHERE {keys_match(q)}) "
        f"SELECT c.id FROM m AS c WHERE c.organization_id = :org AND {LIVE} AND {part}"
        f"{q.substrings()} ORDER BY {q.order} LIMIT :need"
    )


def _walk(q: Sql, part: str) -> str:
    return (
        f"SELECT c.id FROM client AS c WHERE c.organization_id = :org AND {LIVE} AND {part}"
        f"{q.substrings()} ORDER BY {q.order} LIMIT :need"
    )


def _probe(q: Sql, part: str, name: str = "p", number: str = ":part") -> str:
    """Up to `PROBE` candidates from the index: fewer, and they are all (rare terms, and
    Cyrillic terms in the first part), so no window, sample or walk is needed."""
    return (
        f"{name} AS MATERIALIZED (SELECT c.id, c.name_norm, (c.organization_id = :org AND "
        f"{LIVE} AND {part}{q.substrings()}) AS hit FROM client AS c "
        f"WHERE {keys_match(q, number)} LIMIT :probe)"
    )


def _statement(q: Sql, part: str, probe: bool = True) -> str:
    """One part: the window or the probe settles it, or the index, or the walk; only the
    chosen one runs. Without `probe` when it is known to come back full."""
    probed = (
        "WHEN (SELECT count(*) FROM p) < :probe "
        f"THEN ARRAY(SELECT c.id FROM p AS c WHERE c.hit ORDER BY {q.order} LIMIT :need) "
    )
    return (
        f"WITH {_window(q, part)}, {_probe(q, part)}, {_sample(q, part)} SELECT CASE "
        "WHEN (SELECT count(*) FROM wm) >= :need OR (SELECT yes FROM small) "
        f"THEN ARRAY(SELECT c.id FROM wm AS c ORDER BY {q.order}) {probed if probe else ''}"
        f"WHEN {CHOOSE_INDEX} THEN ARRAY({_index(q, part)}) "
        f"ELSE ARRAY({_walk(q, part)}) END"
    )


def _constants(sql: str, need: int, part: int) -> str:
    """Our own constants written into the statement rather than bound, so the planner sees
    them even in a prepared statement's generic plan (which PostgreSQL may then prefer to
    planning each search anew). Only what a person typed stays a parameter."""
    values: dict[str, object] = {
        "window": WINDOW,
        "probe": PROBE,
        "pages": SAMPLE_PAGES,
        "need": need,
    }
    values |= {"candidate": float(CANDIDATE_COST), "part": part, "cut": f"'{CUT}'"}
    names = r":(window|probe|pages|need|candidate|part|cut)\b"
    return re.sub(names, lambda m: str(values[m[1]]), sql)


def _second_and_probe(q: Sql) -> str:
    """The second part, and the first one's probe: when that is complete (no Latin name
    matches much), one statement answers. Else also the first part's complete statement."""
    first = _probe(q, PARTS[0], "p0", "0")
    body = _statement(q, PARTS[1]).removeprefix("WITH ")
    head = (
        " SELECT (SELECT count(*) < :probe FROM p0), ARRAY(SELECT c.id FROM p0 AS c "
        f"WHERE c.hit ORDER BY {q.order} LIMIT :need), CASE "
    )
    return f"WITH {first}, " + body.replace(" SELECT CASE ", head, 1)


GENERIC_PLANS = "SET LOCAL plan_cache_mode = force_generic_plan"


async def _ids(session: AsyncSession, sql: str, need: int, part: int, q: Sql) -> Any:
    return (await session.execute(text(_constants(sql, need, part)), q.params)).one()


async def search(session: AsyncSession, q: Sql, limit: int, offset: int) -> list[int]:
    """The second part with the first one's probe; the first part fully only if needed."""
    need = offset + limit
    await session.execute(text(GENERIC_PLANS))  # re-planning each search cost ~1 ms
    if q.org_id >= MAX_ORG:  # beyond the keys: walk
        walk = f"SELECT ARRAY({_walk(q, PARTS[0])}), ARRAY({_walk(q, PARTS[1])})"
        first, second = await _ids(session, walk, need, 0, q)
    else:
        complete, first, second = await _ids(session, _second_and_probe(q), need, 1, q)
        if not complete:
            sql = _statement(q, PARTS[0], probe=False)
            (first,) = await _ids(session, sql, need, 0, q)
    return [int(i) for i in [*first, *second][offset:need]]


def count_sql(q: Sql) -> str:
    """Counting the organization's matches through the index (both parts)."""
    where = f"c.organization_id = :org AND {LIVE}{q.substrings()}"
    if q.org_id >= MAX_ORG:
        return f"SELECT count(*) FROM client AS c WHERE {where}"
    either = f"({keys_match(q, '0')} OR {keys_match(q, '1')})"
    return f"SELECT count(*) FROM client AS c WHERE {either} AND {where}"

"""Client search on PostgreSQL: the organization's name order part by part, until the page is full.

The GIN index `ix_client_search_trgm` (migration 0013) keys each trigram of a client's padded
document (`pad`: two spaces before every word, so "  и" and " ив" are word starts) with its
organization and its part of the name order, by the first character of `name_norm`
(`client_search_part`: а-б, в-г, ... in Cyrillic, eight code points to a part below it).
Trigrams of digits and spaces (phone numbers) are keyed once for every part.

A page is the first `need` matches by name. The index cannot give matches in name order, and
fetching every candidate of a common term reads hundreds of scattered table pages, so:

- A query with phone trigrams first asks the index for the organization's clients holding
  them, `DIGIT_PROBE` at most. Fewer, and those are all the candidates: checked and sorted.
  Phone fragments and most names-with-a-phone queries end here.
- Otherwise the parts are visited in name order, each found by one step of the covering name
  index `ix_client_org_live_name`. In a part, the index gives the clients holding the query's
  trigrams; fewer than `PART_CAP` and they are the part's candidates (checked, sorted), else the
  part is dense in matches and its names are walked in the covering index (no table reads)
  until the page is full. A query of word starts only reads the part's first `WINDOW` names
  before asking the index. The statement's LIMIT stops at the part that fills the page.
- A phone-only query with more than `DIGIT_PROBE` candidates walks the organization's names:
  phone digits do not follow names, so the matches are spread evenly and the walk is short.

Nothing is ordered after the fact: rows come out part by part (a recursive CTE and laterals,
executed in order), each part's rows in name order, so the statement's LIMIT keeps the first.
Every value a person typed travels as a bound parameter; the numbers written into the SQL
are this module's constants (so a prepared statement's generic plan sees them). docs/search.md
has the measurements and plans.
"""

# ruff: noqa: S608

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from core.clients.search import SearchQuery
from storage.clients.search_sql import LIVE, PG_ORDER, Sql

DIGIT_PROBE = 300
PART_CAP = 64
WINDOW = 32  # names of a part read first when every term is short (a word start)
MAX_ORG = 1 << 31  # keys are organization << 32 | part << 21 | hash
PHONE_CHARS = frozenset("0123456789 ")  # migration 0013: one key for every part
NAME = 'c.name_norm COLLATE "C"'
KEYS = "client_search_part_keys(c.organization_id, c.name_norm, c.search_text)"
ORG_LIVE = f"c.organization_id = :org AND {LIVE}"
GENERIC_PLANS = "SET LOCAL plan_cache_mode = force_generic_plan"


def _bind(q: Sql) -> tuple[bool, bool]:
    """Bind the trigrams the index is asked for (`grams`) and the phone ones among them
    (`phone`, keyed for every part); whether there are name trigrams and phone trigrams.

    A long term gives its first, middle and last trigram only: a part's probe looks up every
    key it is given, and three are about as selective as all (the rows are checked anyway)."""
    grams = []
    for term in q.long:
        own = [term[i : i + 3] for i in range(len(term) - 2)]
        grams += [own[0], own[len(own) // 2], own[-1]]
    grams = list(dict.fromkeys(grams + Sql(q.dialect, q.org_id, SearchQuery(q.short)).grams()))
    phone = [g for g in grams if set(g) <= PHONE_CHARS]
    q.params["grams"], q.params["phone"] = grams, phone
    return len(phone) < len(grams), bool(phone)


def _smallest(extra: str = "") -> str:
    return f"SELECT c.name_norm FROM client AS c WHERE {ORG_LIVE}{extra} ORDER BY {NAME} LIMIT 1"


PARTS = (
    "parts(lo) AS (SELECT ("
    + _smallest()
    + ") UNION ALL SELECT ("
    + _smallest(f" AND {NAME} >= client_search_part_end(client_search_part(parts.lo))")
    + ") FROM parts WHERE parts.lo IS NOT NULL)"
)
# A part's keys: the query's keys for part 0 with the part written into bits 21-31 (phone keys
# have them all set already), computed once rather than by a function call per part.
PART_KEYS = (
    "CROSS JOIN LATERAL (SELECT client_search_part(parts.lo) AS part, "
    "client_search_part_end(client_search_part(parts.lo)) AS hi, ARRAY(SELECT k | "
    "(client_search_part(parts.lo)::bigint << 21) FROM unnest((SELECT "
    "client_search_part_query(:org, 0, CAST(:grams AS text[])))) AS k) AS keys) AS pp"
)


def _part_window(q: Sql, need: int) -> str:
    """The part's first `WINDOW` names (covering index): settled if they are all its names or
    hold the page. One-letter word starts are dense in the part of that letter ("а": every
    name of а-б matches), where the index would hand over thousands of candidates."""
    bounded, last = (
        f"(SELECT c.id, c.name_norm, (TRUE{q.substrings()}) AS hit FROM client AS c WHERE {gate} "
        f"AND {ORG_LIVE} AND {NAME} >= parts.lo ORDER BY {PG_ORDER} LIMIT {WINDOW})"
        for gate in (f"pp.hi IS NOT NULL AND {NAME} < pp.hi", "pp.hi IS NULL")
    )
    return (
        f"CROSS JOIN LATERAL (SELECT count(*) < {WINDOW} OR count(*) FILTER (WHERE w.hit) >= "
        f'{need} AS settled, (array_agg(w.id ORDER BY w.name_norm COLLATE "C", w.id) FILTER '
        f"(WHERE w.hit))[1:{need}] AS ids FROM ({bounded} UNION ALL {last}) AS w) AS lw"
    )


def _part_probe(q: Sql, need: int, gate: str) -> str:
    """The part's candidates from the index (`PART_CAP` at most): dense, or its first matches."""
    return (
        f"CROSS JOIN LATERAL (SELECT count(*) >= {PART_CAP} AS dense, (array_agg(z.id ORDER BY "
        f'z.name_norm COLLATE "C", z.id) FILTER (WHERE z.hit))[1:{need}] AS ids FROM (SELECT '
        f"c.id, c.name_norm, ({ORG_LIVE} AND client_search_part(c.name_norm) = pp.part"
        f"{q.substrings()}) AS hit FROM client AS c WHERE {gate}{KEYS} @> pp.keys "
        f"LIMIT {PART_CAP}) AS z) AS lp"
    )


def _part_walk(q: Sql, need: int, last: bool) -> str:
    """A dense part's matches in name order from the covering index; the last part has no end."""
    gate = "pp.hi IS NULL" if last else f"pp.hi IS NOT NULL AND {NAME} < pp.hi"
    return (
        f"(SELECT c.id FROM client AS c WHERE lp.dense AND {gate} AND {ORG_LIVE} AND "
        f"{NAME} >= parts.lo{q.substrings()} ORDER BY {PG_ORDER} LIMIT {need})"
    )


def parts_sql(q: Sql, need: int) -> str:
    """The first `need` matches, part after part in name order (the recursive CTE `parts`)."""
    window, gate, found = "", "", "CASE WHEN NOT lp.dense THEN lp.ids END"
    if not q.long:  # word starts only
        window, gate = _part_window(q, need), "NOT lw.settled AND "
        found = "CASE WHEN lw.settled THEN lw.ids WHEN NOT lp.dense THEN lp.ids END"
    rows = (
        f"CROSS JOIN LATERAL (SELECT u.id FROM unnest({found}) AS u(id) UNION ALL "
        f"{_part_walk(q, need, False)} UNION ALL {_part_walk(q, need, True)}) AS x"
    )
    probe = _part_probe(q, need, gate)
    return (
        f"SELECT ARRAY(SELECT x.id FROM parts {PART_KEYS} {window} {probe} {rows} "
        f"WHERE parts.lo IS NOT NULL LIMIT {need})"
    )


def walk_sql(q: Sql, need: int) -> str:
    return (
        f"SELECT ARRAY(SELECT c.id FROM client AS c WHERE {ORG_LIVE}{q.substrings()} "
        f"ORDER BY {PG_ORDER} LIMIT {need})"
    )


def search_sql(q: Sql, need: int) -> str:
    """One statement: the phone probe if the query has phone trigrams, else or then the parts
    (or, for phone-only queries, the walk)."""
    names, phone = _bind(q)
    if q.org_id >= MAX_ORG:  # beyond the keys
        return walk_sql(q, need)
    if not phone:
        return f"WITH RECURSIVE {PARTS} {parts_sql(q, need)}"
    fallback = parts_sql(q, need) if names else walk_sql(q, need)
    probe = (
        f"d AS MATERIALIZED (SELECT c.id, c.name_norm, ({ORG_LIVE}{q.substrings()}) AS hit "
        f"FROM client AS c WHERE {KEYS} @> client_search_part_query(:org, 0, "
        f"CAST(:phone AS text[])) LIMIT {DIGIT_PROBE})"
    )
    return (
        f"WITH RECURSIVE {PARTS}, {probe} SELECT CASE WHEN (SELECT count(*) FROM d) < "
        f"{DIGIT_PROBE} THEN ARRAY(SELECT c.id FROM d AS c WHERE c.hit ORDER BY {PG_ORDER} "
        f"LIMIT {need}) ELSE ({fallback}) END"
    )


async def search(session: AsyncSession, q: Sql, limit: int, offset: int) -> list[int]:
    need = offset + limit
    await session.execute(text(GENERIC_PLANS))  # re-planning each search costs ~1 ms
    (ids,) = (await session.execute(text(search_sql(q, need)), q.params)).one()
    return [int(i) for i in ids[offset:need]]


def count_sql(q: Sql) -> str:
    """Counting the organization's matches through the index, part by part."""
    names, _ = _bind(q)
    where = f"{ORG_LIVE}{q.substrings()}"
    if q.org_id >= MAX_ORG:
        return f"SELECT count(*) FROM client AS c WHERE {where}"
    if not names:
        keys = "client_search_part_query(:org, 0, CAST(:phone AS text[]))"
        return f"SELECT count(*) FROM client AS c WHERE {KEYS} @> {keys} AND {where}"
    counted = (
        f"CROSS JOIN LATERAL (SELECT count(*) AS n FROM client AS c WHERE {KEYS} @> pp.keys "
        f"AND client_search_part(c.name_norm) = pp.part AND {where}) AS x"
    )
    return (
        f"WITH RECURSIVE {PARTS} SELECT coalesce(sum(x.n), 0) FROM parts {PART_KEYS} "
        f"{counted} WHERE parts.lo IS NOT NULL"
    )

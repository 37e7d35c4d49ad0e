"""Client search on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm), through every route."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import delete, event, insert, text, update

from bench.data import clients
from bench.db import client_row as _row
from bench.search import make_queries
from core.clients.search import SearchQuery, parse_query, search_document
from core.text import search_key
from storage import migrate
from storage.clients import search, search_postgres
from storage.clients.search import count_clients, search_client_ids
from storage.db import create_engine, session_factory
from storage.tables import ClientRow, OrganizationRow

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PEOPLE = [
    ("Иванов Пётр Сергеевич", ["+79161234567"]),
    ("Иванов Сергей", ["+79035550011"]),
    ("Анна Ивлева", ["+79260001122", "+74951112233"]),
    ("Сивков Денис", ["+79998887766"]),
    ("John Smith", ["+79161112233"]),
    ("Петр Ёлкин", ["+79005554433"]),
]
# Settings forcing each way through search_client_ids. PostgreSQL: "walk" walks every part (and
# phone queries the organization), "index" takes every part's candidates from the index,
# "index-in-small-chunks" mixes both (a part is dense from two candidates on, and word-start
# queries read each part's first two names first).
ROUTES = {
    "default": {},
    "walk": {"STREAM_BUDGET": -1, "DIGIT_PROBE": 0, "PART_CAP": 0, "WINDOW": 0},
    "index": {"STREAM_BUDGET": 10**9, "DIGIT_PROBE": 10**9, "PART_CAP": 10**9, "WINDOW": 0},
    "index-in-small-chunks": {
        "STREAM_FIRST": 1,
        "STREAM_PAGES": 0,
        "STREAM_BUDGET": 10**9,
        "DIGIT_PROBE": 2,
        "PART_CAP": 2,
        "WINDOW": 2,
    },
}


@pytest.fixture
async def db(db_url):
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


def force(monkeypatch, route: str) -> None:
    for constant, value in ROUTES[route].items():
        module = search if hasattr(search, constant) else search_postgres
        monkeypatch.setattr(module, constant, value)


@pytest.fixture(params=list(ROUTES))
def route(request, monkeypatch) -> str:
    force(monkeypatch, request.param)
    return str(request.param)


async def add_org(db, org_id: int) -> None:
    row = {
        "id": org_id,
        "name": f"Org {org_id}",
        "timezone": "Europe/Moscow",
        "currency": "RUB",
        "language": "ru",
        "created_at": NOW,
        "updated_at": NOW,
    }
    async with db.begin() as connection:
        await connection.execute(insert(OrganizationRow.__table__), [row])


async def add_client(db, org_id: int, name: str, phones=(), **extra) -> int:
    values = {
        "organization_id": org_id,
        "name": name,
        "name_norm": search_key(name),
        "search_text": search_document(name, phones),
        "created_at": NOW,
        "updated_at": NOW,
        **extra,
    }
    async with db.begin() as connection:
        result = await connection.execute(insert(ClientRow.__table__).values(**values))
    return int(result.inserted_primary_key[0])


async def filler(db, org_id: int, count: int) -> None:
    """Many unremarkable clients, so planners see a table worth indexing."""
    rows = [
        {
            "organization_id": org_id,
            "name": f"Заполнитель {i}",
            "name_norm": f"заполнитель {i}",
            "search_text": search_document(f"Заполнитель {i}", [f"+7900{i:07d}"]),
            "created_at": NOW,
            "updated_at": NOW,
        }
        for i in range(count)
    ]
    async with db.begin() as connection:
        await connection.execute(insert(ClientRow.__table__), rows)
        await connection.execute(text("ANALYZE"))


async def people(db, org_id: int = 1) -> dict[str, int]:
    await add_org(db, org_id)
    return {name: await add_client(db, org_id, name, phones) for name, phones in PEOPLE}


async def ids(db, org_id: int, query: str | SearchQuery, limit=20, offset=0) -> list[int]:
    parsed = parse_query(query) if isinstance(query, str) else query
    async with session_factory(db)() as session:
        return await search_client_ids(session, org_id, parsed, limit, offset)


async def names(db, org_id: int, query: str | SearchQuery) -> set[str]:
    found = await ids(db, org_id, query)
    async with db.connect() as connection:
        rows = await connection.execute(
            text("SELECT id, name FROM client"),
        )
        by_id = dict(rows.all())
    return {by_id[i] for i in found}


async def test_case_insensitive_cyrillic_and_latin(db, route):
    await people(db)
    assert await names(db, 1, "ИВАНОВ") == {"Иванов Пётр Сергеевич", "Иванов Сергей"}
    assert await names(db, 1, "иВаНоВ пЁтР") == {"Иванов Пётр Сергеевич"}
    assert await names(db, 1, "SMITH") == {"John Smith"}
    assert await names(db, 1, "mit") == {"John Smith"}


async def test_yo_and_ye_are_the_same(db, route):
    await people(db)
    assert await names(db, 1, "петр") == {"Иванов Пётр Сергеевич", "Петр Ёлкин"}
    assert await names(db, 1, "Пётр") == {"Иванов Пётр Сергеевич", "Петр Ёлкин"}
    assert await names(db, 1, "елкин") == {"Петр Ёлкин"}


@pytest.mark.parametrize(
    "typed",
    ["916 123", "8916", "+7 916 123", "4567", "1234567", "8 (916) 123-45-67", "79161234567"],
)
async def test_phone_fragments(db, route, typed):
    await people(db)
    assert "Иванов Пётр Сергеевич" in await names(db, 1, typed)
    assert "Сивков Денис" not in await names(db, 1, typed)


async def test_landline_and_second_phone(db, route):
    await people(db)
    assert await names(db, 1, "495 111") == {"Анна Ивлева"}
    assert await names(db, 1, "0001122") == {"Анна Ивлева"}


async def test_every_term_must_match_across_name_and_phone(db, route):
    await people(db)
    assert await names(db, 1, "иванов 4567") == {"Иванов Пётр Сергеевич"}
    assert await names(db, 1, "иванов 0011") == {"Иванов Сергей"}
    assert await names(db, 1, "иванов 7766") == set()
    assert await names(db, 1, "smith 916") == {"John Smith"}


async def test_short_terms_are_word_prefixes(db, route):
    await people(db)
    assert await names(db, 1, "ив") == {
        "Иванов Пётр Сергеевич",
        "Иванов Сергей",
        "Анна Ивлева",
    }
    assert await names(db, 1, "иванов с") == {"Иванов Сергей", "Иванов Пётр Сергеевич"}
    assert await names(db, 1, "иванов п") == {"Иванов Пётр Сергеевич"}
    assert await names(db, 1, "j s") == {"John Smith"}
    assert await names(db, 1, "ё") == {"Петр Ёлкин"}
    assert await names(db, 1, "ов") == set()


async def test_other_organizations_are_invisible(db, route):
    await people(db, 1)
    await add_org(db, 2)
    other = await add_client(db, 2, "Иванов Олег", ["+79161234568"])
    assert other not in await ids(db, 1, "иванов")
    assert await names(db, 2, "иванов") == {"Иванов Олег"}
    assert await names(db, 2, "ив") == {"Иванов Олег"}
    assert await names(db, 2, "1234567") == set()


async def test_deleted_and_merged_clients_are_excluded(db, route):
    kept = await people(db)
    keep = kept["Иванов Сергей"]
    await add_client(db, 1, "Иванов Удалённый", ["+79160000001"], deleted_at=NOW)
    await add_client(db, 1, "Иванов Слитый", ["+79160000002"], merged_into_id=keep)
    assert await names(db, 1, "иванов") == {"Иванов Пётр Сергеевич", "Иванов Сергей"}
    assert await names(db, 1, "ив у") == set()
    assert await names(db, 1, "0000002") == set()


async def test_pages_are_stable_in_name_order(db, route):
    await add_org(db, 1)
    for n in (7, 3, 12, 1, 9, 3, 25, 14, 18, 2, 21, 5, 11, 16, 8, 22, 4, 19, 6, 10, 24):
        await add_client(db, 1, f"Клиент {n:02d}", [f"+7916555{n:04d}"])
    pages = [await ids(db, 1, "клиент", limit=5, offset=o) for o in range(0, 25, 5)]
    everything = await ids(db, 1, "клиент", limit=100)
    assert [i for page in pages for i in page] == everything
    assert len(everything) == 21 and len(set(everything)) == 21
    async with db.connect() as connection:
        rows = (await connection.execute(text("SELECT id, name_norm FROM client"))).all()
    assert everything == [i for i, _ in sorted(rows, key=lambda r: (r[1], r[0]))]
    assert await ids(db, 1, "клиент", limit=5, offset=100) == []
    assert await ids(db, 1, "кл", limit=3, offset=3) == everything[3:6]


@pytest.mark.parametrize(
    "typed",
    ["%", "_", "'", '"', "%%%", "___", "') OR 1=1 --", '" OR ""="', "1=1", "*", "%ов%", "_в"],
)
async def test_sql_looking_input_is_literal(db, route, typed):
    await people(db)
    assert await ids(db, 1, typed) == []
    raw = SearchQuery((search_key(typed),))
    assert await ids(db, 1, raw) == []


async def test_punctuation_in_a_document_is_found_literally(db, route):
    await people(db)
    odd = await add_client(db, 1, 'O\'Brien "Bob" 100%_x')
    for term in ("100%_x", "%_x", "'brien", '"bob"', "o'b"):
        assert await ids(db, 1, SearchQuery((term,))) == [odd], term
    assert await ids(db, 1, SearchQuery(("100_%x",))) == []
    assert await ids(db, 1, SearchQuery(("%",))) == []


async def test_an_edit_is_searchable_at_once(db, route):
    kept = await people(db)
    client_id = kept["Сивков Денис"]
    async with db.begin() as connection:
        await connection.execute(
            update(ClientRow)
            .where(ClientRow.id == client_id)
            .values(
                name="Сивкова Дарья",
                name_norm=search_key("Сивкова Дарья"),
                search_text=search_document("Сивкова Дарья", ["+79031231212"]),
            )
        )
    assert await ids(db, 1, "дарья 1212") == [client_id]
    assert await ids(db, 1, "денис") == []
    assert await ids(db, 1, "7766") == []
    async with db.begin() as connection:
        await connection.execute(delete(ClientRow).where(ClientRow.id == client_id))
    assert await ids(db, 1, "дарья") == []


async def test_count(db):
    await people(db)
    async with session_factory(db)() as session:
        assert await count_clients(session, 1, parse_query("иванов")) == 2
        assert await count_clients(session, 1, parse_query("ив")) == 3
        assert await count_clients(session, 1, parse_query("916 1")) == 2
        assert await count_clients(session, 2, parse_query("иванов")) == 0
        assert await count_clients(session, 1, parse_query("")) == 0


async def test_an_empty_query_finds_nothing(db):
    await people(db)
    assert await ids(db, 1, "") == []
    assert await ids(db, 1, "  ,.;  ") == []
    assert await ids(db, 1, "иванов", limit=0) == []


async def _plans(db, run) -> list[str]:
    """The query plans of every statement `run` sends."""
    sent: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.sync_engine, "before_cursor_execute", record)
    try:
        await run()
    finally:
        event.remove(db.sync_engine, "before_cursor_execute", record)
    explain = "EXPLAIN QUERY PLAN " if db.dialect.name == "sqlite" else "EXPLAIN "
    plans = []
    async with db.connect() as connection:
        if db.dialect.name == "postgresql":
            await connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in sent:
            if statement.startswith("SET "):  # a setting, not a query
                continue
            rows = await connection.exec_driver_sql(explain + statement, parameters)
            plans.append(" ".join(str(r[-1]) for r in rows.all()))
    return plans


async def test_the_index_route_uses_the_trigram_index(db, monkeypatch):
    await people(db)
    await filler(db, 1, 3000)
    force(monkeypatch, "index")
    plans = await _plans(db, lambda: ids(db, 1, "иванов 4567"))
    index = "client_fts" if db.dialect.name == "sqlite" else "ix_client_search_trgm"
    assert any(index in plan for plan in plans), plans


async def test_the_walk_uses_the_covering_name_index(db, monkeypatch):
    await people(db)
    await filler(db, 1, 3000)
    force(monkeypatch, "walk")
    plans = await _plans(db, lambda: ids(db, 1, "иванов"))
    assert "ix_client_org_live_name" in plans[-1], plans
    if db.dialect.name == "sqlite":
        assert "COVERING INDEX" in plans[-1], plans


async def _search_objects(db) -> set[str]:
    if db.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE name LIKE 'client_fts%' OR name LIKE 'ix_%'"
    else:
        sql = "SELECT indexname FROM pg_indexes WHERE tablename = 'client'"
    async with db.connect() as connection:
        return {str(name) for name in (await connection.execute(text(sql))).scalars()}


def _alembic(command_name: str, url: str, revision: str) -> None:
    getattr(command, command_name)(migrate.alembic_config(url), revision)


async def test_the_migration_downgrades_and_upgrades_again(db, db_url):
    kept = await people(db)
    created = {"client_fts", "client_fts_ai", "client_fts_source", "ix_client_org_live_name"}
    if db.dialect.name == "postgresql":
        created = {"ix_client_search_trgm", "ix_client_org_live_name"}
    assert created <= await _search_objects(db)
    try:
        await asyncio.to_thread(_alembic, "downgrade", db_url, "0001")
        assert not created & await _search_objects(db)
    finally:
        await asyncio.to_thread(_alembic, "upgrade", db_url, "head")
    assert created <= await _search_objects(db)
    assert await ids(db, 1, "иванов 4567") == [kept["Иванов Пётр Сергеевич"]]
    assert migrate.check(db_url) is None


def _reference(population, org_id: int, query: SearchQuery) -> list[int]:
    """What the search must return, computed in Python from the same documents."""
    hits = []
    for c in population:
        doc = " " + c.search_text
        if c.organization_id != org_id or c.deleted or c.merged:
            continue
        if all((" " + t if len(t) < 3 else t) in doc for t in query.terms):
            hits.append((c.name_norm, c.id))
    return [i for _, i in sorted(hits)]


async def test_every_route_agrees_with_a_brute_force_reference(db, route):
    population = list(clients(600, seed=3))
    orgs = sorted({c.organization_id for c in population})
    for org_id in orgs:
        await add_org(db, org_id)
    async with db.begin() as connection:
        await connection.execute(insert(ClientRow.__table__), [_row(c) for c in population])
    if db.dialect.name == "postgresql":  # statistics, as autovacuum keeps them: else the
        async with db.connect() as connection:  # planner may compute every row's keys (80 s)
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql("ANALYZE client")
    workload = make_queries(population, 1, 6, random.Random(5))
    typed = [q for queries in workload.values() for q in queries] + ["ова", "ов", "a", "9"]
    for text_ in typed:
        query = parse_query(text_)
        expected = _reference(population, 1, query)
        for offset in (0, 7, 14):
            assert await ids(db, 1, query, 7, offset) == expected[offset : offset + 7], text_
        assert await ids(db, orgs[-1], query) == _reference(population, orgs[-1], query)[:20]

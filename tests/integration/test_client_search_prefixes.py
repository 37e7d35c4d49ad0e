"""Client search: one- and two-letter word starts and mixed queries through the indexes
(migration 0010), against a brute-force reference, on both databases and every route."""

from __future__ import annotations

from sqlalchemy import text

from core.clients.search import SearchQuery, parse_query
from storage.clients.search import count_clients
from storage.db import session_factory
from tests.integration import test_client_search as base
from tests.integration.test_client_search import add_client, add_org, ids

db, route = base.db, base.route  # the fixtures: every database, every route

ROWS = [
    (1, "Щукин Олег", "+79160000001"),
    (1, "Олег Щукин", "+79160000002"),
    (1, "Ёлкина Анна", "+79160000003"),
    (1, "Анна Елкина", "+79160000004"),
    (1, "Иванов Щедрин", "+79160000005"),
    (1, "Ivan Shchukin", "+79160000006"),
    (1, "Сивков Иван", "+74951234567"),
    (1, "Щукина Ольга", "+79160000007"),
    (2, "Щукин Другой", "+79160000008"),
]


async def _load(db) -> dict[int, tuple[int, str]]:
    for org_id in (1, 2):
        await add_org(db, org_id)
    rows = {}
    for org_id, name, phone in ROWS:
        rows[await add_client(db, org_id, name, [phone])] = (org_id, name)
    return rows


async def _reference(db, org_id: int, query: SearchQuery) -> list[int]:
    async with db.connect() as connection:
        result = await connection.execute(
            text("SELECT id, name_norm, search_text FROM client WHERE organization_id = :o"),
            {"o": org_id},
        )
        rows = result.all()
    hits = [
        (name, i)
        for i, name, doc in rows
        if all((" " + t if len(t) < 3 else t) in " " + doc for t in query.terms)
    ]
    return [i for _, i in sorted(hits)]


async def test_one_and_two_letter_word_starts(db, route):
    await _load(db)
    for typed in ("щ", "щу", "о", "ё", "е", "и", "iv", "s", "7", "79", "4", "а о", "щ о"):
        query = parse_query(typed)
        for org_id in (1, 2):
            assert await ids(db, org_id, query) == await _reference(db, org_id, query), typed


async def test_a_start_is_not_the_middle_of_a_word(db, route):
    rows = await _load(db)
    by_name = {name: i for i, (_, name) in rows.items()}
    assert await ids(db, 1, "ва") == []
    assert await ids(db, 1, "ван") == sorted(
        [by_name["Иванов Щедрин"], by_name["Сивков Иван"]],
        key=lambda i: rows[i][1].lower(),
    )
    assert set(await ids(db, 1, "ив")) == {by_name["Иванов Щедрин"], by_name["Сивков Иван"]}
    assert await ids(db, 1, "iv") == [by_name["Ivan Shchukin"]]


async def test_mixed_names_and_phones(db, route):
    await _load(db)
    for typed in ("щукин 0001", "щукин о", "олег щ", "анна 0004", "иван 495", "o s", "щ 916 0007"):
        query = parse_query(typed)
        assert await ids(db, 1, query) == await _reference(db, 1, query), typed
        for offset in (0, 1):
            page = await ids(db, 1, query, limit=1, offset=offset)
            assert page == (await _reference(db, 1, query))[offset : offset + 1], typed


async def test_count_agrees_with_search(db):
    await _load(db)
    typed = ("щ", "щукин", "о щ", "0001", "ё", "iv")
    expected = [len(await _reference(db, 1, parse_query(t))) for t in typed]
    async with session_factory(db)() as session:
        counted = [await count_clients(session, 1, parse_query(t)) for t in typed]
    assert counted == expected

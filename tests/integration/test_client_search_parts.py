"""Client search over names beginning with any character: PostgreSQL visits the organization's
parts of the name order one by one (keys per first letter, migration 0013), so the order, the
part boundaries and a rename into another part are checked against a brute-force reference on
both databases and every route; odd typed input is normalised the same way on both."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import insert, text, update

from core.clients.search import SearchQuery, parse_query, search_document
from core.text import search_key
from storage.tables import ClientRow
from tests.integration import test_client_search as base
from tests.integration.test_client_search import NOW, add_client, add_org, ids

db, route = base.db, base.route  # the fixtures: every database, every route

# First characters on every side of the part boundaries: nothing, control, space, digits,
# ASCII punctuation, Latin, Latin-1, the last and first code point around U+0500 (where the
# last part starts), Cyrillic я / ѐ, Armenian, CJK, an emoji and a plane-16 character.
FIRSTS = [
    "",
    "\x01",
    " ",
    "0",
    "9",
    ":",
    "a",
    "b",
    "z",
    "{",
    "é",
    "ÿ",
    "ā",
    "а",
    "б",
    "е",
    "я",
    "ѐ",
    "ӿ",
    "Ԁ",
    "ա",
    "中",
    "😀",
    "\U0010fffd",
]


def _raw(org_id: int, name_norm: str, document: str) -> dict[str, object]:
    """A row as stored, bypassing normalisation, so any first character can be tried."""
    return {
        "organization_id": org_id,
        "name": name_norm or "?",
        "name_norm": name_norm,
        "search_text": document,
        "created_at": NOW,
        "updated_at": NOW,
    }


async def _odd_firsts(db) -> None:
    await add_org(db, 1)
    rows = []
    for n, first in enumerate(FIRSTS):
        for k, rest in enumerate(("", "общий", "общий второй", "обход")):
            name = f"{first}{rest}"
            rows.append(_raw(1, name, f"{name} 7916{n:03d}{k} 8916{n:03d}{k}".strip()))
    async with db.begin() as connection:
        await connection.execute(insert(ClientRow.__table__), rows)
        await connection.execute(text("ANALYZE client"))


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
    return [i for _, i in sorted(hits)]  # code point order: SQLite BINARY, PostgreSQL "C"


QUERIES = ["общ", "об", "о", "обход", "второй", "7916", "9160", "общ 7916", "о 8916", "в о"]


async def test_names_beginning_with_any_character_come_in_name_order(db, route):
    await _odd_firsts(db)
    raw = [SearchQuery((t,)) for t in ("中", "😀", "ա", "é", "ѐ", "ӿ", "ԁ", "\U0010fffd")]
    for query in [parse_query(t) for t in QUERIES] + raw:
        expected = await _reference(db, 1, query)
        assert await ids(db, 1, query, limit=100) == expected, query
        for offset in (0, 5, 17):
            assert await ids(db, 1, query, 6, offset) == expected[offset : offset + 6], query


async def test_a_rename_into_another_part_moves_the_client(db, route):
    await add_org(db, 1)
    await base.filler(db, 1, 50)
    client_id = await add_client(db, 1, "Анна Белова", ["+79161234567"])
    async with db.begin() as connection:
        await connection.execute(
            update(ClientRow)
            .where(ClientRow.id == client_id)
            .values(
                name="Яна Белова",
                name_norm=search_key("Яна Белова"),
                search_text=search_document("Яна Белова", ["+79161234567"]),
            )
        )
    assert await ids(db, 1, "белова") == [client_id]
    assert await ids(db, 1, "я б") == [client_id]
    assert await ids(db, 1, "ан б") == []
    assert await ids(db, 1, "яна 4567") == [client_id]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("ПЁТР", {"Пётр Ёлкин", "Петр Елкин"}),
        ("пе\u0308тр", {"Пётр Ёлкин", "Петр Елкин"}),  # decomposed ё: NFC, then folded
        ("ЁЛ", {"Пётр Ёлкин", "Петр Елкин"}),
        ("Ё\u200bЛКИН", {"Пётр Ёлкин", "Петр Елкин"}),  # a zero-width space is dropped
        ("ÉLODIE", {"Élodie Straße"}),
        ("strasse", {"Élodie Straße"}),  # casefold: ß is ss
        ("e\u0301lo", {"Élodie Straße"}),
        ("\u00a0élo\u00a0 916", {"Élodie Straße"}),  # no-break spaces split terms
        ("ﬁ", set()),
    ],
)
async def test_odd_typed_input_is_normalised_like_the_documents(db, route, typed, found):
    await add_org(db, 1)
    await base.filler(db, 1, 50)
    by_id = {}
    for name, phone in (
        ("Пётр Ёлкин", "+79160000001"),
        ("Петр Елкин", "+79160000002"),
        ("Élodie Straße", "+79160000003"),
        ("Фёдор", "+79160000004"),
    ):
        by_id[await add_client(db, 1, name, [phone])] = name
    assert {by_id[i] for i in await ids(db, 1, typed)} == found


@pytest.fixture
def postgresql_only(db):
    if db.dialect.name != "postgresql":
        pytest.skip("the part functions exist on PostgreSQL only")


async def test_parts_follow_the_name_order(db, postgresql_only):
    """Every name lies below its part's end and every name of a later part at or above it."""
    names = sorted(
        {f"{c}x" for c in FIRSTS}
        | {chr(cp) for cp in range(1, 0x520) if not 0xD800 <= cp < 0xE000}
        | {"", "\U0010ffff", "\U0010ffff" * 3}
    )
    async with db.connect() as connection:
        result = await connection.execute(
            text(
                "SELECT n, client_search_part(n), client_search_part_end(client_search_part(n)) "
                "FROM unnest(CAST(:names AS text[])) AS n"
            ),
            {"names": names},
        )
        rows = sorted(result.all(), key=lambda r: r[0])
    assert [r[0] for r in rows] == names
    assert [r[1] for r in rows] == sorted(r[1] for r in rows)  # parts never go down
    for name, part, end in rows:
        later = [m for m, p, _ in rows if p > part]
        if end is None:
            assert not later, name
        else:
            assert name < end <= min(later, default=end), name


async def test_the_downgrade_puts_the_keys_of_0010_back(db, db_url, postgresql_only):
    sql = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_client_search_trgm'"

    async def index() -> str:
        async with db.connect() as connection:
            return str((await connection.execute(text(sql))).scalar_one())

    assert "client_search_part_keys(" in await index()
    try:
        await asyncio.to_thread(base._alembic, "downgrade", db_url, "0012")
        assert "client_search_keys(organization_id" in await index()
    finally:
        await asyncio.to_thread(base._alembic, "upgrade", db_url, "head")
    assert "client_search_part_keys(" in await index()

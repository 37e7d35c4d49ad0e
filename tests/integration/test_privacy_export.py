"""Exports on both databases: the ZIP's JSON matches the database row for row, the CSV carries
the same rows, attached files are inside, and a README describes every entity."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.admin.model import Origin
from core.domain import Job, Role
from core.privacy.model import ExportStage
from core.privacy.service import EXPORT_JOB
from storage.db import create_engine
from storage.tables import metadata
from tests.privacy_support import open_world, png, seed_client
from tests.support import onboard, owner_with_org, profile

ROUND_TRIP = {
    "organization": "organization",
    "clients": "client",
    "client_phones": "client_phone",
    "orders": "work_order",
    "order_events": "order_event",
    "files": "attachment",
    "voice_notes": "voice_note",
    "categories": "service_category",
}


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


async def _rows(db_url: str, name: str, org_id: int) -> list[dict]:
    """The table's rows read directly, as JSON would carry them."""
    table = metadata.tables[name]
    column = table.c.id if name == "organization" else table.c.organization_id
    engine = create_engine(db_url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(select(table).where(column == org_id))
            rows = [dict(r._mapping) for r in result]
    finally:
        await engine.dispose()
    for row in rows:
        for key, value in row.items():
            row[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return sorted(rows, key=lambda r: r["id"])


def _csv(archive: zipfile.ZipFile, entity: str, delimiter: str = ";") -> list[dict]:
    text = archive.read(f"{entity}.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _job(owner, org_id) -> Job:
    payload = {"user_id": owner.user.id, "org_id": org_id, "chat_id": 1, "message_id": None}
    return Job(1, EXPORT_JOB, payload, 1)


async def test_the_export_round_trips(w, clock, db_url):
    owner = await owner_with_org(w.services)
    org_id = owner.organization.id
    seeded = await seed_client(w, owner, clock)
    stages = []

    async def progress(step):
        stages.append(step.stage)

    ready = await w.services.privacy.build(_job(owner, org_id), progress)
    assert not ready.too_large and ready.file.name.endswith(".zip")
    assert {ExportStage.TABLES, ExportStage.FILES, ExportStage.PACKING} <= set(stages)
    with zipfile.ZipFile(ready.file.path) as archive:
        for entity, table in ROUND_TRIP.items():
            exported = json.loads(archive.read(f"{entity}.json"))
            assert exported == await _rows(db_url, table, org_id), entity
            lines = _csv(archive, entity)
            assert [r["id"] for r in lines] == [str(r["id"]) for r in exported]
        members = json.loads(archive.read("members.json"))
        assert [(m["first_name"], m["role"]) for m in members] == [("Owner", "owner")]
        consents = json.loads(archive.read("consents.json"))
        assert {c["kind"] for c in consents} == {"age_16", "privacy_policy"}
        photo = next(n for n in archive.namelist() if n.startswith("files/"))
        assert photo.startswith(f"files/order-{seeded.order.id}/")
        assert archive.read(photo) == png(len("Сидорова"))
        readme = archive.read("README.txt").decode("utf-8-sig")
        assert "clients (1 строка)" in readme and "- phone: текст" in readme
        assert "job.json" not in archive.namelist()
    w.services.privacy.discard(ready.file)
    assert not list((w.files_dir / "exports").glob("*.zip"))


async def test_a_personal_export_holds_what_concerns_the_person(w, clock):
    owner = await owner_with_org(w.services)
    await seed_client(w, owner, clock)
    worker = await onboard(w.services, profile("Варвара"))
    await w.services.privacy.set_marketing(worker, True)
    job = _job(worker, None)
    ready = await w.services.privacy.build(job)
    with zipfile.ZipFile(ready.file.path) as archive:
        profile_rows = json.loads(archive.read("profile.json"))
        assert profile_rows[0]["first_name"] == "Варвара"
        consents = json.loads(archive.read("consents.json"))
        assert [c["kind"] for c in consents] == ["age_16", "privacy_policy", "marketing"]
        assert "clients.json" not in archive.namelist()
        assert not [n for n in archive.namelist() if n.startswith("files/")]


async def test_only_owners_export_the_organization(w):
    owner = await owner_with_org(w.services)
    token = (await w.services.invites.create(owner, Role.MANAGER)).token
    person = profile("Менеджер")
    manager = await onboard(w.services, person)
    await w.services.invites.accept(manager, token)
    manager = await w.services.users.identify(person)
    with pytest.raises(Exception) as refused:
        await w.services.privacy.request_export(manager, 1, None, personal=False)
    assert getattr(refused.value, "code", None) == "forbidden"
    await w.services.privacy.request_export(manager, 1, None, personal=True)


async def test_the_csv_opens_in_a_spreadsheet_in_the_owners_language(w, clock):
    owner = await owner_with_org(w.services)  # Russian, Europe/Moscow, RUB
    seeded = await seed_client(w, owner, clock)
    ready = await w.services.privacy.build(_job(owner, owner.organization.id))
    with zipfile.ZipFile(ready.file.path) as archive:
        raw = archive.read("orders.csv")
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark
        [order] = _csv(archive, "orders")
        assert order["price (RUB)"] == "3500,00" and order["paid (RUB)"] == "0,00"
        moscow = clock.now() + timedelta(hours=3)
        assert order["created_at (Europe/Moscow)"] == f"{moscow:%Y-%m-%d %H:%M:%S}"
        assert str(seeded.order.id) == order["id"]
        exported = json.loads(archive.read("orders.json"))
        assert exported[0]["price_minor"] == 350000  # JSON keeps the stored values
        readme = archive.read("README.txt").decode("utf-8-sig")
        assert readme.startswith("Экспорт AstraCRM: данные организации")
        assert "часовом поясе Europe/Moscow" in readme
        assert "- price_minor: деньги, RUB" in readme
        assert "- created_at: дата и время" in readme


async def test_an_english_personal_export_uses_commas_and_utc(w, clock):
    person = await onboard(w.services, profile("Mary", "en"), language="en")
    ready = await w.services.privacy.build(_job(person, None))
    with zipfile.ZipFile(ready.file.path) as archive:
        [me] = _csv(archive, "profile", delimiter=",")
        assert me["first_name"] == "Mary"
        assert me["created_at (UTC)"] == f"{clock.now():%Y-%m-%d %H:%M:%S}"
        readme = archive.read("README.txt").decode("utf-8-sig")
        assert readme.startswith("AstraCRM export: your personal data")
        assert "“,” between cells" in readme and "1 row)" in readme


async def test_a_personal_export_lists_the_persons_web_sessions_without_secrets(w):
    owner = await owner_with_org(w.services)
    link = (await w.services.admin.issue_link(owner)).url.rsplit("/", 1)[1]
    agent = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
    opened = await w.services.admin.sign_in(link, Origin(agent, "203.0.113.5", None))
    ready = await w.services.privacy.build(_job(owner, None))
    with zipfile.ZipFile(ready.file.path) as archive:
        (session,) = json.loads(archive.read("web_sessions.json"))
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert (session["user_agent"], session["ip"]) == (agent, "203.0.113.5")
    assert "token_hash" not in session and "device_hash" not in session
    assert opened.token.encode() not in everything and opened.device.encode() not in everything
